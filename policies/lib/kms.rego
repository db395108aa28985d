# METADATA
# title: Encryption and KMS key helpers
# description: >-
#   Default encryption (GetBucketEncryption) of the bucket and of its destinations, the
#   rules' SSE-KMS selection and replica keys, and the KMS keys of input.kms_keys (by
#   the reference as configured): where a key lives, whether it is usable, and what to
#   suggest in its place. Every helper is undefined or empty when the data is unknown.
package crr.lib.kms

import data.crr.lib.arn
import data.crr.lib.cli
import data.crr.lib.replication as repl

# kms_algorithms are the default-encryption algorithms that encrypt with a KMS key.
kms_algorithms := {"aws:kms", "aws:kms:dsse"}

# bad_states are the KeyStates in which S3 cannot use a key for replication.
bad_states := {"Disabled", "PendingDeletion", "PendingReplicaDeletion", "Unavailable"}

# sse_known is true when b's default encryption was read (it may have no rule).
sse_known(b) if is_object(b.ServerSideEncryptionConfiguration)

# sse_rules are b's default-encryption rules ([] when unknown or none).
sse_rules(b) := rs if {
	rs := b.ServerSideEncryptionConfiguration.Rules
	is_array(rs)
} else := []

# kms_defaults are b's ApplyServerSideEncryptionByDefault blocks that use a KMS key.
kms_defaults(b) := [d |
	some r in sse_rules(b)
	d := r.ApplyServerSideEncryptionByDefault
	is_object(d)
	d.SSEAlgorithm in kms_algorithms
]

# encrypts_with_kms is true when b's default encryption is SSE-KMS or DSSE-KMS.
encrypts_with_kms(b) if count(kms_defaults(b)) > 0

# algorithm is b's default SSE-KMS algorithm (aws:kms or aws:kms:dsse).
algorithm(b) := min({d.SSEAlgorithm | some d in kms_defaults(b)})

# default_key_refs are the keys b's SSE-KMS default names (none: the AWS managed aws/s3 key).
default_key_refs(b) := {k |
	some d in kms_defaults(b)
	k := d.KMSMasterKeyID
	is_string(k)
	k != ""
}

# blocked are the encryption types a default-encryption rule refuses.
blocked(rule) := bs if {
	bs := rule.BlockedEncryptionTypes
	is_array(bs)
} else := []

# blocks_sse_c is true when b refuses SSE-C uploads (and SSE-C replicas).
blocks_sse_c(b) if {
	some r in sse_rules(b)
	"SSE-C" in blocked(r)
}

# api_rule is a default-encryption rule in PutBucketEncryption's shape: the snapshot
# keeps BlockedEncryptionTypes as a list, the API wraps it in {"EncryptionType": [...]}.
api_rule(rule) := object.union(object.remove(rule, ["BlockedEncryptionTypes"]), {
	"BlockedEncryptionTypes": {"EncryptionType": blocked(rule)},
}) if {
	count(blocked(rule)) > 0
} else := object.remove(rule, ["BlockedEncryptionTypes"])

# selects_kms is true for a rule that replicates SSE-KMS objects.
selects_kms(rule) if rule.SourceSelectionCriteria.SseKmsEncryptedObjects.Status == "Enabled"

# replica_key is a rule's ReplicaKmsKeyID.
replica_key(rule) := k if {
	k := rule.Destination.EncryptionConfiguration.ReplicaKmsKeyID
	is_string(k)
	k != ""
}

# key is the KMS key the scan read for a reference.
key(ref) := k if {
	k := input.kms_keys[ref]
	is_object(k)
}

# metadata is DescribeKey's KeyMetadata for a reference.
metadata(ref) := m if {
	m := key(ref).KeyMetadata
	is_object(m)
}

# known is true when the scan knows whether the key exists and, if so, its state.
known(ref) if key(ref).Exists == false

known(ref) if {
	key(ref).Exists == true
	metadata(ref)
}

# arn_of is the key's ARN: the resolved one, else the reference when it is an ARN.
arn_of(ref) := a if {
	a := metadata(ref).Arn
	kms_arn(a)
} else := ref if kms_arn(ref)

kms_arn(s) if arn.parse(s).service == "kms"

# region is where the key lives: from the resolved ARN, else the configured ARN
# (an alias lives in its key's region); undefined for a bare key id.
region(ref) := r if {
	r := repl.region(arn.parse(arn_of(ref)).region)
}

# account owns the key (from its ARN).
account(ref) := a if {
	a := arn.parse(arn_of(ref)).account
	regex.match(`^[0-9]{12}$`, a)
}

# key_id is the key id of a key ARN (arn:aws:kms:r:a:key/ID); undefined for aliases.
key_id(ref) := id if {
	res := arn.parse(arn_of(ref)).resource
	startswith(res, "key/")
	id := substring(res, 4, -1)
	id != ""
}

