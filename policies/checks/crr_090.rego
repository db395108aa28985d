# METADATA
# title: Configuration could not be read
# description: >-
#   Part of the bucket's configuration, or of a resource its replication depends on
#   (the replication role, a destination bucket), could not be read. The finding names
#   the API call and the error code; the checks that needed the data are not judged,
#   so an unreadable setting is never reported as a pass or a fail.
# custom:
#   id: CRR-090
#   severity: error
#   guide: "Scan integrity — every read the checks depend on must succeed"
#   remediation: >-
#     Grant the scanning identity the read permission the failed call needs (the README
#     lists them as a ready IAM policy; cross-account destinations and roles need it in
#     their own account), or fix the error the call returned, then scan again.
package crr.checks.crr_090

import data.crr.lib.errors

# Every bucket is judged for read errors, replicas included.
applies := true

deny contains f if {
	some e in input.errors
	f := {
		"msg": errors.message(e),
		"resource_arn": resource(e),
		"destination": destination(e),
		"evidence": e,
		"commands": [],
		"key": sprintf("%s %s", [e.Operation, e.Resource]),
	}
}

resource(e) := e.Resource if {
	is_string(e.Resource)
	startswith(e.Resource, "arn:")
} else := input.bucket.Arn

destination(e) := e.Resource if {
	is_object(input.destinations[e.Resource])
} else := ""
