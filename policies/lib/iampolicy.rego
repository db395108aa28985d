# METADATA
# title: IAM policy evaluation
# description: >-
#   Answer "does this principal's policy set allow action A on resource R" the way AWS
#   evaluates it for replication questions: Allow and Deny statements; Action/NotAction
#   and Resource/NotResource with * and ? wildcards (actions case-insensitive, resources
#   case-sensitive); string-or-list fields; a Statement that is one object or a list;
#   identity policies (inline and attached managed) limited by a permissions boundary;
#   an explicit Deny always wins. A grant whose statement carries a Condition is a
#   conditional grant, reported apart from an unconditional one. Resource policies
#   (bucket policies, key policies) are judged for a principal: a role ARN, its
#   account's root ARN, its account id, or everyone ("*").
package crr.lib.iampolicy

import data.crr.lib.arn
import data.crr.lib.iam

# ---------------------------------------------------------------------------------
# Statements

# statements are a document's statements ([] when it has none or is not a document).
statements(doc) := s if {
	s := iam.statements(doc)
} else := []

has_key(obj, key) if {
	is_object(obj)
	key in object.keys(obj)
}

# action_match is IAM's case-insensitive matching of an action pattern (* and ?). A
# pattern equal to the action (in any case) matches it: that is decided without the
# glob.
action_match(pattern, action) if {
	is_string(pattern)
	lower(pattern) == lower(action)
}

action_match(pattern, action) if {
	is_string(pattern)
	glob.match(glob_of(lower(pattern)), null, lower(action))
}

# resource_match is IAM's case-sensitive matching of a resource pattern (* and ?; a
# policy variable such as ${aws:username} matches like *, see conditional). A * may
# span "/" and ":". A pattern equal to the resource matches it without the glob.
resource_match(pattern, resource) if {
	is_string(pattern)
	pattern == resource
}

resource_match(pattern, resource) if {
	is_string(pattern)
	glob.match(glob_of(regex.replace(pattern, `\$\{[^}]*\}`, "*")), null, resource)
}

# glob_of escapes everything but IAM's two wildcards.
glob_of(p) := replace(replace(glob.quote_meta(p), `\*`, "*"), `\?`, "?")

# covers_action is true when the statement's Action, or the complement of its
# NotAction, includes action.
covers_action(stmt, action) if {
	has_key(stmt, "Action")
	some p in iam.as_set(stmt.Action)
	action_match(p, action)
}

covers_action(stmt, action) if {
	not has_key(stmt, "Action")
	has_key(stmt, "NotAction")
	not any_action(iam.as_set(stmt.NotAction), action)
}

any_action(patterns, action) if {
	some p in patterns
	action_match(p, action)
}

# covers_resource is true when the statement's Resource, or the complement of its
# NotResource, includes resource. To ask whether a statement covers every object of a
# bucket, pass the pattern itself (arn:aws:s3:::b/*): only patterns as broad match it.
covers_resource(stmt, resource) if {
	has_key(stmt, "Resource")
	some p in iam.as_set(stmt.Resource)
	resource_match(p, resource)
}

covers_resource(stmt, resource) if {
	not has_key(stmt, "Resource")
	has_key(stmt, "NotResource")
	not any_resource(iam.as_set(stmt.NotResource), resource)
}

any_resource(patterns, resource) if {
	some p in patterns
	resource_match(p, resource)
}

# matches is true when the statement is about action on resource (its effect and
# principal aside).
matches(stmt, action, resource) if {
	is_object(stmt)
	covers_action(stmt, action)
	covers_resource(stmt, resource)
}

# conditional is true for a statement that holds only in some requests: it has a
# non-empty Condition, or its resources use a policy variable.
conditional(stmt) if {
	is_object(stmt.Condition)
	count(stmt.Condition) > 0
}

conditional(stmt) if {
	some field in ["Resource", "NotResource"]
	some p in iam.as_set(object.get(stmt, field, []))
	contains(p, "${")
}

