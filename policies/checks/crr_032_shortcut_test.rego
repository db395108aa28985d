package crr.checks.crr_032_shortcut_test

# crr_032.plainly_met skips deciding each need: it must hold only where every need is
# allowed, and it should hold for the guide's plain policy.

import data.crr.checks.crr_032
import data.crr.checks.crr_032_test as t

inputs := [
	t.guide_input,
	t.inp(t.role({"read": t.doc([t.read_source, t.read_objects]), "write": t.doc([t.write_dst])}, []), [t.rule("crr-all", "arn:aws:s3:::dst")]),
	t.inp(t.role({"p": t.doc([t.read_source, t.read_objects])}, []), [t.rule("crr-all", "arn:aws:s3:::dst")]),
	t.inp(t.role({"p": t.doc([t.read_source, t.read_objects, t.write_dst, {"Effect": "Deny", "Action": "s3:ReplicateDelete", "Resource": "*"}])}, []), [t.rule("crr-all", "arn:aws:s3:::dst")]),
	t.inp(t.role({"p": t.doc([t.read_source, t.read_objects, object.union(t.write_dst, {"Condition": {"Bool": {"aws:SecureTransport": "true"}}})])}, []), [t.rule("crr-all", "arn:aws:s3:::dst")]),
	t.inp(t.role({"crr-permissions": t.guide}, []), [t.rule("crr-all", "arn:aws:s3:::dst"), t.rule("second", "arn:aws:s3:::dst2")]),
	object.union(t.guide_input, {"role": object.union(t.guide_input.role, {"PermissionsBoundary": {"PolicyArn": "arn:aws:iam::111122223333:policy/b", "Document": t.doc([{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}])}})}),
	object.union(t.guide_input, {"destinations": {"arn:aws:s3:::dst": {"Policy": {"Document": t.doc([{"Effect": "Deny", "Principal": "*", "Action": "s3:ReplicateDelete", "Resource": "arn:aws:s3:::dst/*"}])}}}}),
	object.union(t.guide_input, {"bucket": {"Policy": {"Document": t.doc([{"Effect": "Deny", "Principal": "*", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::src"}])}}}),
]

test_allow_plainly_met_only_when_every_need_is_allowed if {
	every i in inputs {
		shortcut_sound(i)
	}
}

shortcut_sound(i) if not crr_032.plainly_met with input as i

shortcut_sound(i) if {
	crr_032.plainly_met with input as i
	needs := crr_032.needs with input as i
	count(needs) >= 8
	every n in needs {
		n.Reason == "allowed"
	}
}

test_allow_plainly_met_for_plain_policies if {
	crr_032.plainly_met with input as inputs[0]
	crr_032.plainly_met with input as inputs[1]
}

test_deny_not_plainly_met_when_a_need_is_not_allowed if {
	every k in [2, 3, 4, 5, 6, 7, 8] {
		not crr_032.plainly_met with input as inputs[k]
		count(crr_032.deny) == 1 with input as inputs[k]
	}
}
