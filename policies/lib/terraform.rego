# METADATA
# title: Terraform snippets
# description: >-
#   Render the fixes as Terraform (AWS provider) resources. The HCL is built from a few
#   pieces: str quotes a string (JSON's escapes, with ${ and %{ escaped so that a
#   hostile value stays text: a value never leaves its quoted string and never goes
#   into a comment), value renders a string, number, boolean, list or JSON document
#   (jsonencode), name makes a resource name, and attr, aligned, block and resource
#   build the text. On top of them: the replication configuration (S3's rules as rule
#   blocks, every field S3 can hold), a lifecycle configuration, a public access block,
#   a request payment configuration, ownership controls, an IAM role and inline role
#   policy, a bucket policy and a key policy. A snippet has no trailing newline; join
#   several with resources.
package crr.lib.terraform

# --- HCL --------------------------------------------------------------------------

# str quotes a string as an HCL string: JSON escapes, and ${ and %{ escaped.
str(s) := literal(json.marshal(s)) if is_string(s)

# literal escapes HCL's template sequences in JSON text: ${ and %{ become $${ and %%{,
# so that they stay text instead of starting an interpolation or a directive.
literal(json_text) := replace(replace(json_text, "${", "$${"), "%{", "%%{")

# value renders a string, number, boolean, a list of those, or a JSON document as a
# jsonencode() expression (its strings escaped like str's).
value(v) := scalar_value(v) if scalar(v)

value(v) := sprintf("[%s]", [concat(", ", [scalar_value(x) | some x in v])]) if is_array(v)

value(v) := jsonencode(v) if is_object(v)

scalar_value(v) := str(v) if is_string(v)
else := json.marshal(v) if scalar(v)

jsonencode(doc) := sprintf("jsonencode(%s)", [literal(json.marshal_with_options(doc, {"pretty": true, "indent": "  "}))])

# name makes a Terraform resource name from a bucket name, key id or label: characters
# other than letters, digits, _ and - become _, and r_ goes before a leading digit or -.
name(s) := n if {
	n := regex.replace(s, `[^A-Za-z0-9_-]`, "_")
	regex.match(`^[A-Za-z_]`, n)
} else := concat("", ["r_", regex.replace(s, `[^A-Za-z0-9_-]`, "_")])

# attr is `name = value`.
attr(name, v) := sprintf("%s = %s", [name, value(v)])

# opt_attr is [name = obj[key]] when obj has a string, number or boolean at key, else [].
opt_attr(obj, key, name) := [attr(name, v)] if {
	v := object.get(obj, key, null)
	scalar(v)
} else := []

scalar(v) if is_string(v)

scalar(v) if is_number(v)

scalar(v) if is_boolean(v)

# aligned renders [name, value] pairs as attributes with their = in one column, the way
# terraform fmt lays out consecutive attributes.
aligned(pairs) := [attr(sprintf(sprintf("%%-%ds", [width]), [p[0]]), p[1]) | some p in pairs] if {
	width := max([count(p[0]) | some p in pairs])
}

# block renders `head {`, the body indented, `}`, or `head {}` for an empty body. An
# entry of the body may span lines (a nested block, a jsonencode value); "" leaves a
# blank line.
block(head, body) := sprintf("%s {}", [head]) if {
	count(body) == 0
} else := concat("\n", flat([[sprintf("%s {", [head])], [indent(l) | some l in body], ["}"]]))

indent(text) := concat("\n", [indent_line(l) | some l in split(text, "\n")])

indent_line(l) := "" if l == ""
else := concat("", ["  ", l])

# resource renders `resource "type" "name(label)" { body }`.
resource(type, label, body) := block(sprintf("resource %s %s", [str(type), str(name(label))]), body)

# resources joins snippets with a blank line between them.
resources(snippets) := concat("\n\n", snippets)

# flat joins lists.
flat(parts) := [x | some p in parts; some x in p]

# status_block is [name { status = obj[key].Status }] when obj[key] has a Status, else [].
status_block(obj, key, name) := [block(name, [attr("status", obj[key].Status)])] if {
	is_string(obj[key].Status)
} else := []

