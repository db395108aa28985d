# METADATA
# title: A waiver has expired
# description: >-
#   A waiver in the settings file accepted a check's findings on this bucket until a
#   date that has passed. An expired waiver waives nothing: the finding it covered is
#   reported as open again (status fail), and this finding names the waiver, its owner
#   and ticket, so that the accepted risk is reviewed instead of silently lingering.
#   Expiry is judged against the scan's date (UTC).
# custom:
#   id: CRR-091
#   severity: medium
#   guide: "Scan integrity — an accepted risk is reviewed before its waiver expires"
#   remediation: >-
#     Fix the finding the waiver covered, or review the accepted risk with the waiver's
#     owner and renew the waiver in the settings file with a new expires date, reason
#     and ticket.
#   requires: []
package crr.checks.crr_091

# Judged only on buckets that at least one waiver names: the check reads the
# settings file, not AWS data, so no read error can make it unknown.
applies if count(input.settings.waivers) > 0

deny contains f if {
	some w in input.settings.waivers
	w.expired == true
	f := {
		"msg": sprintf("waiver for %s on bucket %s (%s) expired on %s: the finding is open again", [w.check, input.bucket.Name, who(w), w.expires]),
		"evidence": {"waiver": {
			"check": w.check, "reason": w.reason, "owner": w.owner,
			"ticket": w.ticket, "expires": w.expires,
		}},
		"commands": [],
		"key": sprintf("%s %s %s %s", [w.check, w.expires, w.owner, w.ticket]),
	}
}

who(w) := sprintf("%s, %s", [w.owner, w.ticket]) if w.ticket != ""
else := w.owner
