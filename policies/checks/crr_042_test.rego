package crr.checks.crr_042_test

import data.crr.checks.crr_042

# Expected verdicts from https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-metrics-events.html:
# failure events need replication metrics on the rule, and reach SQS, SNS or Lambda
# through the bucket's event notification configuration; threshold events need RTC.

rule(metrics, rtc) := {
	"ID": "dr", "Priority": 1, "Status": "Enabled", "Filter": {}, "DeleteMarkerReplication": {"Status": "Disabled"},
	"Destination": object.union(
		{"Bucket": "arn:aws:s3:::dst"},
		object.union(
			{"Metrics": {"Status": metrics, "EventThreshold": {"Minutes": 15}}},
			rtc_block(rtc),
		),
	),
}

rtc_block(true) := {"ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}}}

rtc_block(false) := {}

notif(topics, eventbridge) := {"TopicConfigurations": topics, "QueueConfigurations": [], "LambdaFunctionConfigurations": [], "EventBridgeEnabled": eventbridge}

topic(events) := {"Id": "t", "TopicArn": "arn:aws:sns:eu-west-1:111122223333:ops", "Events": events}

doc(rules, notification, settings) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "eu-west-1",
		"ReplicationConfiguration": {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": rules},
		"NotificationConfiguration": notification,
	},
	"destinations": {}, "errors": [], "facts": {"in_scope": true}, "settings": settings,
}

only(fs) := f if {
	count(fs) == 1
	some f in fs
}

test_deny_metrics_on_and_nobody_listens if {
	inp := doc([rule("Enabled", false)], notif([], false), {})
	f := only(crr_042.deny) with input as inp
	f.msg == "Bucket src: replication metrics are on, but no SNS topic, SQS queue or Lambda function receives s3:Replication:OperationFailedReplication: failed replication goes unnoticed"
	f.documents["notification.json"].TopicConfigurations == [{"Id": "crr-replication-failures", "TopicArn": "arn:aws:sns:eu-west-1:111122223333:crr-replication-failures", "Events": ["s3:Replication:OperationFailedReplication"]}]
	f.documents["topic-policy.json"].Statement[0].Condition == {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::src"}, "StringEquals": {"aws:SourceAccount": "111122223333"}}
	f.commands[3] == "aws s3api put-bucket-notification-configuration --bucket src --notification-configuration file://notification.json --region eu-west-1"
	crr_042.applies with input as inp
}

# Object-created notifications only do not carry replication failures; the fix keeps them.
test_deny_other_events_only_and_the_fix_keeps_them if {
	f := only(crr_042.deny) with input as doc([rule("Enabled", false)], notif([topic(["s3:ObjectCreated:*"])], false), {})
	count(f.documents["notification.json"].TopicConfigurations) == 2
}

# EventBridge: AWS's mapping of S3 event types to EventBridge lists no replication event
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-mapping-troubleshooting.html).
test_deny_eventbridge_alone_does_not_carry_replication_events if {
	f := only(crr_042.deny) with input as doc([rule("Enabled", false)], notif([], true), {})
	contains(f.msg, "EventBridge delivery is on, but AWS maps no replication event type to EventBridge")
	f.documents["notification.json"].EventBridgeConfiguration == {}
}

test_deny_rtc_rule_needs_the_threshold_event_too if {
	f := only(crr_042.deny) with input as doc([rule("Enabled", true)], notif([topic(["s3:Replication:OperationFailedReplication"])], false), {})
	f.evidence.Events == ["s3:Replication:OperationMissedThreshold"]
}

test_allow_failure_events_delivered if {
	every n in [
		notif([topic(["s3:Replication:OperationFailedReplication"])], false),
		notif([topic(["s3:Replication:*"])], false),
		{"TopicConfigurations": [], "QueueConfigurations": [{"Id": "q", "QueueArn": "arn:aws:sqs:eu-west-1:111122223333:q", "Events": ["s3:Replication:*"]}], "LambdaFunctionConfigurations": [], "EventBridgeEnabled": false},
	] {
		count(crr_042.deny) == 0 with input as doc([rule("Enabled", false)], n, {})
		crr_042.applies with input as doc([rule("Enabled", false)], n, {})
	}
}

# The guide's setup has no replication metrics: not reported unless settings require monitoring.
test_allow_no_metrics_without_the_setting if {
	inp := doc([rule("Disabled", false)], null, {})
	count(crr_042.deny) == 0 with input as inp
	not crr_042.applies with input as inp
}

test_deny_no_metrics_when_settings_require_monitoring if {
	f := only(crr_042.deny) with input as doc([rule("Disabled", false)], null, {"requirements": {"monitoring": true}})
	contains(f.msg, `rule "dr" has no replication metrics`)
	f.documents["replication.json"].Rules[0].Destination.Metrics == {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}
}

test_allow_unknown_notification_is_not_judged if {
	count(crr_042.deny) == 0 with input as doc([rule("Enabled", false)], null, {})
	not crr_042.applies with input as doc([rule("Enabled", false)], null, {})
}

test_allow_unreadable_notification_applies_for_the_error_outcome if {
	inp := object.union(doc([rule("Enabled", false)], null, {}), {"errors": [{"Operation": "GetBucketNotificationConfiguration", "Code": "AccessDenied", "Message": "", "Resource": "arn:aws:s3:::src", "Component": "notification"}]})
	count(crr_042.deny) == 0 with input as inp
	crr_042.applies with input as inp
}
