# METADATA
# title: Replicas go to an archive or disallowed storage class
# description: >-
#   A rule stores replicas in an archive class (GLACIER, DEEP_ARCHIVE) or, when the
#   settings list the allowed classes (requirements.allowed_storage_classes), in a class
#   outside that list. Archived replicas must be restored before they can be read, which
#   turns a regional failover into hours of waiting. When the list is set it decides on
#   its own: an archive class the list names is accepted. A rule without StorageClass
#   keeps the source object's class and is not judged. Every rule counts, enabled or not.
# custom:
#   id: CRR-024
#   severity: low
#   guide: "Step 3 — replication configuration: Destination.StorageClass"
#   remediation: >-
#     Store replicas in an instantly readable class (STANDARD_IA, or GLACIER_IR for rarely
#     read copies) and move older replicas to archive classes with a lifecycle rule on
#     the destination if cost matters. The suggested configuration is the bucket's own
#     with only that rule's StorageClass changed (the first allowed class that is not an
#     archive class, or STANDARD_IA). Replicas already written keep their class.
#   requires: [replication]
#   applies_when: [replicates]
package crr.checks.crr_024

import data.crr.lib.errors
import data.crr.lib.fix
import data.crr.lib.replication as repl
import data.crr.lib.settings

applies if repl.rules_known

applies if errors.unreadable("replication")

archive := {"GLACIER", "DEEP_ARCHIVE"}

deny contains f if {
	repl.rules_known
	some i, rule in repl.rules
	class := storage_class(rule)
	reason := problem(class)
	good := suggested
	f := object.union_n([
		{
			"msg": sprintf("Bucket %s: rule %s stores replicas in %s as %s, %s", [
				input.bucket.Name, repl.label(i, rule), destination(rule), class, reason,
			]),
			"evidence": {
				"Rule": repl.excerpt(rule),
				"Requirement": {"allowed_storage_classes": settings.allowed_storage_classes},
			},
		},
		dest_field(rule),
		fix.rule(i, rule),
		fix.replication(repl.with_rule(i, object.union(rule, {"Destination": {"StorageClass": good}}))),
	])
}

storage_class(rule) := upper(c) if {
	c := rule.Destination.StorageClass
	is_string(c)
	c != ""
}

problem(class) := "an archive class: replicas must be restored before they can be read" if {
	count(settings.allowed_storage_classes) == 0
	class in archive
}

problem(class) := sprintf("which the settings do not allow (allowed: %s)", [concat(", ", settings.allowed_storage_classes)]) if {
	not settings.storage_class_allowed(class)
}

# suggested is the first allowed class that is not an archive class, else the first
# allowed class, else STANDARD_IA.
suggested := c if {
	instant := [x | some x in settings.allowed_storage_classes; not x in archive]
	count(instant) > 0
	c := instant[0]
} else := settings.allowed_storage_classes[0] if {
	count(settings.allowed_storage_classes) > 0
} else := "STANDARD_IA"

destination(rule) := repl.destination_name(repl.destination_of(rule)) if {
	repl.destination_of(rule)
} else := "the destination"

dest_field(rule) := {"destination": repl.destination_of(rule)} if {
	repl.destination_of(rule)
} else := {}
