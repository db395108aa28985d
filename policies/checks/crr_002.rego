# METADATA
# title: Destination bucket versioning is not enabled
# description: >-
#   Replication writes object versions into the destination, so the destination bucket
#   of every enabled rule needs versioning Enabled. S3 checks this only when the rule is
#   written; a destination whose versioning is later suspended makes every new object
#   fail to replicate with DstBucketUnversioned.
# custom:
#   id: CRR-002
#   severity: critical
#   guide: "Step 1 — enable versioning on the source and destination buckets"
#   remediation: >-
#     Enable versioning on the destination bucket, with credentials of the account that
#     owns it. Objects that failed while it was off need S3 Batch Replication.
#   requires: [replication, destination]
#   applies_when: [replicates]
#   compliance:
#     aws-securityhub: [S3.7]
#     nist-800-53-r5: [AU-9(2), CP-6, CP-6(1), CP-6(2), CP-9, CP-10, SC-5(2), SC-36(2), SI-13(5)]
#     pci-dss-v3.2.1: ["2.2"]
package crr.checks.crr_002

import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.replication as repl

# The check judges the existing destinations of the enabled rules once every one of
# them is known (or one is already proven unversioned). When the configuration or a
# destination could not be read, it applies so that the engine reports it not judged.
applies if {
	some dest in repl.enabled_destination_arns
	repl.destination(dest).Exists == true
	judgeable
}

applies if errors.unreadable("replication")

applies if {
	count(repl.enabled_destination_arns) > 0
	errors.unreadable("destination")
}

judgeable if count(deny) > 0

judgeable if {
	every dest in repl.enabled_destination_arns {
		known(dest)
	}
}

known(dest) if repl.destination(dest).Exists == false

known(dest) if {
	d := repl.destination(dest)
	d.Exists == true
	is_object(d.Versioning)
}

deny contains f if {
	some dest in repl.enabled_destination_arns
	d := repl.destination(dest)
	d.Exists == true
	is_object(d.Versioning)
	status := object.get(d.Versioning, "Status", "")
	status != "Enabled"
	name := repl.destination_name(dest)
	f := {
		"msg": sprintf("Destination bucket %s of bucket %s (rule %s) has versioning %s; replication to it fails with DstBucketUnversioned", [
			name, input.bucket.Name, repl.rule_labels(dest, true), describe(status),
		]),
		"destination": dest,
		"resource_arn": dest,
		"evidence": {
			"Rules": repl.rules_to(dest, true),
			"DestinationVersioning": d.Versioning,
		},
		"commands": [cli.put_bucket_versioning(name, repl.destination_region(dest))],
	}
}

describe(status) := "never enabled" if status == ""
else := status
