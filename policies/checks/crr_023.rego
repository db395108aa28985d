# METADATA
# title: Destination account is not allowed
# description: >-
#   The settings list the accounts replicas may be kept in (requirements.allowed_accounts,
#   an exfiltration guard) and a rule replicates into another account. The destination
#   account is the rule's Destination.Account, else the account the scan found for the
#   destination bucket; when neither is known the rule is not judged. Every rule counts,
#   enabled or not. One finding per destination and account.
# custom:
#   id: CRR-023
#   severity: high
#   guide: "Cross-account replication: the destination account"
#   remediation: >-
#     Stop replicating into the account: the suggested configuration is the bucket's own
#     without the rules that write there (or delete-bucket-replication when no rule is
#     left). Find out who added the rule and what was copied. If the account is in fact
#     yours, add it to requirements.allowed_accounts instead.
#   requires: [replication, destination]
#   applies_when: [replicates]
package crr.checks.crr_023

import data.crr.lib.errors
import data.crr.lib.fix
import data.crr.lib.replication as repl
import data.crr.lib.settings

applies if {
	count(settings.allowed_accounts) > 0
	count(judged_rules) > 0
	judgeable
}

applies if {
	count(settings.allowed_accounts) > 0
	errors.unreadable("replication")
}

# judged_rules are the rules that name a destination.
judged_rules := [r | some r in repl.rules; repl.destination_of(r)]

# (The body that usually holds comes first: once a body holds, the others are not
# evaluated.)
judgeable if {
	every r in judged_rules {
		repl.destination_account(r)
	}
}

judgeable if count(deny) > 0

judgeable if errors.unreadable("destination")

deny contains f if {
	count(settings.allowed_accounts) > 0
	some [dest, account] in offending
	indexes := {i | some i, r in repl.rules; repl.destination_of(r) == dest; repl.destination_account(r) == account}
	labels := concat(", ", [repl.label(i, repl.rules[i]) | some i in sort(indexes)])
	f := object.union(
		{
			"msg": sprintf("Bucket %s replicates to %s (rule %s) in account %s, which the settings do not allow (allowed: %s)", [
				input.bucket.Name, repl.destination_name(dest), labels, account, concat(", ", settings.allowed_accounts),
			]),
			"destination": dest,
			"resource_arn": dest,
			"key": account,
			"evidence": {
				"DestinationAccount": account,
				"SourceAccount": object.get(input.bucket, "AccountId", ""),
				"Rules": [repl.excerpt(repl.rules[i]) | some i in sort(indexes)],
				"Requirement": {"allowed_accounts": settings.allowed_accounts},
			},
		},
		fix.replication_or_delete(repl.without_rules(indexes)),
	)
}

# offending are the [destination ARN, account] pairs of rules that write into an
# account the settings do not allow.
offending := {[dest, account] |
	some r in judged_rules
	dest := repl.destination_of(r)
	account := repl.destination_account(r)
	not settings.account_allowed(account)
}
