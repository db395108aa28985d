package crr.checks.crr_072_test

import data.crr.checks.crr_072

peer := "arn:aws:s3:::peer"

far := "arn:aws:s3:::far"

rule(id, dest, rm) := object.union(base(id, dest), {"SourceSelectionCriteria": {"ReplicaModifications": {"Status": rm}}}) if rm != ""
else := base(id, dest)

base(id, dest) := {
	"ID": id, "Priority": 1, "Status": "Enabled", "Filter": {},
	"DeleteMarkerReplication": {"Status": "Enabled"},
	"Destination": {"Bucket": dest},
}

doc(rules, facts) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "eu-west-1",
		"Versioning": {"Status": "Enabled"},
		"ReplicationConfiguration": {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": rules},
	},
	"destinations": {peer: {"Arn": peer, "Name": "peer", "Exists": true, "Region": "us-east-1", "InScan": true}},
	"kms_keys": {},
	"errors": [],
	"facts": object.union({"in_scope": false, "is_replica": true}, facts),
}

two_way(this, other) := {
	"bidirectional": [{"peer": peer, "this_replica_modifications": this, "peer_replica_modifications": other}],
	"onward": [],
	"destinations_replication_unknown": [],
}

test_deny_this_side_lacks_replica_modifications if {
	keep := object.union(rule("far", far, ""), {"Priority": 5})
	inp := doc([rule("to-peer", peer, "Disabled"), keep], two_way(false, true))
	fs := crr_072.deny with input as inp
	count(fs) == 1
	some f in fs
	f.msg == `Buckets src and peer replicate to each other but src's rule "to-peer" into peer does not replicate replica modifications; the peer's rule back does: changes to replicas in src (tags, ACLs, Object Lock retention) are not synced back to peer`
	f.rule_id == "to-peer"
	f.destination == peer
	f.evidence.PeerReplicaModifications == true
	f.commands == ["aws s3api put-bucket-replication --bucket src --replication-configuration file://replication.json --region eu-west-1"]
	rules := f.documents["replication.json"].Rules
	rules[0] == rule("to-peer", peer, "Enabled")
	rules[1] == keep
	contains(f.terraform, "replica_modifications {\n        status = \"Enabled\"")
	# Terraform owns the whole configuration: the snippet keeps the other rules.
	contains(f.terraform, `"far"`)
	crr_072.applies with input as inp
}

test_deny_neither_side if {
	some f in crr_072.deny with input as doc([rule("to-peer", peer, "")], two_way(false, false))
	contains(f.msg, "into peer does not replicate replica modifications, nor does the peer's rule back:")
}

test_deny_v1_rule_becomes_v2 if {
	legacy := {"ID": "legacy", "Prefix": "data/", "Status": "Enabled", "Destination": {"Bucket": peer}}
	other := object.union(rule("far", far, ""), {"Priority": 7})
	some f in crr_072.deny with input as doc([other, legacy], two_way(false, true))
	f.documents["replication.json"].Rules[1] == {
		"ID": "legacy", "Status": "Enabled", "Destination": {"Bucket": peer},
		"Filter": {"Prefix": "data/"}, "Priority": 9,
		"DeleteMarkerReplication": {"Status": "Enabled"},
		"SourceSelectionCriteria": {"ReplicaModifications": {"Status": "Enabled"}},
	}
}

test_deny_two_rules_into_the_peer if {
	inp := doc([rule("a", peer, ""), object.union(rule("b", peer, "Enabled"), {"Priority": 2}), object.union(rule("c", peer, ""), {"Priority": 3})], two_way(false, true))
	some f in crr_072.deny with input as inp
	contains(f.msg, `rule "a", "c" into peer`)
	f.rule_id == ""
}

test_allow_this_side_has_it if {
	inp := doc([rule("to-peer", peer, "Enabled")], two_way(true, false))
	count(crr_072.deny) == 0 with input as inp
	crr_072.applies with input as inp
}

test_allow_one_way if {
	inp := doc([rule("to-peer", peer, "")], {"bidirectional": [], "onward": [], "destinations_replication_unknown": []})
	count(crr_072.deny) == 0 with input as inp
	crr_072.applies with input as inp
}

test_allow_unknown_peer_configuration_is_not_judged if {
	inp := doc([rule("to-peer", peer, "")], {"bidirectional": [], "onward": [], "destinations_replication_unknown": [peer]})
	count(crr_072.deny) == 0 with input as inp
	not crr_072.applies with input as inp
	no_facts := doc([rule("to-peer", peer, "")], {})
	count(crr_072.deny) == 0 with input as no_facts
	not crr_072.applies with input as no_facts
}

test_allow_disabled_rules_are_not_two_way if {
	r := object.union(rule("to-peer", peer, ""), {"Status": "Disabled"})
	inp := doc([r], {"bidirectional": [], "onward": [], "destinations_replication_unknown": []})
	not crr_072.applies with input as inp
}

test_allow_unreadable_configuration_applies_for_the_error_outcome if {
	inp := object.union(doc([], {}), {"bucket": {"ReplicationConfiguration": null}, "errors": [{
		"Operation": "GetBucketReplication", "Code": "AccessDenied", "Message": "",
		"Resource": "arn:aws:s3:::src", "Component": "replication",
	}]})
	count(crr_072.deny) == 0 with input as inp
	crr_072.applies with input as inp
}
