# METADATA
# title: Terraform snippets
# description: >-
#   Render the fixes as Terraform (AWS provider) resources: the whole replication
#   configuration (aws_s3_bucket_replication_configuration manages every rule, like
#   put-bucket-replication), a lifecycle configuration, a public access block and a
#   request payment configuration. Values are quoted as HCL strings, so that a hostile
#   name cannot close the string or start a template.
package crr.lib.terraform

# ident makes a Terraform resource name from a bucket name.
ident(name) := n if {
	s := regex.replace(name, `[^A-Za-z0-9_-]`, "_")
	regex.match(`^[A-Za-z_]`, s)
	n := s
} else := sprintf("b_%s", [regex.replace(name, `[^A-Za-z0-9_-]`, "_")])

# str quotes a value as an HCL string: JSON escapes, and ${ and %{ doubled so that
# they stay literal instead of starting an interpolation or a directive.
str(s) := replace(replace(json.marshal(s), "${", "$${"), "%{", "%%{") if is_string(s)

# value renders a string, number or boolean.
value(v) := str(v) if is_string(v)

value(v) := json.marshal(v) if is_number(v)

value(v) := json.marshal(v) if is_boolean(v)

attr(name, v) := sprintf("%s = %s", [name, value(v)])

# opt_attr is [name = obj[key]] when obj has a non-null string, number or boolean at key.
opt_attr(obj, key, name) := [attr(name, v)] if {
	v := object.get(obj, key, null)
	v != null
	value(v)
} else := []

# block wraps lines in "name {" ... "}", indented.
block(name, lines) := [sprintf("%s {}", [name])] if count(lines) == 0

block(name, lines) := array.concat(array.concat([sprintf("%s {", [name])], [indent(l) | some l in lines]), ["}"]) if {
	count(lines) > 0
}

indent(l) := "" if l == ""
else := concat("", ["  ", l])

# flat joins lists of lines.
flat(parts) := [l | some p in parts; some l in p]

render(lines) := concat("\n", lines)

# status_block is name { status = ... } when obj[key] has a Status.
status_block(obj, key, name) := block(name, [attr("status", obj[key].Status)]) if {
	is_string(obj[key].Status)
} else := []

tags_attr(tags) := [sprintf("tags = { %s }", [concat(", ", [sprintf("%s = %s", [str(t.Key), str(object.get(t, "Value", ""))]) |
	some t in tags
	is_string(t.Key)
])])] if {
	is_array(tags)
	count(tags) > 0
} else := []

# --- Replication ------------------------------------------------------------------

# replication_configuration renders a whole replication configuration for a bucket.
replication_configuration(bucket, cfg) := render(block(
	sprintf("resource \"aws_s3_bucket_replication_configuration\" %s", [str(ident(bucket))]),
	flat([
		[attr("bucket", bucket)],
		opt_attr(cfg, "Role", "role"),
		flat([array.concat([""], replication_rule(r)) | some r in object.get(cfg, "Rules", [])]),
	]),
))

replication_rule(r) := block("rule", flat([
	opt_attr(r, "ID", "id"),
	opt_attr(r, "Priority", "priority"),
	opt_attr(r, "Prefix", "prefix"),
	[attr("status", object.get(r, "Status", "Disabled"))],
	replication_filter(r),
	status_block(r, "DeleteMarkerReplication", "delete_marker_replication"),
	source_selection(r),
	status_block(r, "ExistingObjectReplication", "existing_object_replication"),
	destination(object.get(r, "Destination", {})),
]))

replication_filter(r) := filter_block(r.Filter) if is_object(r.Filter)
else := []

filter_block(f) := block("filter", flat([
	opt_attr(f, "Prefix", "prefix"),
	tag_block(f),
	and_block(f),
	opt_attr(f, "ObjectSizeGreaterThan", "object_size_greater_than"),
	opt_attr(f, "ObjectSizeLessThan", "object_size_less_than"),
]))

tag_block(f) := block("tag", flat([opt_attr(f.Tag, "Key", "key"), opt_attr(f.Tag, "Value", "value")])) if {
	is_object(f.Tag)
} else := []

