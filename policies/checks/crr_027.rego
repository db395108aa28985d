# METADATA
# title: Cross-account destination is Requester Pays
# description: >-
#   A rule replicates into a bucket of another account and that bucket is configured
#   for Requester Pays. S3 replication does not support Requester Pays destinations
#   across accounts: objects fail to replicate. The destination account is the rule's
#   Destination.Account, else the account the scan found for the destination; when it
#   or the destination's request payment setting is unknown the rule is not judged.
# custom:
#   id: CRR-027
#   severity: high
#   guide: "Cross-account replication: requirements for the destination bucket"
#   remediation: >-
#     Make the destination's owner pay for requests again (put-bucket-request-payment
#     with Payer=BucketOwner, with credentials of the destination account), or replicate
#     into another bucket. Objects that failed meanwhile need S3 Batch Replication.
#   requires: [replication, destination, requestpayment]
#   applies_when: [replicates]
package crr.checks.crr_027

import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.replication as repl
import data.crr.lib.terraform as tf

applies if {
	count(repl.destination_arns) > 0
	judgeable
}

applies if errors.unreadable("replication")

# (The body that usually holds comes first: once a body holds, the others are not
# evaluated.)
judgeable if {
	every dest in repl.destination_arns {
		known(dest)
	}
}

judgeable if count(deny) > 0

judgeable if errors.unreadable("destination")

judgeable if errors.unreadable("requestpayment")

known(dest) if repl.destination(dest).Exists == false

known(dest) if {
	payer(dest) != "Requester"
}

# A destination that every rule into it keeps in the source's account cannot fail
# this check: judged (it passes) without its request payment setting, which the
# scan then does not read.
known(dest) if {
	every r in rules_into(dest) {
		repl.destination_account(r) == repl.source_account
	}
}

known(dest) if {
	payer(dest) == "Requester"
	every r in rules_into(dest) {
		repl.destination_account(r)
	}
	repl.source_account
}

payer(dest) := p if {
	d := repl.destination(dest)
	d.Exists == true
	p := d.RequestPaymentConfiguration.Payer
	is_string(p)
	p != ""
}

rules_into(dest) := [r | some r in repl.rules; repl.destination_of(r) == dest]

deny contains f if {
	some dest in repl.destination_arns
	payer(dest) == "Requester"
	accounts := {a | some r in rules_into(dest); repl.cross_account(r); a := repl.destination_account(r)}
	count(accounts) > 0
	name := repl.destination_name(dest)
	f := {
		"msg": sprintf("Destination bucket %s of bucket %s (rule %s) is in account %s, not the source's %s, and is Requester Pays: replication to it is not supported", [
			name, input.bucket.Name, repl.rule_labels(dest, false), concat(", ", sort(accounts)), repl.source_account,
		]),
		"destination": dest,
		"resource_arn": dest,
		"evidence": {
			"Rules": repl.rules_to(dest, false),
			"SourceAccount": repl.source_account,
			"DestinationAccounts": sort(accounts),
			"RequestPaymentConfiguration": repl.destination(dest).RequestPaymentConfiguration,
		},
		"commands": [sprintf("aws s3api put-bucket-request-payment --bucket %s --request-payment-configuration Payer=BucketOwner%s", [
			cli.arg(name), cli.region_flag(repl.destination_region(dest)),
		])],
		"terraform": tf.request_payment(name),
	}
}
