package crr.checks.acme_owner_tag_test

# Test files are not loaded by the engine: if this one were, the undefined function
# below would fail compilation.
test_deny_untagged if {
	data.acme.lib.undefined_function(input)
}
