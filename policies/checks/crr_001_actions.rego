package crr.checks.crr_001

import data.crr.lib.action

# remediation_actions: enable versioning on the bucket (irreversible: it can only be suspended).
remediation_actions(_) := [action.enable_versioning]