# allows_in(doc, ...) are the statements of doc with Effect Allow about action on
# resource; denies_in the ones with Effect Deny (principals are not looked at).
allows_in(doc, action, resource) := [s |
	some s in statements(doc)
	s.Effect == "Allow"
	matches(s, action, resource)
]

denies_in(doc, action, resource) := [s |
	some s in statements(doc)
	s.Effect == "Deny"
	matches(s, action, resource)
]

# ---------------------------------------------------------------------------------
# Policy sets (identity policies and a permissions boundary)

# A policy set is {"identity": [entry], "boundary": entry | null}; an entry is
# {"kind": "inline"|"managed"|"boundary", "name", "arn", "document"}.

# role_policies is the policy set of a scanner.Role: its inline policies
# (RolePolicies[].PolicyDocument), its attached managed policies
# (AttachedPolicies[].Document) and its PermissionsBoundary.
role_policies(role) := {
	"identity": array.concat(inline_entries(role), managed_entries(role)),
	"boundary": boundary_entry(role),
}

inline_entries(role) := [{"kind": "inline", "name": object.get(p, "PolicyName", ""), "arn": "", "document": object.get(p, "PolicyDocument", null)} |
	some p in list_of(object.get(role, "RolePolicies", []))
]

managed_entries(role) := [{"kind": "managed", "name": object.get(p, "PolicyName", ""), "arn": object.get(p, "PolicyArn", ""), "document": object.get(p, "Document", null)} |
	some p in list_of(object.get(role, "AttachedPolicies", []))
]

boundary_entry(role) := {
	"kind": "boundary",
	"name": object.get(b, "PolicyName", ""),
	"arn": object.get(b, "PolicyArn", ""),
	"document": object.get(b, "Document", null),
} if {
	b := role.PermissionsBoundary
	is_object(b)
} else := null

list_of(x) := x if is_array(x)
else := []

# from_documents is the policy set of bare identity documents (no boundary).
from_documents(docs) := {
	"identity": [{"kind": "inline", "name": sprintf("#%d", [i + 1]), "arn": "", "document": d} | some i, d in docs],
	"boundary": null,
}

# with_boundary adds a permissions boundary document to a policy set.
with_boundary(policies, doc) := object.union(policies, {"boundary": {"kind": "boundary", "name": "", "arn": "", "document": doc}})

# known is true when every document of the policy set was read and parsed.
known(policies) if {
	every e in policies.identity {
		is_object(e.document)
	}
	boundary_known(policies)
}

boundary_known(policies) if object.get(policies, "boundary", null) == null

boundary_known(policies) if is_object(policies.boundary.document)

# role_known is true when the role exists and all of its policy documents are known.
role_known(role) if {
	role.Exists == true
	known(role_policies(role))
}

entries(policies) := array.concat(policies.identity, boundary_list(policies))

boundary_list(policies) := [b] if {
	b := object.get(policies, "boundary", null)
	b != null
} else := []

has_boundary(policies) if object.get(policies, "boundary", null) != null

# denied is true when an unconditional explicit Deny in an identity policy or the
# boundary covers action on resource. A Deny with a Condition may or may not apply: it
# is reported by conditionally_denied and never counts as a Deny here.
denied(policies, action, resource) if {
	some e in entries(policies)
	some s in denies_in(e.document, action, resource)
	not conditional(s)
}

# conditionally_denied is true when only Denies with a Condition cover the request.
conditionally_denied(policies, action, resource) if {
	not denied(policies, action, resource)
	some e in entries(policies)
	some _ in denies_in(e.document, action, resource)
}

identity_allows(policies, action, resource) if {
	some e in policies.identity
	some s in allows_in(e.document, action, resource)
	not conditional(s)
}

identity_grants(policies, action, resource) if {
	some e in policies.identity
	some _ in allows_in(e.document, action, resource)
}

