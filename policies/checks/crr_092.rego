# METADATA
# title: Replication differs from the declared intent
# description: >-
#   The settings declare the replication this bucket must have (intent: the
#   destination's region, account or bucket, and whether with Replication Time Control)
#   and the estate differs: the bucket has no enabled rule, or an enabled rule
#   replicates to another bucket, region or account than declared, or with RTC on when
#   it is declared off (or off when declared on). Judged only on buckets an intent
#   entry matches, whether in scope or not; a destination whose region or account the
#   scan does not know is not judged on that point. One finding per differing rule,
#   naming every difference.
# custom:
#   id: CRR-092
#   severity: high
#   guide: "Step 3 — the replication configuration the bucket is meant to have (declared intent)"
#   remediation: >-
#     Put the declared replication back: the suggested configuration is the bucket's
#     own with the differing rule pointed at the declared destination (Account set to
#     the declared account) and RTC as declared. When only a region or account is
#     declared, replace DECLARED-DESTINATION-BUCKET with a versioned bucket there that
#     the replication role may write to. If the estate changed on purpose, update the
#     intent entry in crrscan.yaml instead.
#   requires: [replication, destination]
package crr.checks.crr_092

import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.fix
import data.crr.lib.replication as repl

# intent is input.settings.intent: the declared keys for this bucket.
intent := i if {
	is_object(input.settings)
	i := input.settings.intent
	is_object(i)
	count(declared_keys) > 0
}

declared_keys := {k |
	some k, v in input.settings.intent
	k in {"destination_region", "destination_account", "destination_bucket"}
	is_string(v)
	v != ""
} | {"rtc" | is_boolean(input.settings.intent.rtc)}

# declared(key) is a declared string key; undefined when not declared.
declared(key) := input.settings.intent[key] if key in declared_keys

want_region := lower(declared("destination_region"))

want_bucket := declared("destination_bucket")

want_account := declared("destination_account")

applies if {
	intent
	repl.rules_known
}

applies if {
	intent
	not repl.has_config
}

applies if {
	intent
	errors.unreadable("replication")
}

# No enabled rule at all: nothing replicates where the settings say it must.
deny contains f if {
	intent
	rules_read
	count(repl.enabled_rules) == 0
	f := object.union(
		{
			"msg": sprintf("Bucket %s is declared to replicate %s, but %s", [input.bucket.Name, declaration, no_rule_reason]),
			"evidence": {
				"Intent": input.settings.intent,
				"ReplicationConfiguration": object.get(input.bucket, "ReplicationConfiguration", null),
			},
		},
		restore_fix,
	)
}

# rules_read is true when the bucket's rules are known: read, or no configuration.
rules_read if repl.rules_known

rules_read if {
	not repl.has_config
	not errors.unreadable("replication")
}

# An enabled rule that replicates elsewhere, or with RTC set otherwise, than declared.
deny contains f if {
	intent
	some i, rule in repl.rules
	repl.enabled(rule)
	diffs := differences(rule)
	count(diffs) > 0
	dest := repl.destination_of(rule)
	f := object.union_n([
		{
			"msg": sprintf("Bucket %s: rule %s differs from the declared replication: %s", [
				input.bucket.Name, repl.label(i, rule), concat("; ", diffs),
			]),
			"destination": dest,
			"evidence": {
				"Intent": input.settings.intent,
				"Rule": repl.excerpt(rule),
				"DestinationRegion": repl.destination_region(dest),
				"DestinationAccount": actual_account(rule),
			},
		},
		fix.rule(i, rule),
		fix.replication(repl.with_rule(i, corrected(i, rule))),
	])
}

# differences lists what differs between a rule and the declaration, in a fixed order.
differences(rule) := array.concat(
	array.concat([d | d := bucket_difference(rule)], [d | d := region_difference(rule)]),
	array.concat([d | d := account_difference(rule)], [d | d := rtc_difference(rule)]),
)

bucket_difference(rule) := sprintf("destination bucket is %s, declared %s", [repl.destination_of(rule), want_bucket]) if {
	repl.destination_of(rule) != want_bucket
}

