package crr.checks.crr_014

import data.crr.lib.action

# remediation_actions: write the configuration as read with the offending rules fixed; the other
# rules are kept as they are.
remediation_actions(f) := action.replication_fix(f, "additive")