boundary_allows(policies, _, _) if not has_boundary(policies)

boundary_allows(policies, action, resource) if {
	some s in allows_in(policies.boundary.document, action, resource)
	not conditional(s)
}

boundary_grants(policies, _, _) if not has_boundary(policies)

boundary_grants(policies, action, resource) if {
	some _ in allows_in(policies.boundary.document, action, resource)
}

# allowed is true when the identity policies allow action on resource without a
# condition, the boundary (if any) allows it without a condition, and no explicit
# Deny removes it.
allowed(policies, action, resource) if {
	identity_allows(policies, action, resource)
	boundary_allows(policies, action, resource)
	not denied(policies, action, resource)
}

# conditionally_allowed is true when the action is granted, but only under a Condition
# (of an identity statement or of the boundary): not allowed unconditionally.
conditionally_allowed(policies, action, resource) if {
	not allowed(policies, action, resource)
	identity_grants(policies, action, resource)
	boundary_grants(policies, action, resource)
	not denied(policies, action, resource)
}

# granted is allowed or conditionally_allowed.
granted(policies, action, resource) if allowed(policies, action, resource)

granted(policies, action, resource) if conditionally_allowed(policies, action, resource)

# boundary_blocks is true when an identity policy grants the action but the
# permissions boundary does not.
boundary_blocks(policies, action, resource) if {
	identity_grants(policies, action, resource)
	not boundary_grants(policies, action, resource)
	not denied(policies, action, resource)
}

# status sums the decision up: "denied" (explicit Deny), "allowed", "conditional"
# (granted only under a Condition), "boundary" (granted but outside the permissions
# boundary) or "missing" (no statement grants it).
status(policies, action, resource) := "denied" if denied(policies, action, resource)
else := "allowed" if allowed(policies, action, resource)
else := "conditional" if conditionally_allowed(policies, action, resource)
else := "boundary" if boundary_blocks(policies, action, resource)
else := "missing"

# plain_grants are [lower-cased action, resource] pairs of requests that status
# decides "allowed" without looking further: each pairs an action and a resource
# pattern of an Allow statement without a condition in an identity policy, in a policy
# set without a permissions boundary and without a Deny statement. Asking for such an
# action (in any case) on that very resource string is allowed: an action or resource
# pattern always matches itself. A request outside the set may be allowed too (through
# wildcards): ask status. Undefined for a set with a boundary or a Deny statement.
plain_grants(policies) := {[lower(a), r] |
	some e in policies.identity
	some s in statements(e.document)
	s.Effect == "Allow"
	# not conditional(s), tested more strictly but with builtins only: no Condition
	# but an empty one, no NotResource, no policy variable in Resource.
	count(object.get(s, "Condition", {})) == 0
	not s.NotResource
	rs := iam.as_set(s.Resource)
	not contains(concat("|", rs), "${")
	some a in iam.as_set(s.Action)
	some r in rs
} if {
	object.get(policies, "boundary", null) == null
	not has_deny(policies)
}

has_deny(policies) if {
	some e in policies.identity
	some s in statements(e.document)
	s.Effect == "Deny"
}

# denying are the unconditional Deny statements that remove action on resource, each
# as {"policy": label of the policy, "statement": the statement}.
denying(policies, action, resource) := [{"policy": label(e), "entry": e, "statement": s} |
	some e in entries(policies)
	some s in denies_in(e.document, action, resource)
	not conditional(s)
]

# conditions are the Condition blocks of the statements that grant action on resource
# only conditionally.
conditions(policies, action, resource) := [s.Condition |
	some e in policies.identity
	some s in allows_in(e.document, action, resource)
	conditional(s)
	has_key(s, "Condition")
]

