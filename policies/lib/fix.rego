# METADATA
# title: Fix helpers
# description: >-
#   The parts of a deny object that carry a fix: the aws CLI commands, the documents
#   they read and the Terraform snippet, for a replication configuration rebuilt with
#   crr.lib.replication.with_rule (or without_rules); and the rule_id and key that keep
#   per-rule findings apart.
package crr.lib.fix

import data.crr.lib.cli
import data.crr.lib.replication as repl
import data.crr.lib.terraform as tf

# replication is the fix that writes cfg as the bucket's replication configuration.
replication(cfg) := {
	"commands": [cli.put_bucket_replication(input.bucket.Name, repl.bucket_region, "replication.json")],
	"documents": {"replication.json": cfg},
	"terraform": tf.replication_configuration(input.bucket.Name, cfg),
}

# replication_or_delete is replication(cfg), or delete-bucket-replication when cfg has
# no rule left (S3 refuses a configuration without rules).
replication_or_delete(cfg) := replication(cfg) if {
	count(cfg.Rules) > 0
} else := {
	"commands": [sprintf("aws s3api delete-bucket-replication --bucket %s%s", [cli.arg(input.bucket.Name), cli.region_flag(repl.bucket_region)])],
	"documents": {},
	"terraform": "# remove the bucket's aws_s3_bucket_replication_configuration resource",
}

# rule names the rule at index i in a per-rule finding: its ID as rule_id, and its
# position as key when it has no ID (two such rules must not share a fingerprint).
rule(i, r) := {"rule_id": repl.rule_id(r), "key": ""} if {
	repl.rule_id(r) != ""
} else := {"rule_id": "", "key": sprintf("rule #%d", [i + 1])}
