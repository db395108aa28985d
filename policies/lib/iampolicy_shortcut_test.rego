package crr.lib.iampolicy_shortcut_test

# plain_grants is a shortcut around status: every request it holds must be one that
# status decides "allowed". These tests hold it to that over iampolicy_test's table
# and over documents made to tempt it (conditions, policy variables, NotResource,
# Deny statements, a boundary, odd field types, patterns that are not plain strings).

import data.crr.lib.iam
import data.crr.lib.iampolicy as ip
import data.crr.lib.iampolicy_test as table

doc(statements) := {"Version": "2012-10-17", "Statement": statements}

allow(actions, resources) := {"Effect": "Allow", "Action": actions, "Resource": resources}

tempting := [
	doc([object.union(allow("s3:ReplicateObject", "arn:aws:s3:::dst/*"), {"Condition": {"Bool": {"aws:SecureTransport": "true"}}})]),
	doc([object.union(allow("s3:ReplicateObject", "arn:aws:s3:::dst/*"), {"Condition": "x"})]),
	doc([object.union(allow("s3:ReplicateObject", "arn:aws:s3:::dst/*"), {"Condition": null})]),
	doc([object.union(allow("s3:ReplicateObject", "arn:aws:s3:::dst/*"), {"Condition": {}})]),
	doc([allow("s3:ReplicateObject", ["arn:aws:s3:::dst/*", "arn:aws:s3:::${aws:username}/*"])]),
	doc([object.union(allow("s3:ReplicateObject", "arn:aws:s3:::dst/*"), {"NotResource": "arn:aws:s3:::${x}"})]),
	doc([{"Effect": "Allow", "NotAction": "s3:ReplicateObject", "Resource": "arn:aws:s3:::dst/*"}]),
	doc([{"Effect": "Allow", "Action": "s3:ReplicateObject", "NotResource": "arn:aws:s3:::dst/*"}]),
	doc([allow("s3:ReplicateObject", "arn:aws:s3:::dst/*"), {"Effect": "Deny", "Action": "s3:ReplicateObject", "Resource": "*"}]),
	doc([allow("s3:ReplicateObject", "arn:aws:s3:::dst/*"), {"Effect": "Deny", "NotAction": "s3:Get*", "Resource": "*", "Condition": {"Bool": {"x": "y"}}}]),
	doc([allow(["s3:Replicate*", "S3:REPLICATEDELETE", "s3:?eplicateTags", 7], ["arn:aws:s3:::dst/*", "arn:aws:s3:::b[1]/{a,b}/*", "*"])]),
	doc([object.union(allow("s3:ReplicateObject", "arn:aws:s3:::dst/*"), {"Effect": "allow"})]),
	{"Statement": allow("s3:ReplicateObject", "arn:aws:s3:::dst/*")},
	{"Statement": ["x", null, allow("s3:ListBucket", "arn:aws:s3:::dst")]},
]

policy_sets := array.concat(
	array.concat(
		[table.policy_set(c) | some c in table.cases],
		[ip.from_documents([d]) | some d in tempting],
	),
	[
		ip.with_boundary(ip.from_documents([table.guide]), doc([table.allow("s3:Get*", "*")])),
		ip.from_documents([table.guide, tempting[8]]),
		ip.from_documents(tempting),
	],
)

# unsound are [set, action, resource, status] for every plain grant that status does
# not decide "allowed", asked in lower and in upper case.
unsound := [[i, a, r, st] |
	some i, p in policy_sets
	some [lc, r] in ip.plain_grants(p)
	some a in {lc, upper(lc)}
	st := ip.status(p, a, r)
	st != "allowed"
]

test_plain_grants_are_allowed if {
	print(unsound)
	unsound == []
}

test_plain_grants_of_the_guide if {
	grants := ip.plain_grants(ip.from_documents([table.guide]))
	every n in table.replication_needs {
		[lower(n[0]), n[1]] in grants
	}
}

test_no_plain_grants_with_a_boundary_or_a_deny if {
	not ip.plain_grants(ip.with_boundary(ip.from_documents([table.guide]), doc([table.allow("*", "*")])))
	not ip.plain_grants(ip.from_documents([table.guide, tempting[8]]))
	not ip.plain_grants(ip.from_documents([tempting[9]]))
}

test_no_plain_grants_under_a_condition_or_a_variable if {
	every i in [0, 1, 2, 4, 5, 6, 7, 11] {
		count(ip.plain_grants(ip.from_documents([tempting[i]]))) == 0
	}
	count(ip.plain_grants(ip.from_documents([tempting[3]]))) == 1
}

# The matchers decide a pattern equal to the value without a glob: the glob would
# have matched it too, whatever the pattern holds.
odd_patterns := [
	"s3:ReplicateObject", "S3:Replicate*", "s3:?eplicate", "*", "?", "**", "", "a\\*", "a\\?", "\\",
	"arn:aws:s3:::b[1]/{a,b}/*", "arn:aws:s3:::b!x-y^z$", "arn:aws:s3:::${aws:username}/*", "${", "${}", "a.b*c.d",
	"arn:aws:s3:::my.bucket.*", "sts:AssumeRole", "x,y{z}", "é*☃",
]

test_equal_patterns_match_through_the_glob_too if {
	every p in odd_patterns {
		glob.match(ip.glob_of(lower(p)), null, lower(p))
		glob.match(ip.glob_of(regex.replace(p, `\$\{[^}]*\}`, "*")), null, p)
		glob.match(iam.glob_pattern(lower(p)), [], lower(p))
		ip.action_match(p, upper(p))
		ip.resource_match(p, p)
		iam.wildcard_match(upper(p), p)
	}
}