# tags_attr is [tags = { "k" = "v", ... }] for a non-empty list of S3 tags, else [].
tags_attr(tags) := [sprintf("tags = { %s }", [concat(", ", [sprintf("%s = %s", [str(t.Key), str(object.get(t, "Value", ""))]) |
	some t in tags
	is_string(t.Key)
])])] if {
	is_array(tags)
	count(tags) > 0
} else := []

# --- Replication ------------------------------------------------------------------

# replication_configuration renders aws_s3_bucket_replication_configuration for a
# bucket from cfg's Role and Rules. The resource owns the whole configuration, like
# put-bucket-replication: applying it removes every rule it does not list, so fixes
# pass the whole fixed configuration, the bucket's other rules included.
replication_configuration(bucket, cfg) := resource("aws_s3_bucket_replication_configuration", bucket, flat([
	[attr("bucket", bucket)],
	opt_attr(cfg, "Role", "role"),
	flat([["", replication_rule(r)] | some r in object.get(cfg, "Rules", [])]),
]))

# replication_rule renders one rule of S3's document (V1 or V2) as a rule block.
replication_rule(r) := block("rule", flat([
	opt_attr(r, "ID", "id"),
	opt_attr(r, "Priority", "priority"),
	opt_attr(r, "Prefix", "prefix"),
	[attr("status", object.get(r, "Status", "Disabled"))],
	filter(r),
	status_block(r, "DeleteMarkerReplication", "delete_marker_replication"),
	source_selection(r),
	status_block(r, "ExistingObjectReplication", "existing_object_replication"),
	[destination(object.get(r, "Destination", {}))],
]))

filter(r) := [filter_block(r.Filter)] if is_object(r.Filter)
else := []

# filter_block renders S3's Filter (replication or lifecycle): Prefix, Tag, And (Prefix,
# Tags) and the object sizes of a lifecycle filter.
filter_block(f) := block("filter", flat([
	opt_attr(f, "Prefix", "prefix"),
	tag_block(f),
	and_block(f),
	opt_attr(f, "ObjectSizeGreaterThan", "object_size_greater_than"),
	opt_attr(f, "ObjectSizeLessThan", "object_size_less_than"),
]))

tag_block(f) := [block("tag", flat([opt_attr(f.Tag, "Key", "key"), opt_attr(f.Tag, "Value", "value")]))] if {
	is_object(f.Tag)
} else := []

and_block(f) := [block("and", flat([
	opt_attr(f.And, "Prefix", "prefix"),
	tags_attr(object.get(f.And, "Tags", [])),
	opt_attr(f.And, "ObjectSizeGreaterThan", "object_size_greater_than"),
	opt_attr(f.And, "ObjectSizeLessThan", "object_size_less_than"),
]))] if {
	is_object(f.And)
} else := []

source_selection(r) := [block("source_selection_criteria", flat([
	status_block(r.SourceSelectionCriteria, "SseKmsEncryptedObjects", "sse_kms_encrypted_objects"),
	status_block(r.SourceSelectionCriteria, "ReplicaModifications", "replica_modifications"),
]))] if {
	is_object(r.SourceSelectionCriteria)
} else := []

destination(d) := block("destination", flat([
	opt_attr(d, "Bucket", "bucket"),
	opt_attr(d, "StorageClass", "storage_class"),
	opt_attr(d, "Account", "account"),
	access_control_translation(d),
	encryption_configuration(d),
	replication_time(d),
	metrics(d),
]))

access_control_translation(d) := [block("access_control_translation", opt_attr(d.AccessControlTranslation, "Owner", "owner"))] if {
	is_object(d.AccessControlTranslation)
} else := []

encryption_configuration(d) := [block("encryption_configuration", opt_attr(d.EncryptionConfiguration, "ReplicaKmsKeyID", "replica_kms_key_id"))] if {
	is_object(d.EncryptionConfiguration)
} else := []

replication_time(d) := [block("replication_time", flat([
	opt_attr(d.ReplicationTime, "Status", "status"),
	minutes_block("time", object.get(d.ReplicationTime, "Time", null)),
]))] if {
	is_object(d.ReplicationTime)
} else := []

metrics(d) := [block("metrics", flat([
	opt_attr(d.Metrics, "Status", "status"),
	minutes_block("event_threshold", object.get(d.Metrics, "EventThreshold", null)),
]))] if {
	is_object(d.Metrics)
} else := []

