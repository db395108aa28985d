# METADATA
# title: Bucket has no replication configuration
# description: >-
#   A bucket in scope has no replication configuration, so none of its objects are
#   copied to another region. Buckets that are themselves replication destinations
#   (replicas) are out of scope by default. A configuration that could not be read is
#   not reported here: CRR-090 reports the failed read.
# custom:
#   id: CRR-010
#   severity: high
#   guide: "Step 3 — add a replication configuration with an enabled rule to a bucket in another region"
#   remediation: >-
#     Choose a destination bucket in another region (versioning enabled), create a
#     replication role S3 can assume with the least-privilege permissions, then add a
#     replication configuration with an enabled rule for the whole bucket. Replace
#     DESTINATION-BUCKET and DESTINATION-REGION in the commands and documents. Objects
#     that already exist need S3 Batch Replication.
#   requires: [replication]
#   compliance:
#     aws-securityhub: [S3.7]
#     nist-800-53-r5: [AU-9(2), CP-6, CP-6(1), CP-6(2), CP-9, CP-10, SC-5(2), SC-36(2), SI-13(5)]
#     pci-dss-v3.2.1: ["2.2"]
package crr.checks.crr_010

import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.replication as repl

applies if input.facts.in_scope == true

deny contains f if {
	input.facts.in_scope == true
	not repl.has_config
	not errors.unreadable("replication")
	name := input.bucket.Name
	region := repl.bucket_region
	role := cli.role_name_for(name)
	role_arn := sprintf("arn:aws:iam::%s:role/%s", [input.bucket.AccountId, role])
	dest := "arn:aws:s3:::DESTINATION-BUCKET"
	f := {
		"msg": sprintf("Bucket %s has no replication configuration: its objects are not copied to another region", [name]),
		"evidence": {"ReplicationConfiguration": null, "Versioning": object.get(input.bucket, "Versioning", null)},
		"commands": array.concat(
			versioning_commands,
			[
				cli.put_bucket_versioning("DESTINATION-BUCKET", "DESTINATION-REGION"),
				cli.create_role(role, "/", "trust-policy.json"),
				cli.put_role_policy(role, "crr-replication", "permissions-policy.json"),
				cli.put_bucket_replication(name, region, "replication.json"),
			],
		),
		"documents": {
			"trust-policy.json": cli.trust_policy(input.bucket.AccountId),
			"permissions-policy.json": cli.permissions_policy(input.bucket.Arn, {dest}),
			"replication.json": {
				"Role": role_arn,
				"Rules": [{
					"ID": "replicate-everything",
					"Priority": 1,
					"Status": "Enabled",
					"Filter": {},
					"DeleteMarkerReplication": {"Status": "Enabled"},
					"Destination": {"Bucket": dest},
				}],
			},
		},
	}
}

# The source needs versioning first, unless it is already Enabled.
versioning_commands := [] if input.bucket.Versioning.Status == "Enabled"
else := [cli.put_bucket_versioning(input.bucket.Name, repl.bucket_region)]
