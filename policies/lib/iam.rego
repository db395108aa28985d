# METADATA
# title: IAM policy helpers
# description: >-
#   Normalise IAM policy documents (Statement as one object or a list; Action, Resource,
#   Principal values as a string or a list) and answer whether a document lets a service
#   principal perform an action, honouring wildcards, NotAction, NotPrincipal and
#   unconditional explicit Denies.
package crr.lib.iam

# statements returns a document's statements as an array. Undefined when the document
# has no Statement, so that an unknown document never looks like an empty one.
statements(doc) := doc.Statement if is_array(doc.Statement)

statements(doc) := [doc.Statement] if is_object(doc.Statement)

# as_set turns IAM's "string or list of strings" into a set of strings.
as_set(x) := {x} if is_string(x)

as_set(x) := {v | some v in x; is_string(v)} if is_array(x)

# wildcard_match is IAM's case-insensitive matching of an action pattern with * and ?.
# A pattern equal to the value (in any case) matches it: that is decided without the
# glob.
wildcard_match(pattern, value) if lower(pattern) == lower(value)

wildcard_match(pattern, value) if {
	glob.match(glob_pattern(lower(pattern)), [], lower(value))
}

# glob_pattern escapes everything but IAM's two wildcards.
glob_pattern(p) := replace(replace(glob.quote_meta(p), `\*`, "*"), `\?`, "?")

# covers_action is true when the statement's Action (or the complement of its
# NotAction) includes action.
covers_action(stmt, action) if {
	some p in as_set(stmt.Action)
	wildcard_match(p, action)
}

covers_action(stmt, action) if {
	not "Action" in object.keys(stmt)
	patterns := as_set(stmt.NotAction)
	not any_match(patterns, action)
}

any_match(patterns, value) if {
	some p in patterns
	wildcard_match(p, value)
}

# covers_service is true when the statement's Principal (or the complement of its
# NotPrincipal) includes the service principal (e.g. s3.amazonaws.com). "*" and
# {"AWS": "*"} mean everyone.
covers_service(stmt, service) if {
	everyone(stmt.Principal)
}

covers_service(stmt, service) if {
	some s in as_set(stmt.Principal.Service)
	lower(s) == service
}

covers_service(stmt, service) if {
	not "Principal" in object.keys(stmt)
	np := stmt.NotPrincipal
	not everyone(np)
	not service in {lower(s) | some s in as_set(np.Service)}
}

everyone(p) if p == "*"

everyone(p) if "*" in as_set(p.AWS)

# unconditional is true when the statement has no Condition (or an empty one).
unconditional(stmt) if not "Condition" in object.keys(stmt)

unconditional(stmt) if stmt.Condition == null

unconditional(stmt) if count(stmt.Condition) == 0

# allowing are the statements that allow service to perform action (conditions aside:
# a condition narrows who may, it does not take the service out).
allowing(doc, service, action) := [s |
	some s in statements(doc)
	s.Effect == "Allow"
	covers_service(s, service)
	covers_action(s, action)
]

# denying are the statements that always deny service the action. A Deny with a
# Condition may or may not apply; it is not counted, so it never makes a check fire.
denying(doc, service, action) := [s |
	some s in statements(doc)
	s.Effect == "Deny"
	unconditional(s)
	covers_service(s, service)
	covers_action(s, action)
]

# allows is true when doc lets service perform action and no explicit Deny removes it.
allows(doc, service, action) if {
	count(allowing(doc, service, action)) > 0
	count(denying(doc, service, action)) == 0
}
