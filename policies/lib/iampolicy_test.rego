package crr.lib.iampolicy_test

import data.crr.lib.cli
import data.crr.lib.iampolicy as ip

src := "arn:aws:s3:::src"

src_objects := "arn:aws:s3:::src/*"

dst := "arn:aws:s3:::dst"

dst_objects := "arn:aws:s3:::dst/*"

role_arn := "arn:aws:iam::111122223333:role/crr"

doc(statements) := {"Version": "2012-10-17", "Statement": statements}

allow(actions, resources) := {"Effect": "Allow", "Action": actions, "Resource": resources}

deny(actions, resources) := {"Effect": "Deny", "Action": actions, "Resource": resources}

# The guide's least-privilege permissions policy (step 2), as the guide writes it.
guide := doc([
	{"Effect": "Allow", "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"], "Resource": ["arn:aws:s3:::src"]},
	{"Effect": "Allow", "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"], "Resource": ["arn:aws:s3:::src/*"]},
	{"Effect": "Allow", "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], "Resource": "arn:aws:s3:::dst/*"},
])

# every replication action on the resource it needs (CRR-032's matrix).
replication_needs := [
	["s3:GetReplicationConfiguration", src],
	["s3:ListBucket", src],
	["s3:GetObjectVersionForReplication", src_objects],
	["s3:GetObjectVersionAcl", src_objects],
	["s3:GetObjectVersionTagging", src_objects],
	["s3:ReplicateObject", dst_objects],
	["s3:ReplicateDelete", dst_objects],
	["s3:ReplicateTags", dst_objects],
]

conditioned(stmt) := object.union(stmt, {"Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}})

# The table: a policy set (identity documents, optional boundary) and the decisions
# expected for [action, resource] requests.
cases := [
	{"name": "guide", "docs": [guide], "want": [
		["s3:GetReplicationConfiguration", src, "allowed"],
		["s3:ListBucket", src, "allowed"],
		["s3:GetObjectVersionForReplication", src_objects, "allowed"],
		["s3:GetObjectVersionAcl", "arn:aws:s3:::src/a/b.txt", "allowed"],
		["s3:GetObjectVersionTagging", src_objects, "allowed"],
		["s3:ReplicateObject", dst_objects, "allowed"],
		["s3:ReplicateDelete", dst_objects, "allowed"],
		["s3:ReplicateTags", dst_objects, "allowed"],
		["s3:ReplicateObject", src_objects, "missing"],
		["s3:ListBucket", src_objects, "missing"],
		["s3:GetReplicationConfiguration", dst, "missing"],
		["s3:GetObjectRetention", src_objects, "missing"],
		["s3:ObjectOwnerOverrideToBucketOwner", dst_objects, "missing"],
	]},
	{"name": "guide from cli.permissions_policy", "docs": [cli.permissions_policy(src, {dst})], "want": [[a, r, "allowed"] | some n in replication_needs; a := n[0]; r := n[1]]},
	{"name": "s3:* on *", "docs": [doc([allow("s3:*", "*")])], "want": [
		["s3:ReplicateObject", dst_objects, "allowed"],
		["s3:ListBucket", src, "allowed"],
		["kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/k", "missing"],
	]},
	{"name": "* on *", "docs": [doc([allow("*", "*")])], "want": [
		["s3:ReplicateDelete", dst_objects, "allowed"],
		["kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/k", "allowed"],
	]},
	{"name": "Statement as one object", "docs": [{"Version": "2012-10-17", "Statement": allow("s3:ReplicateObject", dst_objects)}], "want": [
		["s3:ReplicateObject", dst_objects, "allowed"],
		["s3:ReplicateDelete", dst_objects, "missing"],
	]},
	{"name": "string and list fields", "docs": [doc([allow(["s3:ListBucket"], src), allow("s3:ReplicateTags", [dst_objects, "arn:aws:s3:::other/*"])])], "want": [
		["s3:ListBucket", src, "allowed"],
		["s3:ReplicateTags", "arn:aws:s3:::other/*", "allowed"],
		["s3:ReplicateTags", dst_objects, "allowed"],
	]},
	{"name": "actions are case-insensitive", "docs": [doc([allow("S3:replicateOBJECT", dst_objects)])], "want": [["s3:ReplicateObject", dst_objects, "allowed"]]},
	{"name": "resources are case-sensitive", "docs": [doc([allow("s3:ReplicateObject", "arn:aws:s3:::DST/*")])], "want": [["s3:ReplicateObject", dst_objects, "missing"]]},
	{"name": "s3:Replicate*", "docs": [doc([allow("s3:Replicate*", dst_objects)])], "want": [
		["s3:ReplicateObject", dst_objects, "allowed"],
		["s3:ReplicateDelete", dst_objects, "allowed"],
		["s3:ReplicateTags", dst_objects, "allowed"],
		["s3:GetObjectVersionForReplication", dst_objects, "missing"],
	]},
	{"name": "s3:Get* on objects", "docs": [doc([allow("s3:Get*", src_objects)])], "want": [
		["s3:GetObjectVersionForReplication", src_objects, "allowed"],
		["s3:GetObjectVersionAcl", src_objects, "allowed"],
		["s3:GetObjectRetention", src_objects, "allowed"],
		["s3:GetObjectLegalHold", src_objects, "allowed"],
		["s3:GetReplicationConfiguration", src, "missing"],
	]},
	{"name": "s3:GetObjectVersion*", "docs": [doc([allow("s3:GetObjectVersion*", src_objects)])], "want": [
		["s3:GetObjectVersionForReplication", src_objects, "allowed"],
		["s3:GetObjectRetention", src_objects, "missing"],
	]},
	{"name": "? in an action", "docs": [doc([allow("s3:GetObjectLegal????", src_objects)])], "want": [
		["s3:GetObjectLegalHold", src_objects, "allowed"],
		["s3:GetObjectLegalHolds", src_objects, "missing"],
	]},
	{"name": "resource wildcard bucket*", "docs": [doc([allow("s3:*", "arn:aws:s3:::dst*")])], "want": [
		["s3:ListBucket", dst, "allowed"],
		["s3:ReplicateObject", dst_objects, "allowed"],
		["s3:ReplicateObject", "arn:aws:s3:::dst-2/k", "allowed"],
		["s3:ReplicateObject", "arn:aws:s3:::src/dst", "missing"],
	]},
	{"name": "objects of every bucket", "docs": [doc([allow("s3:ReplicateObject", "arn:aws:s3:::*/*")])], "want": [
		["s3:ReplicateObject", dst_objects, "allowed"],
		["s3:ReplicateObject", dst, "missing"],
	]},
	{"name": "a prefix does not cover the whole bucket", "docs": [doc([allow("s3:GetObjectVersionForReplication", "arn:aws:s3:::src/logs/*")])], "want": [
		["s3:GetObjectVersionForReplication", "arn:aws:s3:::src/logs/*", "allowed"],
		["s3:GetObjectVersionForReplication", "arn:aws:s3:::src/logs/2026/a.gz", "allowed"],
		["s3:GetObjectVersionForReplication", src_objects, "missing"],
	]},
	{"name": "? in a resource", "docs": [doc([allow("s3:ReplicateObject", "arn:aws:s3:::dst-?/*")])], "want": [
		["s3:ReplicateObject", "arn:aws:s3:::dst-a/*", "allowed"],
		["s3:ReplicateObject", "arn:aws:s3:::dst-ab/*", "missing"],
	]},
	{"name": "dots in bucket names under a wildcard", "docs": [doc([allow("s3:ReplicateObject", "arn:aws:s3:::my.bucket.*")])], "want": [
		["s3:ReplicateObject", "arn:aws:s3:::my.bucket.eu-west-1/*", "allowed"],
		["s3:ReplicateObject", "arn:aws:s3:::my-bucket.eu/*", "missing"],
	]},
	{"name": "glob characters in a resource are literal", "docs": [doc([allow("s3:ReplicateObject", "arn:aws:s3:::b[1]/{a,b}/*")])], "want": [
		["s3:ReplicateObject", "arn:aws:s3:::b[1]/{a,b}/*", "allowed"],
		["s3:ReplicateObject", "arn:aws:s3:::b1/a/*", "missing"],
	]},
	{"name": "NotAction", "docs": [doc([{"Effect": "Allow", "NotAction": ["iam:*", "s3:Delete*"], "Resource": "*"}])], "want": [
		["s3:ReplicateObject", dst_objects, "allowed"],
		["s3:DeleteObject", dst_objects, "missing"],
		["iam:PassRole", role_arn, "missing"],
	]},
	{"name": "NotResource", "docs": [doc([{"Effect": "Allow", "Action": "s3:*", "NotResource": ["arn:aws:s3:::secret", "arn:aws:s3:::secret/*"]}])], "want": [
		["s3:ReplicateObject", dst_objects, "allowed"],
		["s3:ReplicateObject", "arn:aws:s3:::secret/*", "missing"],
		["s3:ListBucket", "arn:aws:s3:::secret", "missing"],
	]},
	{"name": "NotAction with NotResource", "docs": [doc([{"Effect": "Allow", "NotAction": "s3:Delete*", "NotResource": "arn:aws:s3:::secret/*"}])], "want": [
		["s3:ReplicateDelete", dst_objects, "allowed"],
		["s3:ReplicateDelete", "arn:aws:s3:::secret/*", "missing"],
		["s3:DeleteObject", dst_objects, "missing"],
	]},
	{"name": "Deny overrides Allow", "docs": [doc(array.concat(guide.Statement, [deny("s3:ReplicateDelete", "*")]))], "want": [
		["s3:ReplicateDelete", dst_objects, "denied"],
		["s3:ReplicateObject", dst_objects, "allowed"],
	]},
	{"name": "Deny with a wildcard", "docs": [doc([allow("s3:*", "*"), deny("s3:Replicate*", dst_objects)])], "want": [
		["s3:ReplicateTags", dst_objects, "denied"],
		["s3:ReplicateTags", "arn:aws:s3:::dst2/*", "allowed"],
	]},
	{"name": "Deny NotAction", "docs": [doc([allow("s3:*", "*"), {"Effect": "Deny", "NotAction": "s3:Get*", "Resource": "*"}])], "want": [
		["s3:ReplicateObject", dst_objects, "denied"],
		["s3:GetObjectVersionAcl", src_objects, "allowed"],
	]},
	{"name": "Deny NotResource", "docs": [doc([allow("s3:*", "*"), {"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::src*"}])], "want": [
		["s3:ReplicateObject", dst_objects, "denied"],
		["s3:GetObjectVersionAcl", src_objects, "allowed"],
	]},
	{"name": "Deny in another policy of the set", "docs": [guide, doc([deny("s3:ListBucket", src)])], "want": [
		["s3:ListBucket", src, "denied"],
		["s3:GetReplicationConfiguration", src, "allowed"],
	]},
	{"name": "grants split over inline and managed policies", "docs": [doc([guide.Statement[0], guide.Statement[1]]), doc([guide.Statement[2]])], "want": [[a, r, "allowed"] | some n in replication_needs; a := n[0]; r := n[1]]},
	{"name": "conditional Allow", "docs": [doc([conditioned(allow("s3:Replicate*", dst_objects))])], "want": [
		["s3:ReplicateObject", dst_objects, "conditional"],
		["s3:ListBucket", src, "missing"],
	]},
	{"name": "conditional Allow beside an unconditional one", "docs": [doc([conditioned(allow("s3:*", "*")), allow("s3:ReplicateObject", dst_objects)])], "want": [
		["s3:ReplicateObject", dst_objects, "allowed"],
		["s3:ReplicateDelete", dst_objects, "conditional"],
	]},
	{"name": "an empty Condition is no condition", "docs": [doc([object.union(allow("s3:ReplicateObject", dst_objects), {"Condition": {}})])], "want": [["s3:ReplicateObject", dst_objects, "allowed"]]},
	{"name": "conditional Deny does not count", "docs": [doc([allow("s3:*", "*"), conditioned(deny("s3:*", "*"))])], "want": [["s3:ReplicateObject", dst_objects, "allowed"]]},
	{"name": "conditional Deny leaves a conditional Allow conditional", "docs": [doc([conditioned(allow("s3:*", "*")), conditioned(deny("s3:*", "*"))])], "want": [["s3:ReplicateObject", dst_objects, "conditional"]]},
	{"name": "policy variable in a resource", "docs": [doc([allow("s3:ReplicateObject", "arn:aws:s3:::${aws:PrincipalTag/bucket}/*")])], "want": [["s3:ReplicateObject", dst_objects, "conditional"]]},
	{"name": "document without statements", "docs": [{"Version": "2012-10-17"}], "want": [["s3:ReplicateObject", dst_objects, "missing"]]},
	{"name": "no policies", "docs": [], "want": [["s3:ReplicateObject", dst_objects, "missing"]]},
	{"name": "Effect must be Allow", "docs": [doc([object.union(allow("s3:*", "*"), {"Effect": "Audit"})])], "want": [["s3:ReplicateObject", dst_objects, "missing"]]},
	{"name": "boundary allows s3:*", "docs": [guide], "boundary": doc([allow("s3:*", "*")]), "want": [[a, r, "allowed"] | some n in replication_needs; a := n[0]; r := n[1]]},
	{"name": "boundary allows only reads", "docs": [guide], "boundary": doc([allow("s3:Get*", "*"), allow("s3:List*", "*")]), "want": [
		["s3:GetObjectVersionAcl", src_objects, "allowed"],
		["s3:ListBucket", src, "allowed"],
		["s3:ReplicateObject", dst_objects, "boundary"],
	]},
	{"name": "boundary with a condition", "docs": [guide], "boundary": doc([conditioned(allow("*", "*"))]), "want": [["s3:ReplicateObject", dst_objects, "conditional"]]},
	{"name": "Deny in the boundary", "docs": [guide], "boundary": doc([allow("*", "*"), deny("s3:ReplicateDelete", "*")]), "want": [
		["s3:ReplicateDelete", dst_objects, "denied"],
		["s3:ReplicateObject", dst_objects, "allowed"],
	]},
	{"name": "a boundary grants nothing by itself", "docs": [], "boundary": doc([allow("*", "*")]), "want": [["s3:ReplicateObject", dst_objects, "missing"]]},
	{"name": "empty boundary", "docs": [doc([allow("s3:*", "*")])], "boundary": {"Version": "2012-10-17", "Statement": []}, "want": [["s3:ReplicateObject", dst_objects, "boundary"]]},
]

