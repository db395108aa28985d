# METADATA
# title: Replication rule uses the legacy V1 schema
# description: >-
#   The rule has a Prefix directly on the rule and no Filter: the V1 schema. V1 rules
#   have no Priority, cannot filter by tag, cannot use Replication Time Control,
#   replica modification sync or delete-marker replication control, and a
#   configuration that mixes V1 and V2 rules is not documented to be accepted. One
#   finding per V1 rule, enabled or not.
# custom:
#   id: CRR-015
#   severity: low
#   guide: "Step 3 — replication configuration (V2 schema: Filter, Priority, DeleteMarkerReplication)"
#   remediation: >-
#     Rewrite the V1 rules as V2 rules: the Prefix moves into Filter.Prefix, each rule
#     gets a distinct Priority and DeleteMarkerReplication Enabled (V1 rules replicate
#     the delete markers of user DELETEs, so this keeps their behaviour). The suggested
#     configuration is the bucket's own with every V1 rule converted, because the two
#     schemas should not be mixed; every other rule and field is kept.
#   requires: [replication]
#   applies_when: [replicates]
package crr.checks.crr_015

import data.crr.lib.errors
import data.crr.lib.filters
import data.crr.lib.fix
import data.crr.lib.replication as repl

applies if repl.rules_known

applies if errors.unreadable("replication")

deny contains f if {
	repl.rules_known
	some i, rule in repl.rules
	repl.v1(rule)
	f := object.union_n([
		{
			"msg": sprintf("Bucket %s: rule %s uses the legacy V1 schema (Prefix %q on the rule, no Filter): no priority, tag filter, RTC or delete-marker control", [
				input.bucket.Name, repl.label(i, rule), filters.prefix(rule),
			]),
			"evidence": {"Rule": object.filter(rule, {"ID", "Prefix", "Status", "Destination"})},
		},
		dest_field(rule),
		fix.rule(i, rule),
		fix.replication(repl.with_rule(i, repl.to_v2(i, rule))),
	])
}

dest_field(rule) := {"destination": repl.destination_of(rule)} if {
	repl.destination_of(rule)
} else := {}
