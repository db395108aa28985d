package crr.lib.iampolicy_table_test

# Policy table: one case per rule, each labelled from the AWS page it cites (the
# expected decision was written from the page, not from running the library).

import data.crr.lib.iampolicy as ip

acct := "111122223333"

other := "444455556666"

role := "arn:aws:iam::111122223333:role/crr"

src := "arn:aws:s3:::src"

key := "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

other_key := "arn:aws:kms:eu-west-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab"

ctx := ip.replication_context(src, acct)

doc(stmts) := {"Version": "2012-10-17", "Statement": stmts}

policies(stmts) := ip.from_documents([doc(stmts)])

no_policies := ip.from_documents([])

allow_kms(actions, res) := {"Effect": "Allow", "Action": actions, "Resource": res}

# Key policy statements.
root_stmt(account) := {"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": sprintf("arn:aws:iam::%s:root", [account])}, "Action": "kms:*", "Resource": "*"}

role_stmt(actions) := {"Sid": "AllowRole", "Effect": "Allow", "Principal": {"AWS": role}, "Action": actions, "Resource": "*"}

s3_trust(cond) := doc([object.union({"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}, cond)])

# --- Conditions (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)

# StringEquals on aws:SourceAccount equal to the request's account holds.
test_condition_string_equals_holds if {
	ip.condition_result({"Condition": {"StringEquals": {"aws:SourceAccount": acct}}}, ctx) == "true"
}

# StringEquals naming another account fails.
test_condition_string_equals_other_account_fails if {
	ip.condition_result({"Condition": {"StringEquals": {"aws:SourceAccount": other}}}, ctx) == "false"
}

# Condition key names are case-insensitive
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html).
test_condition_key_names_are_case_insensitive if {
	ip.condition_result({"Condition": {"StringEquals": {"AWS:SOURCEACCOUNT": acct}}}, ctx) == "true"
}

# ArnLike with a wildcard matching the source bucket holds.
test_condition_arn_like_wildcard_holds if {
	ip.condition_result({"Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::sr*"}}}, ctx) == "true"
}

# ArnEquals naming another bucket fails.
test_condition_arn_equals_other_bucket_fails if {
	ip.condition_result({"Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:s3:::elsewhere"}}}, ctx) == "false"
}

# Several values for one key: any one matching is enough (OR)
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html).
test_condition_any_value_matches if {
	ip.condition_result({"Condition": {"ArnLike": {"aws:SourceArn": ["arn:aws:s3:::a", src]}}}, ctx) == "true"
}

# Several keys: all must hold (AND); one failing fails the statement (same page).
test_condition_all_keys_must_hold if {
	ip.condition_result({"Condition": {"StringEquals": {"aws:SourceAccount": acct}, "ArnLike": {"aws:SourceArn": "arn:aws:s3:::x"}}}, ctx) == "false"
}

# StringNotEquals is the negation of StringEquals.
test_condition_string_not_equals_negates if {
	ip.condition_result({"Condition": {"StringNotEquals": {"aws:SourceAccount": acct}}}, ctx) == "false"
	ip.condition_result({"Condition": {"StringNotEquals": {"aws:SourceAccount": other}}}, ctx) == "true"
}

# ...IfExists on a key the request carries behaves like the operator itself
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists).
test_condition_if_exists_on_present_key if {
	ip.condition_result({"Condition": {"StringEqualsIfExists": {"aws:SourceAccount": other}}}, ctx) == "false"
}

