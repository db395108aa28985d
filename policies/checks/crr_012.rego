# METADATA
# title: Some replication rules are disabled
# description: >-
#   The configuration has enabled rules and, beside them, rules whose Status is
#   Disabled. A disabled rule replicates nothing: the objects it selects (and its
#   destination) are left out while the rest of the bucket replicates, which is easy to
#   miss because the bucket still looks replicated. One finding per disabled rule. When
#   every rule is disabled, CRR-011 reports the paused configuration instead.
# custom:
#   id: CRR-012
#   severity: low
#   guide: "Step 3 — add a replication configuration with an enabled rule to a bucket in another region"
#   remediation: >-
#     Enable the rule (the suggested configuration is the bucket's own with only that
#     rule's Status set to Enabled; put-bucket-replication replaces the whole
#     configuration), or remove the rule if it is no longer wanted. Objects written
#     while it was disabled need S3 Batch Replication.
#   requires: [replication]
#   applies_when: [replicates]
package crr.checks.crr_012

import data.crr.lib.errors
import data.crr.lib.fix
import data.crr.lib.replication as repl

applies if repl.rules_known

applies if errors.unreadable("replication")

deny contains f if {
	repl.rules_known
	count(repl.enabled_rules) > 0
	some i, rule in repl.rules
	not repl.enabled(rule)
	enabled := repl.set_field(rule, "Status", "Enabled")
	f := object.union_n([
		{
			"msg": sprintf("Bucket %s: replication rule %s to %s is %s while %d other rule(s) replicate; the objects it selects are not replicated", [
				input.bucket.Name, repl.label(i, rule), destination(rule), status(rule), count(repl.enabled_rules),
			]),
			"evidence": {"Rule": repl.excerpt(rule), "EnabledRules": [repl.excerpt(r) | some r in repl.enabled_rules]},
		},
		dest_field(rule),
		fix.rule(i, rule),
		fix.replication(repl.with_rule(i, enabled)),
	])
}

destination(rule) := repl.destination_name(repl.destination_of(rule)) if {
	repl.destination_of(rule)
} else := "an unnamed destination"

dest_field(rule) := {"destination": repl.destination_of(rule)} if {
	repl.destination_of(rule)
} else := {}

status(rule) := rule.Status if {
	is_string(rule.Status)
	rule.Status != ""
} else := "not Enabled"
