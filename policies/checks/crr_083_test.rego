package crr.checks.crr_083_test

import data.crr.checks.crr_083

# OperationsFailedReplication counts failed operations; RTC's threshold is 15
# minutes; no data points are no evidence of health (repl-metrics,
# replication-time-control).

region(name, points, failed, latency) := {
	"Region": name, "DataPoints": points, "SumOperationsFailedReplication": failed,
	"MaxReplicationLatencySeconds": latency, "MaxOperationsPendingReplication": null, "MaxBytesPendingReplication": null,
}

doc(rules) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "us-east-1",
		"ReplicationConfiguration": {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": []},
		"Verification": {"Metrics": {"WindowHours": 24, "From": "2026-12-06T00:00:00Z", "To": "2026-12-07T00:00:00Z", "Rules": rules}},
	},
	"role": null, "destinations": {}, "errors": [], "facts": {"in_scope": true}, "settings": {},
}

rule(id, rtc, regions) := {"RuleId": id, "Destination": "arn:aws:s3:::dst", "RTC": rtc, "Regions": regions}

test_deny_failures_and_rtc_latency if {
	fs := crr_083.deny with input as doc([
		rule("r1", false, [region("us-east-1", 3, 2, 30), region("eu-west-1", 0, null, null)]),
		rule("rtc", true, [region("us-east-1", 5, 0, 1200)]),
	])
	count(fs) == 2
	some f in fs
	f.rule_id == "r1"
	f.msg == `Bucket src: rule "r1"'s replication metrics in us-east-1 over the last 24 hours show 2 failed replication operations`
	some g in fs
	g.rule_id == "rtc"
	contains(g.msg, "a replication latency of up to 1200 seconds, above Replication Time Control's 15 minutes")
}

test_allow_healthy_metrics if {
	# 1200 s without RTC is slow but breaks no SLA; no failures.
	inp := doc([rule("r1", false, [region("us-east-1", 4, 0, 1200)]), rule("rtc", true, [region("us-east-1", 4, 0, 60)])])
	count(crr_083.deny) == 0 with input as inp
	crr_083.applies with input as inp
}

test_allow_no_data_is_not_judged if {
	# No data: unknown (CRR-084), so CRR-083 neither fires nor passes.
	inp := doc([rule("r1", false, [region("us-east-1", 0, null, null)])])
	count(crr_083.deny) == 0 with input as inp
	not crr_083.applies with input as inp
}
