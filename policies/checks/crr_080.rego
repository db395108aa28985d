# METADATA
# title: Object versions failed to replicate
# description: >-
#   Object versions that an enabled rule covers report the replication status FAILED:
#   S3 tried to replicate them and gave up (a missing role permission, a KMS key, a
#   destination policy or versioning change). FAILED is final for live replication;
#   the versions stay missing from the destination until they are replicated again.
#   The counts come from the bucket's latest S3 Inventory report where one delivers
#   ReplicationStatus, else from HeadObject on a bounded sample of versions (scan
#   --verify-objects). One finding per rule with failed versions.
# custom:
#   id: CRR-080
#   severity: high
#   guide: "Step 5 — verify replication (x-amz-replication-status FAILED)"
#   remediation: >-
#     Find why replication failed (the rule's s3:Replication:OperationFailedReplication
#     events or the OperationsFailedReplication metric name the reason; the other
#     findings on this bucket often show it), fix the cause, then replicate the failed
#     versions again with S3 Batch Replication: the job below asks S3 to generate a
#     manifest of the versions under the rule's prefix that are eligible for
#     replication and FAILED, and writes its manifest and report under
#     crrscan-batch-replication/ in the bucket. The role changes let S3 Batch
#     Operations assume the replication role and start replication.
#   requires: [verification]
package crr.checks.crr_080

import data.crr.lib.verify

applies if verify.objects_known

deny contains f if {
	some r in verify.object_rules
	r.Failed > 0
	f := object.union_n([
		{
			"msg": sprintf("Bucket %s: %d of %d object versions under rule %s report replication status FAILED (%s)", [
				input.bucket.Name, r.Failed, r.Versions, verify.rule_label(r), verify.source,
			]),
			"evidence": verify.counts(r),
		},
		verify.rule_fields(r),
		verify.batch_fix(["FAILED"], r.Prefix),
	])
}
