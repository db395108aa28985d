# METADATA
# title: Replication configuration helpers
# description: >-
#   The bucket's replication configuration and rules as the checks read them: V1 versus
#   V2 rules, enabled rules, rule labels, destinations and the input's linked destination
#   buckets. Every helper is undefined or empty when the data is unknown.
package crr.lib.replication

import data.crr.lib.arn

# config is the bucket's replication configuration; undefined when it has none or it
# could not be read (see crr.lib.errors.unreadable("replication")).
config := c if {
	c := input.bucket.ReplicationConfiguration
	is_object(c)
}

# has_config is true when the bucket has a replication configuration.
has_config if config

# rules_known is true when the configuration's Rules list was read.
rules_known if is_array(config.Rules)

# rules are the configuration's rules, in S3's order ([] when unknown).
default rules := []

rules := config.Rules if rules_known

# enabled is true for a rule whose Status is Enabled.
enabled(rule) if rule.Status == "Enabled"

# enabled_rules are the rules whose Status is Enabled.
enabled_rules := [r | some r in rules; enabled(r)]

# v2 is true for a rule with a Filter element (even an empty one); V2 rules carry
# Priority and DeleteMarkerReplication.
v2(rule) if object.get(rule, "Filter", null) != null

# v1 is true for a legacy rule: no Filter, maybe a Prefix directly on the rule.
v1(rule) if not v2(rule)

# label names a rule in messages: its ID, or its position when it has none.
label(i, rule) := sprintf("%q", [rule.ID]) if {
	is_string(rule.ID)
	rule.ID != ""
}

label(i, rule) := sprintf("#%d", [i + 1]) if {
	not has_id(rule)
}

has_id(rule) if {
	is_string(rule.ID)
	rule.ID != ""
}

# destination_of is the destination bucket ARN of a rule.
destination_of(rule) := d if {
	d := rule.Destination.Bucket
	is_string(d)
	d != ""
}

# destination_arns are the destination bucket ARNs of every rule.
destination_arns := {d | some r in rules; d := destination_of(r)}

# enabled_destination_arns are the destination bucket ARNs of the enabled rules.
enabled_destination_arns := {d | some r in enabled_rules; d := destination_of(r)}

# excerpt is the part of a rule that shows where it replicates and whether it runs.
excerpt(rule) := object.filter(rule, {"ID", "Priority", "Status", "Destination"})

# rules_to are the excerpts of the rules (enabled_only: only the enabled ones) that
# replicate into the destination ARN.
rules_to(dest, enabled_only) := [excerpt(r) |
	some r in rules
	destination_of(r) == dest
	selected(r, enabled_only)
]

selected(_, false) := true

selected(r, true) if enabled(r)

# rule_labels are the labels of the rules (enabled_only: only the enabled ones) that
# replicate into the destination ARN, joined for a message.
rule_labels(dest, enabled_only) := concat(", ", [label(i, r) |
	some i, r in rules
	destination_of(r) == dest
	selected(r, enabled_only)
])

# destination is the linked bucket the scan read for a destination ARN.
destination(dest) := d if {
	d := input.destinations[dest]
	is_object(d)
}

# destination_name is the bucket name of a destination ARN.
destination_name(dest) := n if {
	n := destination(dest).Name
	is_string(n)
	n != ""
} else := arn.bucket_name(dest)

# destination_region is the region of a destination when it is known ("" otherwise).
destination_region(dest) := r if {
	r := region(destination(dest).Region)
} else := ""

# region normalises a known region name (legacy "EU" is eu-west-1); undefined for unknown ("").
region(r) := "eu-west-1" if r == "EU"

region(r) := r if {
	is_string(r)
	r != ""
	r != "EU"
}

# bucket_region is the scanned bucket's region, "" when unknown.
bucket_region := r if {
	r := region(input.bucket.Region)
} else := ""

# --- Rebuilding a configuration for a fix -------------------------------------------
# put-bucket-replication replaces the whole configuration, so a suggested fix is the
# configuration as read with only the offending rules changed.

# set_field is obj with key set to value (object.union would merge nested objects).
set_field(obj, key, value) := object.union(object.remove(obj, [key]), {key: value})

# rule_id is a rule's ID, "" when it has none.
rule_id(rule) := rule.ID if has_id(rule)
else := ""

# max_priority is the highest Priority of the configuration's rules (0 when none has one).
max_priority := max([p | some r in rules; p := r.Priority; is_number(p)]) if {
	some r in rules
	is_number(r.Priority)
} else := 0

# free_priority is a Priority above every rule's, also above those that with_rule gives
# converted V1 rules, so that a rule given it wins over every other rule.
free_priority := max_priority + 1 if {
	not any_v1
} else := (max_priority + count(rules)) + 1

any_v1 if {
	some r in rules
	v1(r)
}

# to_v2 rewrites the V1 rule at index i as the equivalent V2 rule: its Prefix becomes
# Filter.Prefix, it gets a Priority above every existing one (distinct per index) and
# DeleteMarkerReplication Enabled, because V1 rules replicate the delete markers of
# user DELETEs. A V2 rule is returned as it is.
to_v2(i, rule) := rule if v2(rule)

to_v2(i, rule) := object.union(object.remove(rule, ["Prefix"]), {
	"Filter": {"Prefix": v1_prefix(rule)},
	"Priority": (max_priority + i) + 1,
	"DeleteMarkerReplication": {"Status": "Enabled"},
}) if v1(rule)

v1_prefix(rule) := rule.Prefix if is_string(rule.Prefix)
else := ""

# with_rule is the configuration as read with the rule at index i replaced by rule;
# every other rule and field is kept. When the replacement turns a V1 rule into a V2
# rule, the other V1 rules are converted too (to_v2), so that the document does not
# mix the two schemas.
with_rule(i, rule) := set_field(config, "Rules", [kept_or_replaced(j, r, i, rule) | some j, r in rules])

kept_or_replaced(j, _, i, new) := new if j == i

kept_or_replaced(j, r, i, new) := to_v2(j, r) if {
	j != i
	v1(r)
	v1(rules[i])
	v2(new)
}

kept_or_replaced(j, r, i, new) := r if {
	j != i
	not converted(r, i, new)
}

converted(r, i, new) if {
	v1(r)
	v1(rules[i])
	v2(new)
}

# without_rules is the configuration as read without the rules at the given indexes.
without_rules(indexes) := set_field(config, "Rules", [r | some j, r in rules; not j in indexes])

# --- Accounts -----------------------------------------------------------------------

# destination_account is the account a rule replicates into: the rule's
# Destination.Account, else the account the scan found for the destination bucket;
# undefined when neither is known.
destination_account(rule) := a if {
	a := rule.Destination.Account
	is_string(a)
	a != ""
} else := a if {
	a := destination(destination_of(rule)).AccountId
	is_string(a)
	a != ""
}

# source_account is the scanned bucket's account; undefined when unknown.
source_account := a if {
	a := input.bucket.AccountId
	is_string(a)
	a != ""
}

# cross_account is true for a rule whose destination account is known and is not the
# source bucket's (also known).
cross_account(rule) if destination_account(rule) != source_account
