package crr.checks.crr_070_test

import data.crr.checks.crr_070

# PutObjectLockConfiguration (Bucket, ObjectLockConfiguration): Object Lock can never
# be turned off again, irreversible.
test_deny_actions_object_lock_is_irreversible if {
	i := doc(locked, unlocked, [rule("dr", "Enabled")])
	some f in crr_070.deny with input as i
	[a] := crr_070.remediation_actions(f) with input as i
	a.op == "s3:PutObjectLockConfiguration"
	a.params == {"Bucket": "dst", "ObjectLockConfiguration": {"ObjectLockEnabled": "Enabled"}}
	a.class == "irreversible"
	a.region == "us-east-1"
}

test_allow_actions_no_finding_when_both_locked if {
	count(crr_070.deny) == 0 with input as doc(locked, locked, [rule("dr", "Enabled")])
}
