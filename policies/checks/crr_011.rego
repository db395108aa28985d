# METADATA
# title: "Replication is paused: no rule is enabled"
# description: >-
#   The bucket has a replication configuration but none of its rules has Status
#   Enabled, which is how replication is paused: no new object is replicated.
# custom:
#   id: CRR-011
#   severity: high
#   guide: "Step 3 — add a replication configuration with an enabled rule to a bucket in another region"
#   remediation: >-
#     Enable the rules again: write the configuration back with Status Enabled
#     (put-bucket-replication replaces the whole configuration, so keep every other
#     field as it is). Objects written while replication was paused need S3 Batch
#     Replication.
#   requires: [replication]
#   applies_when: [replicates]
#   compliance:
#     aws-securityhub: [S3.7]
#     nist-800-53-r5: [AU-9(2), CP-6, CP-6(1), CP-6(2), CP-9, CP-10, SC-5(2), SC-36(2), SI-13(5)]
#     pci-dss-v3.2.1: ["2.2"]
package crr.checks.crr_011

import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.replication as repl

applies if repl.rules_known

applies if errors.unreadable("replication")

deny contains f if {
	repl.rules_known
	count(repl.enabled_rules) == 0
	labels := [repl.label(i, r) | some i, r in repl.rules]
	f := {
		"msg": sprintf("Bucket %s has a replication configuration but no enabled rule (%s): replication is paused", [
			input.bucket.Name, describe(labels),
		]),
		"evidence": {"Rules": [repl.excerpt(r) | some r in repl.rules]},
		"commands": [cli.put_bucket_replication(input.bucket.Name, repl.bucket_region, "replication.json")],
		"documents": {"replication.json": object.union(repl.config, {"Rules": [enable(r) | some r in repl.rules]})},
	}
}

describe(labels) := "it has no rules" if count(labels) == 0
else := sprintf("rule %s disabled", [concat(", ", labels)])

enable(rule) := object.union(rule, {"Status": "Enabled"})
