package crr.checks.crr_031

import data.crr.lib.action

# remediation_actions: replace the trust policy with one that lets S3 assume the role (additive:
# it keeps the statements that do not block S3 and adds S3's).
remediation_actions(f) := [action.update_trust(f.resource_arn, role_name, f.documents["trust-policy.json"], "additive")]
