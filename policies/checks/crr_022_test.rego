package crr.checks.crr_022_test

import data.crr.checks.crr_022

role := "arn:aws:iam::111122223333:role/crr"

us := "arn:aws:s3:::dst-us"

eu := "arn:aws:s3:::dst-eu"

rule(id, dest) := {
	"ID": id, "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
	"DeleteMarkerReplication": {"Status": "Disabled"},
	"Destination": {"Bucket": dest, "StorageClass": "STANDARD_IA"},
}

linked(a, name, region) := {"Arn": a, "Name": name, "AccountId": "111122223333", "Exists": true, "Region": region, "Versioning": {"Status": "Enabled"}}

doc(rules, dests, settings) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "eu-west-1",
		"ReplicationConfiguration": {"Role": role, "Rules": rules},
	},
	"destinations": dests,
	"errors": [],
	"facts": {"in_scope": true},
	"settings": settings,
}

residency := {"requirements": {"allowed_regions": ["eu-west-1", "eu-central-1"]}}

dests := {us: linked(us, "dst-us", "us-east-1"), eu: linked(eu, "dst-eu", "eu-central-1")}

test_deny_destination_outside_allowed_regions if {
	inp := doc([rule("us", us), rule("eu", eu)], dests, residency)
	fs := crr_022.deny with input as inp
	count(fs) == 1
	some f in fs
	f.msg == `Bucket src replicates to dst-us (rule "us") in region us-east-1, which the settings do not allow (allowed: eu-west-1, eu-central-1)`
	f.destination == us
	f.commands == [
		"aws s3api create-bucket --bucket NEW-DESTINATION-BUCKET --region eu-central-1 --create-bucket-configuration LocationConstraint=eu-central-1",
		"aws s3api put-bucket-versioning --bucket NEW-DESTINATION-BUCKET --versioning-configuration Status=Enabled --region eu-central-1",
		"aws s3api put-bucket-replication --bucket src --replication-configuration file://replication.json --region eu-west-1",
	]
	rules := f.documents["replication.json"].Rules
	rules[0].Destination == {"Bucket": "arn:aws:s3:::NEW-DESTINATION-BUCKET", "StorageClass": "STANDARD_IA"}
	rules[1] == rule("eu", eu)
	contains(f.terraform, `bucket = "arn:aws:s3:::NEW-DESTINATION-BUCKET"`)
	crr_022.applies with input as inp
}

test_deny_replica_key_moves_to_the_new_region if {
	kms := object.union(rule("us", us), {"Destination": {"EncryptionConfiguration": {"ReplicaKmsKeyID": "arn:aws:kms:us-east-1:444455556666:key/abc"}}})
	some f in crr_022.deny with input as doc([kms], dests, residency)
	f.documents["replication.json"].Rules[0].Destination.EncryptionConfiguration == {"ReplicaKmsKeyID": "arn:aws:kms:eu-central-1:444455556666:key/NEW-REPLICA-KEY-ID"}
}

test_deny_case_insensitive_settings_and_disabled_rules if {
	off := object.union(rule("us", us), {"Status": "Disabled"})
	some f in crr_022.deny with input as doc([off], dests, {"requirements": {"allowed_regions": ["EU-WEST-1"]}})
	# The only allowed region is the source's own: it is still the suggestion.
	contains(f.commands[0], "--region eu-west-1")
}

test_allow_allowed_regions if {
	inp := doc([rule("eu", eu)], dests, residency)
	count(crr_022.deny) == 0 with input as inp
	crr_022.applies with input as inp
}

test_allow_without_the_setting if {
	inp := doc([rule("us", us)], dests, {})
	count(crr_022.deny) == 0 with input as inp
	not crr_022.applies with input as inp
	count(crr_022.deny) == 0 with input as doc([rule("us", us)], dests, {"requirements": {"allowed_regions": []}})
}

test_allow_unknown_region_is_not_judged if {
	unknown := {us: object.remove(linked(us, "dst-us", ""), ["Region"])}
	inp := doc([rule("us", us)], unknown, residency)
	count(crr_022.deny) == 0 with input as inp
	not crr_022.applies with input as inp
	absent := doc([rule("us", us)], {}, residency)
	not crr_022.applies with input as absent
	unreadable := object.union(inp, {"errors": [{"Operation": "HeadBucket", "Code": "Forbidden", "Resource": us, "Component": "destination"}]})
	crr_022.applies with input as unreadable
	count(crr_022.deny) == 0 with input as unreadable
}

test_allow_missing_destination_is_crr_020 if {
	gone := {us: {"Arn": us, "Name": "dst-us", "Exists": false}, eu: dests[eu]}
	inp := doc([rule("us", us), rule("eu", eu)], gone, residency)
	count(crr_022.deny) == 0 with input as inp
	crr_022.applies with input as inp
}
