package scanner

import "sort"

// operationActions maps every SDK operation the scanner calls to the IAM action
// that authorises it. A test keeps it equal to the methods of S3API, KMSAPI,
// IAMAPI, STSAPI, OrganizationsAPI, AccountAPI and EC2API, and the README's
// read-only policy equal to ReadActions.
func operationActions() map[string]string {
	return map[string]string{
		// S3
		"ListBuckets":          "s3:ListAllMyBuckets",
		"HeadBucket":           "s3:ListBucket",
		"GetBucketLocation":    "s3:GetBucketLocation",
		"GetBucketReplication": "s3:GetReplicationConfiguration",
		"GetBucketVersioning":  "s3:GetBucketVersioning",
		"GetBucketTagging":     "s3:GetBucketTagging",
		// GetBucketEncryption and GetObjectLockConfiguration are authorised by
		// actions whose names differ from the operations'.
		"GetBucketEncryption":             "s3:GetEncryptionConfiguration",
		"GetObjectLockConfiguration":      "s3:GetBucketObjectLockConfiguration",
		"GetBucketOwnershipControls":      "s3:GetBucketOwnershipControls",
		"GetPublicAccessBlock":            "s3:GetBucketPublicAccessBlock",
		"GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
		"GetBucketRequestPayment":         "s3:GetBucketRequestPayment",
		"GetBucketPolicy":                 "s3:GetBucketPolicy",
		// Read only on buckets with a rule whose replication metrics are on (CRR-042).
		"GetBucketNotificationConfiguration": "s3:GetBucketNotification",
		// One object key per distinct rule prefix (CRR-017): the same action as HeadBucket.
		"ListObjectsV2": "s3:ListBucket",
		// KMS
		"DescribeKey":  "kms:DescribeKey",
		"GetKeyPolicy": "kms:GetKeyPolicy",
		// IAM
		"GetRole":                  "iam:GetRole",
		"ListRolePolicies":         "iam:ListRolePolicies",
		"GetRolePolicy":            "iam:GetRolePolicy",
		"ListAttachedRolePolicies": "iam:ListAttachedRolePolicies",
		"GetPolicy":                "iam:GetPolicy",
		"GetPolicyVersion":         "iam:GetPolicyVersion",
		// STS
		"GetCallerIdentity": "sts:GetCallerIdentity",
		// Scanning other accounts (--org, --accounts): the role to assume in them.
		"AssumeRole": "sts:AssumeRole",
		// Organizations (--org, from the management or delegated administrator account)
		"ListAccounts": "organizations:ListAccounts",
		// Enabled regions: Account Management, else EC2.
		"ListRegions":     "account:ListRegions",
		"DescribeRegions": "ec2:DescribeRegions",
	}
}

// ReadActions returns, sorted, the IAM actions the scanner needs: the read-only
// policy to grant the identity that runs crrscan.
func ReadActions() []string {
	seen := map[string]bool{}
	var out []string
	for _, a := range operationActions() {
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}
