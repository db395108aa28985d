# METADATA
# title: Replication Time Control is required but not enabled
# description: >-
#   The settings require S3 Replication Time Control for the bucket
#   (requirements.rtc) and an enabled rule lacks ReplicationTime with Status Enabled
#   and Time 15 minutes. Without RTC there is no 15-minute replication SLA and no
#   OperationMissedThreshold events. One finding per enabled rule; judged only when
#   the setting is true.
# custom:
#   id: CRR-040
#   severity: medium
#   guide: "Step 4 — enable S3 Replication Time Control and replication metrics"
#   remediation: >-
#     Enable RTC on the rule: Destination.ReplicationTime {Status Enabled, Time 15
#     minutes} together with Destination.Metrics {Status Enabled, EventThreshold 15
#     minutes}, which S3 requires with it. The suggested configuration is the bucket's
#     own with only that rule changed (a V1 rule is rewritten as V2, since RTC needs
#     the V2 schema). RTC and its metrics are billed per GB and as custom metrics.
#   requires: [replication]
#   applies_when: [replicates]
package crr.checks.crr_040

import data.crr.lib.errors
import data.crr.lib.fix
import data.crr.lib.replication as repl
import data.crr.lib.settings

applies if {
	settings.rtc
	repl.rules_known
	count(repl.enabled_rules) > 0
}

applies if {
	settings.rtc
	errors.unreadable("replication")
}

deny contains f if {
	settings.rtc
	repl.rules_known
	some i, rule in repl.rules
	repl.enabled(rule)
	not rtc_enabled(rule)
	f := object.union_n([
		{
			"msg": sprintf("Bucket %s: rule %s replicates to %s without Replication Time Control (%s); settings require RTC", [
				input.bucket.Name, repl.label(i, rule), destination(rule), current(rule),
			]),
			"evidence": {
				"Rule": repl.excerpt(rule),
				"Requirement": {"rtc": true},
			},
		},
		dest_field(rule),
		fix.rule(i, rule),
		fix.replication(repl.with_rule(i, with_rtc(repl.to_v2(i, rule)))),
	])
}

rtc_enabled(rule) if {
	rule.Destination.ReplicationTime.Status == "Enabled"
	rule.Destination.ReplicationTime.Time.Minutes == 15
}

current(rule) := sprintf("ReplicationTime %s, %v minutes", [
	rule.Destination.ReplicationTime.Status,
	object.get(object.get(rule.Destination.ReplicationTime, "Time", {}), "Minutes", "no"),
]) if {
	is_string(rule.Destination.ReplicationTime.Status)
} else := "no ReplicationTime"

with_rtc(rule) := object.union(rule, {"Destination": {
	"ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}},
	"Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}},
}})

destination(rule) := repl.destination_name(repl.destination_of(rule)) if {
	repl.destination_of(rule)
} else := "the destination"

dest_field(rule) := {"destination": repl.destination_of(rule)} if {
	repl.destination_of(rule)
} else := {}
