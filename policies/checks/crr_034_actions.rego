package crr.checks.crr_034

import data.crr.lib.action

# remediation_actions: add the confused-deputy guard to the trust policy (narrowing: S3 acting for
# a bucket the guard does not name can no longer assume the role).
remediation_actions(f) := [action.update_trust(f.resource_arn, role_name, f.documents["trust-policy.json"], "narrowing")]
