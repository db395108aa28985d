# METADATA
# title: Resources several buckets share
# description: >-
#   A replication role is often shared by several source buckets. A fix to its trust
#   policy or to its permissions policy replaces the whole document, so it must cover
#   every bucket that replicates through the role, not only the bucket whose finding
#   suggests it: otherwise applying the fixes of two buckets in turn breaks the first
#   one's replication. The sources come from the estate fact role_sources; without it
#   (an input built by hand) the bucket alone.
package crr.lib.shared

import data.crr.lib.cli
import data.crr.lib.replication as repl

# role_sources are the buckets that replicate through this bucket's role, this one
# included with its own enabled destinations, sorted by bucket ARN.
role_sources := [s |
	some arn in sort(object.keys(by_bucket))
	s := by_bucket[arn]
]

by_bucket[s.bucket] := s if {
	some s in object.get(input, ["facts", "role_sources"], [])
	s.bucket != input.bucket.Arn
}

by_bucket[input.bucket.Arn] := {
	"bucket": input.bucket.Arn,
	"account_id": input.bucket.AccountId,
	"destinations": sort(repl.enabled_destination_arns),
}

# permissions_policy is the guide's least-privilege policy for every source of the
# role (cli.permissions_policy for one source).
permissions_policy := permissions_policy_for(role_sources)

permissions_policy_for(sources) := cli.permissions_policy(sources[0].bucket, sources[0].destinations) if {
	count(sources) == 1
} else := {
	"Version": "2012-10-17",
	"Statement": [
		{
			"Effect": "Allow",
			"Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
			"Resource": sort({s.bucket | some s in sources}),
		},
		{
			"Effect": "Allow",
			"Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
			"Resource": sort({sprintf("%s/*", [s.bucket]) | some s in sources}),
		},
		{
			"Effect": "Allow",
			"Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
			"Resource": sort({sprintf("%s/*", [d]) | some s in sources; some d in s.destinations}),
		},
	],
}

# accounts are the accounts of the role's sources, sorted.
accounts := sort({s.account_id | some s in role_sources; is_string(s.account_id); s.account_id != ""})

# one_or_list is the single value itself, or the sorted list of several.
one_or_list(values) := values[0] if count(values) == 1
else := values

# source_guard is the confused-deputy condition AWS recommends, for every source of
# the role: its accounts (aws:SourceAccount) and bucket ARNs (aws:SourceArn).
source_guard := {
	"StringEquals": {"aws:SourceAccount": one_or_list(accounts)},
	"ArnLike": {"aws:SourceArn": one_or_list([s.bucket | some s in role_sources])},
}

# s3_trust_statement lets S3 assume the role for the accounts of every source of the
# role (cli.s3_trust_statement for one account).
s3_trust_statement := cli.s3_trust_statement(accounts[0]) if count(accounts) == 1
else := object.union(cli.s3_trust_statement(""), {"Condition": {"StringEquals": {"aws:SourceAccount": accounts}}}) if count(accounts) > 1
else := cli.s3_trust_statement("")

# trust_policy is the replication role's trust policy for every source of the role.
trust_policy := {"Version": "2012-10-17", "Statement": [s3_trust_statement]}
