package crr.checks.crr_010_test

import data.crr.checks.crr_010

doc(versioning, config, in_scope, errs) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "eu-west-1",
		"Versioning": versioning, "ReplicationConfiguration": config,
	},
	"destinations": {},
	"errors": errs,
	"facts": {"in_scope": in_scope},
}

config := {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": [{"ID": "a", "Status": "Disabled", "Destination": {"Bucket": "arn:aws:s3:::dst"}}]}

test_deny_in_scope_without_configuration if {
	fs := crr_010.deny with input as doc({"Status": "Enabled"}, null, true, [])
	count(fs) == 1
	some f in fs
	f.msg == "Bucket src has no replication configuration: its objects are not copied to another region"
	f.commands == [
		"aws s3api put-bucket-versioning --bucket DESTINATION-BUCKET --versioning-configuration Status=Enabled --region DESTINATION-REGION",
		"aws iam create-role --role-name s3-crr-src --assume-role-policy-document file://trust-policy.json",
		"aws iam put-role-policy --role-name s3-crr-src --policy-name crr-replication --policy-document file://permissions-policy.json",
		"aws s3api put-bucket-replication --bucket src --replication-configuration file://replication.json --region eu-west-1",
	]
	f.documents["replication.json"].Role == "arn:aws:iam::111122223333:role/s3-crr-src"
	f.documents["trust-policy.json"].Statement[0].Principal == {"Service": "s3.amazonaws.com"}
	f.documents["permissions-policy.json"].Statement[0].Resource == ["arn:aws:s3:::src"]
}

test_deny_unversioned_bucket_gets_versioning_first if {
	some f in crr_010.deny with input as doc({"Status": ""}, null, true, [])
	f.commands[0] == "aws s3api put-bucket-versioning --bucket src --versioning-configuration Status=Enabled --region eu-west-1"
	count(f.commands) == 5
}

test_allow_configured if {
	count(crr_010.deny) == 0 with input as doc({"Status": "Enabled"}, config, true, [])
	crr_010.applies with input as doc({"Status": "Enabled"}, config, true, [])
}

test_allow_replica if {
	count(crr_010.deny) == 0 with input as doc({"Status": "Enabled"}, null, false, [])
	not crr_010.applies with input as doc({"Status": "Enabled"}, null, false, [])
}

test_allow_unreadable_configuration if {
	errs := [{
		"Operation": "GetBucketReplication", "Code": "AccessDenied", "Message": "Access Denied",
		"Resource": "arn:aws:s3:::src", "Component": "replication",
	}]
	count(crr_010.deny) == 0 with input as doc({"Status": "Enabled"}, null, true, errs)
	crr_010.applies with input as doc({"Status": "Enabled"}, null, true, errs)
}

test_allow_unknown_scope if {
	inp := object.remove(doc({"Status": "Enabled"}, null, true, []), ["facts"])
	count(crr_010.deny) == 0 with input as inp
	not crr_010.applies with input as inp
}