# label names a policy set entry in a message.
label(e) := sprintf("inline policy %q", [e.name]) if e.kind == "inline"
else := sprintf("managed policy %s", [e.arn]) if {
	e.kind == "managed"
	e.arn != ""
} else := sprintf("permissions boundary %s", [e.arn]) if {
	e.kind == "boundary"
	e.arn != ""
} else := "the permissions boundary" if e.kind == "boundary"
else := sprintf("policy %q", [e.name])

# sid names a statement in a message.
sid(s) := sprintf("Sid %q", [s.Sid]) if {
	is_string(s.Sid)
	s.Sid != ""
} else := "a statement without Sid"

# ---------------------------------------------------------------------------------
# Resource policies (bucket policies, key policies)

# principal_ids are the Principal values that name principal: a role (or user) ARN,
# its account's root ARN and its account id. For an account id or root ARN, the
# account's two forms.
principal_ids(principal) := {principal, root, a.account} if {
	a := arn.parse(principal)
	a.service == "iam"
	a.account != ""
	root := sprintf("arn:%s:iam::%s:root", [a.partition, a.account])
}

principal_ids(principal) := {principal, sprintf("arn:aws:iam::%s:root", [principal])} if {
	is_string(principal)
	regex.match(`^[0-9]{12}$`, principal)
}

# everyone is the Principal "*" or {"AWS": "*"}.
everyone(p) if p == "*"

everyone(p) if "*" in iam.as_set(p.AWS)

aws_principals(p) := iam.as_set(p.AWS) if has_key(p, "AWS")
else := set()

# covers_principal is true when the statement's Principal (or the complement of its
# NotPrincipal) includes principal: by its ARN, its account or everyone.
covers_principal(stmt, principal) if everyone(stmt.Principal)

covers_principal(stmt, principal) if {
	some p in aws_principals(stmt.Principal)
	p in principal_ids(principal)
}

covers_principal(stmt, principal) if {
	not has_key(stmt, "Principal")
	np := stmt.NotPrincipal
	not everyone(np)
	count(aws_principals(np) & principal_ids(principal)) == 0
}

# names_principal is true when the statement's Principal names principal itself (its
# exact ARN) or everyone; a grant to the account alone does not count.
names_principal(stmt, principal) if everyone(stmt.Principal)

names_principal(stmt, principal) if principal in aws_principals(stmt.Principal)

resource_allows_in(doc, principal, action, resource) := [s |
	some s in statements(doc)
	s.Effect == "Allow"
	covers_principal(s, principal)
	matches(s, action, resource)
]

resource_denies_in(doc, principal, action, resource) := [s |
	some s in statements(doc)
	s.Effect == "Deny"
	covers_principal(s, principal)
	matches(s, action, resource)
]

# resource_denied is true when an unconditional Deny of the resource policy covers the
# principal's request.
resource_denied(doc, principal, action, resource) if {
	some s in resource_denies_in(doc, principal, action, resource)
	not conditional(s)
}

# resource_allowed is true when the resource policy grants principal (by ARN, its
# account, or everyone) action on resource without a condition, and no Deny of the
# policy removes it.
resource_allowed(doc, principal, action, resource) if {
	some s in resource_allows_in(doc, principal, action, resource)
	not conditional(s)
	not resource_denied(doc, principal, action, resource)
}

# resource_conditionally_allowed is true when the resource policy grants it only under
# a Condition.
resource_conditionally_allowed(doc, principal, action, resource) if {
	not resource_allowed(doc, principal, action, resource)
	some _ in resource_allows_in(doc, principal, action, resource)
	not resource_denied(doc, principal, action, resource)
}

# resource_granted is resource_allowed or resource_conditionally_allowed.
resource_granted(doc, principal, action, resource) if resource_allowed(doc, principal, action, resource)

resource_granted(doc, principal, action, resource) if resource_conditionally_allowed(doc, principal, action, resource)

