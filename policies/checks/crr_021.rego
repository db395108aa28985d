# METADATA
# title: Destination is in the source's own region
# description: >-
#   A rule replicates into a bucket in the same region as the source. That is
#   Same-Region Replication: useful for copies, but no protection against a regional
#   outage, which is what Cross-Region Replication is for.
# custom:
#   id: CRR-021
#   severity: high
#   guide: "Step 3 — add a replication configuration with an enabled rule to a bucket in another region"
#   remediation: >-
#     Create a versioned destination bucket in another region, grant the replication
#     role write access to it, and point the rule at it (put-bucket-replication replaces
#     the whole configuration). Replace NEW-DESTINATION-BUCKET and OTHER-REGION.
#     Existing objects need S3 Batch Replication to reach the new bucket.
#   requires: [replication, bucket, destination]
package crr.checks.crr_021

import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.replication as repl

applies if {
	count(repl.destination_arns) > 0
	judgeable
}

applies if errors.unreadable("replication")

# (The body that usually holds comes first: once a body holds, the others are not
# evaluated.)
judgeable if {
	repl.bucket_region != ""
	every dest in repl.destination_arns {
		repl.destination_region(dest) != ""
	}
}

judgeable if count(deny) > 0

judgeable if errors.unreadable("destination")

judgeable if errors.unreadable("bucket")

deny contains f if {
	region := repl.bucket_region
	region != ""
	some dest in repl.destination_arns
	repl.destination_region(dest) == region
	new_dest := "arn:aws:s3:::NEW-DESTINATION-BUCKET"
	f := {
		"msg": sprintf("Bucket %s replicates to %s (rule %s) in its own region %s: that is same-region replication, no regional disaster recovery", [
			input.bucket.Name, repl.destination_name(dest), repl.rule_labels(dest, false), region,
		]),
		"destination": dest,
		"evidence": {
			"Region": input.bucket.Region,
			"Rules": repl.rules_to(dest, false),
			"DestinationRegion": repl.destination(dest).Region,
		},
		"commands": [
			cli.create_bucket("NEW-DESTINATION-BUCKET", "OTHER-REGION"),
			cli.put_bucket_versioning("NEW-DESTINATION-BUCKET", "OTHER-REGION"),
			cli.put_bucket_replication(input.bucket.Name, region, "replication.json"),
		],
		"documents": {"replication.json": object.union(repl.config, {"Rules": [retarget(r, dest, new_dest) | some r in repl.rules]})},
	}
}

retarget(rule, from, to) := object.union(rule, {"Destination": {"Bucket": to}}) if {
	repl.destination_of(rule) == from
} else := rule