# A key the request context does not hold cannot be decided: conditional.
test_condition_unknown_key_is_unknown if {
	ip.condition_result({"Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}}, ctx) == "unknown"
}

# An operator the evaluator does not know stays unknown, never true or false.
test_condition_unknown_operator_is_unknown if {
	ip.condition_result({"Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}, ctx) == "unknown"
}

# StringLike with ? matches one character.
test_condition_string_like_question_mark if {
	ip.condition_result({"Condition": {"StringLike": {"aws:SourceAccount": "11112222333?"}}}, ctx) == "true"
}

# --- Trust policies: S3 assumes the replication role with aws:SourceArn and
# aws:SourceAccount set (https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html;
# confused deputy: https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).

test_trust_guide_policy_allows if {
	ip.trust_status(s3_trust({}), "s3.amazonaws.com", ctx) == "allowed"
}

test_trust_condition_naming_this_bucket_allows if {
	ip.trust_status(s3_trust({"Condition": {"ArnLike": {"aws:SourceArn": src}, "StringEquals": {"aws:SourceAccount": acct}}}), "s3.amazonaws.com", ctx) == "allowed"
}

test_trust_condition_naming_another_bucket_fails if {
	ip.trust_status(s3_trust({"Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::other-bucket"}}}), "s3.amazonaws.com", ctx) == "condition_fails"
}

test_trust_condition_naming_another_account_fails if {
	ip.trust_status(s3_trust({"Condition": {"StringEquals": {"aws:SourceAccount": other}}}), "s3.amazonaws.com", ctx) == "condition_fails"
}

test_trust_condition_on_unknown_key_is_conditional if {
	ip.trust_status(s3_trust({"Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}}), "s3.amazonaws.com", ctx) == "conditional"
}

# An explicit Deny whose condition holds wins
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html).
test_trust_deny_whose_condition_holds_wins if {
	d := doc([
		{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"},
		{"Effect": "Deny", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"StringNotEquals": {"aws:SourceAccount": other}}},
	])
	ip.trust_status(d, "s3.amazonaws.com", ctx) == "denied"
}

# A Deny whose condition fails does not apply.
test_trust_deny_whose_condition_fails_does_not_apply if {
	d := doc([
		{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"},
		{"Effect": "Deny", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"StringNotEquals": {"aws:SourceAccount": acct}}},
	])
	ip.trust_status(d, "s3.amazonaws.com", ctx) == "allowed"
}

test_trust_other_service_is_missing if {
	d := doc([{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}])
	ip.trust_status(d, "s3.amazonaws.com", ctx) == "missing"
}

# --- KMS key policies (https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html)

# Same account: a key policy naming the role grants it without any IAM policy.
test_key_policy_naming_the_role_grants_without_iam if {
	ip.key_status(no_policies, doc([role_stmt(["kms:Decrypt"])]), role, "kms:Decrypt", key) == "allowed"
}

# Same account: the default root statement enables IAM policies
# (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam).
test_key_policy_root_statement_enables_iam if {
	ip.key_status(policies([allow_kms(["kms:Decrypt"], key)]), doc([root_stmt(acct)]), role, "kms:Decrypt", key) == "allowed"
}

# Same account: without the root statement, IAM grants are ineffective (same page:
# "IAM policies by themselves are not sufficient").
test_key_policy_without_root_makes_iam_ineffective if {
	kp := doc([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/admin"}, "Action": "kms:*", "Resource": "*"}])
	ip.key_status(policies([allow_kms(["kms:Decrypt"], key)]), kp, role, "kms:Decrypt", key) == "key_policy"
}

# Same account: root statement but no IAM grant: missing.
test_key_policy_root_without_iam_grant_is_missing if {
	ip.key_status(no_policies, doc([root_stmt(acct)]), role, "kms:Decrypt", key) == "missing"
}

# Same account: the key policy naming the account id form works like the root ARN
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts).
test_key_policy_account_id_principal_enables_iam if {
	kp := doc([{"Effect": "Allow", "Principal": {"AWS": acct}, "Action": "kms:Decrypt", "Resource": "*"}])
	ip.key_status(policies([allow_kms("kms:Decrypt", "*")]), kp, role, "kms:Decrypt", key) == "allowed"
}

# An explicit Deny in the key policy wins over the role's grant.
test_key_policy_deny_wins if {
	kp := doc([root_stmt(acct), {"Effect": "Deny", "Principal": {"AWS": role}, "Action": "kms:Decrypt", "Resource": "*"}])
	ip.key_status(policies([allow_kms(["kms:Decrypt"], key)]), kp, role, "kms:Decrypt", key) == "denied"
}

# An explicit Deny in the role's policy wins over a key policy grant naming the role.
test_identity_deny_wins_over_key_policy_grant if {
	pol := policies([{"Effect": "Deny", "Action": "kms:*", "Resource": "*"}])
	ip.key_status(pol, doc([role_stmt(["kms:Decrypt"])]), role, "kms:Decrypt", key) == "denied"
}

# A permissions boundary that leaves the action out limits a key policy grant to the
# role ARN (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html,
# permissions boundaries and resource-based policies).
test_boundary_limits_key_policy_grant if {
	pol := ip.with_boundary(no_policies, doc([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]))
	ip.key_status(pol, doc([role_stmt(["kms:Decrypt"])]), role, "kms:Decrypt", key) == "boundary"
}

# A key policy grant to the role under a Condition (kms:ViaService) is conditional.
test_key_policy_conditional_grant if {
	kp := doc([object.union(role_stmt(["kms:Decrypt"]), {"Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}})])
	ip.key_status(no_policies, kp, role, "kms:Decrypt", key) == "conditional"
}

# Cross-account: both the key policy and the role's IAM policy must allow it
# (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html).
test_cross_account_key_needs_both_allowed if {
	ip.key_status(policies([allow_kms(["kms:Encrypt"], other_key)]), doc([root_stmt(other), {"Effect": "Allow", "Principal": {"AWS": sprintf("arn:aws:iam::%s:root", [acct])}, "Action": "kms:Encrypt", "Resource": "*"}]), role, "kms:Encrypt", other_key) == "allowed"
}

test_cross_account_key_policy_alone_is_missing if {
	ip.key_status(no_policies, doc([root_stmt(other), role_stmt(["kms:Encrypt"])]), role, "kms:Encrypt", other_key) == "missing"
}

test_cross_account_iam_alone_is_not_granted_by_the_key_policy if {
	ip.key_status(policies([allow_kms(["kms:Encrypt"], other_key)]), doc([root_stmt(other)]), role, "kms:Encrypt", other_key) == "key_policy"
}

# --- Identity policies (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html)

# Same account: either the identity policy or the resource policy may grant.
test_same_account_bucket_policy_naming_the_role_grants if {
	bp := doc([{"Effect": "Allow", "Principal": {"AWS": role}, "Action": "s3:ReplicateObject", "Resource": "arn:aws:s3:::dst/*"}])
	ip.same_account_status(no_policies, bp, role, "s3:ReplicateObject", "arn:aws:s3:::dst/*") == "allowed"
}

# NotAction allows everything but the listed actions
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html).
test_not_action_excludes_listed_actions if {
	pol := policies([{"Effect": "Allow", "NotAction": "s3:ReplicateDelete", "Resource": "*"}])
	ip.status(pol, "s3:ReplicateObject", "arn:aws:s3:::dst/k") == "allowed"
	ip.status(pol, "s3:ReplicateDelete", "arn:aws:s3:::dst/k") == "missing"
}

# Action names are case-insensitive, resources case-sensitive
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html,
# .../reference_policies_elements_resource.html).
test_action_case_insensitive_resource_case_sensitive if {
	ip.status(policies([allow_kms("S3:REPLICATEOBJECT", "arn:aws:s3:::dst/*")]), "s3:ReplicateObject", "arn:aws:s3:::dst/k") == "allowed"
	ip.status(policies([allow_kms("s3:ReplicateObject", "arn:aws:s3:::DST/*")]), "s3:ReplicateObject", "arn:aws:s3:::dst/k") == "missing"
}
