# METADATA
# title: Live verification helpers
# description: >-
#   Read the evidence that replication works (input.bucket.Verification, collected
#   with scan --verify-objects, --verify-metrics and --canary) and build the S3 Batch
#   Replication job that replicates what live replication left behind.
package crr.lib.verify

import data.crr.lib.cli

# objects is the object evidence (status counts per enabled rule), when read.
objects := input.bucket.Verification.Objects

objects_known if is_object(objects)

# object_rules are the enabled rules' status counts.
object_rules := [r | some r in objects.Rules]

# metrics is the CloudWatch evidence, when read.
metrics := input.bucket.Verification.Metrics

metrics_known if is_object(metrics)

# canary is the canary evidence, when a canary ran.
canary := input.bucket.Verification.Canary

canary_known if is_object(canary)

# rule_fields are the finding fields naming the rule of an evidence entry: its ID,
# or for a rule without one ("#n") the key that keeps findings apart.
rule_fields(r) := {"rule_id": "", "key": sprintf("rule %s", [r.RuleId]), "destination": r.Destination} if {
	startswith(r.RuleId, "#")
} else := {"rule_id": r.RuleId, "key": "", "destination": r.Destination}

# rule_label is how messages name the rule.
rule_label(r) := r.RuleId if startswith(r.RuleId, "#")

else := sprintf("%q", [r.RuleId])

# source says where the counts come from, with the inventory's age.
source := sprintf("S3 Inventory %q of %s (%v hours old, stale: older than two delivery periods)", [
	objects.Inventory.ConfigurationId, objects.Inventory.CreatedAt, objects.Inventory.AgeHours,
]) if {
	objects.Source == "inventory"
	objects.Inventory.Stale == true
} else := sprintf("S3 Inventory %q of %s (%v hours old)", [
	objects.Inventory.ConfigurationId, objects.Inventory.CreatedAt, objects.Inventory.AgeHours,
]) if {
	objects.Source == "inventory"
} else := sprintf("a sample of %d listed versions, %d read with HeadObject", [objects.Listed, objects.Headed])

# counts are the evidence of one rule's counts.
counts(r) := {
	"Source": objects.Source,
	"Inventory": object.get(objects, "Inventory", null),
	"Listed": objects.Listed,
	"Headed": objects.Headed,
	"Rule": object.remove(r, ["Samples"]),
	"Samples": object.get(r, "Samples", {}),
}

report_prefix := "crrscan-batch-replication"

# batch_job is the S3 Batch Operations job (aws s3control create-job
# --cli-input-json) that replicates the versions of prefix whose replication status
# is one of statuses, from an S3-generated manifest filtered on
# EligibleForReplication; manifest and report go under report_prefix/ in the source
# bucket. https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-batch-replication-batch.html
batch_job(statuses, prefix) := {
	"AccountId": input.bucket.AccountId,
	"ConfirmationRequired": false,
	"Operation": {"S3ReplicateObject": {}},
	"Report": {
		"Bucket": input.bucket.Arn,
		"Format": "Report_CSV_20180820",
		"Enabled": true,
		"Prefix": sprintf("%s/reports", [report_prefix]),
		"ReportScope": "AllTasks",
	},
	"ManifestGenerator": {"S3JobManifestGenerator": {
		"ExpectedBucketOwner": input.bucket.AccountId,
		"SourceBucket": input.bucket.Arn,
		"ManifestOutputLocation": {
			"ExpectedManifestBucketOwner": input.bucket.AccountId,
			"Bucket": input.bucket.Arn,
			"ManifestPrefix": sprintf("%s/manifests", [report_prefix]),
			"ManifestFormat": "S3InventoryReport_CSV_20211130",
		},
		"Filter": object.union(
			{"EligibleForReplication": true, "ObjectReplicationStatuses": statuses},
			prefix_filter(prefix),
		),
		"EnableManifestOutput": true,
	}},
	"Priority": 10,
	"RoleArn": input.bucket.ReplicationConfiguration.Role,
	"Description": substring(sprintf("crrscan: replicate %s versions of %s", [concat("/", statuses), input.bucket.Name]), 0, 256),
}

prefix_filter(prefix) := {"KeyNameConstraint": {"MatchAnyPrefix": [prefix]}} if prefix != ""

else := {}

# role_name is the replication role's name (the last segment of its ARN).
role_name := n if {
	parts := split(input.bucket.ReplicationConfiguration.Role, "/")
	n := parts[count(parts) - 1]
	n != ""
}

batch_principal := "batchoperations.s3.amazonaws.com"

# batch_trust_policy is the role's trust policy with S3 Batch Operations allowed to
# assume it: the role's own statements kept, one statement added.
batch_trust_policy := object.union(doc, {"Statement": array.concat(statements(doc), [batch_trust_statement])}) if {
	doc := input.role.AssumeRolePolicyDocument
	is_object(doc)
} else := {"Version": "2012-10-17", "Statement": [cli.s3_trust_statement(input.bucket.AccountId), batch_trust_statement]}

batch_trust_statement := {
	"Effect": "Allow",
	"Principal": {"Service": batch_principal},
	"Action": "sts:AssumeRole",
}

statements(doc) := doc.Statement if is_array(doc.Statement)

else := [doc.Statement] if is_object(doc.Statement)

else := []

# batch_role_policy is what the job needs besides replication's own permissions
# (s3-batch-replication-policies): initiate replication on the source objects,
# generate the manifest and write it and the report under report_prefix/.
batch_role_policy := {
	"Version": "2012-10-17",
	"Statement": [
		{"Effect": "Allow", "Action": ["s3:InitiateReplication"], "Resource": [sprintf("%s/*", [input.bucket.Arn])]},
		{"Effect": "Allow", "Action": ["s3:GetReplicationConfiguration", "s3:PutInventoryConfiguration"], "Resource": [input.bucket.Arn]},
		{
			"Effect": "Allow",
			"Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
			"Resource": [sprintf("%s/%s/*", [input.bucket.Arn, report_prefix])],
		},
	],
}

# batch_fix is the fix that replicates the versions of prefix with one of statuses:
# the role changes, then the job ({} when the configuration names no role).
batch_fix(statuses, prefix) := {
	"commands": [
		sprintf("aws iam update-assume-role-policy --role-name %s --policy-document file://batch-trust-policy.json", [cli.arg(role_name)]),
		sprintf("aws iam put-role-policy --role-name %s --policy-name crrscan-batch-replication --policy-document file://batch-replication-policy.json", [cli.arg(role_name)]),
		sprintf("aws s3control create-job --region %s --cli-input-json file://batch-replication-job.json", [cli.arg(input.bucket.Region)]),
	],
	"documents": {
		"batch-trust-policy.json": batch_trust_policy,
		"batch-replication-policy.json": batch_role_policy,
		"batch-replication-job.json": batch_job(statuses, prefix),
	},
} if {
	role_name
} else := {}
