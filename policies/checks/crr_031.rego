# METADATA
# title: Replication role cannot be assumed by S3
# description: >-
#   The replication role's trust policy does not let the S3 service principal
#   (s3.amazonaws.com) perform sts:AssumeRole, or an explicit Deny takes that away.
#   Objects then fail to replicate with AssumeRoleNotPermitted.
# custom:
#   id: CRR-031
#   severity: critical
#   guide: "Step 2 — create an IAM role that S3 can assume, with the replication permissions"
#   remediation: >-
#     Replace the role's trust policy with one that lets s3.amazonaws.com perform
#     sts:AssumeRole. The suggested document keeps the statements that do not block S3,
#     drops the Deny statements that do, and adds S3's statement with an
#     aws:SourceAccount condition against the confused deputy.
#   requires: [replication, role]
#   applies_when: [replicates]
#   compliance:
#     aws-securityhub: [S3.7]
#     nist-800-53-r5: [AU-9(2), CP-6, CP-6(1), CP-6(2), CP-9, CP-10, SC-5(2), SC-36(2), SI-13(5)]
#     pci-dss-v3.2.1: ["2.2"]
package crr.checks.crr_031

import data.crr.lib.arn
import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.iam
import data.crr.lib.iampolicy as ip
import data.crr.lib.replication as repl
import data.crr.lib.shared

service := "s3.amazonaws.com"

action := "sts:AssumeRole"

applies if {
	repl.has_config
	judgeable
}

applies if errors.unreadable("replication")

judgeable if {
	input.role.Exists == true
	is_object(input.role.AssumeRolePolicyDocument)
}

judgeable if errors.unreadable("role")

deny contains f if {
	repl.has_config
	input.role.Exists == true
	doc := input.role.AssumeRolePolicyDocument
	is_object(doc)
	blocked(doc)
	name := role_name
	f := {
		"msg": sprintf("Replication role %s of bucket %s cannot be assumed by %s: %s", [
			name, input.bucket.Name, service, reason(doc),
		]),
		"resource_arn": role_arn,
		"evidence": {"Role": role_arn, "AssumeRolePolicyDocument": doc},
		"commands": [cli.update_assume_role_policy(name, "trust-policy.json")],
		"documents": {"trust-policy.json": fixed(doc)},
	}
}

# ctx is what S3 sends when it assumes the role for this bucket: aws:SourceArn and
# aws:SourceAccount, so trust-policy conditions on them are judged.
ctx := ip.replication_context(input.bucket.Arn, input.bucket.AccountId)

blocked(doc) if not iam.allows(doc, service, action)

blocked(doc) if ip.trust_status(doc, service, ctx) in {"denied", "condition_fails"}

role_arn := object.get(input.role, "Arn", repl.config.Role)

role_name := input.role.RoleName if {
	is_string(input.role.RoleName)
	input.role.RoleName != ""
} else := arn.role_name(role_arn)

reason(doc) := sprintf("an explicit Deny statement (%s) takes sts:AssumeRole away", [statement_names(iam.denying(doc, service, action))]) if {
	count(iam.denying(doc, service, action)) > 0
} else := "an explicit Deny statement whose condition holds for this bucket takes sts:AssumeRole away" if {
	ip.trust_status(doc, service, ctx) == "denied"
} else := sprintf("the condition of every Allow statement (%s) names another bucket or account than %s (%s), so S3 cannot assume it for this bucket (objects fail with AssumeRoleNotPermitted)", [
	statement_names(ip.failing_conditions(doc, service, ctx)), input.bucket.Name, input.bucket.AccountId,
]) if {
	ip.trust_status(doc, service, ctx) == "condition_fails"
} else := "no Allow statement grants it sts:AssumeRole"

statement_names(stmts) := concat(", ", [name |
	some i, s in stmts
	name := statement_name(i, s)
])

statement_name(_, s) := sprintf("Sid %q", [s.Sid]) if {
	is_string(s.Sid)
	s.Sid != ""
} else := "without Sid"

# fixed keeps what does not block S3 and adds S3's statement.
fixed(doc) := {
	"Version": object.get(doc, "Version", "2012-10-17"),
	"Statement": array.concat(kept(doc), [shared.s3_trust_statement]),
}

kept(doc) := [s |
	some s in statements_or_empty(doc)
	not blocks(s)
	not refuted(s)
]

# refuted: an Allow for S3 whose condition names another bucket or account.
refuted(s) if s in ip.failing_conditions({"Statement": [s]}, service, ctx)

statements_or_empty(doc) := s if {
	s := iam.statements(doc)
} else := []

blocks(s) if count(iam.denying({"Statement": [s]}, service, action)) > 0