# resource_status is "denied", "allowed", "conditional" or "missing".
resource_status(doc, principal, action, resource) := "denied" if resource_denied(doc, principal, action, resource)
else := "allowed" if resource_allowed(doc, principal, action, resource)
else := "conditional" if resource_conditionally_allowed(doc, principal, action, resource)
else := "missing"

# resource_names_granted is true when the resource policy grants the principal itself
# (its exact ARN, or everyone) action on resource, conditions included: a grant that
# needs no identity policy in the same account.
resource_names_granted(doc, principal, action, resource) if {
	some s in resource_allows_in(doc, principal, action, resource)
	names_principal(s, principal)
	not resource_denied(doc, principal, action, resource)
}

# resource_denying are the unconditional Deny statements of the resource policy that
# cover the principal's request.
resource_denying(doc, principal, action, resource) := [s |
	some s in resource_denies_in(doc, principal, action, resource)
	not conditional(s)
]

# ---------------------------------------------------------------------------------
# Identity and resource policy together (same account)

# same_account_status is the decision for a principal whose identity policies are
# policies, on a resource whose resource policy is doc (null: none), both in one
# account: either side may grant (a resource policy only by naming the principal's
# ARN or everyone); the boundary limits both; a Deny on either side wins.
same_account_status(policies, doc, principal, action, resource) := "denied" if {
	denied(policies, action, resource)
} else := "denied" if {
	resource_denied(doc, principal, action, resource)
} else := "allowed" if {
	either_allows(policies, doc, principal, action, resource)
	boundary_allows(policies, action, resource)
} else := "conditional" if {
	either_grants(policies, doc, principal, action, resource)
	boundary_grants(policies, action, resource)
} else := "boundary" if {
	either_grants(policies, doc, principal, action, resource)
} else := "missing"

either_allows(policies, _, _, action, resource) if identity_allows(policies, action, resource)

either_allows(_, doc, principal, action, resource) if {
	some s in resource_allows_in(doc, principal, action, resource)
	names_principal(s, principal)
	not conditional(s)
}

either_grants(policies, _, _, action, resource) if identity_grants(policies, action, resource)

either_grants(_, doc, principal, action, resource) if resource_names_granted(doc, principal, action, resource)

# ---------------------------------------------------------------------------------
# Conditions on the keys a request is known to carry

# A context is an object of condition keys (lower case) to the value a request
# carries, e.g. {"aws:sourcearn": "arn:aws:s3:::src", "aws:sourceaccount": "111122223333"}
# for S3 assuming a replication role for bucket src. condition_result evaluates a
# statement's Condition against it (IAM condition operators:
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html;
# several operators and keys must all hold, any one value of a key matches:
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html):
# "true" (no Condition, or every operator on known keys holds), "false" (some
# operator on a known key fails) or "unknown" (a key the context does not hold, or
# an operator this evaluator does not know).
condition_result(stmt, ctx) := "true" if not condition_blocks(stmt)
else := "false" if {
	some op, keys in stmt.Condition
	some key, values in keys
	condition_term(op, key, values, ctx) == "false"
} else := "unknown" if {
	some op, keys in stmt.Condition
	some key, values in keys
	condition_term(op, key, values, ctx) == "unknown"
} else := "true"

condition_blocks(stmt) if {
	is_object(stmt.Condition)
	count(stmt.Condition) > 0
}

# string_operators are the operators evaluated: name (lower case) → [compare, negated].
string_operators := {
	"stringequals": ["equals", false],
	"stringnotequals": ["equals", true],
	"stringequalsignorecase": ["equals_ignore_case", false],
	"stringnotequalsignorecase": ["equals_ignore_case", true],
	"stringlike": ["like", false],
	"stringnotlike": ["like", true],
	"arnequals": ["like", false],
	"arnlike": ["like", false],
	"arnnotequals": ["like", true],
	"arnnotlike": ["like", true],
}

