package crr.checks.crr_027_test

import data.crr.checks.crr_027

role := "arn:aws:iam::111122223333:role/crr"

dst := "arn:aws:s3:::dst"

rule(id, account) := {
	"ID": id, "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
	"DeleteMarkerReplication": {"Status": "Disabled"},
	"Destination": object.union({"Bucket": dst}, account),
}

linked(account, payer) := object.union(
	{"Arn": dst, "Name": "dst", "AccountId": account, "Exists": true, "Region": "eu-west-1", "Versioning": {"Status": "Enabled"}},
	payer,
)

requester := {"RequestPaymentConfiguration": {"Payer": "Requester"}}

owner := {"RequestPaymentConfiguration": {"Payer": "BucketOwner"}}

doc(rules, d) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "us-east-1",
		"ReplicationConfiguration": {"Role": role, "Rules": rules},
	},
	"destinations": {dst: d},
	"errors": [],
	"facts": {"in_scope": true},
	"settings": {},
}

test_deny_cross_account_requester_pays if {
	inp := doc([rule("dr", {"Account": "444455556666"})], linked("", requester))
	fs := crr_027.deny with input as inp
	count(fs) == 1
	some f in fs
	f.msg == `Destination bucket dst of bucket src (rule "dr") is in account 444455556666, not the source's 111122223333, and is Requester Pays: replication to it is not supported`
	f.destination == dst
	f.commands == ["aws s3api put-bucket-request-payment --bucket dst --request-payment-configuration Payer=BucketOwner --region eu-west-1"]
	f.terraform == concat("\n", [
		`resource "aws_s3_bucket_request_payment_configuration" "dst" {`,
		`  bucket = "dst"`,
		`  payer = "BucketOwner"`,
		`}`,
	])
	crr_027.applies with input as inp
}

test_deny_account_found_by_the_scan if {
	count(crr_027.deny) == 1 with input as doc([rule("dr", {})], linked("444455556666", requester))
}

test_allow_same_account_or_owner_pays if {
	same := doc([rule("dr", {})], linked("111122223333", requester))
	count(crr_027.deny) == 0 with input as same
	crr_027.applies with input as same
	pays := doc([rule("dr", {"Account": "444455556666"})], linked("", owner))
	count(crr_027.deny) == 0 with input as pays
	crr_027.applies with input as pays
}

test_allow_unknown_account_or_payer if {
	unknown_account := doc([rule("dr", {})], linked("", requester))
	count(crr_027.deny) == 0 with input as unknown_account
	not crr_027.applies with input as unknown_account
	unknown_payer := doc([rule("dr", {"Account": "444455556666"})], linked("", {}))
	count(crr_027.deny) == 0 with input as unknown_payer
	not crr_027.applies with input as unknown_payer
	unreadable := object.union(unknown_payer, {"errors": [{"Operation": "GetBucketRequestPayment", "Code": "AccessDenied", "Resource": dst, "Component": "requestpayment"}]})
	crr_027.applies with input as unreadable
}

test_allow_same_account_destination_with_unread_request_payment if {
	inp := doc([rule("dr", {})], linked("111122223333", {}))
	count(crr_027.deny) == 0 with input as inp
	crr_027.applies with input as inp
	declared := doc([rule("dr", {"Account": "111122223333"})], linked("111122223333", {}))
	crr_027.applies with input as declared
}

test_allow_unknown_account_with_unread_request_payment_is_not_judged if {
	inp := doc([rule("dr", {})], linked("", {}))
	count(crr_027.deny) == 0 with input as inp
	not crr_027.applies with input as inp
}
