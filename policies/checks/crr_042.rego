# METADATA
# title: Replication failures are not monitored
# description: >-
#   Nobody hears when objects fail to replicate. S3 publishes
#   s3:Replication:OperationFailedReplication (and, with RTC,
#   s3:Replication:OperationMissedThreshold) only for rules with replication metrics
#   enabled, and delivers them only to the SNS topics, SQS queues or Lambda functions
#   of the bucket's event notification configuration
#   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-metrics-events.html).
#   Reported when an enabled rule has replication metrics on but the notification
#   configuration (GetBucketNotificationConfiguration) sends no such event anywhere;
#   EventBridge delivery is shown in the evidence but does not count, because AWS's
#   EventBridge mapping of S3 event types lists no replication event. With the
#   settings' requirement monitoring, enabled rules without replication metrics are
#   reported too (rules with RTC and metrics off are CRR-041's).
# custom:
#   id: CRR-042
#   severity: medium
#   guide: "Step 5 — monitor replication (replication metrics and failure events)"
#   remediation: >-
#     Enable replication metrics on the rules (EventThreshold 15 minutes), create an
#     SNS topic whose access policy lets s3.amazonaws.com publish for this bucket and
#     account, subscribe the team to it, and add a topic configuration for
#     s3:Replication:OperationFailedReplication (and OperationMissedThreshold with RTC)
#     to the bucket's notification configuration (put-bucket-notification-configuration
#     replaces it whole: the suggested document keeps the existing configurations).
#     Alarm on the AWS/S3 OperationsFailedReplication metric as well.
#   requires: [replication, notification]
#   applies_when: [replicates]
#   compliance:
#     aws-securityhub: [S3.11]
#     nist-800-53-r5: [CA-7, SI-3(8), SI-4, SI-4(4)]
#     nist-800-171-r2: [3.3.8]
package crr.checks.crr_042

import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.replication as repl
import data.crr.lib.settings

failed := "s3:Replication:OperationFailedReplication"

missed := "s3:Replication:OperationMissedThreshold"

applies if {
	count(repl.enabled_rules) > 0
	judgeable
}

applies if errors.unreadable("replication")

judgeable if {
	count(metered) > 0
	is_object(input.bucket.NotificationConfiguration)
}

judgeable if {
	count(metered) > 0
	errors.unreadable("notification")
}

judgeable if {
	settings.monitoring
	count(unmetered) > 0
}

# metered are the enabled rules with replication metrics on.
metered := [r | some r in repl.enabled_rules; r.Destination.Metrics.Status == "Enabled"]

# unmetered are the enabled rules without, except RTC rules (CRR-041's).
unmetered := [r |
	some r in repl.enabled_rules
	not r.Destination.Metrics.Status == "Enabled"
	not r.Destination.ReplicationTime.Status == "Enabled"
]

# wanted are the events someone must receive.
wanted contains failed if count(metered) > 0

wanted contains missed if {
	some r in metered
	r.Destination.ReplicationTime.Status == "Enabled"
}

notification := input.bucket.NotificationConfiguration

targets := [t |
	some kind in ["TopicConfigurations", "QueueConfigurations", "LambdaFunctionConfigurations"]
	some t in object.get(notification, kind, [])
]

# delivered: some target receives event (its own name or s3:Replication:*).
delivered(event) if {
	some t in targets
	some e in t.Events
	e in {event, "s3:Replication:*"}
}

unheard := sort({e | some e in wanted; not delivered(e)})

deny contains f if {
	is_object(notification)
	count(unheard) > 0
	f := {
		"msg": sprintf("Bucket %s: replication metrics are on, but no SNS topic, SQS queue or Lambda function receives %s%s: failed replication goes unnoticed", [
			input.bucket.Name, concat(" or ", unheard), eventbridge_note,
		]),
		"evidence": {
			"Rules": [r.ID | some r in metered],
			"Events": unheard,
			"NotificationConfiguration": notification,
		},
		"commands": fix_commands,
		"documents": fix_documents(unheard),
	}
}

deny contains f if {
	settings.monitoring
	count(unmetered) > 0
	f := {
		"msg": sprintf("Bucket %s: rule %s has no replication metrics, so S3 publishes no replication failure events for it; settings require monitoring", [
			input.bucket.Name, concat(", ", sort({repl.label(i, r) | some i, r in repl.rules; r in unmetered})),
		]),
		"key": "metrics",
		"evidence": {"Rules": [repl.excerpt(r) | some r in unmetered], "Requirement": {"monitoring": true}},
		"commands": [cli.put_bucket_replication(input.bucket.Name, repl.bucket_region, "replication.json")],
		"documents": {"replication.json": object.union(repl.config, {"Rules": [with_metrics(r) | some r in repl.rules]})},
	}
}

with_metrics(r) := object.union(r, {"Destination": {"Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}}}) if {
	r in unmetered
} else := r

eventbridge_note := " (EventBridge delivery is on, but AWS maps no replication event type to EventBridge)" if {
	notification.EventBridgeEnabled == true
} else := ""

topic := sprintf("arn:%s:sns:%s:%s:crr-replication-failures", [partition, repl.bucket_region, input.bucket.AccountId])

partition := p if {
	some m in regex.find_all_string_submatch_n(`^arn:([^:]+):`, input.bucket.Arn, 1)
	p := m[1]
} else := "aws"

fix_commands := [
	sprintf("aws sns create-topic --name crr-replication-failures%s", [cli.region_flag(repl.bucket_region)]),
	sprintf("aws sns set-topic-attributes --topic-arn %s --attribute-name Policy --attribute-value file://topic-policy.json%s", [cli.arg(topic), cli.region_flag(repl.bucket_region)]),
	sprintf("aws sns subscribe --topic-arn %s --protocol email --notification-endpoint OPS-EMAIL%s", [cli.arg(topic), cli.region_flag(repl.bucket_region)]),
	sprintf("aws s3api put-bucket-notification-configuration --bucket %s --notification-configuration file://notification.json%s", [cli.arg(input.bucket.Name), cli.region_flag(repl.bucket_region)]),
]

# fix_documents: the topic's access policy (S3 may publish for this bucket and
# account only) and the notification configuration with the existing ones kept.
fix_documents(events) := {
	"topic-policy.json": {"Version": "2012-10-17", "Statement": [{
		"Sid": "AllowS3ReplicationEvents",
		"Effect": "Allow",
		"Principal": {"Service": "s3.amazonaws.com"},
		"Action": "SNS:Publish",
		"Resource": topic,
		"Condition": {
			"ArnLike": {"aws:SourceArn": input.bucket.Arn},
			"StringEquals": {"aws:SourceAccount": input.bucket.AccountId},
		},
	}]},
	"notification.json": notification_document(events),
}

notification_document(events) := object.union(kept_configurations, {"TopicConfigurations": array.concat(
	[api_target(t, "TopicArn") | some t in object.get(notification, "TopicConfigurations", [])],
	[{"Id": "crr-replication-failures", "TopicArn": topic, "Events": events}],
)})

kept_configurations := object.union(
	{k: [api_target(t, arn_key) | some t in object.get(notification, k, [])] |
		some k, arn_key in {"QueueConfigurations": "QueueArn", "LambdaFunctionConfigurations": "LambdaFunctionArn"}
		count(object.get(notification, k, [])) > 0
	},
	eventbridge_kept,
)

eventbridge_kept := {"EventBridgeConfiguration": {}} if notification.EventBridgeEnabled == true
else := {}

api_target(t, arn_key) := object.filter(t, {"Id", arn_key, "Events"})
