package crr.checks.crr_073_test

import data.crr.checks.crr_073

b := "arn:aws:s3:::b-bucket"

c := "arn:aws:s3:::c-bucket"

d := "arn:aws:s3:::d-bucket"

rule(id, dest, prio) := {
	"ID": id, "Priority": prio, "Status": "Enabled", "Filter": {"Prefix": "logs/"},
	"DeleteMarkerReplication": {"Status": "Enabled"},
	"Destination": {"Bucket": dest, "StorageClass": "GLACIER_IR"},
}

facts(onward, unknown) := {
	"in_scope": true, "is_replica": false,
	"bidirectional": [], "onward": onward, "destinations_replication_unknown": unknown,
}

doc(rules, f) := {
	"bucket": {
		"Name": "a-bucket", "Arn": "arn:aws:s3:::a-bucket", "AccountId": "111122223333", "Region": "eu-west-1",
		"Versioning": {"Status": "Enabled"},
		"ReplicationConfiguration": {"Role": "arn:aws:iam::111122223333:role/service/crr-a", "Rules": rules},
	},
	"role": {"Arn": "arn:aws:iam::111122223333:role/service/crr-a", "RoleName": "crr-a", "Exists": true},
	"destinations": {},
	"kms_keys": {},
	"errors": [],
	"facts": f,
}

test_deny_chain if {
	inp := doc([rule("to-b", b, 3)], facts([{"destination": b, "destination_replicates_to": [c]}], []))
	fs := crr_073.deny with input as inp
	count(fs) == 1
	some f in fs
	f.msg == `Bucket a-bucket replicates to b-bucket (rule "to-b"), which replicates onward to c-bucket: objects that reach b-bucket as replicas are not replicated again, so a-bucket's objects do not reach c-bucket`
	f.destination == b
	f.evidence.DestinationReplicatesTo == [c]
	f.commands == [
		"aws iam put-role-policy --role-name crr-a --policy-name s3-replication-to-c-bucket --policy-document file://permissions-onward.json",
		"aws s3api put-bucket-replication --bucket a-bucket --replication-configuration file://replication.json --region eu-west-1",
	]
	f.documents["permissions-onward.json"].Statement[0].Resource == ["arn:aws:s3:::c-bucket/*"]
	f.documents["replication.json"].Rules == [rule("to-b", b, 3), {
		"ID": "to-b-to-c-bucket", "Priority": 4, "Status": "Enabled", "Filter": {"Prefix": "logs/"},
		"DeleteMarkerReplication": {"Status": "Enabled"},
		"Destination": {"Bucket": c},
	}]
	contains(f.terraform, `id = "to-b-to-c-bucket"`)
	# Terraform owns the whole configuration: the snippet keeps the other rules.
	contains(f.terraform, `"to-b"`)
	crr_073.applies with input as inp
}

test_deny_skips_what_the_bucket_already_replicates_to if {
	inp := doc([rule("to-b", b, 1), rule("to-c", c, 2)], facts([{"destination": b, "destination_replicates_to": [c, d]}], []))
	some f in crr_073.deny with input as inp
	f.evidence.DestinationReplicatesTo == [d]
	count(f.documents["replication.json"].Rules) == 3
	f.documents["replication.json"].Rules[2].Priority == 3
}

test_deny_v1_and_kms_rule_clones if {
	legacy := {
		"Prefix": "old/", "Status": "Enabled", "Destination": {"Bucket": b},
		"SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
	}
	some f in crr_073.deny with input as doc([legacy], facts([{"destination": b, "destination_replicates_to": [c]}], []))
	f.documents["replication.json"].Rules[1] == {
		"ID": "rule-to-c-bucket", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": "old/"},
		"DeleteMarkerReplication": {"Status": "Enabled"},
		"SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
		"Destination": {"Bucket": c, "EncryptionConfiguration": {"ReplicaKmsKeyID": "arn:aws:kms:DESTINATION-REGION:DESTINATION-ACCOUNT:key/REPLICA-KEY-ID"}},
	}
}

test_allow_no_chain if {
	inp := doc([rule("to-b", b, 1)], facts([], []))
	count(crr_073.deny) == 0 with input as inp
	crr_073.applies with input as inp
}

test_allow_onward_only_to_own_destinations if {
	inp := doc([rule("to-b", b, 1), rule("to-c", c, 2)], facts([{"destination": b, "destination_replicates_to": [c]}], []))
	count(crr_073.deny) == 0 with input as inp
	crr_073.applies with input as inp
}

test_allow_unknown_destination_configuration_is_not_judged if {
	inp := doc([rule("to-b", b, 1)], facts([], [b]))
	count(crr_073.deny) == 0 with input as inp
	not crr_073.applies with input as inp
	no_facts := doc([rule("to-b", b, 1)], {"in_scope": true})
	not crr_073.applies with input as no_facts
}

test_allow_unreadable_configuration_applies_for_the_error_outcome if {
	inp := object.union(doc([], facts([], [])), {"bucket": {"ReplicationConfiguration": null}, "errors": [{
		"Operation": "GetBucketReplication", "Code": "AccessDenied", "Message": "",
		"Resource": "arn:aws:s3:::a-bucket", "Component": "replication",
	}]})
	count(crr_073.deny) == 0 with input as inp
	crr_073.applies with input as inp
}
