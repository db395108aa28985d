package crr.checks.crr_062

import data.crr.lib.action
import data.crr.lib.arn
import data.crr.lib.iampolicy as ip

# remediation_actions: the role's crr-kms policy (additive) with this bucket's KMS
# statements added to the ones it already holds, so that the buckets sharing the
# role keep theirs; then the key policies of keys that do not grant the role (manual:
# a key policy belongs to the key's administrators and account).
remediation_actions(f) := array.concat(kms_policy_actions(f), [key_policy_action(f, i, ref) | some i, ref in key_refs])

kms_policy_actions(f) := [action.put_role_policy(
	role_arn, role_name, "crr-kms",
	ip.adding(without_copies(ip.inline_document(input.role, "crr-kms")), f.documents["crr-kms-policy.json"].Statement),
	"additive", "crr-kms-policy.json",
)] if {
	iam_unmet
	ip.inline_document(input.role, "crr-kms")
} else := [action.put_role_policy(role_arn, role_name, "crr-kms", f.documents["crr-kms-policy.json"], "additive", "crr-kms-policy.json")] if {
	iam_unmet
} else := []

# without_copies is doc without the statements this fix adds again.
without_copies(doc) := ip.without(doc, {s | some s in kms_policy.Statement})

key_policy_action(f, i, ref) := action.new(
	"kms:PutKeyPolicy", arn.parse(key_arn(ref)).account, arn.parse(key_arn(ref)).region, key_arn(ref),
	{"KeyId": key_arn(ref), "PolicyName": "default", "Policy": f.documents[file]},
	"manual", file,
) if {
	file := sprintf("key-policy-%d.json", [i + 1])
}