minutes_block(name, v) := [block(name, opt_attr(v, "Minutes", "minutes"))] if is_object(v)
else := []

# --- Lifecycle --------------------------------------------------------------------

# lifecycle_configuration renders a whole lifecycle configuration for a bucket.
lifecycle_configuration(bucket, lc) := resource("aws_s3_bucket_lifecycle_configuration", bucket, flat([
	[attr("bucket", bucket)],
	flat([["", lifecycle_rule(r)] | some r in object.get(lc, "Rules", [])]),
]))

lifecycle_rule(r) := block("rule", flat([
	opt_attr(r, "ID", "id"),
	[attr("status", object.get(r, "Status", "Disabled"))],
	[lifecycle_filter(r)],
	expiration(r),
	noncurrent_expiration(r),
	[transition(t) | some t in object.get(r, "Transitions", [])],
	[noncurrent_transition(t) | some t in object.get(r, "NoncurrentVersionTransitions", [])],
]))

# The provider's rule.prefix is deprecated: a legacy Prefix becomes filter.prefix.
lifecycle_filter(r) := filter_block(r.Filter) if {
	is_object(r.Filter)
} else := block("filter", [attr("prefix", r.Prefix)]) if {
	is_string(r.Prefix)
} else := block("filter", [])

expiration(r) := [block("expiration", flat([
	opt_attr(r.Expiration, "Days", "days"),
	opt_attr(r.Expiration, "Date", "date"),
	opt_attr(r.Expiration, "ExpiredObjectDeleteMarker", "expired_object_delete_marker"),
]))] if {
	is_object(r.Expiration)
} else := []

noncurrent_expiration(r) := [block("noncurrent_version_expiration", flat([
	opt_attr(r.NoncurrentVersionExpiration, "NoncurrentDays", "noncurrent_days"),
	opt_attr(r.NoncurrentVersionExpiration, "NewerNoncurrentVersions", "newer_noncurrent_versions"),
]))] if {
	is_object(r.NoncurrentVersionExpiration)
} else := []

transition(t) := block("transition", flat([
	opt_attr(t, "Days", "days"),
	opt_attr(t, "Date", "date"),
	opt_attr(t, "StorageClass", "storage_class"),
]))

noncurrent_transition(t) := block("noncurrent_version_transition", flat([
	opt_attr(t, "NoncurrentDays", "noncurrent_days"),
	opt_attr(t, "StorageClass", "storage_class"),
]))

# --- Bucket settings --------------------------------------------------------------

# public_access_block blocks every kind of public access to a bucket.
public_access_block(bucket) := resource("aws_s3_bucket_public_access_block", bucket, [
	attr("bucket", bucket),
	attr("block_public_acls", true),
	attr("block_public_policy", true),
	attr("ignore_public_acls", true),
	attr("restrict_public_buckets", true),
])

# request_payment makes the bucket owner pay for requests.
request_payment(bucket) := resource("aws_s3_bucket_request_payment_configuration", bucket, [
	attr("bucket", bucket),
	attr("payer", "BucketOwner"),
])

# ownership_controls sets a bucket's object ownership (BucketOwnerEnforced, ...).
ownership_controls(label, bucket, ownership) := resource("aws_s3_bucket_ownership_controls", label, [
	attr("bucket", bucket),
	"",
	block("rule", [attr("object_ownership", ownership)]),
])

# --- Policies ---------------------------------------------------------------------

# role is an aws_iam_role with its trust policy.
role(label, role_name, trust) := resource("aws_iam_role", label, aligned([
	["name", role_name],
	["assume_role_policy", trust],
]))

# role_policy is an aws_iam_role_policy: the role's inline policy called policy_name.
role_policy(label, role_name, policy_name, doc) := resource("aws_iam_role_policy", label, aligned([
	["name", policy_name],
	["role", role_name],
	["policy", doc],
]))

# bucket_policy is an aws_s3_bucket_policy.
bucket_policy(label, bucket, doc) := resource("aws_s3_bucket_policy", label, aligned([
	["bucket", bucket],
	["policy", doc],
]))

# key_policy is an aws_kms_key_policy.
key_policy(label, key_id, doc) := resource("aws_kms_key_policy", label, aligned([
	["key_id", key_id],
	["policy", doc],
]))
