# METADATA
# title: Remediation helpers
# description: >-
#   Build the aws CLI commands (in the AWS guide's style) and the JSON documents that
#   fixes pass to them, filled with the real bucket, role, region and account names.
package crr.lib.cli

# arg quotes a value for a POSIX shell unless it is plainly safe, so that a hostile
# name in a snapshot cannot turn a suggested command into another command.
arg(s) := s if regex.match(`^[A-Za-z0-9._:/=@+,-]+$`, s)

arg(s) := sprintf("'%s'", [replace(s, "'", `'\''`)]) if not regex.match(`^[A-Za-z0-9._:/=@+,-]+$`, s)

# region_flag is " --region R" for a known region, "" otherwise.
region_flag(region) := sprintf(" --region %s", [arg(region)]) if {
	is_string(region)
	region != ""
} else := ""

# put_bucket_versioning enables versioning on a bucket.
put_bucket_versioning(bucket, region) := sprintf(
	"aws s3api put-bucket-versioning --bucket %s --versioning-configuration Status=Enabled%s",
	[arg(bucket), region_flag(region)],
)

# create_bucket creates a bucket; us-east-1 takes no LocationConstraint.
create_bucket(bucket, region) := sprintf("aws s3api create-bucket --bucket %s --region us-east-1", [arg(bucket)]) if {
	region == "us-east-1"
} else := sprintf(
	"aws s3api create-bucket --bucket %s --region %s --create-bucket-configuration LocationConstraint=%s",
	[arg(bucket), arg(region), arg(region)],
)

# put_bucket_replication writes a replication configuration from a file.
put_bucket_replication(bucket, region, file) := sprintf(
	"aws s3api put-bucket-replication --bucket %s --replication-configuration file://%s%s",
	[arg(bucket), file, region_flag(region)],
)

# create_role creates a role that trusts what the file says.
create_role(role, path, file) := sprintf(
	"aws iam create-role --role-name %s --path %s --assume-role-policy-document file://%s",
	[arg(role), arg(path), file],
) if {
	path != "/"
} else := sprintf("aws iam create-role --role-name %s --assume-role-policy-document file://%s", [arg(role), file])

# update_assume_role_policy replaces a role's trust policy with the file's.
update_assume_role_policy(role, file) := sprintf(
	"aws iam update-assume-role-policy --role-name %s --policy-document file://%s",
	[arg(role), file],
)

# put_role_policy attaches an inline policy to a role.
put_role_policy(role, policy, file) := sprintf(
	"aws iam put-role-policy --role-name %s --policy-name %s --policy-document file://%s",
	[arg(role), arg(policy), file],
)

# s3_trust_statement lets S3 assume the role; with a known account it carries the
# aws:SourceAccount condition AWS recommends against the confused deputy.
s3_trust_statement(account) := {
	"Effect": "Allow",
	"Principal": {"Service": "s3.amazonaws.com"},
	"Action": "sts:AssumeRole",
	"Condition": {"StringEquals": {"aws:SourceAccount": account}},
} if {
	regex.match(`^[0-9]{12}$`, account)
} else := {
	"Effect": "Allow",
	"Principal": {"Service": "s3.amazonaws.com"},
	"Action": "sts:AssumeRole",
}

# trust_policy is the replication role's trust policy (guide step 2).
trust_policy(account) := {"Version": "2012-10-17", "Statement": [s3_trust_statement(account)]}

# permissions_policy is the replication role's least-privilege permissions policy for
# one source bucket and its destination bucket ARNs (guide step 2).
permissions_policy(source_arn, destination_arns) := {
	"Version": "2012-10-17",
	"Statement": [
		{
			"Effect": "Allow",
			"Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
			"Resource": [source_arn],
		},
		{
			"Effect": "Allow",
			"Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
			"Resource": [sprintf("%s/*", [source_arn])],
		},
		{
			"Effect": "Allow",
			"Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
			"Resource": sort([sprintf("%s/*", [d]) | some d in destination_arns]),
		},
	],
}

# role_name_for suggests a replication role name for a bucket (IAM allows 64 characters).
role_name_for(bucket) := substring(sprintf("s3-crr-%s", [bucket]), 0, 64)