# condition_term is one operator on one key: "true", "false" or "unknown". An
# IfExists operator on a key the context holds is the operator itself.
condition_term(op, key, values, ctx) := "unknown" if not operator_known(op)
else := "unknown" if not has_key(ctx, lower(key))
else := result(operator_of(op), matched(operator_of(op)[0], iam.as_set(values), ctx[lower(key)]))

operator_known(op) if operator_of(op)

operator_of(op) := string_operators[trim_suffix(lower(op), "ifexists")]

matched(compare, values, v) := true if any_value_matches(compare, values, v)
else := false

any_value_matches(compare, values, v) if {
	some p in values
	value_match(compare, p, v)
}

value_match("equals", p, v) if p == v

value_match("equals_ignore_case", p, v) if lower(p) == lower(v)

value_match("like", p, v) if glob.match(glob_of(p), null, v)

result(operator, matched) := "true" if {
	not operator[1]
	matched
} else := "false" if not operator[1]
else := "false" if matched
else := "true"

# replication_context is what S3 sends when it assumes a bucket's replication role:
# the source bucket's ARN and its owner's account (the confused-deputy keys AWS
# documents for the replication role's trust policy:
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html).
replication_context(bucket_arn, account) := {"aws:sourcearn": bucket_arn, "aws:sourceaccount": account}

# trust_status says whether service may assume a role whose trust policy is doc, for
# a request carrying ctx: "denied" (a Deny whose condition holds), "allowed" (an
# Allow whose condition holds), "conditional" (an Allow whose condition the context
# cannot decide, or a Deny it cannot decide beside an Allow that holds),
# "condition_fails" (every Allow names something else: another bucket or account)
# or "missing" (no Allow for the service).
trust_status(doc, service, ctx) := "denied" if {
	some s in trust_statements(doc, service, "Deny")
	condition_result(s, ctx) == "true"
} else := "allowed" if {
	some s in trust_statements(doc, service, "Allow")
	condition_result(s, ctx) == "true"
	not trust_maybe_denied(doc, service, ctx)
} else := "conditional" if {
	some s in trust_statements(doc, service, "Allow")
	condition_result(s, ctx) != "false"
} else := "condition_fails" if {
	count(trust_statements(doc, service, "Allow")) > 0
} else := "missing"

trust_maybe_denied(doc, service, ctx) if {
	some s in trust_statements(doc, service, "Deny")
	condition_result(s, ctx) == "unknown"
}

trust_statements(doc, service, effect) := [s |
	some s in statements(doc)
	s.Effect == effect
	iam.covers_service(s, service)
	iam.covers_action(s, "sts:AssumeRole")
]

# failing_conditions are the Allow statements for service whose Condition the context
# refutes (each names another bucket or account).
failing_conditions(doc, service, ctx) := [s |
	some s in trust_statements(doc, service, "Allow")
	condition_result(s, ctx) == "false"
]

# ---------------------------------------------------------------------------------
# KMS keys: the key policy is the primary access control

# key_status is the decision for principal (a role ARN) using action on a KMS key
# (key_arn) whose key policy is doc, with the principal's identity policy set
# policies. "Every KMS key must have exactly one key policy" and "no AWS principal
# ... has any permissions to a KMS key unless that permission is explicitly allowed
# in a key policy" (https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html);
# the default statement for the account "enables IAM policies"
# (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam):
#   - same account: a key policy statement naming the principal itself grants it
#     without any IAM policy; one naming the account (root ARN or id) lets the IAM
#     policies decide; a key policy naming neither makes IAM grants ineffective;
#   - another account: both the key policy (naming the principal or its account) and
#     the principal's IAM policies must allow it
#     (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html);
#   - an explicit Deny in either wins; a permissions boundary limits every grant to a
#     role ARN (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html).
# Returns "denied", "allowed", "conditional", "boundary", "key_policy" (same account:
# the key policy names neither the principal nor its account for the action, so no
# IAM policy can grant it; another account: the IAM policies grant it, the key policy
# does not) or "missing" (the key policy lets IAM policies decide, and they do not
# grant it).
key_status(policies, doc, principal, action, key_arn) := "denied" if {
	denied(policies, action, key_arn)
} else := "denied" if {
	resource_denied(doc, principal, action, key_arn)
} else := st if {
	same_account(principal, key_arn)
	st := key_same_account(policies, doc, principal, action, key_arn)
} else := key_cross_account(policies, doc, principal, action, key_arn)

