package crr.checks.crr_024_test

import data.crr.checks.crr_024

role := "arn:aws:iam::111122223333:role/crr"

rule(id, class) := {
	"ID": id, "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
	"DeleteMarkerReplication": {"Status": "Disabled"},
	"Destination": {"Bucket": "arn:aws:s3:::dst", "StorageClass": class, "Account": "111122223333"},
}

doc(rules, settings) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "us-east-1",
		"ReplicationConfiguration": {"Role": role, "Rules": rules},
	},
	"destinations": {},
	"errors": [],
	"facts": {"in_scope": true},
	"settings": settings,
}

test_deny_archive_class_without_settings if {
	fs := crr_024.deny with input as doc([rule("cold", "DEEP_ARCHIVE"), rule("ok", "STANDARD")], {})
	count(fs) == 1
	some f in fs
	f.msg == `Bucket src: rule "cold" stores replicas in dst as DEEP_ARCHIVE, an archive class: replicas must be restored before they can be read`
	f.rule_id == "cold"
	f.destination == "arn:aws:s3:::dst"
	f.documents["replication.json"].Rules == [rule("cold", "STANDARD_IA"), rule("ok", "STANDARD")]
	contains(f.terraform, `storage_class = "STANDARD_IA"`)
}

test_deny_class_outside_allowed_list if {
	fs := crr_024.deny with input as doc([rule("a", "STANDARD"), rule("b", "GLACIER")], {"requirements": {"allowed_storage_classes": ["GLACIER", "GLACIER_IR"]}})
	count(fs) == 1
	some f in fs
	f.msg == `Bucket src: rule "a" stores replicas in dst as STANDARD, which the settings do not allow (allowed: GLACIER, GLACIER_IR)`
	f.documents["replication.json"].Rules[0].Destination.StorageClass == "GLACIER_IR"
}

test_deny_only_archive_classes_allowed_suggests_the_first if {
	some f in crr_024.deny with input as doc([rule("a", "STANDARD")], {"requirements": {"allowed_storage_classes": ["deep_archive"]}})
	f.documents["replication.json"].Rules[0].Destination.StorageClass == "DEEP_ARCHIVE"
}

test_allow_instant_classes_and_unset_class if {
	unset := object.union(rule("x", ""), {"Destination": {"StorageClass": null}})
	count(crr_024.deny) == 0 with input as doc([rule("a", "STANDARD_IA"), rule("b", "GLACIER_IR"), rule("c", ""), unset], {})
	crr_024.applies with input as doc([rule("a", "STANDARD_IA")], {})
}

test_allow_archive_class_the_settings_allow if {
	count(crr_024.deny) == 0 with input as doc([rule("a", "GLACIER")], {"requirements": {"allowed_storage_classes": ["GLACIER"]}})
}

test_allow_unknown_configuration if {
	unknown := object.union(doc([], {}), {"bucket": {"ReplicationConfiguration": null}})
	count(crr_024.deny) == 0 with input as unknown
	not crr_024.applies with input as unknown
}
