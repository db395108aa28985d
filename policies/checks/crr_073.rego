# METADATA
# title: A destination replicates onward, but replicas are not chained
# description: >-
#   The bucket replicates into a destination (B) that itself replicates to other
#   buckets (C). S3 does not replicate replicas again: objects that arrive in B from
#   this bucket stay in B and never reach C. Only B's own objects go on. If C is meant
#   to hold this bucket's objects too, this bucket must replicate to C directly. The
#   chain comes from the estate fact "onward"; destinations this bucket already
#   replicates to directly are left out.
# custom:
#   id: CRR-073
#   severity: info
#   guide: "Pitfall — replication is not transitive (A→B→C): replicas in B do not reach C"
#   remediation: >-
#     If C should hold this bucket's objects, add a rule from this bucket to C (the
#     suggested document copies the filter of each enabled rule into B), grant the
#     replication role s3:ReplicateObject, s3:ReplicateDelete and s3:ReplicateTags on
#     C's objects (and, across accounts, C's bucket policy; for SSE-KMS objects a
#     replica key in C's region, replacing DESTINATION-REGION and REPLICA-KEY-ID).
#     put-bucket-replication replaces the whole configuration, so the document keeps
#     every other rule. Objects already in B need S3 Batch Replication to reach C.
#     If only B's own objects should reach C, waive this finding.
#   requires: [replication]
#   applies_when: [replicates]
package crr.checks.crr_073

import data.crr.lib.arn
import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.kms
import data.crr.lib.replication as repl
import data.crr.lib.terraform as tf

facts_known if {
	is_array(input.facts.onward)
	is_array(input.facts.destinations_replication_unknown)
}

applies if {
	count(repl.enabled_rules) > 0
	facts_known
	judgeable
}

applies if errors.unreadable("replication")

judgeable if count(input.facts.onward) > 0

judgeable if count(input.facts.destinations_replication_unknown) == 0

deny contains f if {
	some o in input.facts.onward
	via := o.destination
	onward := sort([c | some c in o.destination_replicates_to; not c in repl.enabled_destination_arns])
	count(onward) > 0
	via_rules := [r | some r in repl.enabled_rules; repl.destination_of(r) == via]
	count(via_rules) > 0
	pairs := [[r, c] | some r in via_rules; some c in onward]
	new_rules := [clone(p[0], p[1], k) | some k, p in pairs]
	names := [name(c) | some c in onward]
	policy_name := substring(sprintf("s3-replication-to-%s", [concat("-", names)]), 0, 128)
	f := {
		"msg": sprintf("Bucket %s replicates to %s (rule %s), which replicates onward to %s: objects that reach %s as replicas are not replicated again, so %s's objects do not reach %s", [
			input.bucket.Name, name(via), repl.rule_labels(via, true), concat(", ", names),
			name(via), input.bucket.Name, concat(", ", names),
		]),
		"destination": via,
		"evidence": {
			"Rules": repl.rules_to(via, true),
			"Destination": via,
			"DestinationReplicatesTo": onward,
		},
		"commands": array.concat(role_commands(policy_name), [cli.put_bucket_replication(input.bucket.Name, repl.bucket_region, "replication.json")]),
		"documents": object.union(role_documents(onward), {
			"replication.json": object.union(repl.config, {"Rules": array.concat(repl.rules, new_rules)}),
		}),
		"terraform": tf.replication_configuration(input.bucket.Name, object.union(repl.config, {"Rules": array.concat(repl.rules, new_rules)})),
	}
}

name(bucket_arn) := n if {
	n := arn.bucket_name(bucket_arn)
} else := bucket_arn

# clone is a new rule into c that selects what the rule into the onward destination
# selects (a legacy rule's prefix becomes a V2 Filter: several destinations need V2).
clone(rule, c, k) := object.union(
	object.filter(rule, {"SourceSelectionCriteria"}),
	{
		"ID": substring(sprintf("%s-to-%s", [id_of(rule), name(c)]), 0, 255),
		"Priority": (max_priority + k) + 1,
		"Status": "Enabled",
		"Filter": filter_of(rule),
		"DeleteMarkerReplication": delete_markers_of(rule),
		"Destination": destination_for(rule, c),
	},
)

id_of(rule) := rule.ID if {
	is_string(rule.ID)
	rule.ID != ""
} else := "rule"

filter_of(rule) := rule.Filter if repl.v2(rule)
else := {"Prefix": object.get(rule, "Prefix", "")}

delete_markers_of(rule) := rule.DeleteMarkerReplication if {
	repl.v2(rule)
	is_object(rule.DeleteMarkerReplication)
} else := {"Status": "Disabled"} if {
	repl.v2(rule)
} else := {"Status": "Enabled"}

destination_for(rule, c) := {"Bucket": c, "EncryptionConfiguration": {"ReplicaKmsKeyID": kms.placeholder("", "")}} if {
	kms.selects_kms(rule)
} else := {"Bucket": c}

max_priority := max(array.concat([0], [p | some r in repl.rules; p := r.Priority; is_number(p)]))

role_name := input.role.RoleName if {
	is_string(input.role.RoleName)
	input.role.RoleName != ""
} else := arn.role_name(repl.config.Role)

role_commands(policy_name) := [cli.put_role_policy(role_name, policy_name, "permissions-onward.json")] if role_name
else := []

role_documents(onward) := {"permissions-onward.json": {
	"Version": "2012-10-17",
	"Statement": [{
		"Effect": "Allow",
		"Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
		"Resource": [sprintf("%s/*", [c]) | some c in onward],
	}],
}} if role_name
else := {}
