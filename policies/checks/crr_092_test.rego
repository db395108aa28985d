package crr.checks.crr_092_test

import data.crr.checks.crr_092

role := "arn:aws:iam::111122223333:role/crr"

dr := "arn:aws:s3:::invoices-dr"

other := "arn:aws:s3:::invoices-elsewhere"

rtc := {
	"ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}},
	"Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}},
}

rule(id, dest, extra) := {
	"ID": id, "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
	"DeleteMarkerReplication": {"Status": "Disabled"},
	"Destination": object.union({"Bucket": dest}, extra),
}

linked(a, region, account) := {"Arn": a, "Name": substring(a, 13, -1), "AccountId": account, "Exists": true, "Region": region, "Versioning": {"Status": "Enabled"}}

dests := {
	dr: linked(dr, "eu-west-1", "444455556666"),
	other: linked(other, "us-west-2", "777788889999"),
}

doc(cfg, intent) := {
	"bucket": {
		"Name": "invoices", "Arn": "arn:aws:s3:::invoices", "AccountId": "111122223333", "Region": "us-east-1",
		"ReplicationConfiguration": cfg,
	},
	"destinations": dests,
	"errors": [],
	"facts": {"in_scope": true},
	"settings": {"intent": intent},
}

cfg(rules) := {"Role": role, "Rules": rules}

declared := {"destination_bucket": dr, "destination_region": "eu-west-1", "destination_account": "444455556666", "rtc": true}

test_allow_estate_as_declared if {
	inp := doc(cfg([rule("to-dr", dr, rtc)]), declared)
	count(crr_092.deny) == 0 with input as inp
	crr_092.applies with input as inp
}

test_allow_disabled_rules_elsewhere_are_not_judged if {
	off := object.union(rule("old", other, {}), {"Status": "Disabled"})
	count(crr_092.deny) == 0 with input as doc(cfg([rule("to-dr", dr, rtc), off]), declared)
}

test_allow_without_intent if {
	inp := object.union(doc(cfg([rule("r", other, {})]), {}), {"settings": {}})
	count(crr_092.deny) == 0 with input as inp
	not crr_092.applies with input as inp
	no_settings := object.remove(inp, ["settings"])
	count(crr_092.deny) == 0 with input as no_settings
	not crr_092.applies with input as no_settings
	# Only empty or malformed declarations: nothing is declared.
	junk := doc(cfg([rule("r", other, {})]), {"destination_region": "", "rtc": "yes"})
	count(crr_092.deny) == 0 with input as junk
	not crr_092.applies with input as junk
}

test_allow_unknown_region_and_account_are_not_judged if {
	unknown := object.union(doc(cfg([rule("r", "arn:aws:s3:::not-read", {})]), {"destination_region": "eu-west-1", "destination_account": "444455556666"}), {"destinations": {}})
	count(crr_092.deny) == 0 with input as unknown
	crr_092.applies with input as unknown
}

test_allow_unreadable_configuration_is_crr_090 if {
	inp := object.union(doc(null, declared), {"errors": [{"Operation": "GetBucketReplication", "Code": "AccessDenied", "Resource": "arn:aws:s3:::invoices", "Component": "replication"}]})
	count(crr_092.deny) == 0 with input as inp
	crr_092.applies with input as inp
}

test_deny_retargeted_destination if {
	inp := doc(cfg([rule("to-dr", other, rtc)]), declared)
	fs := crr_092.deny with input as inp
	count(fs) == 1
	some f in fs
	f.msg == concat("", [
		`Bucket invoices: rule "to-dr" differs from the declared replication: `,
		"destination bucket is arn:aws:s3:::invoices-elsewhere, declared arn:aws:s3:::invoices-dr; ",
		"destination region is us-west-2, declared eu-west-1; ",
		"destination account is 777788889999, declared 444455556666",
	])
	f.rule_id == "to-dr"
	f.destination == other
	f.evidence.DestinationRegion == "us-west-2"
	f.evidence.DestinationAccount == "777788889999"
	f.evidence.Intent == declared
	f.commands == ["aws s3api put-bucket-replication --bucket invoices --replication-configuration file://replication.json --region us-east-1"]
	f.documents["replication.json"] == cfg([rule("to-dr", dr, object.union(rtc, {"Account": "444455556666"}))])
	contains(f.terraform, `bucket = "arn:aws:s3:::invoices-dr"`)
	crr_092.applies with input as inp
}

