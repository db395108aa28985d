# METADATA
# title: Bucket has no owner tag
# description: Every bucket in scope names its owning team in an "owner" tag.
# custom:
#   id: ACME-001
#   severity: medium
#   guide: "Acme tagging standard"
#   remediation: Tag the bucket with its owning team.
#   requires: [tags]
package crr.checks.acme_owner_tag

import data.acme.lib.tags

deny contains f if {
	not tags.has(input.bucket, "owner")
	f := {
		"msg": sprintf("Bucket %s has no owner tag", [input.bucket.Name]),
		"evidence": {"Tags": input.bucket.Tags},
		"commands": [sprintf("aws s3api put-bucket-tagging --bucket %s --tagging 'TagSet=[{Key=owner,Value=TEAM}]'", [input.bucket.Name])],
	}
}
