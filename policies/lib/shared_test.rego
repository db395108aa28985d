package crr.lib.shared_test

import data.crr.lib.shared

role := "arn:aws:iam::111122223333:role/crr"

rule(dest) := {"ID": "dr", "Status": "Enabled", "Filter": {}, "Destination": {"Bucket": dest}}

bucket(name, acct) := {
	"Name": name, "Arn": sprintf("arn:aws:s3:::%s", [name]), "AccountId": acct, "Region": "eu-west-1",
	"ReplicationConfiguration": {"Role": role, "Rules": [rule("arn:aws:s3:::dst")]},
}

others := [
	{"bucket": "arn:aws:s3:::b", "account_id": "444455556666", "destinations": ["arn:aws:s3:::dst-b"]},
	# the fact lists the bucket itself too (with what the graph knows): its own rules win
	{"bucket": "arn:aws:s3:::a", "account_id": "111122223333", "destinations": ["arn:aws:s3:::stale"]},
]

test_alone_without_the_fact if {
	p := shared.permissions_policy with input as {"bucket": bucket("a", "111122223333")}
	p.Statement[0].Resource == ["arn:aws:s3:::a"]
	p.Statement[2].Resource == ["arn:aws:s3:::dst/*"]
	g := shared.source_guard with input as {"bucket": bucket("a", "111122223333")}
	g == {"StringEquals": {"aws:SourceAccount": "111122223333"}, "ArnLike": {"aws:SourceArn": "arn:aws:s3:::a"}}
	t := shared.trust_policy with input as {"bucket": bucket("a", "111122223333")}
	t.Statement[0].Condition == {"StringEquals": {"aws:SourceAccount": "111122223333"}}
}

test_every_source_of_the_role if {
	doc := {"bucket": bucket("a", "111122223333"), "facts": {"role_sources": others}}
	p := shared.permissions_policy with input as doc
	p.Statement[0].Resource == ["arn:aws:s3:::a", "arn:aws:s3:::b"]
	p.Statement[1].Resource == ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"]
	p.Statement[2].Resource == ["arn:aws:s3:::dst-b/*", "arn:aws:s3:::dst/*"]
	g := shared.source_guard with input as doc
	g.StringEquals["aws:SourceAccount"] == ["111122223333", "444455556666"]
	g.ArnLike["aws:SourceArn"] == ["arn:aws:s3:::a", "arn:aws:s3:::b"]
	t := shared.trust_policy with input as doc
	t.Statement[0].Condition == {"StringEquals": {"aws:SourceAccount": ["111122223333", "444455556666"]}}
}
