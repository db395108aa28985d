package crr.checks.crr_025_test

import data.crr.checks.crr_025

role := "arn:aws:iam::111122223333:role/crr"

dst := "arn:aws:s3:::dst"

rule(id, dest) := {
	"ID": id, "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
	"DeleteMarkerReplication": {"Status": "Disabled"},
	"Destination": {"Bucket": dest},
}

public_read := {"Version": "2012-10-17", "Statement": [{
	"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
	"Action": "s3:GetObject", "Resource": "arn:aws:s3:::dst/*",
}]}

linked(pab, policy) := object.union(
	{"Arn": dst, "Name": "dst", "AccountId": "111122223333", "Exists": true, "Region": "eu-west-1", "Versioning": {"Status": "Enabled"}},
	object.union(pab, policy),
)

pab(restrict) := {"PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": restrict}}

no_pab := {"PublicAccessBlockConfiguration": {}}

policy(d) := {"Policy": {"Document": d}}

doc(d) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "us-east-1",
		"ReplicationConfiguration": {"Role": role, "Rules": [rule("dr", dst)]},
	},
	"destinations": {dst: d},
	"errors": [],
	"facts": {"in_scope": true},
	"settings": {},
}

test_deny_public_policy_without_block if {
	inp := doc(linked(no_pab, policy(public_read)))
	fs := crr_025.deny with input as inp
	count(fs) == 1
	some f in fs
	f.msg == `Destination bucket dst of bucket src (rule "dr") is public: its policy allows everyone (Sid "PublicRead") and no public access block restricts it`
	f.destination == dst
	f.commands == ["aws s3api put-public-access-block --bucket dst --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true --region eu-west-1"]
	contains(f.terraform, `resource "aws_s3_bucket_public_access_block" "dst" {`)
	f.evidence.PublicStatements == public_read.Statement
	crr_025.applies with input as inp
}

test_deny_block_that_does_not_restrict_existing_policy if {
	count(crr_025.deny) == 1 with input as doc(linked(pab(false), policy(public_read)))
	aws_star := {"Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}}
	some f in crr_025.deny with input as doc(linked(no_pab, policy(aws_star)))
	contains(f.msg, "(a statement without Sid)")
}

test_allow_restricted_or_private if {
	count(crr_025.deny) == 0 with input as doc(linked(pab(true), policy(public_read)))
	count(crr_025.deny) == 0 with input as doc(linked(no_pab, policy(null)))
	vpce := {"Statement": [object.union(public_read.Statement[0], {"Condition": {"StringEquals": {"aws:SourceVpce": "vpce-0abc"}}})]}
	count(crr_025.deny) == 0 with input as doc(linked(no_pab, policy(vpce)))
	crr_025.applies with input as doc(linked(no_pab, policy(vpce)))
	# The block alone is enough to judge.
	crr_025.applies with input as doc(linked(pab(true), {}))
}

test_allow_unknown_block_or_policy if {
	unknown_pab := doc(linked({}, policy(public_read)))
	count(crr_025.deny) == 0 with input as unknown_pab
	not crr_025.applies with input as unknown_pab
	unknown_policy := doc(linked(no_pab, {}))
	not crr_025.applies with input as unknown_policy
	unreadable := object.union(unknown_policy, {"errors": [{"Operation": "GetBucketPolicy", "Code": "AccessDenied", "Resource": dst, "Component": "policy"}]})
	crr_025.applies with input as unreadable
	count(crr_025.deny) == 0 with input as unreadable
}

test_allow_missing_destination if {
	gone := doc({"Arn": dst, "Name": "dst", "Exists": false})
	count(crr_025.deny) == 0 with input as gone
	crr_025.applies with input as gone
	absent := object.union(doc({}), {"destinations": {}})
	not crr_025.applies with input as absent
}
