# METADATA
# title: Cross-account replicas stay owned by the source account
# description: >-
#   A rule replicates into a bucket of another account without an
#   AccessControlTranslation owner override, and the destination's Object Ownership is
#   not BucketOwnerEnforced. The replicas then stay owned by the source account: the
#   destination account cannot read or manage them unless the source's ACLs grant it,
#   and a disaster-recovery copy that its own account cannot use is not one.
# custom:
#   id: CRR-051
#   severity: medium
#   guide: "Cross-account replication — change the replica owner"
#   remediation: >-
#     Set the destination bucket's Object Ownership to BucketOwnerEnforced (ACLs
#     disabled: the bucket owner owns every object, replicas included), with
#     credentials of the destination account. Alternatively add an
#     AccessControlTranslation with Owner Destination and the destination Account to
#     the rule, and grant s3:ObjectOwnerOverrideToBucketOwner to the role in its policy
#     and in the destination bucket policy.
#   requires: [replication, destination, ownership]
#   applies_when: [replicates]
package crr.checks.crr_051

import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.replication as repl
import data.crr.lib.terraform as tf

applies if {
	count(cross_account) > 0
	judgeable
}

applies if errors.unreadable("replication")

applies if {
	count(repl.enabled_destination_arns) > 0
	some c in ["destination", "ownership"]
	errors.unreadable(c)
}

judgeable if count(deny) > 0

judgeable if {
	every x in cross_account {
		settled(x[1])
	}
}

settled(rule) if overrides_owner(rule)

settled(rule) if is_object(repl.destination(repl.destination_of(rule)).OwnershipControls)

# cross_account are [index, rule] of the enabled rules into an existing bucket of
# another account.
cross_account := {[i, r] |
	some i, r in repl.rules
	repl.enabled(r)
	d := repl.destination_of(r)
	repl.destination(d).Exists != false
	a := account_of(d, r)
	is_string(input.bucket.AccountId)
	input.bucket.AccountId != ""
	a != input.bucket.AccountId
}

# account_of is the destination's account: as scanned, else as the rule declares it.
account_of(d, rule) := a if {
	a := repl.destination(d).AccountId
	is_string(a)
	a != ""
} else := a if {
	a := rule.Destination.Account
	is_string(a)
	a != ""
}

overrides_owner(rule) if rule.Destination.AccessControlTranslation.Owner == "Destination"

# ownership is the destination's Object Ownership ("" when it has none).
ownership(controls) := o if {
	some r in controls.Rules
	o := r.ObjectOwnership
	is_string(o)
} else := ""

describe(o) := "not set (ObjectWriter: the uploader owns each object)" if o == ""
else := o

deny contains f if {
	some x in cross_account
	[i, rule] := x
	not overrides_owner(rule)
	d := repl.destination_of(rule)
	controls := repl.destination(d).OwnershipControls
	is_object(controls)
	o := ownership(controls)
	o != "BucketOwnerEnforced"
	name := repl.destination_name(d)
	f := {
		"msg": sprintf("Rule %s of bucket %s replicates into %s (account %s), but the replicas stay owned by the source account %s: the rule has no AccessControlTranslation owner override and the destination's Object Ownership is %s", [
			repl.label(i, rule), input.bucket.Name, name, account_of(d, rule), input.bucket.AccountId, describe(o),
		]),
		"rule_id": rule_id(rule),
		"destination": d,
		"resource_arn": d,
		"key": repl.label(i, rule),
		"evidence": {"Rule": repl.excerpt(rule), "DestinationOwnershipControls": controls},
		"commands": [sprintf("aws s3api put-bucket-ownership-controls --bucket %s --ownership-controls file://ownership-controls.json", [cli.arg(name)])],
		"documents": {"ownership-controls.json": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}},
		"terraform": tf.ownership_controls("replication_destination", name, "BucketOwnerEnforced"),
	}
}

rule_id(rule) := rule.ID if is_string(rule.ID)
else := ""