test_deny_region_only_declaration_suggests_a_placeholder if {
	some f in crr_092.deny with input as doc(cfg([rule("r", other, {})]), {"destination_region": "EU-WEST-1"})
	f.msg == `Bucket invoices: rule "r" differs from the declared replication: destination region is us-west-2, declared eu-west-1`
	f.documents["replication.json"].Rules[0].Destination == {"Bucket": "arn:aws:s3:::DECLARED-DESTINATION-BUCKET"}
}

test_deny_account_from_the_rule if {
	r := rule("r", dr, {"Account": "999999999999"})
	some f in crr_092.deny with input as doc(cfg([r]), {"destination_account": "444455556666"})
	f.msg == `Bucket invoices: rule "r" differs from the declared replication: destination account is 999999999999, declared 444455556666`
	f.documents["replication.json"].Rules[0].Destination == {"Bucket": "arn:aws:s3:::DECLARED-DESTINATION-BUCKET", "Account": "444455556666"}
}

test_deny_rtc_off_when_declared_on if {
	some f in crr_092.deny with input as doc(cfg([rule("r", dr, {})]), {"rtc": true})
	f.msg == `Bucket invoices: rule "r" differs from the declared replication: Replication Time Control is off, declared on`
	f.documents["replication.json"].Rules == [rule("r", dr, rtc)]
}

test_deny_rtc_on_when_declared_off if {
	some f in crr_092.deny with input as doc(cfg([rule("r", dr, rtc)]), {"rtc": false, "destination_bucket": dr})
	f.msg == `Bucket invoices: rule "r" differs from the declared replication: Replication Time Control is on, declared off`
	f.documents["replication.json"].Rules[0].Destination == {"Bucket": dr, "Metrics": rtc.Metrics}
}

test_deny_every_differing_enabled_rule if {
	fs := crr_092.deny with input as doc(cfg([rule("a", dr, rtc), rule("b", other, rtc), object.remove(rule("", other, rtc), ["ID"])]), {"destination_bucket": dr})
	count(fs) == 2
	{f.rule_id | some f in fs} == {"b", ""}
	{f.msg | some f in fs} == {
		`Bucket invoices: rule "b" differs from the declared replication: destination bucket is arn:aws:s3:::invoices-elsewhere, declared arn:aws:s3:::invoices-dr`,
		`Bucket invoices: rule #3 differs from the declared replication: destination bucket is arn:aws:s3:::invoices-elsewhere, declared arn:aws:s3:::invoices-dr`,
	}
}

test_deny_rule_disabled if {
	off := object.union(rule("to-dr", dr, rtc), {"Status": "Disabled"})
	inp := doc(cfg([off]), declared)
	fs := crr_092.deny with input as inp
	count(fs) == 1
	some f in fs
	f.msg == "Bucket invoices is declared to replicate to arn:aws:s3:::invoices-dr, into region eu-west-1, into account 444455556666, with Replication Time Control, but none of its 1 rules is enabled"
	not f.rule_id
	f.documents["replication.json"].Rules == [object.union(rule("to-dr", dr, rtc), {"Destination": {"Account": "444455556666"}})]
}

test_deny_no_configuration if {
	inp := doc(null, {"destination_bucket": dr, "rtc": false})
	some f in crr_092.deny with input as inp
	f.msg == "Bucket invoices is declared to replicate to arn:aws:s3:::invoices-dr, without Replication Time Control, but it has no replication configuration"
	f.documents["replication.json"].Rules[0].Destination == {"Bucket": dr}
	f.documents["replication.json"].Role == "arn:aws:iam::111122223333:role/s3-crr-invoices"
	crr_092.applies with input as inp
	# Out of scope (a replica) does not matter: the intent names the bucket.
	replica := object.union(inp, {"facts": {"in_scope": false, "is_replica": true}})
	count(crr_092.deny) == 1 with input as replica
}
