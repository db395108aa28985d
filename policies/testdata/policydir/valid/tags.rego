package acme.lib.tags

# has is true when the bucket carries the tag key.
has(bucket, key) if {
	some t in bucket.Tags
	t.Key == key
}
