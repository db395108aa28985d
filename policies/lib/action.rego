# METADATA
# title: Remediation actions
# description: >-
#   Build the structured actions of a fix: one AWS API operation, its exact request
#   (policy documents as objects), the ARN it changes, the account and region to call
#   it in, and its class (additive, irreversible, narrowing, manual). A check returns
#   them from a function remediation_actions(f) of its finding (crr_NNN_actions.rego); the engine
#   renders the finding's aws CLI commands from them.
package crr.lib.action

import data.crr.lib.arn
import data.crr.lib.replication as repl

# new is one action; document names the file its rendered command reads the request's
# document from ("" for an operation without one).
new(op, account, region, target, params, class, document) := {
	"op": op, "account_id": account, "region": region, "target": target,
	"params": params, "class": class, "document": document,
}

# --- The scanned bucket -------------------------------------------------------------

# put_replication writes cfg as the scanned bucket's replication configuration.
put_replication(cfg, class) := new(
	"s3:PutBucketReplication", input.bucket.AccountId, repl.bucket_region, input.bucket.Arn,
	{"Bucket": input.bucket.Name, "ReplicationConfiguration": cfg}, class, "replication.json",
)

# replication_fix is the action of a finding whose fix writes replication.json (the
# configuration as read with the offending rules changed).
replication_fix(f, class) := [put_replication(f.documents["replication.json"], class)] if {
	is_object(f.documents["replication.json"])
}

# enable_versioning turns versioning on for the scanned bucket: irreversible, since a
# versioned bucket can only be suspended afterwards.
enable_versioning := versioning(input.bucket.AccountId, repl.bucket_region, input.bucket.Name)

# --- A destination bucket -----------------------------------------------------------

# destination_account is the account the scan found for a destination ARN, "" unknown.
destination_account(dest) := a if {
	a := repl.destination(dest).AccountId
	is_string(a)
} else := ""

enable_destination_versioning(dest) := versioning(destination_account(dest), repl.destination_region(dest), repl.destination_name(dest))

versioning(account, region, name) := new(
	"s3:PutBucketVersioning", account, region, sprintf("arn:aws:s3:::%s", [name]),
	{"Bucket": name, "VersioningConfiguration": {"Status": "Enabled"}}, "irreversible", "",
)

# put_bucket_policy replaces the bucket policy of the scanned bucket or of one of its
# destinations (by ARN) with doc.
put_bucket_policy(b, doc, class, document) := new(
	"s3:PutBucketPolicy", input.bucket.AccountId, repl.bucket_region, b,
	{"Bucket": input.bucket.Name, "Policy": doc}, class, document,
) if {
	b == input.bucket.Arn
} else := new(
	"s3:PutBucketPolicy", destination_account(b), repl.destination_region(b), b,
	{"Bucket": repl.destination_name(b), "Policy": doc}, class, document,
)

# --- The replication role (IAM is global: no region) -----------------------------------

account_of(a) := p.account if {
	p := arn.parse(a)
} else := ""

create_role(role_arn, name, path, trust) := new(
	"iam:CreateRole", account_of(role_arn), "", role_arn,
	object.union({"RoleName": name, "AssumeRolePolicyDocument": trust}, path_param(path)), "additive", "trust-policy.json",
)

path_param(path) := {"Path": path} if path != "/"
else := {}

update_trust(role_arn, name, trust, class) := new(
	"iam:UpdateAssumeRolePolicy", account_of(role_arn), "", role_arn,
	{"RoleName": name, "PolicyDocument": trust}, class, "trust-policy.json",
)

put_role_policy(role_arn, name, policy, doc, class, document) := new(
	"iam:PutRolePolicy", account_of(role_arn), "", role_arn,
	{"RoleName": name, "PolicyName": policy, "PolicyDocument": doc}, class, document,
)

# --- KMS ----------------------------------------------------------------------------

# create_key creates a symmetric key for replicas in region: manual, since its new ARN
# has to be put into the configuration by a person.
create_key(region) := new(
	"kms:CreateKey", input.bucket.AccountId, region, sprintf("arn:aws:kms:%s:%s:key/*", [region, input.bucket.AccountId]),
	{"Description": "Replica key for S3 replication"}, "manual", "",
)

# unless_placeholder is "additive" for a document that names no placeholder key, else "manual".
unless_placeholder(doc) := "manual" if contains(json.marshal(doc), ":key/REPLICA-KEY-ID")
else := "additive"
