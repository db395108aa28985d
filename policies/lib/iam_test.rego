package crr.lib.iam_test

import data.crr.lib.iam

s3 := "s3.amazonaws.com"

assume := "sts:AssumeRole"

doc(statements) := {"Version": "2012-10-17", "Statement": statements}

# set replaces one field (object.union would merge nested objects).
set(obj, key, value) := object.union(object.remove(obj, [key]), {key: value})

allow_s3 := {"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}

test_statements_accepts_object_or_list if {
	iam.statements({"Statement": allow_s3}) == [allow_s3]
	iam.statements(doc([allow_s3, allow_s3])) == [allow_s3, allow_s3]
	not iam.statements({})
	not iam.statements(null)
}

test_as_set if {
	iam.as_set("a") == {"a"}
	iam.as_set(["a", "b", "a"]) == {"a", "b"}
	not iam.as_set(null)
}

test_wildcards if {
	iam.wildcard_match("sts:*", assume)
	iam.wildcard_match("*", assume)
	iam.wildcard_match("STS:assumerole", assume)
	iam.wildcard_match("sts:Assume?ole", assume)
	not iam.wildcard_match("sts:AssumeRoleWithSAML", assume)
	not iam.wildcard_match("sts:[A]ssumeRole", assume)
	not iam.wildcard_match("s3:*", assume)
}

test_allows_string_and_list_forms if {
	iam.allows(doc([allow_s3]), s3, assume)
	iam.allows(doc([{"Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com", "s3.amazonaws.com"]}, "Action": ["sts:TagSession", "sts:AssumeRole"]}]), s3, assume)
	iam.allows({"Statement": allow_s3}, s3, assume)
}

test_allows_wildcard_actions if {
	iam.allows(doc([set(allow_s3, "Action", "sts:*")]), s3, assume)
	iam.allows(doc([set(allow_s3, "Action", "*")]), s3, assume)
}

test_allows_everyone_principals if {
	iam.allows(doc([set(allow_s3, "Principal", "*")]), s3, assume)
	iam.allows(doc([set(allow_s3, "Principal", {"AWS": "*"})]), s3, assume)
}

test_allows_not_action if {
	iam.allows(doc([{"Effect": "Allow", "Principal": {"Service": s3}, "NotAction": "sts:TagSession"}]), s3, assume)
	not iam.allows(doc([{"Effect": "Allow", "Principal": {"Service": s3}, "NotAction": "sts:*"}]), s3, assume)
}

test_does_not_allow_other_principals_or_actions if {
	not iam.allows(doc([set(allow_s3, "Principal", {"Service": "ec2.amazonaws.com"})]), s3, assume)
	not iam.allows(doc([set(allow_s3, "Principal", {"AWS": "arn:aws:iam::111122223333:root"})]), s3, assume)
	not iam.allows(doc([set(allow_s3, "Action", "sts:AssumeRoleWithWebIdentity")]), s3, assume)
	not iam.allows(doc([set(allow_s3, "Effect", "Deny")]), s3, assume)
	not iam.allows(doc([]), s3, assume)
	not iam.allows({}, s3, assume)
}

test_unconditional_deny_removes_the_allow if {
	deny := {"Effect": "Deny", "Principal": {"Service": s3}, "Action": "sts:*"}
	not iam.allows(doc([allow_s3, deny]), s3, assume)
	count(iam.denying(doc([allow_s3, deny]), s3, assume)) == 1
}

test_deny_not_principal_covers_s3 if {
	deny := {"Effect": "Deny", "NotPrincipal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
	not iam.allows(doc([allow_s3, deny]), s3, assume)
	spared := {"Effect": "Deny", "NotPrincipal": {"Service": ["s3.amazonaws.com"]}, "Action": "sts:AssumeRole"}
	iam.allows(doc([allow_s3, spared]), s3, assume)
}

test_conditional_deny_is_not_counted if {
	deny := {
		"Effect": "Deny", "Principal": {"Service": s3}, "Action": "sts:AssumeRole",
		"Condition": {"StringNotEquals": {"aws:SourceAccount": "111122223333"}},
	}
	iam.allows(doc([allow_s3, deny]), s3, assume)
	empty := set(deny, "Condition", {})
	not iam.allows(doc([allow_s3, empty]), s3, assume)
}

test_conditional_allow_still_allows if {
	allow := set(allow_s3, "Condition", {"StringEquals": {"aws:SourceAccount": "111122223333"}})
	iam.allows(doc([allow]), s3, assume)
}
