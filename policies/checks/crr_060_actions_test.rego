package crr.checks.crr_060_test

import data.crr.checks.crr_060

# With the destination's own key known, the fixed configuration is complete: additive.
test_deny_actions_selection_with_a_known_key if {
	i := doc(kms_sse(src_key), [rule("dr", "Enabled")])
	some f in crr_060.deny with input as i
	[a] := crr_060.remediation_actions(f) with input as i
	a.op == "s3:PutBucketReplication"
	a.params.ReplicationConfiguration == f.documents["replication.json"]
	a.class == "additive"
}

test_allow_actions_no_finding_when_selected if {
	i := doc(kms_sse(src_key), [rule("dr", "Enabled")])
	some f in crr_060.deny with input as i
	count(crr_060.deny) == 0 with input as object.union(i, {"bucket": {"ReplicationConfiguration": f.documents["replication.json"]}})
}
