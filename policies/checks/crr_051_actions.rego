package crr.checks.crr_051

import data.crr.lib.action
import data.crr.lib.replication as repl

# remediation_actions: make the destination's bucket owner own every object (narrowing: ACLs stop
# working on the destination).
remediation_actions(f) := [action.new(
	"s3:PutBucketOwnershipControls", action.destination_account(f.destination), repl.destination_region(f.destination), f.destination,
	{"Bucket": repl.destination_name(f.destination), "OwnershipControls": f.documents["ownership-controls.json"]},
	"narrowing", "ownership-controls.json",
)]
