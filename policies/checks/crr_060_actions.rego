package crr.checks.crr_060

import data.crr.lib.action
import data.crr.lib.replication as repl
import data.crr.lib.kms

# remediation_actions: create the replica keys that could only be suggested as placeholders, then
# write the configuration. A configuration that still names a placeholder key needs a
# person to put the new key's ARN in: manual.
remediation_actions(f) := array.concat(
	[action.create_key(region) | some region in key_regions],
	action.replication_fix(f, action.unless_placeholder(f.documents["replication.json"])),
)

key_regions := {region |
	some r in repl.enabled_rules
	not kms.replica_key(r)
	kms.is_placeholder(replica_key(r))
	region := repl.destination_region(repl.destination_of(r))
	region != ""
}