same_account(principal, resource_arn) if arn.parse(principal).account == arn.parse(resource_arn).account

key_same_account(policies, doc, principal, action, key_arn) := "allowed" if {
	key_names_allows(doc, principal, action, key_arn)
	boundary_allows(policies, action, key_arn)
} else := "allowed" if {
	key_enables_iam(doc, principal, action, key_arn, false)
	allowed(policies, action, key_arn)
} else := "conditional" if {
	resource_names_granted(doc, principal, action, key_arn)
	boundary_grants(policies, action, key_arn)
} else := "conditional" if {
	key_enables_iam(doc, principal, action, key_arn, true)
	granted(policies, action, key_arn)
} else := "boundary" if {
	resource_names_granted(doc, principal, action, key_arn)
} else := "boundary" if {
	key_enables_iam(doc, principal, action, key_arn, true)
	boundary_blocks(policies, action, key_arn)
} else := "key_policy" if {
	not key_grants_any(doc, principal, action, key_arn)
} else := "missing"

# key_grants_any: some key policy statement names the principal or its account for
# the action (conditions aside).
key_grants_any(doc, principal, action, key_arn) if count(resource_allows_in(doc, principal, action, key_arn)) > 0

key_cross_account(policies, doc, principal, action, key_arn) := "allowed" if {
	allowed(policies, action, key_arn)
	resource_allowed(doc, principal, action, key_arn)
} else := "conditional" if {
	granted(policies, action, key_arn)
	resource_granted(doc, principal, action, key_arn)
} else := "key_policy" if {
	granted(policies, action, key_arn)
} else := "boundary" if {
	boundary_blocks(policies, action, key_arn)
} else := "missing"

# key_names_allows: a statement naming the principal itself (or everyone) allows it
# without a condition.
key_names_allows(doc, principal, action, key_arn) if {
	some s in resource_allows_in(doc, principal, action, key_arn)
	names_principal(s, principal)
	not conditional(s)
}

# key_enables_iam: a statement naming the principal's account (root ARN or id)
# allows the action (with any condition when with_conditions), so that IAM policies
# count.
key_enables_iam(doc, principal, action, key_arn, with_conditions) if {
	some s in resource_allows_in(doc, principal, action, key_arn)
	not names_principal(s, principal)
	any_condition_ok(s, with_conditions)
}

any_condition_ok(_, true)

any_condition_ok(s, false) if not conditional(s)

# ---------------------------------------------------------------------------------
# Building fixes

# without is doc with the statements in drop removed (Statement always a list).
without(doc, drop) := object.union(doc, {"Statement": [s | some s in statements(doc); not s in drop]})

# adding is doc (null: a new document) with the statements appended.
adding(doc, stmts) := object.union(doc, {"Statement": array.concat(statements(doc), stmts)}) if is_object(doc)
else := {"Version": "2012-10-17", "Statement": stmts}

# inline_document is the document of the role's inline policy called name.
inline_document(role, name) := p.PolicyDocument if {
	some p in list_of(object.get(role, "RolePolicies", []))
	p.PolicyName == name
	is_object(p.PolicyDocument)
}

# merged_inline is the role's inline policy called name (a new document when it has
# none) with the statements added, so that writing it back keeps what it already grants.
merged_inline(role, name, stmts) := adding(inline_document(role, name), stmts) if {
	inline_document(role, name)
} else := adding(null, stmts)

# ---------------------------------------------------------------------------------
# Replication resources and findings

