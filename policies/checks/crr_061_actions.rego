package crr.checks.crr_061

import data.crr.lib.action
import data.crr.lib.replication as repl

# remediation_actions: create the replica key when only a placeholder could be suggested, then
# write the configuration (manual while it names the placeholder).
remediation_actions(f) := array.concat(
	[action.create_key(region) | region := key_region(f)],
	action.replication_fix(f, action.unless_placeholder(f.documents["replication.json"])),
)

key_region(f) := region if {
	some rule in repl.rules
	object.get(rule.Destination, "Bucket", "") == f.destination
	offending(rule)
	create_key(rule, suggested(rule)) != []
	region := repl.destination_region(f.destination)
}