region_difference(rule) := sprintf("destination region is %s, declared %s", [region, want_region]) if {
	region := repl.destination_region(repl.destination_of(rule))
	region != ""
	lower(region) != want_region
}

account_difference(rule) := sprintf("destination account is %s, declared %s", [account, want_account]) if {
	account := actual_account(rule)
	account != ""
	account != want_account
}

rtc_difference(rule) := "Replication Time Control is off, declared on" if {
	input.settings.intent.rtc == true
	not rtc_enabled(rule)
}

rtc_difference(rule) := "Replication Time Control is on, declared off" if {
	input.settings.intent.rtc == false
	rtc_enabled(rule)
}

rtc_enabled(rule) if rule.Destination.ReplicationTime.Status == "Enabled"

# actual_account is the account a rule replicates into: its Destination.Account, else
# the account the scan knows the destination by; "" when unknown.
actual_account(rule) := rule.Destination.Account if {
	is_string(rule.Destination.Account)
	rule.Destination.Account != ""
} else := a if {
	a := repl.destination(repl.destination_of(rule)).AccountId
	is_string(a)
	a != ""
} else := ""

# --- the fix -------------------------------------------------------------------------

placeholder := "arn:aws:s3:::DECLARED-DESTINATION-BUCKET"

# target is the bucket a retargeted rule replicates to: the declared one, else a
# placeholder for a bucket in the declared region or account.
target := want_bucket

target := placeholder if not "destination_bucket" in declared_keys

retarget(rule) if bucket_difference(rule)

retarget(rule) if region_difference(rule)

retarget(rule) if account_difference(rule)

corrected(i, rule) := repl.set_field(r, "Destination", with_rtc(with_account(with_bucket(r.Destination, rule)))) if {
	r := repl.to_v2(i, rule)
}

with_bucket(d, rule) := repl.set_field(d, "Bucket", target) if retarget(rule)
else := d

with_account(d) := repl.set_field(d, "Account", want_account) if "destination_account" in declared_keys
else := d

with_rtc(d) := object.union(d, {
	"ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}},
	"Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}},
}) if input.settings.intent.rtc == true

with_rtc(d) := object.remove(d, ["ReplicationTime"]) if input.settings.intent.rtc == false

with_rtc(d) := d if not "rtc" in declared_keys

# declaration says in words what the settings declare.
declaration := concat(", ", array.concat(
	array.concat([s | s := sprintf("to %s", [want_bucket])], [s | s := sprintf("into region %s", [want_region])]),
	array.concat([s | s := sprintf("into account %s", [want_account])], [s | s := rtc_words]),
))

rtc_words := "with Replication Time Control" if input.settings.intent.rtc == true

rtc_words := "without Replication Time Control" if input.settings.intent.rtc == false

no_rule_reason := "it has no replication configuration" if not repl.has_config

no_rule_reason := sprintf("none of its %d rules is enabled", [count(repl.rules)]) if {
	repl.has_config
	count(repl.rules) > 0
}

no_rule_reason := "its replication configuration has no rule" if {
	repl.has_config
	count(repl.rules) == 0
}

# restore_fix enables the bucket's rules, or writes a configuration with one rule to
# the declared destination when it has none.
restore_fix := fix.replication(repl.set_field(repl.config, "Rules", [enable(i, r) | some i, r in repl.rules])) if {
	count(repl.rules) > 0
}

restore_fix := {
	"commands": [
		cli.put_bucket_replication(input.bucket.Name, repl.bucket_region, "replication.json"),
	],
	"documents": {"replication.json": {
		"Role": sprintf("arn:aws:iam::%s:role/%s", [input.bucket.AccountId, cli.role_name_for(input.bucket.Name)]),
		"Rules": [{
			"ID": "declared-replication",
			"Priority": 1,
			"Status": "Enabled",
			"Filter": {},
			"DeleteMarkerReplication": {"Status": "Enabled"},
			"Destination": with_rtc(with_account({"Bucket": target})),
		}],
	}},
} if {
	count(repl.rules) == 0
}

enable(i, rule) := repl.set_field(corrected(i, rule), "Status", "Enabled")
