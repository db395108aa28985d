# METADATA
# title: Replication Time Control without replication metrics
# description: >-
#   A rule has Replication Time Control enabled but its replication metrics are off,
#   missing, or their EventThreshold is not 15 minutes. S3 requires Metrics (Enabled,
#   15 minutes) with RTC when the configuration is written; a configuration that shows
#   RTC without them cannot deliver the OperationMissedThreshold events and CloudWatch
#   replication metrics that RTC monitoring relies on. One finding per enabled rule.
# custom:
#   id: CRR-041
#   severity: medium
#   guide: "Step 4 — enable S3 Replication Time Control and replication metrics; Step 5 — monitor"
#   remediation: >-
#     Enable replication metrics on the rule with an EventThreshold of 15 minutes (the
#     only accepted value). The suggested configuration is the bucket's own with only
#     that rule's Metrics set. Then alarm on the AWS/S3 replication metrics
#     (OperationsFailedReplication, ReplicationLatency) and subscribe to the
#     s3:Replication:* events.
#   requires: [replication]
#   applies_when: [replicates]
package crr.checks.crr_041

import data.crr.lib.errors
import data.crr.lib.fix
import data.crr.lib.replication as repl

applies if repl.rules_known

applies if errors.unreadable("replication")

deny contains f if {
	repl.rules_known
	some i, rule in repl.rules
	repl.enabled(rule)
	rule.Destination.ReplicationTime.Status == "Enabled"
	not metrics_ok(rule)
	f := object.union_n([
		{
			"msg": sprintf("Bucket %s: rule %s has Replication Time Control enabled but %s", [
				input.bucket.Name, repl.label(i, rule), problem(rule),
			]),
			"evidence": {"Rule": repl.excerpt(rule)},
		},
		dest_field(rule),
		fix.rule(i, rule),
		fix.replication(repl.with_rule(i, with_metrics(rule))),
	])
}

metrics_ok(rule) if {
	rule.Destination.Metrics.Status == "Enabled"
	rule.Destination.Metrics.EventThreshold.Minutes == 15
}

problem(rule) := "no replication metrics" if {
	not has_metrics(rule)
} else := sprintf("replication metrics are %s", [rule.Destination.Metrics.Status]) if {
	rule.Destination.Metrics.Status != "Enabled"
} else := sprintf("the metrics EventThreshold is %v minutes, not 15", [rule.Destination.Metrics.EventThreshold.Minutes]) if {
	is_number(rule.Destination.Metrics.EventThreshold.Minutes)
} else := "the metrics have no EventThreshold (15 minutes)"

has_metrics(rule) if is_object(rule.Destination.Metrics)

with_metrics(rule) := object.union(rule, {"Destination": {"Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}}})

dest_field(rule) := {"destination": repl.destination_of(rule)} if {
	repl.destination_of(rule)
} else := {}
