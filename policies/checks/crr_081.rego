# METADATA
# title: Object versions stuck pending replication
# description: >-
#   Object versions that an enabled rule covers have reported the replication status
#   PENDING for longer than the threshold (scan --pending-threshold, 1 hour by
#   default; 15 minutes for a rule with Replication Time Control, whose SLA replicates
#   99.99 % of objects within 15 minutes). S3 keeps objects PENDING while it retries,
#   for instance when the destination or a KMS key is temporarily unavailable, so a
#   version pending long means replication is slow or blocked. The counts come from
#   the bucket's latest S3 Inventory report (from its LastModifiedDate) or a HeadObject
#   sample. One finding per rule.
# custom:
#   id: CRR-081
#   severity: medium
#   guide: "Pitfall: objects stuck at PENDING"
#   remediation: >-
#     Look at the rule's replication metrics (OperationsPendingReplication,
#     ReplicationLatency; scan --verify-metrics) and the s3:Replication:* events for a
#     failure reason; check the destination bucket, its region and the KMS keys the
#     rule uses. Versions that end FAILED are reported by CRR-080 with the Batch
#     Replication job that retries them.
#   requires: [verification]
package crr.checks.crr_081

import data.crr.lib.verify

applies if verify.objects_known

deny contains f if {
	some r in verify.object_rules
	r.PendingOverThreshold > 0
	f := object.union_n([
		{
			"msg": sprintf("Bucket %s: %d object versions under rule %s have been PENDING for more than %d minutes (%s)", [
				input.bucket.Name, r.PendingOverThreshold, verify.rule_label(r), r.PendingThresholdMinutes, verify.source,
			]),
			"evidence": verify.counts(r),
			"commands": [],
		},
		verify.rule_fields(r),
	])
}
