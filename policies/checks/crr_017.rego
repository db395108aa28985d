# METADATA
# title: Replication prefix looks wrong
# description: >-
#   A rule's prefix starts with "/" or contains "*". S3 keys do not start with a slash
#   unless they were written that way, and a prefix is matched literally ("*" is not a
#   wildcard), so such a rule most likely selects nothing and replicates nothing while
#   looking configured. Whether a prefix matches no object at all needs a listing of the
#   bucket, which the scan does not make. One finding per rule, enabled or not.
# custom:
#   id: CRR-017
#   severity: info
#   guide: "Pitfall: a prefix or tag filter that matches nothing"
#   remediation: >-
#     Write the prefix as the keys actually start: without the leading "/" and without
#     wildcards (a prefix already matches every key that starts with it). The suggested
#     configuration is the bucket's own with only that rule's prefix corrected; check it
#     against the real keys (aws s3api list-objects-v2 --prefix ... --max-keys 1) before
#     applying it.
#   requires: [replication]
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
	problems := [text | some check, text in reasons; wrong(check, p)]
	count(problems) > 0
	good := corrected(p)
	f := object.union_n([
		{
			"msg": sprintf("Bucket %s: rule %s has prefix %q, which %s: it likely selects no object (suggested prefix %q)", [
				input.bucket.Name, repl.label(i, rule), p, concat(" and ", problems), good,
			]),
			"evidence": {"Rule": repl.excerpt(rule), "Prefix": p, "PrefixField": concat(".", field.path)},
		},
		dest_field(rule),
		fix.rule(i, rule),
		with_check(fix.replication(repl.with_rule(i, json.patch(rule, [{"op": "replace", "path": concat("/", array.concat([""], field.path)), "value": good}]))), good),
	])
}

reasons := {
	"slash": "starts with \"/\"",
	"star": "contains \"*\" (prefixes are literal, not wildcards)",
}

wrong("slash", p) if startswith(p, "/")

wrong("star", p) if contains(p, "*")

# corrected drops the leading slashes and everything from the first "*".
corrected(p) := trim_left(split(p, "*")[0], "/")

# with_check puts a listing of the corrected prefix before the fix, to confirm it
# selects objects.
with_check(fx, good) := object.union(fx, {"commands": array.concat(
	[sprintf("aws s3api list-objects-v2 --bucket %s --prefix %s --max-keys 1%s", [
		cli.arg(input.bucket.Name), cli.arg(good), cli.region_flag(repl.bucket_region),
	])],
	fx.commands,
)})

dest_field(rule) := {"destination": repl.destination_of(rule)} if {
	repl.destination_of(rule)
} else := {}
