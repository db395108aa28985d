# METADATA
# title: Destination lifecycle deletes replicas before the minimum retention
# description: >-
#   The settings require replicas to be kept for a minimum number of days
#   (requirements.min_retention_days) and an enabled lifecycle rule of the destination
#   bucket expires current versions (Expiration.Days) or noncurrent versions
#   (NoncurrentVersionExpiration.NoncurrentDays) sooner, for objects that the
#   replication rules write there (the lifecycle rule's prefix and tags can match them).
#   Destination lifecycle counts from the source object's creation time, so a replica
#   can disappear from the recovery copy almost as soon as it arrives. Judged when the
#   setting is above 0 and the destination's lifecycle was read.
# custom:
#   id: CRR-026
#   severity: medium
#   guide: "Destination bucket settings (lifecycle on replicas)"
#   remediation: >-
#     Raise the expiration of the lifecycle rule to at least the minimum retention, with
#     credentials of the account that owns the destination. The suggested document is
#     the destination's lifecycle configuration as the scan read it with only that
#     rule's days raised; put-bucket-lifecycle-configuration replaces the whole
#     configuration and the scan does not read every lifecycle field (for example
#     AbortIncompleteMultipartUpload), so save the current one first (the first command)
#     and compare.
#   requires: [replication, destination, lifecycle]
#   applies_when: [replicates]
package crr.checks.crr_026

import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.filters
import data.crr.lib.replication as repl
import data.crr.lib.settings
import data.crr.lib.terraform as tf

min_days := settings.min_retention_days

applies if {
	min_days > 0
	count(repl.destination_arns) > 0
	judgeable
}

applies if {
	min_days > 0
	errors.unreadable("replication")
}

# (The body that usually holds comes first: once a body holds, the others are not
# evaluated.)
judgeable if {
	every dest in repl.destination_arns {
		known(dest)
	}
}

judgeable if count(deny) > 0

judgeable if errors.unreadable("destination")

judgeable if errors.unreadable("lifecycle")

known(dest) if repl.destination(dest).Exists == false

known(dest) if {
	repl.destination(dest).Exists == true
	is_object(repl.destination(dest).LifecycleConfiguration)
}

deny contains f if {
	min_days > 0
	some dest in repl.destination_arns
	d := repl.destination(dest)
	d.Exists == true
	lc := d.LifecycleConfiguration
	is_object(lc)
	some i, lr in object.get(lc, "Rules", [])
	lr.Status == "Enabled"
	short := shortfalls(lr)
	count(short) > 0
	affects_replicas(lr, dest)
	name := repl.destination_name(dest)
	region := repl.destination_region(dest)
	fixed := repl.set_field(lc, "Rules", [r | some j, x in lc.Rules; r := fix_rule(j, x, i)])
	f := {
		"msg": sprintf("Destination bucket %s of bucket %s (rule %s): lifecycle rule %s expires %s, sooner than the required %v days", [
			name, input.bucket.Name, repl.rule_labels(dest, false), lifecycle_label(i, lr), concat(" and ", short), min_days,
		]),
		"destination": dest,
		"resource_arn": dest,
		"key": lifecycle_label(i, lr),
		"evidence": {
			"LifecycleRule": lr,
			"Rules": repl.rules_to(dest, false),
			"Requirement": {"min_retention_days": min_days},
		},
		"commands": [
			sprintf("aws s3api get-bucket-lifecycle-configuration --bucket %s%s > lifecycle-backup.json", [cli.arg(name), cli.region_flag(region)]),
			sprintf("aws s3api put-bucket-lifecycle-configuration --bucket %s --lifecycle-configuration file://lifecycle.json%s", [cli.arg(name), cli.region_flag(region)]),
		],
		"documents": {"lifecycle.json": fixed},
		"terraform": tf.lifecycle_configuration(name, fixed),
	}
}

shortfalls(lr) := [s |
	some s in [current_shortfall(lr), noncurrent_shortfall(lr)]
	s != ""
]

current_shortfall(lr) := sprintf("current versions after %v days", [lr.Expiration.Days]) if {
	is_number(lr.Expiration.Days)
	lr.Expiration.Days < min_days
} else := ""

noncurrent_shortfall(lr) := sprintf("noncurrent versions after %v days", [lr.NoncurrentVersionExpiration.NoncurrentDays]) if {
	is_number(lr.NoncurrentVersionExpiration.NoncurrentDays)
	lr.NoncurrentVersionExpiration.NoncurrentDays < min_days
} else := ""

# affects_replicas is true when the lifecycle rule can select an object that a
# replication rule writes into the destination.
affects_replicas(lr, dest) if {
	some r in repl.rules
	repl.destination_of(r) == dest
	filters.overlap(filters.lifecycle_selection(lr), filters.selection(r))
}

lifecycle_label(i, lr) := sprintf("%q", [lr.ID]) if {
	is_string(lr.ID)
	lr.ID != ""
} else := sprintf("#%d", [i + 1])

# fix_rule raises the short expirations of the offending rule to the minimum.
fix_rule(j, x, i) := x if j != i

fix_rule(i, x, i) := object.union(x, raised(x))

raised(x) := object.union(current_raise(x), noncurrent_raise(x))

current_raise(x) := {"Expiration": {"Days": min_days}} if {
	is_number(x.Expiration.Days)
	x.Expiration.Days < min_days
} else := {}

noncurrent_raise(x) := {"NoncurrentVersionExpiration": {"NoncurrentDays": min_days}} if {
	is_number(x.NoncurrentVersionExpiration.NoncurrentDays)
	x.NoncurrentVersionExpiration.NoncurrentDays < min_days
} else := {}