policy_set(c) := ip.with_boundary(ip.from_documents(c.docs), c.boundary) if "boundary" in object.keys(c)
else := ip.from_documents(c.docs)

# mismatches are [case, action, resource, got, want] for every decision the table
# gets wrong (empty when all hold).
mismatches := [[c.name, w[0], w[1], got, w[2]] |
	some c in cases
	some w in c.want
	got := ip.status(policy_set(c), w[0], w[1])
	got != w[2]
]

test_table_has_enough_documents if count(cases) >= 30

test_table_decisions if {
	print(mismatches)
	mismatches == []
}

# allowed, conditionally_allowed and denied agree with status for every row.
test_table_predicates_agree_with_status if {
	every c in cases {
		every w in c.want {
			check_predicates(policy_set(c), w[0], w[1], w[2])
		}
	}
}

check_predicates(p, a, r, "allowed") if {
	ip.allowed(p, a, r)
	not ip.conditionally_allowed(p, a, r)
	not ip.denied(p, a, r)
	ip.granted(p, a, r)
}

check_predicates(p, a, r, "conditional") if {
	not ip.allowed(p, a, r)
	ip.conditionally_allowed(p, a, r)
	not ip.denied(p, a, r)
	ip.granted(p, a, r)
}

check_predicates(p, a, r, "denied") if {
	not ip.allowed(p, a, r)
	not ip.conditionally_allowed(p, a, r)
	ip.denied(p, a, r)
	not ip.granted(p, a, r)
}

