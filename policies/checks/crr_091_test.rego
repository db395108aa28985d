package crr.checks.crr_091_test

import data.crr.checks.crr_091

waiver(check, expires, expired, ticket) := {
	"check": check, "reason": "decommissioned in Q1", "owner": "data-platform",
	"ticket": ticket, "expires": expires, "expired": expired,
}

doc(waivers) := {
	"bucket": {"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "eu-west-1"},
	"errors": [],
	"facts": {"in_scope": true},
	"settings": {"requirements": {}, "waivers": waivers},
}

test_deny_expired_waiver if {
	fs := crr_091.deny with input as doc([waiver("CRR-010", "2026-10-31", true, "OPS-42")])
	count(fs) == 1
	some f in fs
	f.msg == "waiver for CRR-010 on bucket src (data-platform, OPS-42) expired on 2026-10-31: the finding is open again"
	f.evidence.waiver == {
		"check": "CRR-010", "reason": "decommissioned in Q1", "owner": "data-platform",
		"ticket": "OPS-42", "expires": "2026-10-31",
	}
	f.commands == []
	crr_091.applies with input as doc([waiver("CRR-010", "2026-10-31", true, "OPS-42")])
}

test_deny_without_ticket_names_the_owner if {
	some f in crr_091.deny with input as doc([waiver("CRR-021", "2026-01-01", true, "")])
	f.msg == "waiver for CRR-021 on bucket src (data-platform) expired on 2026-01-01: the finding is open again"
}

test_deny_one_finding_per_expired_waiver if {
	fs := crr_091.deny with input as doc([
		waiver("CRR-010", "2026-10-31", true, "OPS-42"),
		waiver("CRR-001", "2026-09-30", true, "OPS-43"),
		waiver("CRR-021", "2027-01-31", false, "OPS-44"),
	])
	count(fs) == 2
	{f.evidence.waiver.check | some f in fs} == {"CRR-010", "CRR-001"}
}

test_allow_unexpired_waiver if {
	inp := doc([waiver("CRR-010", "2026-12-31", false, "OPS-42")])
	count(crr_091.deny) == 0 with input as inp
	crr_091.applies with input as inp
}

test_allow_no_waivers if {
	count(crr_091.deny) == 0 with input as doc([])
	not crr_091.applies with input as doc([])
}

test_allow_no_settings if {
	inp := object.remove(doc([]), ["settings"])
	count(crr_091.deny) == 0 with input as inp
	not crr_091.applies with input as inp
	count(crr_091.deny) == 0 with input as object.union(inp, {"settings": {}})
}
