# METADATA
# title: Replication metrics have no data (health unknown)
# description: >-
#   An enabled rule publishes replication metrics (Metrics or Replication Time Control
#   enabled) but CloudWatch returned no data point for it, in the source or the
#   destination region, over the scan's --metrics-window. S3 emits no metrics when
#   replication never runs (no permission, nothing matching the rule) as well as when
#   nothing was written: the absence of data is not evidence of health, so the
#   rule's replication is reported as unknown rather than passed.
# custom:
#   id: CRR-084
#   severity: info
#   guide: "Step 5 — monitor replication (no data is not health)"
#   remediation: >-
#     Write a test object under the rule (crrscan verify canary --bucket BUCKET does it
#     and removes it afterwards) and check that the metrics appear about 15 minutes
#     later; if objects were written in the window and still no metric appears, check
#     that the rule's Metrics are Enabled and the replication role can act.
#   requires: [verification]
package crr.checks.crr_084

import data.crr.lib.verify

applies if count(verify.metrics.Rules) > 0

deny contains f if {
	some r in verify.metrics.Rules
	count(r.Regions) > 0
	every m in r.Regions {
		m.DataPoints == 0
	}
	f := object.union_n([
		{
			"msg": sprintf("Bucket %s: rule %s publishes replication metrics but CloudWatch has no data point for it in %s over the last %v hours: replication health unknown", [
				input.bucket.Name, verify.rule_label(r), concat(", ", [m.Region | some m in r.Regions]), verify.metrics.WindowHours,
			]),
			"evidence": {"Rule": r.RuleId, "Regions": r.Regions, "From": verify.metrics.From, "To": verify.metrics.To},
			"commands": [],
		},
		verify.rule_fields(r),
	])
}
