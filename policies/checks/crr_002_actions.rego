package crr.checks.crr_002

import data.crr.lib.action

# remediation_actions: enable versioning on the destination (irreversible).
remediation_actions(f) := [action.enable_destination_versioning(f.destination)]
