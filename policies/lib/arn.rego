# METADATA
# title: ARN helpers
# description: Parse Amazon Resource Names and pull out bucket and role names.
package crr.lib.arn

# parse splits an ARN into partition, service, region, account and resource.
# It is undefined for anything that is not an ARN, so callers never act on garbage.
parse(s) := {
	"partition": m[1],
	"service": m[2],
	"region": m[3],
	"account": m[4],
	"resource": m[5],
} if {
	is_string(s)
	some m in regex.find_all_string_submatch_n(`^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$`, s, 1)
}

# bucket_name is the bucket of an S3 bucket ARN (arn:aws:s3:::name).
bucket_name(s) := a.resource if {
	a := parse(s)
	a.service == "s3"
	a.region == ""
	a.account == ""
	not contains(a.resource, "/")
}

# role_name is the last path segment of an IAM role ARN (arn:aws:iam::111122223333:role/path/name).
role_name(s) := parts[count(parts) - 1] if {
	a := parse(s)
	a.service == "iam"
	startswith(a.resource, "role/")
	parts := split(a.resource, "/")
	parts[count(parts) - 1] != ""
}

# role_path is the IAM path of a role ARN: "/" or "/a/b/".
role_path(s) := "/" if {
	count(role_parts(s)) == 2
}

role_path(s) := sprintf("/%s/", [concat("/", array.slice(parts, 1, count(parts) - 1))]) if {
	parts := role_parts(s)
	count(parts) > 2
}

role_parts(s) := parts if {
	a := parse(s)
	a.service == "iam"
	parts := split(a.resource, "/")
	parts[0] == "role"
	parts[count(parts) - 1] != ""
}

# valid_role is true for an IAM role ARN: arn:PARTITION:iam::ACCOUNT:role/PATH/NAME with
# a 12-digit account and a role name of IAM's characters (1 to 64 of A-Z a-z 0-9 and
# +=,.@_-) (IAM identifiers: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html).
valid_role(s) if {
	is_string(s)
	regex.match(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/([\x21-\x7e]*/)?[A-Za-z0-9+=,.@_-]{1,64}$`, s)
}