# rule_prefix is the key prefix a replication rule selects ("" for the whole bucket or
# a tag-only filter): Filter.Prefix, Filter.And.Prefix, or a V1 rule's Prefix.
rule_prefix(rule) := p if {
	p := rule.Filter.Prefix
	is_string(p)
} else := p if {
	p := rule.Filter.And.Prefix
	is_string(p)
} else := p if {
	not has_key(rule, "Filter")
	p := rule.Prefix
	is_string(p)
} else := ""

# objects_of is the resource pattern of a bucket's objects under a key prefix
# (arn:aws:s3:::b/* for the whole bucket). Asking about it as a resource asks whether
# a statement covers every such object.
objects_of(bucket_arn, prefix) := sprintf("%s/%s*", [bucket_arn, prefix])

# role_name is the role's name: RoleName, or the last segment of its ARN.
role_name(role, role_arn) := role.RoleName if {
	is_string(role.RoleName)
	role.RoleName != ""
} else := arn.role_name(role_arn)

# role_arn is the role's ARN: Arn, or the ARN the configuration names.
role_arn(role, configured) := role.Arn if {
	is_string(role.Arn)
	role.Arn != ""
} else := configured

# need is the decision for one permission the role needs: {Action, Resource, Reason,
# By}. Reason is a status (allowed, conditional, denied, boundary, missing; checks may
# add not_granted_by, for a resource policy By names, that does not grant it), decided
# with same_account_status over the role's policy set and the resource policy doc
# (null: none) that doc_label names; By names the policies and statements that deny it
# or the boundary that leaves it out.
need(policies, doc, doc_label, principal, action, resource) := {
	"Action": action,
	"Resource": resource,
	"Reason": st,
	"By": by(st, policies, doc, doc_label, principal, action, resource),
} if {
	st := same_account_status(policies, doc, principal, action, resource)
}

by("denied", policies, doc, doc_label, principal, action, resource) := array.concat(
	[sprintf("%s (%s)", [d.policy, sid(d.statement)]) | some d in denying(policies, action, resource)],
	[sprintf("%s (%s)", [doc_label, sid(s)]) | some s in resource_denying(doc, principal, action, resource)],
)

by("boundary", policies, _, _, _, _, _) := [label(policies.boundary)]

by(st, _, _, _, _, _, _) := [] if not st in {"denied", "boundary"}

# reason_text says why a need is not met, for a message.
reason_text(n) := "not granted" if n.Reason == "missing"
else := "granted only under a Condition" if n.Reason == "conditional"
else := sprintf("outside %s", [concat(", ", sort({b | some b in n.By}))]) if n.Reason == "boundary"
else := sprintf("removed by an explicit Deny in %s", [concat(", ", sort({b | some b in n.By}))]) if n.Reason == "denied"
else := sprintf("not granted by %s", [concat(", ", sort({b | some b in n.By}))]) if n.Reason == "not_granted_by"
else := n.Reason

# summary describes unmet needs grouped by resource and reason, in the needs' order:
# "s3:ReplicateObject, s3:ReplicateDelete on arn:aws:s3:::dst/* (not granted); ...".
summary(needs) := concat("; ", [part |
	some i, n in needs
	not seen_before(needs, i, n)
	same := [m | some m in needs; m.Resource == n.Resource; m.Reason == n.Reason]
	by_all := [b | some m in same; some b in m.By]
	part := sprintf("%s on %s (%s)", [
		concat(", ", [m.Action | some m in same]),
		n.Resource,
		reason_text(object.union(n, {"By": by_all})),
	])
])

seen_before(needs, i, n) if {
	some j, m in needs
	j < i
	m.Resource == n.Resource
	m.Reason == n.Reason
}

# aws_managed is true for a policy ARN that AWS owns (it cannot be edited).
aws_managed(policy_arn) if arn.parse(policy_arn).account == "aws"
