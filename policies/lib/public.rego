# METADATA
# title: Public access helpers
# description: >-
#   Whether a bucket is open to the public through its bucket policy, in the way S3's
#   own "public" evaluation works: an Allow statement for everyone ("*", {"AWS": "*"}, or
#   a NotPrincipal) is public unless a Condition pins it to fixed values of a key that
#   names who may call (source ARN, account, VPC, endpoint, IP range, organization,
#   principal). A public access block with RestrictPublicBuckets makes such a policy
#   ineffective (BlockPublicPolicy only refuses new public policies). ACLs and the
#   account-level public access block are not read by the scan.
package crr.lib.public

import data.crr.lib.iam

# restricting_keys are the condition keys that, with fixed values, make a statement
# non-public (lower case).
restricting_keys := {
	"aws:sourcearn", "aws:sourceaccount", "aws:sourceowner", "aws:sourcevpc", "aws:sourcevpce",
	"aws:sourceip", "aws:sourceorgid", "aws:sourceorgpaths", "aws:principalarn",
	"aws:principalaccount", "aws:principalorgid", "aws:principalorgpaths", "aws:userid",
	"s3:dataaccesspointarn", "s3:dataaccesspointaccount",
}

# restricting_operators are the operators that pin a key to the listed values
# (lower case, ForAnyValue: prefix removed; IfExists and negated operators do not pin).
restricting_operators := {
	"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress",
}

# everyone is true for a statement whose principal is everyone.
everyone(stmt) if iam.everyone(stmt.Principal)

everyone(stmt) if "*" in iam.as_set(stmt.Principal.CanonicalUser)

everyone(stmt) if {
	not "Principal" in object.keys(stmt)
	"NotPrincipal" in object.keys(stmt)
}

# restricted is true when the statement's Condition pins a restricting key to values
# that are not wildcards or the whole internet.
restricted(stmt) if {
	is_object(stmt.Condition)
	some op, block in stmt.Condition
	operator(op) in restricting_operators
	is_object(block)
	some key, values in block
	lower(key) in restricting_keys
	fixed(values)
}

operator(op) := trim_prefix(lower(op), "foranyvalue:")

fixed(values) if {
	vs := iam.as_set(values)
	count(vs) > 0
	every v in vs {
		not wide(v)
	}
}

wide(v) if v == "*"

wide(v) if v in {"0.0.0.0/0", "::/0"}

wide(v) if regex.match(`^[*?]+$`, v)

# public_statements are the statements of a policy document that allow everyone.
public_statements(doc) := [s |
	some s in iam.statements(doc)
	s.Effect == "Allow"
	everyone(s)
	not restricted(s)
]

# policy_public is true for a bucket (linked or scanned) whose policy was read and has
# a public statement; policy_private when it was read and has none (or no policy).
policy_public(b) if count(public_statements(b.Policy.Document)) > 0

policy_private(b) if {
	is_object(b.Policy)
	b.Policy.Document == null
}

policy_private(b) if {
	is_object(b.Policy.Document)
	count(public_statements(b.Policy.Document)) == 0
}

# access_restricted is true when the bucket's public access block restricts public
# policies; access_open when the block was read and does not.
access_restricted(b) if b.PublicAccessBlockConfiguration.RestrictPublicBuckets == true

access_open(b) if {
	is_object(b.PublicAccessBlockConfiguration)
	not b.PublicAccessBlockConfiguration.RestrictPublicBuckets == true
}

# public is true for a bucket that everyone can reach through its policy; private when
# the data shows it cannot. Neither when it is unknown.
public(b) if {
	access_open(b)
	policy_public(b)
}

private(b) if access_restricted(b)

private(b) if policy_private(b)
