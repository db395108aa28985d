# METADATA
# title: Destination bucket is publicly accessible
# description: >-
#   A destination bucket has a bucket policy that allows everyone (Principal "*",
#   {"AWS": "*"} or a NotPrincipal) without a Condition that pins the caller (source
#   VPC, endpoint, IP range, account, organization or principal), and no public access
#   block with RestrictPublicBuckets to disarm it. Every replicated object is then
#   readable (or writable) by anyone: the replica leaks what the source protects. Judged
#   when the destination's public access block and policy were read (either one alone
#   may be enough to clear it); ACLs and the account-level public access block are not
#   read, so an account-wide block can make a finding moot.
# custom:
#   id: CRR-025
#   severity: high
#   guide: "Destination bucket settings (block public access on replicas)"
#   remediation: >-
#     Turn on every public access block setting on the destination bucket (with
#     credentials of the account that owns it); RestrictPublicBuckets takes effect on
#     the policy already in place. Then remove the public statements from its bucket
#     policy, and review the bucket's access logs for reads by anonymous callers.
#   requires: [replication, destination, publicaccessblock, policy]
#   applies_when: [replicates]
package crr.checks.crr_025

import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.public
import data.crr.lib.replication as repl
import data.crr.lib.terraform as tf

applies if {
	count(repl.destination_arns) > 0
	judgeable
}

applies if errors.unreadable("replication")

# (The body that usually holds comes first: once a body holds, the others are not
# evaluated.)
judgeable if {
	every dest in repl.destination_arns {
		known(dest)
	}
}

judgeable if count(deny) > 0

judgeable if errors.unreadable("destination")

judgeable if errors.unreadable("publicaccessblock")

judgeable if errors.unreadable("policy")

known(dest) if repl.destination(dest).Exists == false

known(dest) if public.private(repl.destination(dest))

known(dest) if public.public(repl.destination(dest))

deny contains f if {
	some dest in repl.destination_arns
	d := repl.destination(dest)
	d.Exists == true
	public.public(d)
	name := repl.destination_name(dest)
	stmts := public.public_statements(d.Policy.Document)
	f := {
		"msg": sprintf("Destination bucket %s of bucket %s (rule %s) is public: its policy allows everyone (%s) and no public access block restricts it", [
			name, input.bucket.Name, repl.rule_labels(dest, false), statement_names(stmts),
		]),
		"destination": dest,
		"resource_arn": dest,
		"evidence": {
			"Rules": repl.rules_to(dest, false),
			"PublicAccessBlockConfiguration": d.PublicAccessBlockConfiguration,
			"PublicStatements": stmts,
		},
		"commands": [sprintf(
			"aws s3api put-public-access-block --bucket %s --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true%s",
			[cli.arg(name), cli.region_flag(repl.destination_region(dest))],
		)],
		"terraform": tf.public_access_block(name),
	}
}

statement_names(stmts) := concat(", ", [statement_name(i, s) | some i, s in stmts])

statement_name(_, s) := sprintf("Sid %q", [s.Sid]) if {
	is_string(s.Sid)
	s.Sid != ""
} else := "a statement without Sid"
