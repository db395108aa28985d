package remediate

import (
	"reflect"
	"testing"

	"github.com/crrscan/crrscan/scanner"
)

// mergeEstate: bucket src has four rules: into peer (which replicates back) without
// replica modifications (CRR-072), into dst-rtc with RTC but no metrics (CRR-041),
// a disabled rule into dst-off beside enabled ones (CRR-012), and a healthy rule into
// dst-ok. AWS: two-way replication needs ReplicaModifications on both rules
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-for-metadata-changes.html);
// RTC requires replication metrics
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html).
func mergeEstate() *scanner.Snapshot {
	role := "arn:aws:iam::" + sharedAcct + ":role/crr"
	fifteen := ptr(int32(15))
	rule := func(id string, prio int32, dst, status string) scanner.ReplicationRule {
		return scanner.ReplicationRule{ID: ptr(id), Priority: ptr(prio), Filter: &scanner.ReplicationRuleFilter{}, Status: status,
			DeleteMarkerReplication: &scanner.StatusValue{Status: "Enabled"}, Destination: scanner.Destination{Bucket: "arn:aws:s3:::" + dst}}
	}
	rtc := rule("rtc", 2, "dst-rtc", "Enabled")
	rtc.Destination.ReplicationTime = &scanner.ReplicationTime{Status: "Enabled", Time: &scanner.ReplicationTimeValue{Minutes: fifteen}}
	back := rule("back", 1, "src", "Enabled")
	back.SourceSelectionCriteria = &scanner.SourceSelectionCriteria{ReplicaModifications: &scanner.StatusValue{Status: "Enabled"}}
	bucket := func(name, region string, rules ...scanner.ReplicationRule) scanner.Bucket {
		b := scanner.Bucket{Name: name, Arn: "arn:aws:s3:::" + name, AccountID: sharedAcct, Region: region, Versioning: &scanner.Versioning{Status: "Enabled"}}
		if len(rules) > 0 {
			b.ReplicationConfiguration = &scanner.ReplicationConfiguration{Role: role, Rules: rules}
		}
		return b
	}
	s := &scanner.Snapshot{SchemaVersion: scanner.SchemaVersion, Accounts: []string{sharedAcct}, Regions: []string{"eu-west-1", "us-east-1"},
		Buckets: []scanner.Bucket{
			bucket("src", "eu-west-1", rule("to-peer", 1, "peer", "Enabled"), rtc, rule("off", 3, "dst-off", "Disabled"), rule("ok", 4, "dst-ok", "Enabled")),
			bucket("peer", "us-east-1", back),
		},
	}
	for _, d := range []struct{ name, region string }{{"peer", "us-east-1"}, {"src", "eu-west-1"}, {"dst-rtc", "us-east-1"}, {"dst-off", "us-east-1"}, {"dst-ok", "us-east-1"}} {
		s.Destinations = append(s.Destinations, scanner.LinkedBucket{Arn: "arn:aws:s3:::" + d.name, Name: d.name, AccountID: sharedAcct, Exists: ptr(true), Region: d.region, InScan: d.name == "peer" || d.name == "src", Versioning: &scanner.Versioning{Status: "Enabled"}})
	}
	s.Roles = []scanner.Role{{Arn: role, RoleName: "crr", AccountID: sharedAcct, Exists: ptr(true),
		AssumeRolePolicyDocument: sharedTrust,
		RolePolicies: []scanner.InlinePolicy{{PolicyName: "crr-replication", PolicyDocument: map[string]any{"Version": "2012-10-17", "Statement": []any{
			map[string]any{"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
		}}}},
	}}
	s.Sort()
	return s
}

// CRR-072, CRR-041 and CRR-012 on one bucket give one PutBucketReplication that fixes
// the three rules and keeps the fourth as it was.
func TestPlanMergesOneReplicationConfiguration(t *testing.T) {
	ev := evaluator(t)
	s := mergeEstate()
	p, fs := plan(t, ev, s, Options{})
	want := map[string]bool{"CRR-072": false, "CRR-041": false, "CRR-012": false}
	for _, f := range byCheck(fs, "CRR-072", "CRR-041", "CRR-012") {
		if f.Bucket == "src" {
			want[f.CheckID] = true
		}
	}
	for id, seen := range want {
		if !seen {
			t.Fatalf("the estate lacks %s on src: %v", id, fs)
		}
	}
	var repl []Change
	for _, c := range p.Changes {
		if c.Action.Op == "s3:PutBucketReplication" && c.Action.Target == "arn:aws:s3:::src" {
			repl = append(repl, c)
		}
	}
	if len(repl) != 1 {
		t.Fatalf("want one PutBucketReplication on src, got %d: %v", len(repl), ops(p))
	}
	if got := clearsText(repl[0]); got != "CRR-012, CRR-041, CRR-072" {
		t.Errorf("it clears %q", got)
	}
	cfg, err := Recode[scanner.ReplicationConfiguration](repl[0].Action.Params["ReplicationConfiguration"])
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string]scanner.ReplicationRule{}
	for _, r := range cfg.Rules {
		rules[*r.ID] = r
	}
	if r := rules["to-peer"]; r.SourceSelectionCriteria == nil || r.SourceSelectionCriteria.ReplicaModifications.Status != "Enabled" {
		t.Errorf("to-peer: %+v", r)
	}
	if r := rules["rtc"]; r.Destination.Metrics == nil || r.Destination.Metrics.Status != "Enabled" || *r.Destination.Metrics.EventThreshold.Minutes != 15 {
		t.Errorf("rtc: %+v", r.Destination)
	}
	if r := rules["off"]; r.Status != "Enabled" {
		t.Errorf("off: %+v", r)
	}
	before := s.Buckets[0].ReplicationConfiguration.Rules[3]
	if s.Buckets[0].Name != "src" || *before.ID != "ok" || !reflect.DeepEqual(rules["ok"], before) {
		t.Errorf("ok changed: %+v", rules["ok"])
	}
	if len(p.New) != 0 {
		t.Errorf("new: %v", p.New)
	}
	for _, r := range p.Remaining {
		if _, fixed := want[r.CheckID]; fixed && r.Bucket == "src" {
			t.Errorf("left on src: %v", r)
		}
	}
}
