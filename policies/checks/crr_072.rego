# METADATA
# title: Two-way replication without replica modification sync
# description: >-
#   Two buckets replicate to each other (enabled rules both ways) but the rules do not
#   both select SourceSelectionCriteria.ReplicaModifications. Objects that arrive as
#   replicas are then one-way: changes made to them (tags, ACLs, Object Lock
#   retention, metadata) are not replicated back to the bucket they came from, and the
#   pair drifts apart. The finding is reported on the bucket whose rule lacks it, with
#   the fix for that bucket's configuration; the estate fact "bidirectional" says
#   whether the peer's rule back has it.
# custom:
#   id: CRR-072
#   severity: low
#   guide: "Two-way replication — enable replica modification sync on both rules"
#   remediation: >-
#     Set SourceSelectionCriteria.ReplicaModifications to Enabled on the enabled rules
#     into the peer (a legacy V1 rule becomes a V2 rule with a Filter, a Priority and
#     DeleteMarkerReplication Enabled, which V1 rules did implicitly; S3 may require
#     the configuration's other V1 rules to be converted the same way), and do the same
#     on the peer's rules back. put-bucket-replication replaces the whole
#     configuration, so the document keeps every other rule and field.
#   requires: [replication]
#   applies_when: [replicates]
package crr.checks.crr_072

import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.replication as repl
import data.crr.lib.terraform as tf

facts_known if {
	is_array(input.facts.bidirectional)
	is_array(input.facts.destinations_replication_unknown)
}

applies if {
	count(repl.enabled_rules) > 0
	facts_known
	judgeable
}

applies if errors.unreadable("replication")

judgeable if count(input.facts.bidirectional) > 0

judgeable if count(input.facts.destinations_replication_unknown) == 0

deny contains f if {
	some p in input.facts.bidirectional
	p.this_replica_modifications == false
	peer := p.peer
	labels := [repl.label(i, r) | some i, r in repl.rules; offending(r, peer)]
	count(labels) > 0
	doc := object.union(repl.config, {"Rules": [r2 |
		some i, r in repl.rules
		r2 := fixed(i, r, peer)
	]})
	f := {
		"msg": sprintf("Buckets %s and %s replicate to each other but %s's rule %s into %s does not replicate replica modifications%s: changes to replicas in %s (tags, ACLs, Object Lock retention) are not synced back to %s", [
			input.bucket.Name, repl.destination_name(peer), input.bucket.Name, concat(", ", labels),
			repl.destination_name(peer), peer_note(p), input.bucket.Name, repl.destination_name(peer),
		]),
		"rule_id": rule_id(peer),
		"destination": peer,
		"evidence": {
			"Rules": [object.filter(r, {"ID", "Status", "SourceSelectionCriteria", "Destination"}) | some r in repl.rules; offending(r, peer)],
			"Peer": peer,
			"PeerReplicaModifications": p.peer_replica_modifications,
		},
		"commands": [cli.put_bucket_replication(input.bucket.Name, repl.bucket_region, "replication.json")],
		"documents": {"replication.json": doc},
		"terraform": tf.replication_configuration(input.bucket.Name, doc),
	}
}

# offending is an enabled rule into the peer without replica modification sync.
offending(rule, peer) if {
	repl.enabled(rule)
	repl.destination_of(rule) == peer
	not rule.SourceSelectionCriteria.ReplicaModifications.Status == "Enabled"
}

peer_note(p) := "; the peer's rule back does" if p.peer_replica_modifications == true
else := ", nor does the peer's rule back"

rule_id(peer) := id if {
	ids := [r.ID | some r in repl.rules; offending(r, peer)]
	count(ids) == 1
	id := ids[0]
	is_string(id)
} else := ""

fixed(i, rule, peer) := fix(i, rule) if offending(rule, peer)
else := rule

fix(i, rule) := object.union(v2(i, rule), {"SourceSelectionCriteria": {"ReplicaModifications": {"Status": "Enabled"}}})

# v2 converts a legacy rule (ReplicaModifications is V2 only): its prefix becomes a
# Filter, and it gets a Priority no other rule has and DeleteMarkerReplication Enabled
# (V1 rules replicate delete markers).
v2(_, rule) := rule if repl.v2(rule)

v2(i, rule) := object.union(object.remove(rule, ["Prefix"]), {
	"Filter": {"Prefix": object.get(rule, "Prefix", "")},
	"Priority": (max_priority + i) + 1,
	"DeleteMarkerReplication": {"Status": "Enabled"},
}) if {
	repl.v1(rule)
}

max_priority := max(array.concat([0], [p | some r in repl.rules; p := r.Priority; is_number(p)]))
