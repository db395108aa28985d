# METADATA
# title: Enabled rules do not cover the whole bucket
# description: >-
#   The settings require full coverage (requirements.full_coverage) but no enabled rule
#   selects every object: each one filters by a key prefix or by tags, so objects
#   outside those filters are never replicated. Judged only when the setting is true
#   and at least one rule is enabled (a configuration without one is CRR-011).
# custom:
#   id: CRR-013
#   severity: medium
#   guide: "Step 3 — add a replication configuration with an enabled rule to a bucket in another region"
#   remediation: >-
#     Widen an enabled rule to the whole bucket (Filter with an empty Prefix, no tags).
#     The suggested configuration is the bucket's own with only the first enabled
#     rule's filter widened; if different prefixes must go to different destinations,
#     add a catch-all rule instead. Objects written before the change need S3 Batch
#     Replication.
#   requires: [replication]
#   applies_when: [replicates]
package crr.checks.crr_013

import data.crr.lib.errors
import data.crr.lib.filters
import data.crr.lib.fix
import data.crr.lib.replication as repl
import data.crr.lib.settings

applies if {
	settings.full_coverage
	repl.rules_known
	count(repl.enabled_rules) > 0
}

applies if {
	settings.full_coverage
	errors.unreadable("replication")
}

deny contains f if {
	settings.full_coverage
	repl.rules_known
	count(repl.enabled_rules) > 0
	not covered
	i := first_enabled
	rule := repl.rules[i]
	f := object.union_n([
		{
			"msg": sprintf("Bucket %s: the enabled rules select only %s; settings require the whole bucket to replicate", [
				input.bucket.Name, concat(", ", [describe(j, r) | some j, r in repl.rules; repl.enabled(r)]),
			]),
			"evidence": {
				"Rules": [selection(r) | some r in repl.enabled_rules],
				"Requirement": {"full_coverage": true},
			},
		},
		fix.replication(repl.with_rule(i, widened(i, rule))),
	])
}

covered if {
	some r in repl.enabled_rules
	filters.whole_bucket(r)
}

first_enabled := min({i | some i, r in repl.rules; repl.enabled(r)})

describe(i, rule) := sprintf("rule %s: %s", [repl.label(i, rule), what(rule)])

what(rule) := sprintf("keys under %q with tags %s", [filters.prefix(rule), tag_list(rule)]) if {
	filters.prefix(rule) != ""
	filters.tag_filtered(rule)
} else := sprintf("keys under %q", [filters.prefix(rule)]) if {
	filters.prefix(rule) != ""
} else := sprintf("objects tagged %s", [tag_list(rule)])

tag_list(rule) := concat(" and ", sort([sprintf("%s=%s", [t.Key, t.Value]) | some t in filters.tags(rule)]))

selection(rule) := object.union(repl.excerpt(rule), {"Prefix": filters.prefix(rule), "Tags": sort([t | some t in filters.tags(rule)])})

# widened selects the whole bucket: a V2 rule gets an empty prefix filter (its tag
# filter goes too), a V1 rule an empty Prefix.
widened(_, rule) := repl.set_field(rule, "Filter", {"Prefix": ""}) if repl.v2(rule)

widened(_, rule) := repl.set_field(rule, "Prefix", "") if repl.v1(rule)
