# METADATA
# title: Delete markers are not replicated
# description: >-
#   When a user deletes an object without naming a version, S3 adds a delete marker.
#   A V2 rule replicates it only with DeleteMarkerReplication Enabled, and a rule that
#   filters by tag never does (S3 refuses DeleteMarkerReplication Enabled on it), so the
#   replica keeps objects the source no longer shows. Keeping deletes out of the
#   replica is AWS's default and a deliberate protection against ransomware (the
#   guide's own configuration does it), so this check judges only buckets whose
#   settings require delete-marker replication (requirements.delete_marker_replication):
#   there, every enabled V2 rule whose DeleteMarkerReplication is not Enabled, and
#   every tag-filtered rule, is reported. V1 rules replicate the delete markers of user
#   DELETEs and are not reported. Disabled rules are not judged. Deletes that name a
#   version, and lifecycle delete markers, are never replicated.
# custom:
#   id: CRR-014
#   severity: medium
#   guide: "Step 3 — replication configuration: DeleteMarkerReplication (pitfall: deletes are not mirrored)"
#   remediation: >-
#     Set DeleteMarkerReplication to Enabled on the rule (the suggested configuration is
#     the bucket's own with only that rule changed). A tag-filtered rule cannot
#     replicate delete markers: the suggested configuration replaces its tag filter by
#     its prefix, which widens it to every object under that prefix; split the objects
#     by prefix instead of tags if that is too wide. Delete-marker replication is
#     outside the RTC 15-minute SLA.
#   requires: [replication]
#   applies_when: [replicates]
package crr.checks.crr_014

import data.crr.lib.errors
import data.crr.lib.filters
import data.crr.lib.fix
import data.crr.lib.replication as repl
import data.crr.lib.settings

applies if {
	settings.delete_marker_replication
	repl.rules_known
}

applies if {
	settings.delete_marker_replication
	errors.unreadable("replication")
}

deny contains f if {
	repl.rules_known
	some i, rule in repl.rules
	repl.enabled(rule)
	drops_delete_markers(rule)
	settings.delete_marker_replication
	f := object.union_n([
		{
			"msg": message(i, rule),
			"evidence": {
				"Rule": object.filter(rule, {"ID", "Priority", "Status", "Filter", "DeleteMarkerReplication", "Destination"}),
				"Requirement": {"delete_marker_replication": settings.delete_marker_replication},
			},
		},
		dest_field(rule),
		fix.rule(i, rule),
		fix.replication(repl.with_rule(i, fixed(rule))),
	])
}

dmr_enabled(rule) if rule.DeleteMarkerReplication.Status == "Enabled"

# drops_delete_markers: a tag-filtered rule never replicates delete markers, whatever
# its DeleteMarkerReplication says; another V2 rule only with it Enabled.
drops_delete_markers(rule) if filters.tag_filtered(rule)

drops_delete_markers(rule) if {
	repl.v2(rule)
	not dmr_enabled(rule)
}

message(i, rule) := sprintf("Bucket %s: rule %s filters by tag, which never replicates delete markers; settings require delete-marker replication (the suggested fix drops the tag filter and keeps prefix %q)", [
	input.bucket.Name, repl.label(i, rule), filters.prefix(rule),
]) if {
	filters.tag_filtered(rule)
} else := sprintf("Bucket %s: rule %s has DeleteMarkerReplication %s; objects deleted in the source stay visible in %s%s", [
	input.bucket.Name, repl.label(i, rule), dmr_status(rule), destination(rule), why(rule),
])

why(_) := "; settings require delete-marker replication"

dmr_status(rule) := rule.DeleteMarkerReplication.Status if {
	is_string(rule.DeleteMarkerReplication.Status)
	rule.DeleteMarkerReplication.Status != ""
} else := "not set"

destination(rule) := repl.destination_name(repl.destination_of(rule)) if {
	repl.destination_of(rule)
} else := "the destination"

dest_field(rule) := {"destination": repl.destination_of(rule)} if {
	repl.destination_of(rule)
} else := {}

# fixed enables delete-marker replication; a tag filter has to go for that.
fixed(rule) := repl.set_field(with_dmr(rule), "Filter", {"Prefix": filters.prefix(rule)}) if {
	filters.tag_filtered(rule)
} else := with_dmr(rule)

with_dmr(rule) := repl.set_field(rule, "DeleteMarkerReplication", {"Status": "Enabled"})
