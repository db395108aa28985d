package crr.checks.crr_030_test

import data.crr.checks.crr_030

role_arn := "arn:aws:iam::111122223333:role/service/crr-role"

doc(role, errs) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "eu-west-1",
		"Versioning": {"Status": "Enabled"},
		"ReplicationConfiguration": {"Role": role_arn, "Rules": [{"ID": "a", "Status": "Enabled", "Filter": {}, "Destination": {"Bucket": "arn:aws:s3:::dst"}}]},
	},
	"role": role,
	"destinations": {},
	"errors": errs,
	"facts": {"in_scope": true},
}

test_deny_missing_role if {
	inp := doc({"Arn": role_arn, "RoleName": "crr-role", "AccountId": "111122223333", "Exists": false}, [])
	fs := crr_030.deny with input as inp
	count(fs) == 1
	some f in fs
	f.msg == "Replication role arn:aws:iam::111122223333:role/service/crr-role of bucket src does not exist: objects fail to replicate"
	f.resource_arn == role_arn
	f.commands == [
		"aws iam create-role --role-name crr-role --path /service/ --assume-role-policy-document file://trust-policy.json",
		"aws iam put-role-policy --role-name crr-role --policy-name crr-replication --policy-document file://permissions-policy.json",
	]
	f.documents["permissions-policy.json"].Statement[2].Resource == ["arn:aws:s3:::dst/*"]
	f.documents["trust-policy.json"].Statement[0].Condition.StringEquals["aws:SourceAccount"] == "111122223333"
	crr_030.applies with input as inp
}

test_deny_missing_role_without_name_uses_the_arn if {
	some f in crr_030.deny with input as doc({"Arn": role_arn, "Exists": false}, [])
	startswith(f.commands[0], "aws iam create-role --role-name crr-role ")
}

test_allow_existing_role if {
	inp := doc({"Arn": role_arn, "RoleName": "crr-role", "Exists": true}, [])
	count(crr_030.deny) == 0 with input as inp
	crr_030.applies with input as inp
}

test_allow_unknown_role if {
	count(crr_030.deny) == 0 with input as doc(null, [])
	not crr_030.applies with input as doc(null, [])
	count(crr_030.deny) == 0 with input as doc({"Arn": role_arn, "Exists": null}, [])
	not crr_030.applies with input as doc({"Arn": role_arn, "Exists": null}, [])
}

test_allow_unreadable_role_applies_for_the_error_outcome if {
	errs := [{"Operation": "GetRole", "Code": "AccessDenied", "Message": "", "Resource": role_arn, "Component": "role"}]
	count(crr_030.deny) == 0 with input as doc({"Arn": role_arn, "Exists": null}, errs)
	crr_030.applies with input as doc({"Arn": role_arn, "Exists": null}, errs)
}

test_allow_unreadable_configuration_applies_for_the_error_outcome if {
	inp := object.union(doc(null, [{
		"Operation": "GetBucketReplication", "Code": "AccessDenied", "Message": "",
		"Resource": "arn:aws:s3:::src", "Component": "replication",
	}]), {"bucket": {"ReplicationConfiguration": null}})
	count(crr_030.deny) == 0 with input as inp
	crr_030.applies with input as inp
}