check_predicates(p, a, r, "boundary") if {
	not ip.granted(p, a, r)
	ip.boundary_blocks(p, a, r)
}

check_predicates(p, a, r, "missing") if {
	not ip.granted(p, a, r)
	not ip.denied(p, a, r)
	not ip.boundary_blocks(p, a, r)
}

test_conditionally_denied_and_conditions if {
	p := ip.from_documents([doc([conditioned(allow("s3:*", "*")), conditioned(deny("s3:ReplicateDelete", "*"))])])
	ip.conditionally_denied(p, "s3:ReplicateDelete", dst_objects)
	not ip.conditionally_denied(p, "s3:ReplicateObject", dst_objects)
	ip.conditions(p, "s3:ReplicateObject", dst_objects) == [{"StringEquals": {"aws:SourceAccount": "111122223333"}}]
}

test_denying_names_policy_and_statement if {
	role := {
		"Exists": true,
		"RolePolicies": [{"PolicyName": "crr", "PolicyDocument": guide}],
		"AttachedPolicies": [{"PolicyArn": "arn:aws:iam::111122223333:policy/guard", "PolicyName": "guard", "Document": doc([object.union(deny("s3:Replicate*", "*"), {"Sid": "NoWrites"})])}],
		"PermissionsBoundary": {"PolicyArn": "arn:aws:iam::111122223333:policy/edge", "Document": doc([allow("*", "*"), deny("s3:ReplicateDelete", "*")])},
	}
	ds := ip.denying(ip.role_policies(role), "s3:ReplicateDelete", dst_objects)
	[d.policy | some d in ds] == ["managed policy arn:aws:iam::111122223333:policy/guard", "permissions boundary arn:aws:iam::111122223333:policy/edge"]
	ip.sid(ds[0].statement) == `Sid "NoWrites"`
	ip.sid(ds[1].statement) == "a statement without Sid"
	ip.label({"kind": "inline", "name": "crr"}) == `inline policy "crr"`
}

