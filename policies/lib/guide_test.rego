# The AWS guide's own setup (a versioned pair in two regions, one V2 rule Enabled with
# Priority 1, DeleteMarkerReplication Disabled and Filter {"Prefix": ""}, a role that
# trusts s3.amazonaws.com with the least-privilege policy), as the engine's input
# document carries it, judged by CRR-012..017, 022..027, 040 and 041 with empty settings.
package crr.lib.guide_test

import data.crr.checks

account := "123456789012"

src_arn := "arn:aws:s3:::guide-src"

dst_arn := "arn:aws:s3:::guide-dst"

role_arn := "arn:aws:iam::123456789012:role/crr-guide"

guide_rule := {
	"ID": "crr-all", "Priority": 1, "Filter": {"Prefix": ""}, "Status": "Enabled",
	"DeleteMarkerReplication": {"Status": "Disabled"},
	"Destination": {"Bucket": dst_arn},
}

permissions := {"Version": "2012-10-17", "Statement": [
	{"Effect": "Allow", "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"], "Resource": [src_arn]},
	{"Effect": "Allow", "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"], "Resource": ["arn:aws:s3:::guide-src/*"]},
	{"Effect": "Allow", "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], "Resource": ["arn:aws:s3:::guide-dst/*"]},
]}

# A bucket created today: public access blocked, owner enforced, no lifecycle, no policy.
new_bucket_config := {
	"ServerSideEncryptionConfiguration": {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": false}]},
	"ObjectLockConfiguration": {"ObjectLockEnabled": ""},
	"OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
	"PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true},
	"LifecycleConfiguration": {"Rules": []},
	"RequestPaymentConfiguration": {"Payer": "BucketOwner"},
	"Policy": {"Document": null},
}

guide(dst_config) := {
	"bucket": object.union(new_bucket_config, {
		"Name": "guide-src", "Arn": src_arn, "AccountId": account, "Region": "us-east-1",
		"Versioning": {"Status": "Enabled"}, "Tags": [],
		"ReplicationConfiguration": {"Role": role_arn, "Rules": [guide_rule]},
	}),
	"role": {
		"Arn": role_arn, "RoleName": "crr-guide", "AccountId": account, "Exists": true,
		"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
		"RolePolicies": [{"PolicyName": "crr-guide-policy", "PolicyDocument": permissions}],
	},
	"destinations": {dst_arn: object.union(dst_config, {
		"Arn": dst_arn, "Name": "guide-dst", "AccountId": account, "Exists": true,
		"Region": "eu-west-1", "InScan": true, "Versioning": {"Status": "Enabled"},
	})},
	"kms_keys": {},
	"errors": [],
	"facts": {"in_scope": true, "is_replica": false, "replicated_from": [], "replicates_to": [dst_arn]},
	"settings": {},
}

mine := {
	"crr_012", "crr_013", "crr_014", "crr_015", "crr_016", "crr_017",
	"crr_022", "crr_023", "crr_024", "crr_025", "crr_026", "crr_027", "crr_040", "crr_041",
}

findings(inp) := {[pkg, f.msg] |
	some pkg in mine
	some f in checks[pkg].deny with input as inp
}

test_guide_setup_reports_nothing if {
	fs := findings(guide(new_bucket_config))
	fs == set()
}

test_guide_setup_reports_delete_markers_when_required if {
	inp := object.union(guide(new_bucket_config), {"settings": {"requirements": {"delete_marker_replication": true}}})
	findings(inp) == {["crr_014", `Bucket guide-src: rule "crr-all" has DeleteMarkerReplication Disabled; objects deleted in the source stay visible in guide-dst; settings require delete-marker replication`]}
}

test_guide_setup_with_unread_destination_settings if {
	fs := findings(guide({}))
	fs == set()
}

test_guide_setup_judged_by_the_checks_that_need_no_settings if {
	inp := guide(new_bucket_config)
	applying := {pkg | some pkg in mine; checks[pkg].applies with input as inp}
	applying == {"crr_012", "crr_015", "crr_016", "crr_017", "crr_024", "crr_025", "crr_027", "crr_041"}
}

test_guide_setup_with_settings_it_meets if {
	inp := object.union(guide(new_bucket_config), {"settings": {"requirements": {
		"full_coverage": true, "allowed_regions": ["eu-west-1"], "allowed_accounts": [account],
		"allowed_storage_classes": [], "min_retention_days": 365,
	}}})
	findings(inp) == set()
}
