# METADATA
# title: Existing objects were never replicated
# description: >-
#   Object versions that an enabled rule covers carry no replication status. Live
#   replication gives every new version it covers a status (PENDING, then COMPLETED or
#   FAILED) when it is written; a version without one was written before the rule
#   existed (or before it was enabled) and has never been replicated — live
#   replication does not copy existing objects. The counts come from the bucket's
#   latest S3 Inventory report or a HeadObject sample. A rule that also filters by
#   tags is not judged: neither source shows an object's tags, so a version without a
#   status may simply not match the rule. One finding per rule.
# custom:
#   id: CRR-082
#   severity: medium
#   guide: "Pitfall: objects that existed before the rule are not replicated"
#   remediation: >-
#     Replicate the existing objects with S3 Batch Replication: the job below asks S3
#     to generate a manifest of the versions under the rule's prefix that are eligible
#     for replication and have never been replicated (replication status NONE), and
#     writes its manifest and report under crrscan-batch-replication/ in the bucket.
#     First let S3 Batch Operations assume the replication role and start replication
#     (the two role commands). Batch Replication is billed per object and job.
#   requires: [verification]
package crr.checks.crr_082

import data.crr.lib.verify

applies if verify.objects_known

deny contains f if {
	some r in verify.object_rules
	r.None > 0
	not r.TagFiltered
	f := object.union_n([
		{
			"msg": sprintf("Bucket %s: %d of %d object versions under rule %s carry no replication status: they existed before the rule and were never replicated (%s)", [
				input.bucket.Name, r.None, r.Versions, verify.rule_label(r), verify.source,
			]),
			"evidence": verify.counts(r),
		},
		verify.rule_fields(r),
		verify.batch_fix(["NONE"], r.Prefix),
	])
}
