# METADATA
# title: Destination region is not allowed
# description: >-
#   The settings list the regions replicas may be kept in (requirements.allowed_regions,
#   for data residency) and a rule replicates into a bucket in another region. Judged
#   only when the list is not empty and the destination's region is known; every rule
#   counts, enabled or not (a disabled rule is one switch away from copying the data).
# custom:
#   id: CRR-022
#   severity: high
#   guide: "Step 3 — choose the destination region (data residency)"
#   remediation: >-
#     Replicate into a bucket in an allowed region instead: create it, enable its
#     versioning, point the rules at it and grant the replication role
#     s3:ReplicateObject, s3:ReplicateDelete and s3:ReplicateTags on it. Replace
#     NEW-DESTINATION-BUCKET (and a NEW-REPLICA-KEY-ID for rules that encrypt replicas
#     with KMS: the key must be in the new region). Then delete the replicas that sit
#     in the disallowed region. If the region is in fact allowed, add it to
#     requirements.allowed_regions.
#   requires: [replication, destination]
#   applies_when: [replicates]
package crr.checks.crr_022

import data.crr.lib.arn
import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.replication as repl
import data.crr.lib.settings
import data.crr.lib.terraform as tf

applies if {
	count(settings.allowed_regions) > 0
	count(repl.destination_arns) > 0
	judgeable
}

applies if {
	count(settings.allowed_regions) > 0
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

known(dest) if repl.destination_region(dest) != ""

known(dest) if repl.destination(dest).Exists == false

new_bucket := "NEW-DESTINATION-BUCKET"

new_arn := sprintf("arn:aws:s3:::%s", [new_bucket])

deny contains f if {
	count(settings.allowed_regions) > 0
	some dest in repl.destination_arns
	region := repl.destination_region(dest)
	region != ""
	not settings.region_allowed(region)
	target := target_region
	cfg := repl.set_field(repl.config, "Rules", [retarget(r, dest, target) | some r in repl.rules])
	f := {
		"msg": sprintf("Bucket %s replicates to %s (rule %s) in region %s, which the settings do not allow (allowed: %s)", [
			input.bucket.Name, repl.destination_name(dest), repl.rule_labels(dest, false), region,
			concat(", ", settings.allowed_regions),
		]),
		"destination": dest,
		"resource_arn": dest,
		"evidence": {
			"DestinationRegion": repl.destination(dest).Region,
			"Rules": repl.rules_to(dest, false),
			"Requirement": {"allowed_regions": settings.allowed_regions},
		},
		"commands": [
			cli.create_bucket(new_bucket, target),
			cli.put_bucket_versioning(new_bucket, target),
			cli.put_bucket_replication(input.bucket.Name, repl.bucket_region, "replication.json"),
		],
		"documents": {"replication.json": cfg},
		"terraform": tf.replication_configuration(input.bucket.Name, cfg),
	}
}

# target_region is the first allowed region other than the source's own (replicating
# inside the source region would be same-region replication).
target_region := r if {
	candidates := [c | some c in settings.allowed_regions; c != repl.bucket_region]
	count(candidates) > 0
	r := candidates[0]
} else := settings.allowed_regions[0]

retarget(rule, from, region) := object.union(rule, {"Destination": new_destination(rule, region)}) if {
	repl.destination_of(rule) == from
} else := rule

new_destination(rule, _) := {"Bucket": new_arn} if {
	not rule.Destination.EncryptionConfiguration.ReplicaKmsKeyID
}

new_destination(rule, region) := {"Bucket": new_arn, "EncryptionConfiguration": {"ReplicaKmsKeyID": new_key(rule.Destination.EncryptionConfiguration.ReplicaKmsKeyID, region)}} if {
	rule.Destination.EncryptionConfiguration.ReplicaKmsKeyID
}

new_key(old, region) := sprintf("arn:%s:kms:%s:%s:key/NEW-REPLICA-KEY-ID", [a.partition, region, a.account]) if {
	a := arn.parse(old)
	a.account != ""
} else := sprintf("arn:aws:kms:%s:%s:key/NEW-REPLICA-KEY-ID", [region, object.get(input.bucket, "AccountId", "ACCOUNT-ID")])
