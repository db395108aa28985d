package crr.checks.crr_021_test

import data.crr.checks.crr_021

near := "arn:aws:s3:::near"

far := "arn:aws:s3:::far"

doc(region, rules, dests) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": region,
		"Versioning": {"Status": "Enabled"},
		"ReplicationConfiguration": {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": rules},
	},
	"destinations": dests,
	"errors": [],
	"facts": {"in_scope": true},
}

rule(id, dest) := {"ID": id, "Status": "Enabled", "Priority": 1, "Filter": {}, "Destination": {"Bucket": dest, "StorageClass": "STANDARD"}}

linked(arn, name, region) := {"Arn": arn, "Name": name, "Exists": true, "Region": region, "Versioning": {"Status": "Enabled"}}

test_deny_same_region if {
	inp := doc("eu-west-1", [rule("near", near), rule("far", far)], {near: linked(near, "near", "eu-west-1"), far: linked(far, "far", "us-east-1")})
	fs := crr_021.deny with input as inp
	count(fs) == 1
	some f in fs
	f.msg == `Bucket src replicates to near (rule "near") in its own region eu-west-1: that is same-region replication, no regional disaster recovery`
	f.destination == near
	f.evidence == {
		"Region": "eu-west-1", "DestinationRegion": "eu-west-1",
		"Rules": [{"ID": "near", "Status": "Enabled", "Priority": 1, "Destination": {"Bucket": near, "StorageClass": "STANDARD"}}],
	}
	rules := f.documents["replication.json"].Rules
	rules[0].Destination == {"Bucket": "arn:aws:s3:::NEW-DESTINATION-BUCKET", "StorageClass": "STANDARD"}
	rules[1] == rule("far", far)
	f.commands[2] == "aws s3api put-bucket-replication --bucket src --replication-configuration file://replication.json --region eu-west-1"
	crr_021.applies with input as inp
}

test_deny_legacy_eu_region_name if {
	inp := doc("eu-west-1", [rule("near", near)], {near: linked(near, "near", "EU")})
	count(crr_021.deny) == 1 with input as inp
}

test_allow_other_region if {
	inp := doc("eu-west-1", [rule("far", far)], {far: linked(far, "far", "us-east-1")})
	count(crr_021.deny) == 0 with input as inp
	crr_021.applies with input as inp
}

test_allow_unknown_regions if {
	unknown_source := doc("", [rule("near", near)], {near: linked(near, "near", "eu-west-1")})
	count(crr_021.deny) == 0 with input as unknown_source
	not crr_021.applies with input as unknown_source
	unknown_dest := doc("eu-west-1", [rule("near", near)], {near: linked(near, "near", "")})
	count(crr_021.deny) == 0 with input as unknown_dest
	not crr_021.applies with input as unknown_dest
	absent := doc("eu-west-1", [rule("near", near)], {near: object.remove(linked(near, "near", ""), ["Region"])})
	count(crr_021.deny) == 0 with input as absent
}

test_allow_unreadable_configuration_applies_for_the_error_outcome if {
	inp := object.union(doc("eu-west-1", [], {}), {"bucket": {"ReplicationConfiguration": null}, "errors": [{
		"Operation": "GetBucketReplication", "Code": "AccessDenied", "Message": "",
		"Resource": "arn:aws:s3:::src", "Component": "replication",
	}]})
	count(crr_021.deny) == 0 with input as inp
	crr_021.applies with input as inp
}
