package crr.checks.crr_033_shortcut_test

# crr_033.narrow_document skips documents by their text: it must never skip one with
# a statement that why finds broad.

import data.crr.checks.crr_033
import data.crr.lib.iampolicy as ip
import data.crr.lib.iampolicy_test as table

doc(statements) := {"Version": "2012-10-17", "Statement": statements}

allow(actions, resources) := {"Effect": "Allow", "Action": actions, "Resource": resources}

broad_documents := [
	doc([allow("*", "arn:aws:s3:::b/*")]),
	doc([allow("S3:*", "arn:aws:s3:::b/*")]),
	doc([allow(["s3:GetObject", "s3:*"], "arn:aws:s3:::b/*")]),
	doc([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:aws:s3:::b/*"}]),
	doc([allow("s3:PutObject", "*")]),
	doc([allow("s3:PutObject", ["arn:aws:s3:::b/*", "*"])]),
	doc([{"Effect": "Allow", "Action": "s3:PutObject", "NotResource": "arn:aws:s3:::secret/*"}]),
	{"Statement": allow("s3:*", "*")},
	doc([object.union(allow("s3:*", "arn:aws:s3:::b"), {"Condition": {"Bool": {"x": "y"}}})]),
]

corpus := array.concat(broad_documents, [d | some c in table.cases; some d in c.docs])

test_deny_broad_documents_are_not_narrow if {
	every d in broad_documents {
		not crr_033.narrow_document(d)
		some s in ip.statements(d)
		crr_033.why(s)
	}
}

test_allow_narrow_documents_have_no_broad_statement if {
	bad := [d |
		some d in corpus
		crr_033.narrow_document(d)
		some s in ip.statements(d)
		crr_033.why(s)
	]
	bad == []
	crr_033.narrow_document(table.guide)
}
