package crr.checks.crr_090_test

import data.crr.checks.crr_090

versioning_denied := {
	"Operation": "GetBucketVersioning", "Code": "AccessDenied", "Message": "Access Denied",
	"Resource": "arn:aws:s3:::src", "Component": "versioning",
}

destination_denied := {
	"Operation": "GetBucketVersioning", "Code": "AccessDenied", "Message": "",
	"Resource": "arn:aws:s3:::dst", "Component": "destination",
}

doc(errs) := {
	"bucket": {"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "eu-west-1"},
	"destinations": {"arn:aws:s3:::dst": {"Arn": "arn:aws:s3:::dst", "Name": "dst", "Exists": null}},
	"errors": errs,
	"facts": {"in_scope": false},
}

test_deny_one_finding_per_error if {
	fs := crr_090.deny with input as doc([versioning_denied, destination_denied])
	count(fs) == 2
	some f in fs
	f.msg == "GetBucketVersioning on arn:aws:s3:::src failed with AccessDenied: Access Denied"
	f.key == "GetBucketVersioning arn:aws:s3:::src"
	f.evidence == versioning_denied
	f.resource_arn == "arn:aws:s3:::src"
	f.destination == ""
}

test_deny_destination_error_names_the_destination if {
	fs := crr_090.deny with input as doc([destination_denied])
	some f in fs
	f.destination == "arn:aws:s3:::dst"
	f.msg == "GetBucketVersioning on arn:aws:s3:::dst failed with AccessDenied"
}

test_deny_non_arn_resource_falls_back_to_the_bucket if {
	e := object.union(versioning_denied, {"Resource": "111122223333", "Operation": "GetCallerIdentity"})
	some f in crr_090.deny with input as doc([e])
	f.resource_arn == "arn:aws:s3:::src"
	f.key == "GetCallerIdentity 111122223333"
}

test_allow_no_errors if {
	count(crr_090.deny) == 0 with input as doc([])
	count(crr_090.deny) == 0 with input as doc(null)
	crr_090.applies with input as doc([])
}
