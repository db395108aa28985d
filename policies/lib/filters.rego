# METADATA
# title: Rule filter helpers
# description: >-
#   What a replication rule (or a lifecycle rule) selects: its key prefix and its tags,
#   whether it covers the whole bucket, and whether two selections can share an
#   object. V1 replication rules select by the Prefix on the rule; V2 rules by Filter
#   (Prefix, Tag, or And{Prefix, Tags}); lifecycle rules by Filter or the legacy
#   Prefix on the rule.
package crr.lib.filters

import data.crr.lib.replication as repl

# prefix is the key prefix a replication rule selects ("" = every key).
prefix(rule) := string_or_empty(object.get(rule, "Prefix", "")) if repl.v1(rule)

prefix(rule) := filter_prefix(rule.Filter) if repl.v2(rule)

# prefix_field is a rule's prefix field value when it has one (V1 Prefix, Filter.Prefix
# or Filter.And.Prefix), with the path to it; undefined when the rule has none.
prefix_field(rule) := {"path": ["Prefix"], "value": rule.Prefix} if {
	repl.v1(rule)
	is_string(rule.Prefix)
}

prefix_field(rule) := {"path": ["Filter", "Prefix"], "value": rule.Filter.Prefix} if {
	repl.v2(rule)
	is_string(rule.Filter.Prefix)
}

prefix_field(rule) := {"path": ["Filter", "And", "Prefix"], "value": rule.Filter.And.Prefix} if {
	repl.v2(rule)
	not filter_has_prefix(rule)
	is_string(rule.Filter.And.Prefix)
}

filter_has_prefix(rule) if is_string(rule.Filter.Prefix)

filter_prefix(f) := f.Prefix if {
	is_string(f.Prefix)
} else := f.And.Prefix if {
	is_string(f.And.Prefix)
} else := ""

string_or_empty(s) := s if is_string(s)
else := ""

# tags are the tags a replication rule selects, as a set of {"Key", "Value"} (V1 rules
# cannot filter by tag).
tags(rule) := filter_tags(rule.Filter) if repl.v2(rule)
else := set()

filter_tags(f) := {tag(f.Tag)} if {
	is_object(f.Tag)
} else := {tag(t) | some t in f.And.Tags; is_object(t)} if {
	is_array(f.And.Tags)
} else := set()

tag(t) := {"Key": object.get(t, "Key", ""), "Value": object.get(t, "Value", "")}

# tag_filtered is true for a rule that selects by tag: S3 never replicates delete
# markers for it.
tag_filtered(rule) if count(tags(rule)) > 0

# whole_bucket is true for a rule that selects every object of the bucket.
whole_bucket(rule) if {
	prefix(rule) == ""
	not tag_filtered(rule)
}

# selection is what a replication rule selects: {"prefix", "tags"}.
selection(rule) := {"prefix": prefix(rule), "tags": tags(rule)}

# lifecycle_selection is what a lifecycle rule selects: {"prefix", "tags"} (object
# size filters are ignored: they narrow, never widen).
lifecycle_selection(rule) := {"prefix": lifecycle_prefix(rule), "tags": lifecycle_tags(rule)}

lifecycle_prefix(rule) := filter_prefix(rule.Filter) if {
	is_object(rule.Filter)
} else := string_or_empty(object.get(rule, "Prefix", ""))

lifecycle_tags(rule) := filter_tags(rule.Filter) if {
	is_object(rule.Filter)
} else := set()

# overlap is true when two selections can hold the same object: one prefix starts
# with the other and no tag key is required with two different values.
overlap(a, b) if {
	prefixes_overlap(a.prefix, b.prefix)
	not tags_conflict(a.tags, b.tags)
}

prefixes_overlap(p, q) if startswith(p, q)

prefixes_overlap(p, q) if startswith(q, p)

tags_conflict(t1, t2) if {
	some x in t1
	some y in t2
	x.Key == y.Key
	x.Value != y.Value
}

# rules_overlap is true when two replication rules can select the same object.
rules_overlap(a, b) if overlap(selection(a), selection(b))
