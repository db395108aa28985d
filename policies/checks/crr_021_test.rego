package crr.checks.crr_021_test

import data.crr.checks.crr_021

near := "arn:aws:s3:::near"

far := "arn:aws:s3:::far"

doc(region, rules, dests) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": region,
		"Versioning": {"Status": "Enabled"},
		"ReplicationConfiguration": {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": rules},
	},
	"destinations": dests,
	"errors": [],
	"facts": {"in_scope": true},
}

rule(id, dest) := {"ID": id, "Status": "Enabled", "Priority": 1, "Filter": {}, "Destination": {"Bucket": dest, "StorageClass": "STANDARD"}}

linked(arn, name, region) := {"Arn": arn, "Name": name, "Exists": true, "Region": region, "Versioning": {"Status": "Enabled"}}

test_deny_same_region if {
	inp := doc("eu-west-1", [rule("near", near), object.union(rule("far", far), {"Filter": {"Prefix": "logs/"}})], {near: linked(near, "near", "eu-west-1"), far: linked(far, "far", "us-east-1")})
	fs := crr_021.deny with input as inp
	count(fs) == 1
	some f in fs
	not f.severity
	f.msg == `Bucket src replicates to near (rule "near") in its own region eu-west-1: that is same-region replication, no regional disaster recovery; the rules to other regions do not select these objects`
	f.destination == near
	f.evidence == {
		"Region": "eu-west-1", "DestinationRegion": "eu-west-1",
		"Rules": [{"ID": "near", "Status": "Enabled", "Priority": 1, "Destination": {"Bucket": near, "StorageClass": "STANDARD"}}],
	}
	rules := f.documents["replication.json"].Rules
	rules[0].Destination == {"Bucket": "arn:aws:s3:::NEW-DESTINATION-BUCKET", "StorageClass": "STANDARD"}
	rules[1] == object.union(rule("far", far), {"Filter": {"Prefix": "logs/"}})
	f.commands[2] == "aws s3api put-bucket-replication --bucket src --replication-configuration file://replication.json --region eu-west-1"
	crr_021.applies with input as inp
}

test_deny_legacy_eu_region_name if {
	inp := doc("eu-west-1", [rule("near", near)], {near: linked(near, "near", "EU")})
	count(crr_021.deny) == 1 with input as inp
}

test_allow_other_region if {
	inp := doc("eu-west-1", [rule("far", far)], {far: linked(far, "far", "us-east-1")})
	count(crr_021.deny) == 0 with input as inp
	crr_021.applies with input as inp
}

test_allow_unknown_regions if {
	unknown_source := doc("", [rule("near", near)], {near: linked(near, "near", "eu-west-1")})
	count(crr_021.deny) == 0 with input as unknown_source
	not crr_021.applies with input as unknown_source
	unknown_dest := doc("eu-west-1", [rule("near", near)], {near: linked(near, "near", "")})
	count(crr_021.deny) == 0 with input as unknown_dest
	not crr_021.applies with input as unknown_dest
	absent := doc("eu-west-1", [rule("near", near)], {near: object.remove(linked(near, "near", ""), ["Region"])})
	count(crr_021.deny) == 0 with input as absent
}

test_allow_unreadable_configuration_applies_for_the_error_outcome if {
	inp := object.union(doc("eu-west-1", [], {}), {"bucket": {"ReplicationConfiguration": null}, "errors": [{
		"Operation": "GetBucketReplication", "Code": "AccessDenied", "Message": "",
		"Resource": "arn:aws:s3:::src", "Component": "replication",
	}]})
	count(crr_021.deny) == 0 with input as inp
	crr_021.applies with input as inp
}

# Coverage: "Replication ... copies objects to a bucket in a different AWS Region
# (CRR)" and one source may replicate to several destinations, each rule selecting by
# prefix and tags (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html,
# .../replication-add-config.html "filter elements"). When an enabled rule to another
# region selects every object the same-region rule does, those objects do reach
# another region: regional protection holds, the extra copy is informational.
with_filter(r, f) := object.union(r, {"Filter": f})

regions := {near: linked(near, "near", "eu-west-1"), far: linked(far, "far", "us-east-1")}

test_deny_info_when_a_cross_region_rule_covers_the_same_objects if {
	inp := doc("eu-west-1", [rule("near", near), object.union(rule("far", far), {"Priority": 2})], regions)
	fs := crr_021.deny with input as inp
	count(fs) == 1
	some f in fs
	f.severity == "info"
	f.msg == `Bucket src also replicates to near (rule "near") in its own region eu-west-1; the same objects reach another region through rule "far", so the bucket keeps its regional protection`
	f.evidence.CoveredBy == [far]
	not f.commands
}

test_deny_info_when_a_wider_prefix_covers_a_narrower_one if {
	inp := doc("eu-west-1", [with_filter(rule("near", near), {"Prefix": "logs/2026/"}), with_filter(rule("far", far), {"Prefix": "logs/"})], regions)
	some f in crr_021.deny with input as inp
	f.severity == "info"
}

test_deny_info_when_the_covering_rule_needs_fewer_tags if {
	near_rule := with_filter(rule("near", near), {"And": {"Prefix": "a/", "Tags": [{"Key": "dr", "Value": "yes"}, {"Key": "t", "Value": "1"}]}})
	far_rule := with_filter(rule("far", far), {"Tag": {"Key": "dr", "Value": "yes"}})
	some f in crr_021.deny with input as doc("eu-west-1", [near_rule, far_rule], regions)
	f.severity == "info"
}

test_deny_high_when_the_cross_region_rule_needs_a_tag_the_same_region_rule_does_not if {
	far_rule := with_filter(rule("far", far), {"Tag": {"Key": "dr", "Value": "yes"}})
	some f in crr_021.deny with input as doc("eu-west-1", [rule("near", near), far_rule], regions)
	not f.severity
}

test_deny_high_when_the_cross_region_rule_is_disabled if {
	far_rule := object.union(rule("far", far), {"Status": "Disabled"})
	fs := crr_021.deny with input as doc("eu-west-1", [rule("near", near), far_rule], regions)
	count(fs) == 1
	some f in fs
	not f.severity
}

# A bucket whose settings declare same-region replication (intent) is doing what was
# declared: no violation (CRR-092 judges the intent itself).
test_allow_declared_same_region_intent if {
	inp := object.union(doc("eu-west-1", [rule("near", near)], regions), {"settings": {"intent": {"destination_region": "eu-west-1"}}})
	count(crr_021.deny) == 0 with input as inp
	crr_021.applies with input as inp
}

test_allow_declared_same_region_destination_bucket if {
	inp := object.union(doc("eu-west-1", [rule("near", near)], regions), {"settings": {"intent": {"destination_bucket": near}}})
	count(crr_021.deny) == 0 with input as inp
}

test_deny_intent_for_another_region_does_not_excuse_it if {
	inp := object.union(doc("eu-west-1", [rule("near", near)], regions), {"settings": {"intent": {"destination_region": "us-east-1"}}})
	count(crr_021.deny) == 1 with input as inp
}
