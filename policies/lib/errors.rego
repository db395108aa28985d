# METADATA
# title: Collection error helpers
# description: >-
#   What the scan could not read. input.errors holds the bucket's own read errors and
#   those of its replication role and destinations, each tagged with the Component it
#   makes unknown (account, bucket, replication, versioning, tags, destination, role).
package crr.lib.errors

# unreadable(component) is true when a read that the component depends on failed, so
# that "absent" in the input may mean "could not be read" rather than "not configured".
unreadable(component) if {
	some e in input.errors
	e.Component == component
}

# message is the one-line description of a collection error used by CRR-090 (the Go
# engine builds the same text for snapshot-level errors).
message(e) := sprintf("%s on %s failed with %s: %s", [e.Operation, e.Resource, code(e), e.Message]) if {
	is_string(e.Message)
	e.Message != ""
}

message(e) := sprintf("%s on %s failed with %s", [e.Operation, e.Resource, code(e)]) if {
	not has_message(e)
}

has_message(e) if {
	is_string(e.Message)
	e.Message != ""
}

code(e) := e.Code if {
	is_string(e.Code)
	e.Code != ""
}

code(e) := "an unknown error" if {
	not has_code(e)
}

has_code(e) if {
	is_string(e.Code)
	e.Code != ""
}