# multi_region is true for a multi-Region key (its replicas share the key id, mrk-...).
multi_region(ref) if metadata(ref).MultiRegion == true

multi_region(ref) if startswith(key_id(ref), "mrk-")

# problem says why a key cannot be used; undefined when it can (or it is unknown).
problem(ref) := "does not exist (DescribeKey answered NotFoundException)" if {
	key(ref).Exists == false
} else := state_problem(metadata(ref)) if {
	key(ref).Exists == true
	metadata(ref).KeyState in bad_states
} else := sprintf("is not enabled (Enabled false, KeyState %s)", [state_name(metadata(ref))]) if {
	key(ref).Exists == true
	metadata(ref).Enabled == false
}

state_name(m) := s if {
	s := m.KeyState
	is_string(s)
	s != ""
} else := "unknown"

state_problem(m) := "is disabled (KeyState Disabled)" if m.KeyState == "Disabled"

state_problem(m) := sprintf("is pending deletion (KeyState PendingDeletion%s)", [deletion_date(m)]) if {
	m.KeyState == "PendingDeletion"
}

state_problem(m) := sprintf("is pending deletion (KeyState PendingReplicaDeletion%s)", [deletion_date(m)]) if {
	m.KeyState == "PendingReplicaDeletion"
}

state_problem(m) := "is unavailable (KeyState Unavailable: its custom key store is disconnected)" if {
	m.KeyState == "Unavailable"
}

deletion_date(m) := sprintf(", deleted on %s", [m.DeletionDate]) if {
	is_string(m.DeletionDate)
	m.DeletionDate != ""
} else := ""

# partition is the bucket's ARN partition (aws, aws-cn, aws-us-gov).
partition := p if {
	p := arn.parse(input.bucket.Arn).partition
} else := "aws"

# destination_account is the account that owns a destination: what the scan read,
# else the rule's Destination.Account; undefined when neither says.
destination_account(dest, rule) := a if {
	a := repl.destination(dest).AccountId
	regex.match(`^[0-9]{12}$`, a)
} else := a if {
	a := rule.Destination.Account
	regex.match(`^[0-9]{12}$`, a)
}

# placeholder is a key ARN to replace, in the given region and account when known.
placeholder(region, account) := sprintf("arn:%s:kms:%s:%s:key/REPLICA-KEY-ID", [partition, or_else(region, "DESTINATION-REGION"), or_else(account, "DESTINATION-ACCOUNT")])

or_else(v, fallback) := v if {
	is_string(v)
	v != ""
} else := fallback

# destination_default_key is the destination's own SSE-KMS key when it is a key ARN
# in the destination's region: the natural replica key.
destination_default_key(dest) := min(ks) if {
	d := repl.destination(dest)
	region := repl.destination_region(dest)
	ks := {k |
		some k in default_key_refs(d)
		a := arn.parse(k)
		a.service == "kms"
		repl.region(a.region) == region
	}
	count(ks) > 0
}

# suggested_replica_key is the key to put in a rule that has none: the destination's
# default key, else a placeholder in the destination's region and account.
suggested_replica_key(dest, rule) := k if {
	k := destination_default_key(dest)
} else := placeholder(repl.destination_region(dest), destination_account_or_empty(dest, rule))

destination_account_or_empty(dest, rule) := a if {
	a := destination_account(dest, rule)
} else := ""

# is_placeholder is true for a suggested key the user must create or choose.
is_placeholder(k) if endswith(k, ":key/REPLICA-KEY-ID")

# unreadable_at is true when a read of component on resource failed.
unreadable_at(component, resource) if {
	some e in input.errors
	e.Component == component
	e.Resource == resource
}

# create_key creates a symmetric key for replicas in a region.
create_key(region, description) := sprintf("aws kms create-key --description %s%s", [cli.arg(description), cli.region_flag(region)])

enable_key(key_arn, region) := sprintf("aws kms enable-key --key-id %s%s", [cli.arg(key_arn), cli.region_flag(region)])

cancel_key_deletion(key_arn, region) := sprintf("aws kms cancel-key-deletion --key-id %s%s", [cli.arg(key_arn), cli.region_flag(region)])

replicate_key(key_arn, key_region, replica_region) := sprintf("aws kms replicate-key --key-id %s --replica-region %s%s", [
	cli.arg(key_arn), cli.arg(replica_region), cli.region_flag(key_region),
])

put_bucket_encryption(bucket, region, file) := sprintf(
	"aws s3api put-bucket-encryption --bucket %s --server-side-encryption-configuration file://%s%s",
	[cli.arg(bucket), file, cli.region_flag(region)],
)
