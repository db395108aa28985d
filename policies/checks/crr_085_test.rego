package crr.checks.crr_085_test

import data.crr.checks.crr_085

doc(results) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "us-east-1",
		"ReplicationConfiguration": {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": []},
		"Verification": {"Canary": {"Results": results}},
	},
	"role": null, "destinations": {}, "errors": [], "facts": {"in_scope": true}, "settings": {},
}

result(outcome, uncleaned) := {
	"RuleId": "r1", "Destination": "arn:aws:s3:::dst", "Key": "crrscan-canary/x", "Outcome": outcome,
	"SourceStatus": "PENDING", "Message": "no replica after 15m0s", "Uncleaned": uncleaned,
}

test_deny_timeout_names_uncleaned_versions if {
	left := [{"Bucket": "src", "Key": "crrscan-canary/x", "VersionId": "v 1", "Error": "AccessDenied"}]
	fs := crr_085.deny with input as doc([result("timeout", left)])
	count(fs) == 1
	some f in fs
	f.msg == "Bucket src: the canary crrscan-canary/x under rule \"r1\" did not replicate in time (no replica after 15m0s)"
	f.commands == ["aws s3api delete-object --bucket src --key crrscan-canary/x --version-id 'v 1'"]
}

test_allow_replicated if {
	inp := doc([object.union(result("replicated", []), {"Seconds": 3.2, "SourceStatus": "COMPLETED"})])
	count(crr_085.deny) == 0 with input as inp
	crr_085.applies with input as inp
}
