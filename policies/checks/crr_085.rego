# METADATA
# title: Replication canary did not replicate
# description: >-
#   The write-enabled canary (scan --canary, crrscan verify canary) put a small tagged
#   object under a dedicated prefix that an enabled rule covers and polled the
#   destination with HeadObject: no replica appeared before --canary-timeout (15
#   minutes by default, the RTC threshold), or the source version's replication status
#   turned FAILED. Whatever the configuration says, a new object did not reach the
#   other region in time. A canary whose versions could not be deleted is named with
#   its key and version ids in the evidence. One finding per rule tried.
# custom:
#   id: CRR-085
#   severity: high
#   guide: "Step 5 — verify replication with a test object"
#   remediation: >-
#     Check the rule's other findings (role, destination, KMS), its replication
#     metrics and s3:Replication:* events; then run the canary again. Delete any
#     canary version listed as left behind (aws s3api delete-object --bucket B --key K
#     --version-id V).
#   requires: [verification]
package crr.checks.crr_085

import data.crr.lib.cli
import data.crr.lib.verify

applies if verify.canary_known

deny contains f if {
	some c in verify.canary.Results
	c.Outcome in {"timeout", "failed"}
	f := {
		"msg": sprintf("Bucket %s: the canary %s under rule %s %s (%s)", [
			input.bucket.Name, c.Key, verify.rule_label(c), outcome(c), c.Message,
		]),
		"rule_id": object.get(verify.rule_fields(c), "rule_id", ""),
		"key": object.get(verify.rule_fields(c), "key", ""),
		"destination": c.Destination,
		"evidence": c,
		"commands": [sprintf("aws s3api delete-object --bucket %s --key %s --version-id %s", [cli.arg(u.Bucket), cli.arg(u.Key), cli.arg(u.VersionId)]) |
			some u in object.get(c, "Uncleaned", [])
			u.VersionId != ""
		],
	}
}

outcome(c) := "did not replicate in time" if c.Outcome == "timeout"

else := sprintf("failed to replicate (source status %s)", [c.SourceStatus])
