package crr.checks.crr_020_test

import data.crr.checks.crr_020

dst := "arn:aws:s3:::gone"

other := "arn:aws:s3:::here"

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

rule(id, status, dest) := {"ID": id, "Status": status, "Priority": 1, "Filter": {}, "Destination": {"Bucket": dest}}

linked(arn, name, exists) := {"Arn": arn, "Name": name, "Exists": exists, "InScan": false, "Versioning": null}

test_deny_missing_destination if {
	inp := doc([rule("dr", "Enabled", dst)], {dst: linked(dst, "gone", false)})
	fs := crr_020.deny with input as inp
	count(fs) == 1
	some f in fs
	f.msg == `Destination bucket gone of bucket src (rule "dr") does not exist: objects fail to replicate with DstBucketNotFound`
	f.destination == dst
	f.evidence.Destination == {"Arn": dst, "Name": "gone", "Exists": false}
	f.commands == [
		"aws s3api create-bucket --bucket gone --region DESTINATION-REGION --create-bucket-configuration LocationConstraint=DESTINATION-REGION",
		"aws s3api put-bucket-versioning --bucket gone --versioning-configuration Status=Enabled --region DESTINATION-REGION",
	]
	crr_020.applies with input as inp
}

test_deny_missing_destination_of_disabled_rule if {
	inp := doc([rule("dr", "Disabled", dst)], {dst: linked(dst, "gone", false)})
	count(crr_020.deny) == 1 with input as inp
}

test_deny_next_to_an_unknown_destination if {
	inp := doc([rule("a", "Enabled", dst), rule("b", "Enabled", other)], {dst: linked(dst, "gone", false), other: linked(other, "here", null)})
	count(crr_020.deny) == 1 with input as inp
	crr_020.applies with input as inp
}

test_allow_existing_destination if {
	inp := doc([rule("dr", "Enabled", other)], {other: linked(other, "here", true)})
	count(crr_020.deny) == 0 with input as inp
	crr_020.applies with input as inp
}

test_allow_unknown_existence if {
	unknown := doc([rule("dr", "Enabled", dst)], {dst: linked(dst, "gone", null)})
	count(crr_020.deny) == 0 with input as unknown
	not crr_020.applies with input as unknown
	not_read := doc([rule("dr", "Enabled", dst)], {})
	count(crr_020.deny) == 0 with input as not_read
	not crr_020.applies with input as not_read
}

test_allow_no_configuration if {
	inp := object.union(doc([], {}), {"bucket": {"ReplicationConfiguration": null}})
	count(crr_020.deny) == 0 with input as inp
	not crr_020.applies with input as inp
}

test_allow_unreadable_configuration_applies_for_the_error_outcome if {
	inp := object.union(doc([], {}), {"bucket": {"ReplicationConfiguration": null}, "errors": [{
		"Operation": "GetBucketReplication", "Code": "AccessDenied", "Message": "",
		"Resource": "arn:aws:s3:::src", "Component": "replication",
	}]})
	count(crr_020.deny) == 0 with input as inp
	crr_020.applies with input as inp
}