test_role_policies_reads_inline_managed_and_boundary if {
	role := {
		"Exists": true,
		"RolePolicies": [{"PolicyName": "a", "PolicyDocument": doc([allow("s3:ListBucket", src)])}],
		"AttachedPolicies": [{"PolicyArn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "PolicyName": "AmazonS3ReadOnlyAccess", "Document": doc([allow(["s3:Get*", "s3:List*"], "*")])}],
	}
	p := ip.role_policies(role)
	count(p.identity) == 2
	p.boundary == null
	ip.allowed(p, "s3:GetObjectVersionAcl", src_objects)
	ip.role_known(role)
	bounded := object.union(role, {"PermissionsBoundary": {"PolicyArn": "arn:aws:iam::111122223333:policy/b", "Document": doc([allow("s3:List*", "*")])}})
	not ip.allowed(ip.role_policies(bounded), "s3:GetObjectVersionAcl", src_objects)
	ip.allowed(ip.role_policies(bounded), "s3:ListBucket", src)
}

test_role_known_needs_every_document if {
	ip.role_known({"Exists": true})
	ip.role_known({"Exists": true, "RolePolicies": null, "AttachedPolicies": []})
	not ip.role_known({"Exists": false})
	not ip.role_known({"Exists": null, "RolePolicies": [{"PolicyName": "a", "PolicyDocument": guide}]})
	not ip.role_known({"Exists": true, "RolePolicies": [{"PolicyName": "a", "PolicyDocument": null}]})
	not ip.role_known({"Exists": true, "AttachedPolicies": [{"PolicyArn": "arn:aws:iam::aws:policy/x", "Document": null}]})
	not ip.role_known({"Exists": true, "PermissionsBoundary": {"PolicyArn": "arn:aws:iam::aws:policy/x"}})
	not ip.role_known({"Exists": true, "RolePolicies": [{"PolicyName": "a", "PolicyDocument": "%7B%7D"}]})
}

# Resource policies (bucket policies, key policies).

grant(principal, actions, resources) := {"Effect": "Allow", "Principal": principal, "Action": actions, "Resource": resources}

replicate := ["s3:ReplicateObject", "s3:ReplicateDelete"]

resource_cases := [
	{"name": "role ARN", "doc": doc([grant({"AWS": role_arn}, replicate, dst_objects)]), "want": [
		[role_arn, "s3:ReplicateObject", dst_objects, "allowed"],
		[role_arn, "s3:ReplicateTags", dst_objects, "missing"],
		["arn:aws:iam::111122223333:role/other", "s3:ReplicateObject", dst_objects, "missing"],
		["111122223333", "s3:ReplicateObject", dst_objects, "missing"],
	]},
	{"name": "account root", "doc": doc([grant({"AWS": "arn:aws:iam::111122223333:root"}, replicate, dst_objects)]), "want": [
		[role_arn, "s3:ReplicateObject", dst_objects, "allowed"],
		["arn:aws:iam::111122223333:root", "s3:ReplicateDelete", dst_objects, "allowed"],
		["111122223333", "s3:ReplicateDelete", dst_objects, "allowed"],
		["arn:aws:iam::444455556666:role/crr", "s3:ReplicateObject", dst_objects, "missing"],
	]},
	{"name": "account id", "doc": doc([grant({"AWS": ["444455556666", "111122223333"]}, "s3:Replicate*", dst_objects)]), "want": [[role_arn, "s3:ReplicateTags", dst_objects, "allowed"]]},
	{"name": "everyone", "doc": doc([grant("*", "s3:*", "arn:aws:s3:::dst/*")]), "want": [[role_arn, "s3:ReplicateObject", dst_objects, "allowed"]]},
	{"name": "AWS everyone", "doc": doc([grant({"AWS": "*"}, "s3:ReplicateObject", "*")]), "want": [[role_arn, "s3:ReplicateObject", dst_objects, "allowed"]]},
	{"name": "service principal only", "doc": doc([grant({"Service": "s3.amazonaws.com"}, replicate, dst_objects)]), "want": [[role_arn, "s3:ReplicateObject", dst_objects, "missing"]]},
	{"name": "Deny to everyone wins", "doc": doc([grant({"AWS": role_arn}, replicate, dst_objects), {"Effect": "Deny", "Principal": "*", "Action": "s3:ReplicateDelete", "Resource": dst_objects}]), "want": [
		[role_arn, "s3:ReplicateDelete", dst_objects, "denied"],
		[role_arn, "s3:ReplicateObject", dst_objects, "allowed"],
	]},
	{"name": "Deny NotPrincipal", "doc": doc([grant({"AWS": role_arn}, replicate, dst_objects), {"Effect": "Deny", "NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:root", role_arn]}, "Action": "s3:*", "Resource": dst_objects}]), "want": [
		[role_arn, "s3:ReplicateObject", dst_objects, "allowed"],
		["arn:aws:iam::444455556666:role/x", "s3:ReplicateObject", dst_objects, "denied"],
	]},
	{"name": "conditional grant", "doc": doc([conditioned(grant({"AWS": role_arn}, replicate, dst_objects))]), "want": [[role_arn, "s3:ReplicateObject", dst_objects, "conditional"]]},
	{"name": "conditional Deny", "doc": doc([grant({"AWS": role_arn}, replicate, dst_objects), conditioned({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": dst_objects})]), "want": [[role_arn, "s3:ReplicateObject", dst_objects, "allowed"]]},
	{"name": "key policy", "doc": doc([grant({"AWS": "arn:aws:iam::444455556666:root"}, "kms:*", "*")]), "want": [
		["arn:aws:iam::444455556666:role/r", "kms:Decrypt", "arn:aws:kms:eu-west-1:444455556666:key/k", "allowed"],
		[role_arn, "kms:Decrypt", "arn:aws:kms:eu-west-1:444455556666:key/k", "missing"],
	]},
	{"name": "no policy", "doc": null, "want": [[role_arn, "s3:ReplicateObject", dst_objects, "missing"]]},
]

resource_mismatches := [[c.name, w, got] |
	some c in resource_cases
	some w in c.want
	got := ip.resource_status(c.doc, w[0], w[1], w[2])
	got != w[3]
]

test_resource_policy_table if {
	print(resource_mismatches)
	resource_mismatches == []
}

test_resource_names_granted_needs_the_principal_itself if {
	ip.resource_names_granted(doc([grant({"AWS": role_arn}, "s3:*", "*")]), role_arn, "s3:ReplicateObject", dst_objects)
	ip.resource_names_granted(doc([grant("*", "s3:*", "*")]), role_arn, "s3:ReplicateObject", dst_objects)
	not ip.resource_names_granted(doc([grant({"AWS": "111122223333"}, "s3:*", "*")]), role_arn, "s3:ReplicateObject", dst_objects)
}

test_same_account_status if {
	by_arn := doc([grant({"AWS": role_arn}, replicate, dst_objects)])
	by_root := doc([grant({"AWS": "arn:aws:iam::111122223333:root"}, replicate, dst_objects)])
	none := ip.from_documents([])
	ip.same_account_status(none, by_arn, role_arn, "s3:ReplicateObject", dst_objects) == "allowed"
	ip.same_account_status(none, by_root, role_arn, "s3:ReplicateObject", dst_objects) == "missing"
	ip.same_account_status(none, null, role_arn, "s3:ReplicateObject", dst_objects) == "missing"
	ip.same_account_status(ip.from_documents([guide]), null, role_arn, "s3:ReplicateObject", dst_objects) == "allowed"
	bounded := ip.with_boundary(none, doc([allow("s3:Get*", "*")]))
	ip.same_account_status(bounded, by_arn, role_arn, "s3:ReplicateObject", dst_objects) == "boundary"
	deny_all := doc([{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}])
	ip.same_account_status(ip.from_documents([guide]), deny_all, role_arn, "s3:ReplicateObject", dst_objects) == "denied"
	ip.same_account_status(none, doc([conditioned(grant({"AWS": role_arn}, replicate, dst_objects))]), role_arn, "s3:ReplicateObject", dst_objects) == "conditional"
}

test_principal_ids if {
	ip.principal_ids(role_arn) == {role_arn, "arn:aws:iam::111122223333:root", "111122223333"}
	ip.principal_ids("111122223333") == {"111122223333", "arn:aws:iam::111122223333:root"}
	ip.principal_ids("arn:aws-cn:iam::111122223333:role/r") == {"arn:aws-cn:iam::111122223333:role/r", "arn:aws-cn:iam::111122223333:root", "111122223333"}
	not ip.principal_ids("*")
}

test_without_and_adding if {
	d := doc([allow("s3:*", "*"), deny("s3:ReplicateDelete", "*")])
	ip.without(d, [deny("s3:ReplicateDelete", "*")]) == doc([allow("s3:*", "*")])
	ip.adding(d, [allow("s3:ListBucket", src)]).Statement[2] == allow("s3:ListBucket", src)
	ip.adding(null, [allow("s3:ListBucket", src)]) == doc([allow("s3:ListBucket", src)])
	ip.adding({"Statement": allow("a:b", "*")}, [allow("c:d", "*")]).Statement == [allow("a:b", "*"), allow("c:d", "*")]
}

test_merged_inline_keeps_the_existing_statements if {
	role := {"RolePolicies": [{"PolicyName": "crr-replication", "PolicyDocument": doc([allow("s3:ListBucket", src)])}]}
	ip.merged_inline(role, "crr-replication", [allow("s3:ReplicateObject", dst_objects)]) == doc([allow("s3:ListBucket", src), allow("s3:ReplicateObject", dst_objects)])
	ip.merged_inline(role, "other", [allow("s3:ReplicateObject", dst_objects)]) == doc([allow("s3:ReplicateObject", dst_objects)])
}
