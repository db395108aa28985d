# METADATA
# title: Destination bucket does not exist
# description: >-
#   A rule names a destination bucket that does not exist (deleted, or a wrong ARN).
#   S3 does not re-check the destination after the rule is written: objects then fail
#   to replicate with DstBucketNotFound and replication metrics stop.
# custom:
#   id: CRR-020
#   severity: critical
#   guide: "Step 3 — add a replication configuration with an enabled rule to a bucket in another region"
#   remediation: >-
#     Create the destination bucket again in the intended region (another region than
#     the source), enable versioning on it and, if it belongs to another account, grant
#     the replication role in its bucket policy; or point the rule at an existing
#     bucket. Replace DESTINATION-REGION in the commands.
#   requires: [replication, destination]
#   applies_when: [replicates]
#   compliance:
#     aws-securityhub: [S3.7]
#     nist-800-53-r5: [AU-9(2), CP-6, CP-6(1), CP-6(2), CP-9, CP-10, SC-5(2), SC-36(2), SI-13(5)]
#     pci-dss-v3.2.1: ["2.2"]
package crr.checks.crr_020

import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.replication as repl

applies if {
	count(repl.destination_arns) > 0
	judgeable
}

applies if errors.unreadable("replication")

# (The body that usually holds comes first: once a body holds, the others are not
# evaluated.)
judgeable if {
	every dest in repl.destination_arns {
		is_boolean(repl.destination(dest).Exists)
	}
}

judgeable if count(deny) > 0

judgeable if errors.unreadable("destination")

deny contains f if {
	some dest in repl.destination_arns
	d := repl.destination(dest)
	d.Exists == false
	name := repl.destination_name(dest)
	f := {
		"msg": sprintf("Destination bucket %s of bucket %s (rule %s) does not exist: objects fail to replicate with DstBucketNotFound", [
			name, input.bucket.Name, repl.rule_labels(dest, false),
		]),
		"destination": dest,
		"resource_arn": dest,
		"evidence": {
			"Rules": repl.rules_to(dest, false),
			"Destination": object.filter(d, {"Arn", "Name", "AccountId", "Exists"}),
		},
		"commands": [
			cli.create_bucket(name, "DESTINATION-REGION"),
			cli.put_bucket_versioning(name, "DESTINATION-REGION"),
		],
	}
}
