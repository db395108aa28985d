# METADATA
# title: Overlapping rules to one destination have no clear priority
# description: >-
#   Two enabled rules replicate into the same destination bucket, their filters can
#   select the same object (one prefix starts with the other and their tags do not
#   contradict), and their priorities are equal or missing (V1 rules have none). S3
#   applies the rule with the higher Priority; without one, which rule's settings
#   (storage class, RTC, delete markers, encryption) an object gets is ambiguous. One
#   finding per pair of rules.
# custom:
#   id: CRR-016
#   severity: low
#   guide: "Step 3 — replication configuration: Priority decides between rules to the same destination"
#   remediation: >-
#     Give the overlapping rules distinct priorities (the higher number wins), or make
#     their filters disjoint. The suggested configuration is the bucket's own with the
#     later of the two rules given a priority above every other rule, so that it wins;
#     swap the priorities if the other rule should win. V1 rules, which have no
#     priority, are rewritten as V2 rules.
#   requires: [replication]
#   applies_when: [replicates]
package crr.checks.crr_016

import data.crr.lib.errors
import data.crr.lib.filters
import data.crr.lib.fix
import data.crr.lib.replication as repl

applies if repl.rules_known

applies if errors.unreadable("replication")

deny contains f if {
	repl.rules_known
	some dest, indexes in by_destination
	some i in indexes
	some j in indexes
	i < j
	a := repl.rules[i]
	b := repl.rules[j]
	filters.rules_overlap(a, b)
	not distinct_priorities(a, b)
	winner := repl.set_field(repl.to_v2(j, b), "Priority", repl.free_priority)
	f := object.union_n([
		{
			"msg": sprintf("Bucket %s: rules %s (%s) and %s (%s) both replicate %s to %s with %s: which rule applies to an object is ambiguous", [
				input.bucket.Name, repl.label(i, a), filter_text(a), repl.label(j, b), filter_text(b),
				common(a, b), repl.destination_name(dest), priority_text(a, b),
			]),
			"destination": dest,
			"evidence": {"Rules": [selection(a), selection(b)]},
		},
		fix.rule(j, b),
		{"key": sprintf("%s & %s", [repl.label(i, a), repl.label(j, b)])},
		fix.replication(repl.with_rule(j, winner)),
	])
}

# by_destination groups the indexes of the enabled rules by destination ARN.
by_destination[dest] contains i if {
	some i, r in repl.rules
	repl.enabled(r)
	dest := repl.destination_of(r)
}

distinct_priorities(a, b) if {
	is_number(a.Priority)
	is_number(b.Priority)
	a.Priority != b.Priority
}

priority_text(a, b) := sprintf("the same priority %v", [a.Priority]) if {
	is_number(a.Priority)
	a.Priority == b.Priority
} else := "no priority"

filter_text(rule) := sprintf("prefix %q, tags %s", [filters.prefix(rule), tag_list(rule)]) if {
	filters.tag_filtered(rule)
} else := sprintf("prefix %q", [filters.prefix(rule)])

tag_list(rule) := concat(" and ", sort([sprintf("%s=%s", [t.Key, t.Value]) | some t in filters.tags(rule)]))

# common describes the keys both rules select: those under the longer prefix.
common(a, b) := "every object" if {
	longest(a, b) == ""
} else := sprintf("objects under %q", [longest(a, b)])

longest(a, b) := filters.prefix(a) if {
	count(filters.prefix(a)) >= count(filters.prefix(b))
} else := filters.prefix(b)

selection(rule) := object.union(repl.excerpt(rule), {"Prefix": filters.prefix(rule), "Tags": sort([t | some t in filters.tags(rule)])})
