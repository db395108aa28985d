package crr.checks.crr_001_test

import data.crr.checks.crr_001

bucket(versioning, config) := {
	"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "eu-west-1",
	"Versioning": versioning, "ReplicationConfiguration": config,
}

config := {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": [{"ID": "all", "Status": "Enabled", "Filter": {}, "Destination": {"Bucket": "arn:aws:s3:::dst"}}]}

doc(b, in_scope) := {"bucket": b, "errors": [], "facts": {"in_scope": in_scope}, "destinations": {}}

test_deny_never_enabled_in_scope if {
	fs := crr_001.deny with input as doc(bucket({"Status": ""}, null), true)
	count(fs) == 1
	some f in fs
	f.msg == "Bucket src is in scope for replication: versioning is never enabled; replication needs it Enabled"
	f.evidence == {"Versioning": {"Status": ""}}
	f.commands == ["aws s3api put-bucket-versioning --bucket src --versioning-configuration Status=Enabled --region eu-west-1"]
	crr_001.applies with input as doc(bucket({"Status": ""}, null), true)
}

test_deny_suspended_replica_that_replicates if {
	fs := crr_001.deny with input as doc(bucket({"Status": "Suspended"}, config), false)
	some f in fs
	contains(f.msg, "has a replication configuration: versioning is Suspended")
	crr_001.applies with input as doc(bucket({"Status": "Suspended"}, config), false)
}

test_deny_missing_status_means_never_enabled if {
	count(crr_001.deny) == 1 with input as doc(bucket({}, null), true)
}

test_allow_enabled if {
	count(crr_001.deny) == 0 with input as doc(bucket({"Status": "Enabled"}, config), true)
	crr_001.applies with input as doc(bucket({"Status": "Enabled"}, config), true)
}

test_allow_replica_without_configuration_is_out_of_scope if {
	count(crr_001.deny) == 0 with input as doc(bucket({"Status": ""}, null), false)
	not crr_001.applies with input as doc(bucket({"Status": ""}, null), false)
}

test_allow_unknown_versioning if {
	count(crr_001.deny) == 0 with input as doc(bucket(null, config), true)
	not crr_001.applies with input as doc(bucket(null, config), true)
}

test_allow_unreadable_versioning_applies_but_stays_quiet if {
	inp := object.union(doc(bucket(null, config), true), {"errors": [{
		"Operation": "GetBucketVersioning", "Code": "AccessDenied", "Message": "Access Denied",
		"Resource": "arn:aws:s3:::src", "Component": "versioning",
	}]})
	count(crr_001.deny) == 0 with input as inp
	crr_001.applies with input as inp
}
