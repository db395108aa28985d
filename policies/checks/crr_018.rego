# METADATA
# title: Replication configuration that S3 refuses
# description: >-
#   The configuration breaks a rule of the replication schema that PutBucketReplication
#   enforces, so S3 refuses to store it: it reached the snapshot from another tool or
#   from infrastructure code, and applying it fails. Each finding quotes AWS's
#   documentation: a tag filter with DeleteMarkerReplication Enabled ("If you specify
#   a Filter element that contains a Tag ... DeleteMarkerReplication ... must be set
#   to Disabled"), Replication Time Control without replication metrics ("Must be
#   specified together with a Metrics block"), a Time or EventThreshold other than
#   15 minutes ("Only a value of 15 is accepted"), DeleteMarkerReplication or
#   ReplicaModifications on a V1 rule (not allowed in that schema version), a V2 rule
#   without Priority or DeleteMarkerReplication (required with a Filter), a Filter
#   with more than one of Prefix, Tag and And, and more than 1,000 rules.
# custom:
#   id: CRR-018
#   severity: high
#   guide: "Step 3 — replication configuration (what PutBucketReplication accepts)"
#   remediation: >-
#     Correct the rule as the suggested configuration does (the bucket's own with only
#     that rule changed), then write it with put-bucket-replication; if the
#     configuration comes from infrastructure code, correct it there.
#   requires: [replication]
#   applies_when: [replicates]
package crr.checks.crr_018

import data.crr.lib.errors
import data.crr.lib.filters
import data.crr.lib.fix
import data.crr.lib.replication as repl

applies if repl.rules_known

applies if errors.unreadable("replication")

# problem holds [rule index, code, reason, page]; the reason quotes the page.
problem contains [
	i,
	"tag-filter-with-delete-markers",
	"a rule whose Filter contains a Tag must have DeleteMarkerReplication Disabled (\"If you specify a Filter element that contains a Tag ... DeleteMarkerReplication ... must be set to Disabled\"; S3 does not replicate delete markers for tag-based rules)",
	"https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteMarkerReplication.html",
] if {
	some i, rule in repl.rules
	filters.tag_filtered(rule)
	rule.DeleteMarkerReplication.Status == "Enabled"
}

problem contains [
	i,
	"rtc-without-metrics",
	"ReplicationTime (RTC) is Enabled without a Metrics block (ReplicationTime \"Must be specified together with a Metrics block\"; metrics present but Disabled are CRR-041's)",
	"https://docs.aws.amazon.com/AmazonS3/latest/API/API_Destination.html",
] if {
	some i, rule in repl.rules
	rule.Destination.ReplicationTime.Status == "Enabled"
	not rule.Destination.Metrics.Status == "Enabled"
}

problem contains [
	i,
	"minutes-not-15",
	sprintf("%s is %v minutes (\"Valid Values: 15\"; only 15 minutes is accepted)", [field, minutes]),
	"https://docs.aws.amazon.com/AmazonS3/latest/API/API_ReplicationTimeValue.html",
] if {
	some i, rule in repl.rules
	some field, minutes in {
		"ReplicationTime.Time.Minutes": object.get(rule, ["Destination", "ReplicationTime", "Time", "Minutes"], 15),
		"Metrics.EventThreshold.Minutes": object.get(rule, ["Destination", "Metrics", "EventThreshold", "Minutes"], 15),
	}
	minutes != 15
}

problem contains [
	i,
	"v1-delete-marker-replication",
	"a V1 rule (Prefix on the rule, no Filter) carries DeleteMarkerReplication, which S3 refuses (\"DeleteMarkerReplication cannot be used for this version of Cross Region Replication configuration schema\"); V1 rules replicate the delete markers of user DELETEs",
	"https://docs.aws.amazon.com/AmazonS3/latest/userguide/delete-marker-replication.html",
] if {
	some i, rule in repl.rules
	repl.v1(rule)
	object.get(rule, "DeleteMarkerReplication", null) != null
}

problem contains [
	i,
	"v1-replica-modifications",
	"a V1 rule (Prefix on the rule, no Filter) carries SourceSelectionCriteria.ReplicaModifications (\"In the earlier version, this element is not allowed\")",
	"https://docs.aws.amazon.com/AmazonS3/latest/API/API_SourceSelectionCriteria.html",
] if {
	some i, rule in repl.rules
	repl.v1(rule)
	object.get(rule, ["SourceSelectionCriteria", "ReplicaModifications"], null) != null
}

problem contains [
	i,
	sprintf("v2-without-%s", [lower(field)]),
	sprintf("a V2 rule (with a Filter) has no %s (\"If you specify a Filter element in a replication configuration, you must also include ... DeleteMarkerReplication, Status, and Priority\")", [field]),
	"https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-add-config.html",
] if {
	some i, rule in repl.rules
	repl.v2(rule)
	some field in ["Priority", "DeleteMarkerReplication"]
	object.get(rule, field, null) == null
}

