# METADATA
# title: Replication metrics show failures or late replication
# description: >-
#   The CloudWatch replication metrics of an enabled rule (AWS/S3, dimensions
#   SourceBucket, DestinationBucket, RuleId; read in the source and the destination
#   region over the scan's --metrics-window, 24 hours by default) show failed
#   replication operations (OperationsFailedReplication above 0), or, for a rule with
#   Replication Time Control, a ReplicationLatency above its 15-minute threshold. The
#   check applies only to rules whose metrics had data points: a rule without any is
#   unknown (CRR-084), never healthy. One finding per rule and region.
# custom:
#   id: CRR-083
#   severity: high
#   guide: "Step 5 — monitor replication with S3 Replication metrics"
#   remediation: >-
#     Subscribe to the rule's s3:Replication:OperationFailedReplication events (their
#     failureReason says why, e.g. AssumeRoleNotPermitted, DstKmsKeyNotFound,
#     DstBucketUnversioned) and fix the cause; failed versions are replicated again
#     with S3 Batch Replication (scan --verify-objects reports them as CRR-080 with the
#     job). Latency above 15 minutes under RTC breaks the RTC SLA: check the
#     destination's region health and the rule's pending operations.
#   requires: [verification]
package crr.checks.crr_083

import data.crr.lib.verify

rtc_latency_seconds := 900

applies if {
	some r in verify.metrics.Rules
	some m in r.Regions
	m.DataPoints > 0
}

deny contains f if {
	some r in verify.metrics.Rules
	some m in r.Regions
	problems := array.concat(failed(m), late(r, m))
	count(problems) > 0
	f := object.union_n([
		{
			"msg": sprintf("Bucket %s: rule %s's replication metrics in %s over the last %v hours show %s", [
				input.bucket.Name, verify.rule_label(r), m.Region, verify.metrics.WindowHours, concat(" and ", sort(problems)),
			]),
			"evidence": {"Rule": r.RuleId, "RTC": r.RTC, "Metrics": m, "From": verify.metrics.From, "To": verify.metrics.To},
			"commands": [],
		},
		verify.rule_fields(r),
		{"key": sprintf("%s %s", [object.get(verify.rule_fields(r), "key", ""), m.Region])},
	])
}

failed(m) := [sprintf("%v failed replication operations", [m.SumOperationsFailedReplication])] if {
	m.SumOperationsFailedReplication > 0
} else := []

late(r, m) := [sprintf("a replication latency of up to %v seconds, above Replication Time Control's 15 minutes", [m.MaxReplicationLatencySeconds])] if {
	r.RTC == true
	m.MaxReplicationLatencySeconds > rtc_latency_seconds
} else := []
