# METADATA
# title: Destination blocks SSE-C, so SSE-C replicas are refused
# description: >-
#   The destination bucket's default encryption blocks SSE-C (BlockedEncryptionTypes
#   contains SSE-C). Blocking an encryption type also refuses replication requests for
#   objects encrypted with it, so objects the source holds with customer-provided keys
#   (SSE-C, which S3 otherwise replicates) never reach the destination. A source that
#   blocks SSE-C itself receives no new SSE-C objects and is not reported.
# custom:
#   id: CRR-065
#   severity: medium
#   guide: "Pitfall — encrypted objects fail to replicate: the destination must accept what the source holds"
#   remediation: >-
#     Either unblock SSE-C on the destination (the suggested put-bucket-encryption
#     keeps its default encryption and sets BlockedEncryptionTypes to NONE), with
#     credentials of the account that owns it; or, when SSE-C should not be used at
#     all, block SSE-C on the source too, so that no SSE-C object needs replicating.
#   requires: [replication, destination, encryption]
#   applies_when: [replicates]
package crr.checks.crr_065

import data.crr.lib.errors
import data.crr.lib.kms
import data.crr.lib.replication as repl
import data.crr.lib.terraform as tf

# dests are the destinations of the enabled rules that may exist.
dests := {d | some d in repl.enabled_destination_arns; not repl.destination(d).Exists == false}

applies if {
	count(dests) > 0
	judgeable
}

applies if errors.unreadable("replication")

# (The body that usually holds comes first: once a body holds, the others are not
# evaluated.)
judgeable if {
	every d in dests {
		kms.sse_known(repl.destination(d))
	}
}

judgeable if count(deny) > 0

judgeable if errors.unreadable("destination")

judgeable if errors.unreadable("encryption")

# A source that blocks SSE-C holds no new SSE-C objects to replicate: judged (it
# passes) without the destination's encryption, which the scan then does not read.
judgeable if source_blocks_sse_c

source_blocks_sse_c if kms.blocks_sse_c(input.bucket)

deny contains f if {
	some dest in dests
	d := repl.destination(dest)
	kms.blocks_sse_c(d)
	not source_blocks_sse_c
	name := repl.destination_name(dest)
	rules := [unblock(r) | some r in kms.sse_rules(d)]
	f := {
		"msg": sprintf("Destination bucket %s of bucket %s (rule %s) blocks SSE-C: replicas of the source's SSE-C objects are refused", [
			name, input.bucket.Name, repl.rule_labels(dest, true),
		]),
		"destination": dest,
		"resource_arn": dest,
		"evidence": {
			"Rules": repl.rules_to(dest, true),
			"DestinationServerSideEncryptionConfiguration": d.ServerSideEncryptionConfiguration,
			"SourceServerSideEncryptionConfiguration": object.get(input.bucket, "ServerSideEncryptionConfiguration", null),
		},
		"commands": [kms.put_bucket_encryption(name, repl.destination_region(dest), "destination-encryption.json")],
		"documents": {"destination-encryption.json": {"Rules": rules}},
		"terraform": tf.resource("aws_s3_bucket_server_side_encryption_configuration", name, array.concat(
			[tf.attr("bucket", name)],
			[terraform_rule(r) | some r in kms.sse_rules(d)],
		)),
	}
}

# unblock is a rule in PutBucketEncryption's shape with SSE-C no longer blocked.
unblock(rule) := object.union(kms.api_rule(rule), {"BlockedEncryptionTypes": {"EncryptionType": still_blocked(rule)}}) if {
	"SSE-C" in kms.blocked(rule)
} else := kms.api_rule(rule)

still_blocked(rule) := rest if {
	rest := [t | some t in kms.blocked(rule); t != "SSE-C"]
	count(rest) > 0
} else := ["NONE"]

terraform_rule(rule) := tf.block("rule", array.concat(
	array.concat(default_block(rule), bucket_key(rule)),
	[tf.attr("blocked_encryption_types", unblocked(rule))],
))

unblocked(rule) := still_blocked(rule) if "SSE-C" in kms.blocked(rule)
else := kms.blocked(rule) if count(kms.blocked(rule)) > 0
else := ["NONE"]

default_block(rule) := [tf.block("apply_server_side_encryption_by_default", array.concat(
	[tf.attr("sse_algorithm", d.SSEAlgorithm)],
	[tf.attr("kms_master_key_id", d.KMSMasterKeyID) | is_string(d.KMSMasterKeyID)],
))] if {
	d := rule.ApplyServerSideEncryptionByDefault
	is_string(d.SSEAlgorithm)
} else := []

bucket_key(rule) := [tf.attr("bucket_key_enabled", rule.BucketKeyEnabled)] if is_boolean(rule.BucketKeyEnabled)
else := []
