package crr.checks.crr_050

import data.crr.lib.action

# remediation_actions: grant the role the replication actions in the destination's bucket policy.
remediation_actions(f) := [action.put_bucket_policy(f.destination, f.documents["dst-bucket-policy.json"], "additive", "dst-bucket-policy.json")]