and_block(f) := block("and", flat([
	opt_attr(f.And, "Prefix", "prefix"),
	tags_attr(object.get(f.And, "Tags", [])),
	opt_attr(f.And, "ObjectSizeGreaterThan", "object_size_greater_than"),
	opt_attr(f.And, "ObjectSizeLessThan", "object_size_less_than"),
])) if {
	is_object(f.And)
} else := []

source_selection(r) := block("source_selection_criteria", flat([
	status_block(r.SourceSelectionCriteria, "SseKmsEncryptedObjects", "sse_kms_encrypted_objects"),
	status_block(r.SourceSelectionCriteria, "ReplicaModifications", "replica_modifications"),
])) if {
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

access_control_translation(d) := block("access_control_translation", opt_attr(d.AccessControlTranslation, "Owner", "owner")) if {
	is_object(d.AccessControlTranslation)
} else := []

encryption_configuration(d) := block("encryption_configuration", opt_attr(d.EncryptionConfiguration, "ReplicaKmsKeyID", "replica_kms_key_id")) if {
	is_object(d.EncryptionConfiguration)
} else := []

replication_time(d) := block("replication_time", flat([
	opt_attr(d.ReplicationTime, "Status", "status"),
	minutes_block("time", object.get(d.ReplicationTime, "Time", null)),
])) if {
	is_object(d.ReplicationTime)
} else := []

metrics(d) := block("metrics", flat([
	opt_attr(d.Metrics, "Status", "status"),
	minutes_block("event_threshold", object.get(d.Metrics, "EventThreshold", null)),
])) if {
	is_object(d.Metrics)
} else := []

minutes_block(name, v) := block(name, opt_attr(v, "Minutes", "minutes")) if is_object(v)
else := []

# --- Lifecycle --------------------------------------------------------------------

# lifecycle_configuration renders a whole lifecycle configuration for a bucket.
lifecycle_configuration(bucket, lc) := render(block(
	sprintf("resource \"aws_s3_bucket_lifecycle_configuration\" %s", [str(ident(bucket))]),
	flat([
		[attr("bucket", bucket)],
		flat([array.concat([""], lifecycle_rule(r)) | some r in object.get(lc, "Rules", [])]),
	]),
))

lifecycle_rule(r) := block("rule", flat([
	opt_attr(r, "ID", "id"),
	[attr("status", object.get(r, "Status", "Disabled"))],
	lifecycle_filter(r),
	expiration(r),
	noncurrent_expiration(r),
	[l | some t in object.get(r, "Transitions", []); some l in transition(t)],
	[l | some t in object.get(r, "NoncurrentVersionTransitions", []); some l in noncurrent_transition(t)],
]))

# The provider's rule.prefix is deprecated: a legacy Prefix becomes filter.prefix.
lifecycle_filter(r) := filter_block(r.Filter) if {
	is_object(r.Filter)
} else := block("filter", [attr("prefix", r.Prefix)]) if {
	is_string(r.Prefix)
} else := block("filter", [])

expiration(r) := block("expiration", flat([
	opt_attr(r.Expiration, "Days", "days"),
	opt_attr(r.Expiration, "Date", "date"),
	opt_attr(r.Expiration, "ExpiredObjectDeleteMarker", "expired_object_delete_marker"),
])) if {
	is_object(r.Expiration)
} else := []

noncurrent_expiration(r) := block("noncurrent_version_expiration", flat([
	opt_attr(r.NoncurrentVersionExpiration, "NoncurrentDays", "noncurrent_days"),
	opt_attr(r.NoncurrentVersionExpiration, "NewerNoncurrentVersions", "newer_noncurrent_versions"),
])) if {
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

# --- Single-purpose resources -----------------------------------------------------

# public_access_block blocks every kind of public access to a bucket.
public_access_block(bucket) := render(block(
	sprintf("resource \"aws_s3_bucket_public_access_block\" %s", [str(ident(bucket))]),
	[
		attr("bucket", bucket),
		attr("block_public_acls", true),
		attr("block_public_policy", true),
		attr("ignore_public_acls", true),
		attr("restrict_public_buckets", true),
	],
))

# request_payment makes the bucket owner pay for requests.
request_payment(bucket) := render(block(
	sprintf("resource \"aws_s3_bucket_request_payment_configuration\" %s", [str(ident(bucket))]),
	[attr("bucket", bucket), attr("payer", "BucketOwner")],
))
