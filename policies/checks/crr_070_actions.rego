package crr.checks.crr_070

import data.crr.lib.action
import data.crr.lib.replication as repl

# remediation_actions: versioning (when off) and Object Lock on the destination, both irreversible.
remediation_actions(f) := array.concat(lock_versioning(f.destination), [action.new(
	"s3:PutObjectLockConfiguration", action.destination_account(f.destination), repl.destination_region(f.destination), f.destination,
	{"Bucket": repl.destination_name(f.destination), "ObjectLockConfiguration": f.documents["object-lock.json"]},
	"irreversible", "object-lock.json",
)])

lock_versioning(dest) := [] if repl.destination(dest).Versioning.Status == "Enabled"
else := [action.enable_destination_versioning(dest)]
