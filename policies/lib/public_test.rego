package crr.lib.public_test

import data.crr.lib.public

allow(principal) := {"Effect": "Allow", "Principal": principal, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::dst/*"}

with_condition(stmt, cond) := object.union(stmt, {"Condition": cond})

doc(stmts) := {"Version": "2012-10-17", "Statement": stmts}

test_public_principals if {
	count(public.public_statements(doc([allow("*")]))) == 1
	count(public.public_statements(doc([allow({"AWS": "*"})]))) == 1
	count(public.public_statements(doc([allow({"AWS": ["arn:aws:iam::111122223333:root", "*"]})]))) == 1
	count(public.public_statements(doc([allow({"CanonicalUser": "*"})]))) == 1
	count(public.public_statements({"Statement": {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:*"}})) == 1
}

test_not_public if {
	count(public.public_statements(doc([allow({"AWS": "arn:aws:iam::111122223333:role/crr"})]))) == 0
	count(public.public_statements(doc([allow({"Service": "s3.amazonaws.com"})]))) == 0
	count(public.public_statements(doc([object.union(allow("*"), {"Effect": "Deny"})]))) == 0
	count(public.public_statements({})) == 0
}

test_restricting_conditions if {
	count(public.public_statements(doc([with_condition(allow("*"), {"StringEquals": {"aws:SourceVpce": "vpce-1a2b"}})]))) == 0
	count(public.public_statements(doc([with_condition(allow("*"), {"StringEquals": {"aws:PrincipalOrgID": ["o-abc"]}})]))) == 0
	count(public.public_statements(doc([with_condition(allow("*"), {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})]))) == 0
	count(public.public_statements(doc([with_condition(allow("*"), {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a/r-b/*"}})]))) == 0
}

test_conditions_that_do_not_restrict if {
	count(public.public_statements(doc([with_condition(allow("*"), {"Bool": {"aws:SecureTransport": "true"}})]))) == 1
	count(public.public_statements(doc([with_condition(allow("*"), {"StringEquals": {"aws:SourceAccount": "*"}})]))) == 1
	count(public.public_statements(doc([with_condition(allow("*"), {"IpAddress": {"aws:SourceIp": ["0.0.0.0/0"]}})]))) == 1
	count(public.public_statements(doc([with_condition(allow("*"), {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}})]))) == 1
	count(public.public_statements(doc([with_condition(allow("*"), {"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}})]))) == 1
	count(public.public_statements(doc([with_condition(allow("*"), {})]))) == 1
}

pab(restrict) := {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": restrict}

test_bucket_states if {
	open := {"PublicAccessBlockConfiguration": {}, "Policy": {"Document": doc([allow("*")])}}
	public.public(open)
	not public.private(open)
	# BlockPublicPolicy does not disable a policy already in place.
	public.public(object.union(open, {"PublicAccessBlockConfiguration": pab(false)}))
	public.private(object.union(open, {"PublicAccessBlockConfiguration": pab(true)}))
	not public.public(object.union(open, {"PublicAccessBlockConfiguration": pab(true)}))
	public.private({"PublicAccessBlockConfiguration": {}, "Policy": {"Document": null}})
	public.private({"Policy": {"Document": doc([allow({"Service": "s3.amazonaws.com"})])}})
	# Unknown: no block read and a public policy, or a block that is open and no policy read.
	unknown_block := {"Policy": {"Document": doc([allow("*")])}}
	not public.public(unknown_block)
	not public.private(unknown_block)
	unknown_policy := {"PublicAccessBlockConfiguration": {}}
	not public.public(unknown_policy)
	not public.private(unknown_policy)
	not public.private({"PublicAccessBlockConfiguration": {}, "Policy": {"Document": "not json"}})
}
