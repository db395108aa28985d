package crr.checks.crr_023_test

import data.crr.checks.crr_023

role := "arn:aws:iam::111122223333:role/crr"

own := "arn:aws:s3:::dst-own"

ext := "arn:aws:s3:::dst-ext"

rule(id, dest) := {
	"ID": id, "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
	"DeleteMarkerReplication": {"Status": "Disabled"},
	"Destination": {"Bucket": dest},
}

linked(a, name, account) := {"Arn": a, "Name": name, "AccountId": account, "Exists": true, "Region": "eu-west-1"}

doc(rules, dests, settings) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "us-east-1",
		"ReplicationConfiguration": {"Role": role, "Rules": rules},
	},
	"destinations": dests,
	"errors": [],
	"facts": {"in_scope": true},
	"settings": settings,
}

guard := {"requirements": {"allowed_accounts": ["111122223333", "222233334444"]}}

dests := {own: linked(own, "dst-own", "111122223333"), ext: linked(ext, "dst-ext", "")}

test_deny_explicit_destination_account if {
	bad := object.union(rule("exfil", ext), {"Destination": {"Account": "999900001111", "AccessControlTranslation": {"Owner": "Destination"}}})
	inp := doc([rule("dr", own), bad], dests, guard)
	fs := crr_023.deny with input as inp
	count(fs) == 1
	some f in fs
	f.msg == `Bucket src replicates to dst-ext (rule "exfil") in account 999900001111, which the settings do not allow (allowed: 111122223333, 222233334444)`
	f.destination == ext
	f.key == "999900001111"
	f.documents["replication.json"] == {"Role": role, "Rules": [rule("dr", own)]}
	f.commands == ["aws s3api put-bucket-replication --bucket src --replication-configuration file://replication.json --region us-east-1"]
	crr_023.applies with input as inp
}

test_deny_account_found_by_the_scan_and_last_rule_removed if {
	inp := doc([rule("a", own)], {own: linked(own, "dst-own", "555566667777")}, guard)
	some f in crr_023.deny with input as inp
	f.commands == ["aws s3api delete-bucket-replication --bucket src --region us-east-1"]
	f.documents == {}
}

test_deny_numeric_settings_and_disabled_rules if {
	off := object.union(rule("off", ext), {"Status": "Disabled", "Destination": {"Account": "999900001111"}})
	fs := crr_023.deny with input as doc([rule("dr", own), off], dests, {"requirements": {"allowed_accounts": [111122223333]}})
	count(fs) == 1
}

test_allow_allowed_accounts if {
	ok := object.union(rule("x", ext), {"Destination": {"Account": "222233334444"}})
	inp := doc([rule("dr", own), ok], dests, guard)
	count(crr_023.deny) == 0 with input as inp
	crr_023.applies with input as inp
}

test_allow_without_the_setting if {
	inp := doc([rule("a", own)], {own: linked(own, "dst-own", "555566667777")}, {})
	count(crr_023.deny) == 0 with input as inp
	not crr_023.applies with input as inp
}

test_allow_unknown_account_is_not_judged if {
	inp := doc([rule("dr", own), rule("x", ext)], dests, guard)
	count(crr_023.deny) == 0 with input as inp
	not crr_023.applies with input as inp
	unreadable := object.union(inp, {"errors": [{"Operation": "HeadBucket", "Code": "Forbidden", "Resource": ext, "Component": "destination"}]})
	crr_023.applies with input as unreadable
}
