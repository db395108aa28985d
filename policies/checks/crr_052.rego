# METADATA
# title: Replica owner override without its permission, or within one account
# description: >-
#   A rule sets AccessControlTranslation (Owner Destination) to make the destination
#   account own the replicas. That needs s3:ObjectOwnerOverrideToBucketOwner on the
#   destination objects, in the replication role's policies and in the destination
#   bucket policy; without it objects fail with DstPutObjectNotPermitted (unless the
#   destination's Object Ownership is BucketOwnerEnforced, which makes the override
#   moot). Within a single account the override has no purpose and ACL changes then
#   stop replicating.
# custom:
#   id: CRR-052
#   severity: medium
#   guide: "Cross-account replication — change the replica owner (owner override)"
#   remediation: >-
#     For a destination in another account, grant s3:ObjectOwnerOverrideToBucketOwner on
#     the destination objects to the replication role, in its permissions policy and in
#     the destination bucket policy (or set the destination's Object Ownership to
#     BucketOwnerEnforced). Within one account, remove AccessControlTranslation from the
#     rule.
#   requires: [replication, role, destination, policy, ownership]
#   applies_when: [replicates]
package crr.checks.crr_052

import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.iampolicy as ip
import data.crr.lib.replication as repl
import data.crr.lib.terraform as tf

action := "s3:ObjectOwnerOverrideToBucketOwner"

applies if {
	count(overriding) > 0
	judgeable
}

applies if errors.unreadable("replication")

applies if {
	count(overriding) > 0
	some c in ["role", "destination", "policy", "ownership"]
	errors.unreadable(c)
}

judgeable if count(deny) > 0

judgeable if {
	every x in overriding {
		settled(x[1])
	}
}

settled(rule) if single_account(rule)

settled(rule) if enforced(rule)

settled(rule) if {
	other_account(rule)
	ip.role_known(input.role)
	is_object(repl.destination(repl.destination_of(rule)).Policy)
}

# overriding are [index, rule] of the enabled rules with an owner override into an
# existing destination.
overriding := {[i, r] |
	some i, r in repl.rules
	repl.enabled(r)
	r.Destination.AccessControlTranslation.Owner == "Destination"
	repl.destination(repl.destination_of(r)).Exists != false
}

source_account := a if {
	a := input.bucket.AccountId
	is_string(a)
	a != ""
}

account_of(rule) := a if {
	a := repl.destination(repl.destination_of(rule)).AccountId
	is_string(a)
	a != ""
} else := a if {
	a := rule.Destination.Account
	is_string(a)
	a != ""
}

single_account(rule) if account_of(rule) == source_account

other_account(rule) if {
	account_of(rule) != source_account
	source_account
}

enforced(rule) if {
	some r in repl.destination(repl.destination_of(rule)).OwnershipControls.Rules
	r.ObjectOwnership == "BucketOwnerEnforced"
}

role_arn := ip.role_arn(input.role, repl.config.Role)

role_name := ip.role_name(input.role, role_arn)

objects(rule) := ip.objects_of(repl.destination_of(rule), ip.rule_prefix(rule))

# role_needs is the role's decision on the override permission (unmet only).
role_needs(rule) := [n |
	other_account(rule)
	not enforced(rule)
	ip.role_known(input.role)
	n := ip.need(ip.role_policies(input.role), null, "", role_arn, action, objects(rule))
	n.Reason != "allowed"
]

# policy_lacks is true when the known destination bucket policy does not grant it.
policy_lacks(rule) if {
	other_account(rule)
	not enforced(rule)
	p := repl.destination(repl.destination_of(rule)).Policy
	is_object(p)
	not ip.resource_granted(p.Document, role_arn, action, objects(rule))
}

problems(rule) := array.concat(
	array.concat(
		[sprintf("the destination is in the source's own account %s: an owner override within one account only stops ACL changes from replicating", [source_account]) | single_account(rule)],
		[sprintf("replication role %s lacks %s", [role_name, ip.summary(role_needs(rule))]) | count(role_needs(rule)) > 0],
	),
	[sprintf("the bucket policy of %s does not grant %s on %s to the role", [repl.destination_name(repl.destination_of(rule)), action, objects(rule)]) | policy_lacks(rule)],
)

deny contains f if {
	some x in overriding
	[i, rule] := x
	ps := problems(rule)
	count(ps) > 0
	d := repl.destination_of(rule)
	f := {
		"msg": sprintf("Rule %s of bucket %s makes the destination own the replicas (AccessControlTranslation), but %s", [
			repl.label(i, rule), input.bucket.Name, concat("; and ", ps),
		]),
		"rule_id": rule_id(rule),
		"destination": d,
		"resource_arn": d,
		"key": repl.label(i, rule),
		"evidence": {"Rule": repl.excerpt(rule), "Role": role_arn, "Missing": role_needs(rule)},
		"commands": array.concat(array.concat(
			[cli.put_bucket_replication(input.bucket.Name, repl.bucket_region, "replication.json") | single_account(rule)],
			[cli.put_role_policy(role_name, "crr-owner-override", "owner-override-policy.json") | count(role_needs(rule)) > 0],
		), [sprintf("aws s3api put-bucket-policy --bucket %s --policy file://dst-bucket-policy.json", [cli.arg(repl.destination_name(d))]) | policy_lacks(rule)]),
		"documents": object.union_n([
			{"replication.json": without_override | single_account(rule)},
			{"owner-override-policy.json": role_policy(rule) | count(role_needs(rule)) > 0},
			{"dst-bucket-policy.json": bucket_policy(rule) | policy_lacks(rule)},
		]),
		"terraform": tf.resources(array.concat(
			[tf.role_policy("crr_owner_override", role_name, "crr-owner-override", role_policy(rule)) | count(role_needs(rule)) > 0],
			[tf.bucket_policy("replication_destination", repl.destination_name(d), bucket_policy(rule)) | policy_lacks(rule)],
		)),
	}
}

rule_id(rule) := rule.ID if is_string(rule.ID)
else := ""

# without_override is the configuration without the owner override of the rules into
# the source's own account.
without_override := object.union(repl.config, {"Rules": [strip(r) | some r in repl.rules]})

strip(r) := object.union(object.remove(r, ["Destination"]), {"Destination": object.remove(r.Destination, ["AccessControlTranslation"])}) if {
	single_account(r)
	r.Destination.AccessControlTranslation
} else := r

grant_statement(rule) := {"Effect": "Allow", "Action": action, "Resource": sprintf("%s/*", [repl.destination_of(rule)])}

role_policy(rule) := {"Version": "2012-10-17", "Statement": [grant_statement(rule)]}

# bucket_policy is the destination policy with a statement granting the override to
# the role (replacing an earlier statement of the same Sid).
bucket_policy(rule) := ip.adding(ip.without(doc, {s | some s in ip.statements(doc); s.Sid == sid}), [object.union(grant_statement(rule), {"Sid": sid, "Principal": {"AWS": role_arn}})]) if {
	doc := repl.destination(repl.destination_of(rule)).Policy.Document
	is_object(doc)
} else := ip.adding(null, [object.union(grant_statement(rule), {"Sid": sid, "Principal": {"AWS": role_arn}})])

sid := "ReplicationRoleOwnerOverride"
