# METADATA
# title: Source bucket versioning is not enabled
# description: >-
#   S3 replicates object versions, so a bucket that replicates, or is in scope and
#   should, needs versioning Enabled. A bucket whose versioning was never enabled cannot
#   get a replication configuration, and a Suspended bucket stops creating the versions
#   replication copies.
# custom:
#   id: CRR-001
#   severity: critical
#   guide: "Step 1 — enable versioning on the source and destination buckets"
#   remediation: >-
#     Enable versioning on the bucket (put-bucket-versioning with Status=Enabled). Once
#     enabled, versioning can only be suspended, never removed; a lifecycle rule on
#     noncurrent versions keeps the storage cost in check.
#   requires: [versioning]
#   compliance:
#     aws-securityhub: [S3.7]
#     nist-800-53-r5: [AU-9(2), CP-6, CP-6(1), CP-6(2), CP-9, CP-10, SC-5(2), SC-36(2), SI-13(5)]
#     pci-dss-v3.2.1: ["2.2"]
package crr.checks.crr_001

import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.replication as repl

# The check judges buckets that replicate or are in scope, once their versioning
# was read (or its read failed: then the engine reports it as not judged).
applies if {
	relevant
	judgeable
}

relevant if input.facts.in_scope == true

relevant if repl.has_config

judgeable if is_object(input.bucket.Versioning)

judgeable if errors.unreadable("versioning")

deny contains f if {
	relevant
	v := input.bucket.Versioning
	is_object(v)
	status := object.get(v, "Status", "")
	status != "Enabled"
	f := {
		"msg": sprintf("Bucket %s %s: versioning is %s; replication needs it Enabled", [
			input.bucket.Name,
			why,
			describe(status),
		]),
		"evidence": {"Versioning": v},
		"commands": [cli.put_bucket_versioning(input.bucket.Name, repl.bucket_region)],
	}
}

why := "has a replication configuration" if repl.has_config
else := "is in scope for replication"

describe(status) := "never enabled" if status == ""
else := status
