# METADATA
# title: Destination is in the source's own region
# description: >-
#   A rule replicates into a bucket in the same region as the source. That is
#   Same-Region Replication: useful for copies, but no protection against a regional
#   outage, which is what Cross-Region Replication is for. Judged by coverage: when
#   every object those rules select also reaches a bucket in another region through an
#   enabled rule (one whose filter selects at least those objects), the bucket does
#   have regional protection and the same-region copy is reported at info only. A
#   bucket whose settings declare same-region replication as its intent (intent
#   destination_region equal to its own region, or destination_bucket naming that
#   destination) is not reported.
# custom:
#   id: CRR-021
#   severity: high
#   guide: "Step 3 — add a replication configuration with an enabled rule to a bucket in another region"
#   remediation: >-
#     Create a versioned destination bucket in another region, grant the replication
#     role write access to it, and point the rule at it (put-bucket-replication replaces
#     the whole configuration). Replace NEW-DESTINATION-BUCKET and OTHER-REGION.
#     Existing objects need S3 Batch Replication to reach the new bucket. A same-region
#     copy kept beside cross-region replication of the same objects needs no change; if
#     same-region replication is the bucket's purpose, declare it (intent
#     destination_region) in the settings.
#   requires: [replication, bucket, destination]
#   applies_when: [replicates]
#   compliance:
#     aws-securityhub: [S3.7]
#     nist-800-53-r5: [AU-9(2), CP-6, CP-6(1), CP-6(2), CP-9, CP-10, SC-5(2), SC-36(2), SI-13(5)]
#     pci-dss-v3.2.1: ["2.2"]
package crr.checks.crr_021

import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.filters
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

# same_region are the destinations in the source's own region, unless declared.
same_region contains dest if {
	region := repl.bucket_region
	region != ""
	some dest in repl.destination_arns
	repl.destination_region(dest) == region
	not declared(dest)
}

# declared: the settings' intent for this bucket is same-region replication.
declared(_) if lower(input.settings.intent.destination_region) == repl.bucket_region

declared(dest) if input.settings.intent.destination_bucket == dest

# elsewhere are the enabled rules into a bucket whose region is known and not the
# source's: the rules that give regional protection.
elsewhere := [r |
	some r in repl.enabled_rules
	d := repl.destination_of(r)
	region := repl.destination_region(d)
	region != ""
	region != repl.bucket_region
]

# covering are the rules of elsewhere that select every object rule selects: a prefix
# that begins the rule's and no tag the rule does not require.
covering(rule) := [r |
	some r in elsewhere
	selects_all_of(r, rule)
]

selects_all_of(wide, narrow) if {
	startswith(filters.prefix(narrow), filters.prefix(wide))
	filters.tags(wide) - filters.tags(narrow) == set()
}

rules_into(dest) := [r | some r in repl.rules; repl.destination_of(r) == dest]

# covered: every rule into dest selects only objects that also reach another region.
covered(dest) if {
	every r in rules_into(dest) {
		count(covering(r)) > 0
	}
}

deny contains f if {
	some dest in same_region
	not covered(dest)
	region := repl.bucket_region
	new_dest := "arn:aws:s3:::NEW-DESTINATION-BUCKET"
	f := {
		"msg": sprintf("Bucket %s replicates to %s (rule %s) in its own region %s: that is same-region replication, no regional disaster recovery%s", [
			input.bucket.Name, repl.destination_name(dest), repl.rule_labels(dest, false), region, uncovered_note(dest),
		]),
		"destination": dest,
		"evidence": evidence(dest),
		"commands": [
			cli.create_bucket("NEW-DESTINATION-BUCKET", "OTHER-REGION"),
			cli.put_bucket_versioning("NEW-DESTINATION-BUCKET", "OTHER-REGION"),
			cli.put_bucket_replication(input.bucket.Name, region, "replication.json"),
		],
		"documents": {"replication.json": object.union(repl.config, {"Rules": [retarget(r, dest, new_dest) | some r in repl.rules]})},
	}
}

deny contains f if {
	some dest in same_region
	covered(dest)
	f := {
		"msg": sprintf("Bucket %s also replicates to %s (rule %s) in its own region %s; the same objects reach another region through rule %s, so the bucket keeps its regional protection", [
			input.bucket.Name, repl.destination_name(dest), repl.rule_labels(dest, false), repl.bucket_region, covering_labels(dest),
		]),
		"destination": dest,
		"severity": "info",
		"evidence": object.union(evidence(dest), {"CoveredBy": sort({repl.destination_of(r) | some x in rules_into(dest); some r in covering(x)})}),
	}
}

evidence(dest) := {
	"Region": input.bucket.Region,
	"Rules": repl.rules_to(dest, false),
	"DestinationRegion": repl.destination(dest).Region,
}

covering_labels(dest) := concat(", ", sort({repl.label(i, r) |
	some x in rules_into(dest)
	some c in covering(x)
	some i, r in repl.rules
	r == c
}))

# uncovered_note says when other regions get some objects, but not these.
uncovered_note(_) := "" if count(elsewhere) == 0
else := "; the rules to other regions do not select these objects"

retarget(rule, from, to) := object.union(rule, {"Destination": {"Bucket": to}}) if {
	repl.destination_of(rule) == from
} else := rule
