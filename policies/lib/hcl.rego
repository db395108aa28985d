# METADATA
# title: Terraform snippet helpers
# description: >-
#   Render the small Terraform (HCL) snippets that findings suggest: quoted strings that
#   a hostile value cannot break out of, resource names, attributes and nested blocks.
#   Values never go into comments, only into quoted strings.
package crr.lib.hcl

# str quotes a value as an HCL string: JSON's escaping, plus HCL's own template
# sequences (${ and %{) escaped so that a value is never interpolated.
str(s) := replace(replace(json.marshal(s), "${", "$${"), "%{", "%%{")

# list quotes a list of strings.
list(xs) := sprintf("[%s]", [concat(", ", [str(x) | some x in xs])])

# name turns a bucket or key name into a Terraform resource name.
name(s) := n if {
	base := regex.replace(s, `[^A-Za-z0-9_-]`, "_")
	n := starts_well(base)
}

starts_well(b) := b if regex.match(`^[A-Za-z_]`, b)
else := concat("", ["r_", b])

# attr is `key = "value"`; raw is `key = value` for numbers, booleans and lists.
attr(key, value) := sprintf("%s = %s", [key, str(value)])

raw(key, value) := sprintf("%s = %v", [key, value])

# block renders `head {` the lines, indented, `}`; a line may itself be a block.
block(head, lines) := sprintf("%s {}", [head]) if {
	count(lines) == 0
} else := concat("\n", array.concat(
	[sprintf("%s {", [head])],
	array.concat([indent(l) | some l in lines], ["}"]),
))

indent(text) := concat("\n", [sprintf("  %s", [l]) | some l in split(text, "\n")])

# resource renders a resource block.
resource(type, label, lines) := block(sprintf("resource %s %s", [json.marshal(type), json.marshal(name(label))]), lines)

# replication_configuration renders aws_s3_bucket_replication_configuration with the
# given rules only: Terraform owns the whole configuration, so the other rules keep
# their own rule blocks.
replication_configuration(bucket, role, rules) := resource("aws_s3_bucket_replication_configuration", bucket, array.concat(
	[attr("bucket", bucket), attr("role", role)],
	[replication_rule(r) | some r in rules],
))

# replication_rule renders one rule of S3's document as a rule block.
replication_rule(r) := block("rule", array.concat(
	array.concat(
		array.concat(opt_str(r, "ID", "id"), opt_raw(r, "Priority", "priority")),
		array.concat(opt_str(r, "Prefix", "prefix"), opt_str(r, "Status", "status")),
	),
	array.concat(
		array.concat(filter_block(r), status_block(r, "DeleteMarkerReplication", "delete_marker_replication")),
		array.concat(
			array.concat(status_block(r, "ExistingObjectReplication", "existing_object_replication"), selection_block(r)),
			[destination_block(object.get(r, "Destination", {}))],
		),
	),
))

opt_str(obj, key, name) := [attr(name, obj[key])] if is_string(obj[key])
else := []

opt_raw(obj, key, name) := [raw(name, obj[key])] if is_number(obj[key])
else := []

status_block(obj, key, name) := [block(name, [attr("status", obj[key].Status)])] if is_string(obj[key].Status)
else := []

filter_block(r) := [block("filter", array.concat(
	array.concat(opt_str(f, "Prefix", "prefix"), tag_block(f)),
	and_block(f),
))] if {
	f := r.Filter
	is_object(f)
} else := []

tag_block(f) := [block("tag", [attr("key", f.Tag.Key), attr("value", f.Tag.Value)])] if is_object(f.Tag)
else := []

and_block(f) := [block("and", array.concat(opt_str(f.And, "Prefix", "prefix"), tags_attr(f.And)))] if is_object(f.And)
else := []

tags_attr(a) := [sprintf("tags = {%s}", [concat(", ", [sprintf("%s = %s", [str(t.Key), str(t.Value)]) | some t in a.Tags])])] if {
	is_array(a.Tags)
	count(a.Tags) > 0
} else := []

selection_block(r) := [block("source_selection_criteria", array.concat(
	status_block(c, "ReplicaModifications", "replica_modifications"),
	status_block(c, "SseKmsEncryptedObjects", "sse_kms_encrypted_objects"),
))] if {
	c := r.SourceSelectionCriteria
	is_object(c)
} else := []

destination_block(d) := block("destination", array.concat(
	array.concat(
		array.concat(opt_str(d, "Bucket", "bucket"), opt_str(d, "Account", "account")),
		opt_str(d, "StorageClass", "storage_class"),
	),
	array.concat(
		array.concat(owner_block(d), encryption_block(d)),
		array.concat(rtc_block(d), metrics_block(d)),
	),
))

owner_block(d) := [block("access_control_translation", [attr("owner", d.AccessControlTranslation.Owner)])] if {
	is_string(d.AccessControlTranslation.Owner)
} else := []

encryption_block(d) := [block("encryption_configuration", [attr("replica_kms_key_id", d.EncryptionConfiguration.ReplicaKmsKeyID)])] if {
	is_string(d.EncryptionConfiguration.ReplicaKmsKeyID)
} else := []

rtc_block(d) := [block("replication_time", array.concat(
	[attr("status", d.ReplicationTime.Status)],
	minutes_block("time", d.ReplicationTime.Time),
))] if is_string(d.ReplicationTime.Status)
else := []

metrics_block(d) := [block("metrics", array.concat(
	[attr("status", d.Metrics.Status)],
	minutes_block("event_threshold", d.Metrics.EventThreshold),
))] if is_string(d.Metrics.Status)
else := []

minutes_block(name, v) := [block(name, [raw("minutes", v.Minutes)])] if is_number(v.Minutes)
else := []
