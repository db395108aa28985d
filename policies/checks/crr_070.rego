# METADATA
# title: Source has Object Lock and the destination does not
# description: >-
#   The source bucket has Object Lock enabled but a destination of an enabled rule
#   does not. S3 cannot apply the replicated objects' retention and legal holds there:
#   objects fail to replicate with DstBucketObjectLockConfigMissing, and the copies
#   would not be protected from deletion anyway.
# custom:
#   id: CRR-070
#   severity: high
#   guide: "Pitfall — Object Lock: the destination must have Object Lock too"
#   remediation: >-
#     Enable Object Lock on the destination bucket (versioning must be Enabled there),
#     with credentials of the account that owns it. Replicas keep the retention mode and
#     period of their source objects; a default retention on the destination is
#     optional. The role also needs s3:GetObjectRetention and s3:GetObjectLegalHold on
#     the source objects (CRR-071). Objects that failed meanwhile need S3 Batch
#     Replication.
#   requires: [replication, objectlock, destination]
#   applies_when: [replicates]
package crr.checks.crr_070

import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.replication as repl
import data.crr.lib.terraform as tf

# dests are the destinations of the enabled rules that may exist.
dests := {d | some d in repl.enabled_destination_arns; not repl.destination(d).Exists == false}

lock_known(b) if is_object(b.ObjectLockConfiguration)

locked(b) if b.ObjectLockConfiguration.ObjectLockEnabled == "Enabled"

applies if {
	count(dests) > 0
	judgeable
}

applies if errors.unreadable("replication")

judgeable if count(deny) > 0

judgeable if {
	lock_known(input.bucket)
	not locked(input.bucket)
}

judgeable if {
	locked(input.bucket)
	every d in dests {
		lock_known(repl.destination(d))
	}
}

judgeable if errors.unreadable("objectlock")

judgeable if errors.unreadable("destination")

deny contains f if {
	locked(input.bucket)
	some dest in dests
	d := repl.destination(dest)
	lock_known(d)
	not locked(d)
	name := repl.destination_name(dest)
	f := {
		"msg": sprintf("Bucket %s has Object Lock enabled but its destination %s (rule %s) does not: objects fail to replicate with DstBucketObjectLockConfigMissing", [
			input.bucket.Name, name, repl.rule_labels(dest, true),
		]),
		"destination": dest,
		"resource_arn": dest,
		"evidence": {
			"ObjectLockConfiguration": input.bucket.ObjectLockConfiguration,
			"DestinationObjectLockConfiguration": d.ObjectLockConfiguration,
			"Rules": repl.rules_to(dest, true),
		},
		"commands": array.concat(versioning(dest, name), [sprintf(
			"aws s3api put-object-lock-configuration --bucket %s --object-lock-configuration file://object-lock.json%s",
			[cli.arg(name), cli.region_flag(repl.destination_region(dest))],
		)]),
		"documents": {"object-lock.json": {"ObjectLockEnabled": "Enabled"}},
		"terraform": tf.resource("aws_s3_bucket_object_lock_configuration", name, [
			tf.attr("bucket", name),
			tf.attr("object_lock_enabled", "Enabled"),
		]),
	}
}

# Object Lock needs versioning on the destination first, unless it is known Enabled.
versioning(dest, _) := [] if repl.destination(dest).Versioning.Status == "Enabled"

versioning(dest, name) := [cli.put_bucket_versioning(name, repl.destination_region(dest))] if {
	not repl.destination(dest).Versioning.Status == "Enabled"
}
