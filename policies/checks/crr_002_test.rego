package crr.checks.crr_002_test

import data.crr.checks.crr_002

dst_a := "arn:aws:s3:::dst-a"

dst_b := "arn:aws:s3:::dst-b"

rule(id, status, dest) := {"ID": id, "Status": status, "Priority": 1, "Filter": {}, "Destination": {"Bucket": dest}}

linked(name, exists, versioning) := {
	"Arn": sprintf("arn:aws:s3:::%s", [name]), "Name": name, "AccountId": "111122223333",
	"Exists": exists, "Region": "us-west-2", "InScan": true, "Versioning": versioning,
}

doc(rules, dests) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "eu-west-1",
		"Versioning": {"Status": "Enabled"},
		"ReplicationConfiguration": {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": rules},
	},
	"destinations": dests,
	"errors": [],
	"facts": {"in_scope": true},
}

test_deny_suspended_destination if {
	inp := doc([rule("to-a", "Enabled", dst_a)], {dst_a: linked("dst-a", true, {"Status": "Suspended"})})
	fs := crr_002.deny with input as inp
	count(fs) == 1
	some f in fs
	f.msg == `Destination bucket dst-a of bucket src (rule "to-a") has versioning Suspended; replication to it fails with DstBucketUnversioned`
	f.destination == dst_a
	f.resource_arn == dst_a
	f.evidence.DestinationVersioning == {"Status": "Suspended"}
	f.evidence.Rules == [{"ID": "to-a", "Status": "Enabled", "Priority": 1, "Destination": {"Bucket": dst_a}}]
	f.commands == ["aws s3api put-bucket-versioning --bucket dst-a --versioning-configuration Status=Enabled --region us-west-2"]
	crr_002.applies with input as inp
}

test_deny_never_enabled_one_finding_per_destination if {
	inp := doc(
		[rule("one", "Enabled", dst_a), rule("two", "Enabled", dst_a), rule("three", "Enabled", dst_b)],
		{dst_a: linked("dst-a", true, {"Status": ""}), dst_b: linked("dst-b", true, {"Status": "Enabled"})},
	)
	fs := crr_002.deny with input as inp
	count(fs) == 1
	some f in fs
	contains(f.msg, `(rule "one", "two") has versioning never enabled`)
}

test_deny_even_when_another_destination_is_unknown if {
	inp := doc(
		[rule("a", "Enabled", dst_a), rule("b", "Enabled", dst_b)],
		{dst_a: linked("dst-a", true, {"Status": "Suspended"}), dst_b: linked("dst-b", null, null)},
	)
	count(crr_002.deny) == 1 with input as inp
	crr_002.applies with input as inp
}

test_allow_enabled_destination if {
	inp := doc([rule("a", "Enabled", dst_a)], {dst_a: linked("dst-a", true, {"Status": "Enabled"})})
	count(crr_002.deny) == 0 with input as inp
	crr_002.applies with input as inp
}

test_allow_disabled_rule if {
	inp := doc([rule("a", "Disabled", dst_a)], {dst_a: linked("dst-a", true, {"Status": "Suspended"})})
	count(crr_002.deny) == 0 with input as inp
	not crr_002.applies with input as inp
}

test_allow_missing_destination_is_crr_020s if {
	inp := doc([rule("a", "Enabled", dst_a)], {dst_a: linked("dst-a", false, null)})
	count(crr_002.deny) == 0 with input as inp
}

test_allow_unknown_versioning_or_existence if {
	unknown_versioning := doc([rule("a", "Enabled", dst_a)], {dst_a: linked("dst-a", true, null)})
	count(crr_002.deny) == 0 with input as unknown_versioning
	not crr_002.applies with input as unknown_versioning
	unknown_existence := doc([rule("a", "Enabled", dst_a)], {dst_a: linked("dst-a", null, {"Status": "Suspended"})})
	count(crr_002.deny) == 0 with input as unknown_existence
	not_read := doc([rule("a", "Enabled", dst_a)], {})
	count(crr_002.deny) == 0 with input as not_read
	not crr_002.applies with input as not_read
}

test_allow_unreadable_destination_applies_for_the_error_outcome if {
	inp := object.union(doc([rule("a", "Enabled", dst_a)], {dst_a: linked("dst-a", true, null)}), {"errors": [{
		"Operation": "GetBucketVersioning", "Code": "AccessDenied", "Message": "",
		"Resource": dst_a, "Component": "destination",
	}]})
	count(crr_002.deny) == 0 with input as inp
	crr_002.applies with input as inp
}

test_allow_missing_destination_is_not_judged_here if {
	inp := doc([rule("a", "Enabled", dst_a)], {dst_a: linked("dst-a", false, null)})
	not crr_002.applies with input as inp
}

test_allow_unreadable_configuration_applies_for_the_error_outcome if {
	inp := object.union(doc([], {}), {"bucket": {"ReplicationConfiguration": null}, "errors": [{
		"Operation": "GetBucketReplication", "Code": "AccessDenied", "Message": "",
		"Resource": "arn:aws:s3:::src", "Component": "replication",
	}]})
	count(crr_002.deny) == 0 with input as inp
	crr_002.applies with input as inp
}
