# METADATA
# title: Replication prefix looks wrong
# description: >-
#   A rule's prefix starts with "/", contains "*", or matches no object of the bucket.
#   S3 keys do not start with a slash unless they were written that way, and a prefix
#   is matched literally ("*" is not a wildcard), so such a rule most likely selects
#   nothing and replicates nothing while looking configured. Whether a prefix matches
#   an object comes from the scan's listing of the bucket (ListObjectsV2 with the
#   prefix and MaxKeys 1, once per distinct prefix of a bucket that replicates):
#   known "no object" adds that reason; known objects under the prefix show it is
#   written as the keys are, and the rule is not reported whatever its shape. A
#   listing that failed leaves the check not judged on that bucket (its outcome is
#   error; CRR-090 reports the failure), so that no prefix passes unseen; in a
#   snapshot from before the scan listed prefixes only their shape is judged. One
#   finding per rule, enabled or not.
# custom:
#   id: CRR-017
#   severity: info
#   guide: "Pitfall: a prefix or tag filter that matches nothing"
#   remediation: >-
#     Write the prefix as the keys actually start: without the leading "/" and without
#     wildcards (a prefix already matches every key that starts with it). The suggested
#     configuration is the bucket's own with only that rule's prefix corrected; check it
#     against the real keys (aws s3api list-objects-v2 --prefix ... --max-keys 1) before
#     applying it. When a plain prefix matches no object the right prefix is unknown:
#     the first command lists the bucket's top-level prefixes; write the right one into
#     the rule's Prefix in replication.json (the configuration as read) and apply it, or
#     keep the rule if objects are yet to be written under it.
#   requires: [replication, objects]
#   applies_when: [replicates]
package crr.checks.crr_017

import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.filters
import data.crr.lib.fix
import data.crr.lib.replication as repl

applies if repl.rules_known

applies if errors.unreadable("replication")

deny contains f if {
	repl.rules_known
	some i, rule in repl.rules
	field := filters.prefix_field(rule)
	p := field.value
	not has_objects(p)
	problems := [text | some [check, text] in reasons; wrong(check, p)]
	count(problems) > 0
	f := object.union_n([
		{
			"msg": sprintf("Bucket %s: rule %s has prefix %q, which %s: %s", [
				input.bucket.Name, repl.label(i, rule), p, concat(" and ", problems), outcome(p),
			]),
			"evidence": object.union(
				{"Rule": repl.excerpt(rule), "Prefix": p, "PrefixField": concat(".", field.path)},
				listing(p),
			),
		},
		dest_field(rule),
		fix.rule(i, rule),
		fix_for(i, rule, field, p),
	])
}

# reasons are in the order the message gives them.
reasons := [
	["slash", "starts with \"/\""],
	["star", "contains \"*\" (prefixes are literal, not wildcards)"],
	["none", "matches no object in the bucket"],
]

wrong("slash", p) if startswith(p, "/")

wrong("star", p) if contains(p, "*")

wrong("none", p) if input.bucket.PrefixHasObjects[p] == false

# has_objects is true when the scan's listing found an object under the prefix;
# undefined when it found none or did not list (unknown).
has_objects(p) if input.bucket.PrefixHasObjects[p] == true

# correctable is true when the prefix's shape says what it should be.
correctable(p) if wrong("slash", p)

correctable(p) if wrong("star", p)

outcome(p) := sprintf("it selects no object (suggested prefix %q)", [corrected(p)]) if {
	correctable(p)
	wrong("none", p)
} else := sprintf("it likely selects no object (suggested prefix %q)", [corrected(p)]) if {
	correctable(p)
} else := "it selects no object today (the right prefix is unknown: list the bucket's keys to find it)"

# listing is the scan's answer for the prefix as evidence, when it listed.
listing(p) := {"PrefixHasObjects": input.bucket.PrefixHasObjects[p]} if {
	is_boolean(input.bucket.PrefixHasObjects[p])
} else := {}

# corrected drops the leading slashes and everything from the first "*".
corrected(p) := trim_left(split(p, "*")[0], "/")

# fix_for is the bucket's configuration with the rule's prefix corrected, after a
# listing that confirms the corrected prefix selects objects; for a plain prefix that
# matches nothing, a listing of the bucket's top-level prefixes before the
# configuration as read, whose prefix the user corrects.
fix_for(i, rule, field, p) := first(
	list_objects(sprintf("--prefix %s --max-keys 1", [cli.arg(corrected(p))])),
	fix.replication(repl.with_rule(i, json.patch(rule, [{
		"op": "replace", "path": concat("/", array.concat([""], field.path)), "value": corrected(p),
	}]))),
) if {
	correctable(p)
} else := first(list_objects("--delimiter / --max-items 100"), fix.replication(repl.config))

# list_objects lists the bucket's objects with the given options.
list_objects(opts) := sprintf("aws s3api list-objects-v2 --bucket %s %s%s", [
	cli.arg(input.bucket.Name), opts, cli.region_flag(repl.bucket_region),
])

# first puts a command before a fix's own.
first(cmd, fx) := object.union(fx, {"commands": array.concat([cmd], fx.commands)})

dest_field(rule) := {"destination": repl.destination_of(rule)} if {
	repl.destination_of(rule)
} else := {}