problem contains [
	i,
	"filter-with-several-selectors",
	sprintf("its Filter holds %s together (\"A filter must have exactly one of Prefix, Tag, or And specified\")", [concat(" and ", sort(selectors(rule)))]),
	"https://docs.aws.amazon.com/AmazonS3/latest/API/API_ReplicationRuleFilter.html",
] if {
	some i, rule in repl.rules
	repl.v2(rule)
	count(selectors(rule)) > 1
}

selectors(rule) := {k | some k in ["Prefix", "Tag", "And"]; object.get(rule.Filter, k, null) != null}

deny contains f if {
	repl.rules_known
	some i, rule in repl.rules
	ps := sort({[p[1], p[2], p[3]] | some p in problem; p[0] == i})
	count(ps) > 0
	f := object.union_n([
		{
			"msg": sprintf("Bucket %s: rule %s would be refused by S3 (PutBucketReplication): %s", [
				input.bucket.Name, repl.label(i, rule), concat("; ", [p[1] | some p in ps]),
			]),
			"evidence": {"Rule": rule, "Problems": [{"Code": p[0], "Reason": p[1], "Documentation": p[2]} | some p in ps]},
		},
		dest_field(rule),
		fix.rule(i, rule),
		fix.replication(repl.with_rule(i, fixed(rule))),
	])
}

deny contains f if {
	repl.rules_known
	count(repl.rules) > 1000
	f := {
		"msg": sprintf("Bucket %s: the replication configuration has %d rules; S3 accepts at most 1,000", [input.bucket.Name, count(repl.rules)]),
		"evidence": {"Rules": count(repl.rules), "Documentation": "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketReplication.html"},
		"key": "rule-count",
	}
}

dest_field(rule) := {"destination": repl.destination_of(rule)} if {
	repl.destination_of(rule)
} else := {}

# fixed is the rule corrected for each problem, one step at a time.
fixed(rule) := r6 if {
	r1 := tag_dmr_fixed(rule)
	r2 := metrics_fixed(r1)
	r3 := minutes_fixed(r2)
	r4 := v1_fixed(r3)
	r5 := v2_fixed(r4)
	r6 := filter_fixed(r5)
}

tag_dmr_fixed(rule) := repl.set_field(rule, "DeleteMarkerReplication", {"Status": "Disabled"}) if {
	filters.tag_filtered(rule)
	rule.DeleteMarkerReplication.Status == "Enabled"
} else := rule

metrics_fixed(rule) := repl.set_field(rule, "Destination", object.union(rule.Destination, {"Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}})) if {
	rule.Destination.ReplicationTime.Status == "Enabled"
	object.get(rule.Destination, "Metrics", null) == null
} else := rule

minutes_fixed(rule) := object.union(rule, {"Destination": object.union(rule.Destination, object.union(rtc_minutes(rule), metrics_minutes(rule)))})

rtc_minutes(rule) := {"ReplicationTime": object.union(rule.Destination.ReplicationTime, {"Time": {"Minutes": 15}})} if {
	is_object(rule.Destination.ReplicationTime.Time)
} else := {}

metrics_minutes(rule) := {"Metrics": object.union(rule.Destination.Metrics, {"EventThreshold": {"Minutes": 15}})} if {
	is_object(rule.Destination.Metrics.EventThreshold)
} else := {}

v1_fixed(rule) := object.remove(rule, ["DeleteMarkerReplication"]) if {
	repl.v1(rule)
	object.get(rule, ["SourceSelectionCriteria", "ReplicaModifications"], null) == null
} else := object.union(object.remove(rule, ["DeleteMarkerReplication"]), {"SourceSelectionCriteria": object.remove(rule.SourceSelectionCriteria, ["ReplicaModifications"])}) if {
	repl.v1(rule)
} else := rule

v2_fixed(rule) := object.union({"Priority": repl.free_priority, "DeleteMarkerReplication": {"Status": "Disabled"}}, rule) if {
	repl.v2(rule)
} else := rule

# filter_fixed keeps the selection when Prefix and Tag(s) were both given: And.
filter_fixed(rule) := repl.set_field(rule, "Filter", {"And": {"Prefix": filters.prefix(rule), "Tags": sort(filters.tags(rule))}}) if {
	repl.v2(rule)
	count(selectors(rule)) > 1
	count(filters.tags(rule)) > 0
} else := repl.set_field(rule, "Filter", {"Prefix": filters.prefix(rule)}) if {
	repl.v2(rule)
	count(selectors(rule)) > 1
} else := rule
