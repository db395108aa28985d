package crr.checks.crr_002_test

import data.crr.checks.crr_002

test_deny_actions_enable_destination_versioning if {
	i := doc([rule("to-a", "Enabled", dst_a)], {dst_a: linked("dst-a", true, {"Status": "Suspended"})})
	some f in crr_002.deny with input as i
	[a] := crr_002.remediation_actions(f) with input as i
	a.op == "s3:PutBucketVersioning"
	a.target == dst_a
	a.region == "us-west-2"
	a.params == {"Bucket": "dst-a", "VersioningConfiguration": {"Status": "Enabled"}}
	a.class == "irreversible"
}

test_allow_actions_no_finding_for_a_versioned_destination if {
	count(crr_002.deny) == 0 with input as doc([rule("to-a", "Enabled", dst_a)], {dst_a: linked("dst-a", true, {"Status": "Enabled"})})
}
