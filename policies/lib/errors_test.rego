package crr.lib.errors_test

import data.crr.lib.errors

denied := {
	"Operation": "GetBucketVersioning",
	"Code": "AccessDenied",
	"Message": "Access Denied",
	"Resource": "arn:aws:s3:::src",
	"Component": "versioning",
}

test_unreadable_names_the_failed_component if {
	errors.unreadable("versioning") with input as {"errors": [denied]}
	not errors.unreadable("replication") with input as {"errors": [denied]}
}

test_unreadable_is_false_without_errors if {
	not errors.unreadable("versioning") with input as {"errors": []}
	not errors.unreadable("versioning") with input as {"errors": null}
	not errors.unreadable("versioning") with input as {}
}

test_message_names_operation_resource_and_code if {
	errors.message(denied) == "GetBucketVersioning on arn:aws:s3:::src failed with AccessDenied: Access Denied"
}

test_message_without_text_or_code if {
	e := object.union(denied, {"Message": "", "Code": ""})
	errors.message(e) == "GetBucketVersioning on arn:aws:s3:::src failed with an unknown error"
}
