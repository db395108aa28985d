package report

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/crrscan/crrscan/scanner"
)

const (
	acctA = "111111111111"
	acctB = "222222222222"
	acctC = "333333333333"
)

func sp(s string) *string { return &s }

func arnOf(name string) string { return "arn:aws:s3:::" + name }

// driftEstate is the baseline of the two-snapshot tests:
//
//	src (A, us-east-1, versioned, SSE-KMS key k-src) replicates with role crr:
//	  rule "to-dr"     Enabled → dr  (B, eu-west-1, outside the scan), STANDARD_IA, RTC,
//	                   delete markers Enabled, replicas encrypted with k-replica
//	  rule "to-local"  Enabled → local (A, eu-central-1, scanned), no RTC, delete markers Disabled
//	  a rule without ID Disabled → dr
//	local (A, eu-central-1, versioned), plain (A, us-east-1, no replication)
func driftEstate() *scanner.Snapshot {
	enabled := &scanner.Versioning{Status: "Enabled"}
	empty := ""
	return &scanner.Snapshot{
		SchemaVersion: scanner.SchemaVersion,
		CollectedAt:   time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC),
		Accounts:      []string{acctA},
		Regions:       []string{"eu-central-1", "us-east-1"},
		Buckets: []scanner.Bucket{
			{
				Name: "src", Arn: arnOf("src"), AccountID: acctA, Region: "us-east-1", Versioning: enabled,
				BucketConfig: scanner.BucketConfig{ServerSideEncryptionConfiguration: &scanner.ServerSideEncryptionConfiguration{
					Rules: []scanner.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &scanner.ServerSideEncryptionByDefault{
						SSEAlgorithm: "aws:kms", KMSMasterKeyID: sp("arn:aws:kms:us-east-1:111111111111:key/k-src"),
					}}},
				}},
				ReplicationConfiguration: &scanner.ReplicationConfiguration{
					Role: "arn:aws:iam::111111111111:role/crr",
					Rules: []scanner.ReplicationRule{
						{
							ID: sp("to-dr"), Status: "Enabled", Filter: &scanner.ReplicationRuleFilter{Prefix: &empty},
							DeleteMarkerReplication: &scanner.StatusValue{Status: "Enabled"},
							Destination: scanner.Destination{
								Bucket: arnOf("dr"), Account: sp(acctB), StorageClass: "STANDARD_IA",
								ReplicationTime:         &scanner.ReplicationTime{Status: "Enabled"},
								EncryptionConfiguration: &scanner.EncryptionConfiguration{ReplicaKmsKeyID: sp("arn:aws:kms:eu-west-1:222222222222:key/k-replica")},
							},
						},
						{
							ID: sp("to-local"), Status: "Enabled", Filter: &scanner.ReplicationRuleFilter{Prefix: &empty},
							DeleteMarkerReplication: &scanner.StatusValue{Status: "Disabled"},
							Destination:             scanner.Destination{Bucket: arnOf("local")},
						},
						{Status: "Disabled", Filter: &scanner.ReplicationRuleFilter{}, Destination: scanner.Destination{Bucket: arnOf("dr")}},
					},
				},
			},
			{Name: "local", Arn: arnOf("local"), AccountID: acctA, Region: "eu-central-1", Versioning: &scanner.Versioning{Status: "Enabled"}},
			{Name: "plain", Arn: arnOf("plain"), AccountID: acctA, Region: "us-east-1", Versioning: &scanner.Versioning{}},
		},
		Destinations: []scanner.LinkedBucket{
			{Arn: arnOf("dr"), Name: "dr", AccountID: acctB, Exists: ptrBool(true), Region: "eu-west-1", Versioning: &scanner.Versioning{Status: "Enabled"}},
			{Arn: arnOf("local"), Name: "local", AccountID: acctA, Exists: ptrBool(true), Region: "eu-central-1", InScan: true, Versioning: &scanner.Versioning{Status: "Enabled"}},
		},
	}
}

func ptrBool(b bool) *bool { return &b }

// cloneSnapshot deep-copies a snapshot through JSON, as a second scan would read it.
func cloneSnapshot(t *testing.T, s *scanner.Snapshot) *scanner.Snapshot {
	t.Helper()
	var buf bytes.Buffer
	if err := scanner.WriteSnapshot(&buf, s); err != nil {
		t.Fatal(err)
	}
	c, err := scanner.ReadSnapshot(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func bucketOf(s *scanner.Snapshot, name string) *scanner.Bucket {
	for i := range s.Buckets {
		if s.Buckets[i].Name == name {
			return &s.Buckets[i]
		}
	}
	panic("no bucket " + name)
}

func ruleOf(s *scanner.Snapshot, id string) *scanner.ReplicationRule {
	rules := bucketOf(s, "src").ReplicationConfiguration.Rules
	for i := range rules {
		if rules[i].ID != nil && *rules[i].ID == id || id == "" && rules[i].ID == nil {
			return &rules[i]
		}
	}
	panic("no rule " + id)
}

func destOf(s *scanner.Snapshot, name string) *scanner.LinkedBucket {
	for i := range s.Destinations {
		if s.Destinations[i].Name == name {
			return &s.Destinations[i]
		}
	}
	panic("no destination " + name)
}

// on builds the expected drift of one bucket.
func on(account, region, bucket string, changes ...Change) BucketDrift {
	return BucketDrift{AccountID: account, Region: region, Bucket: bucket, Arn: arnOf(bucket), Changes: changes}
}

func onSrc(changes ...Change) BucketDrift { return on(acctA, "us-east-1", "src", changes...) }

// TestDiffSnapshots: two snapshots that differ in known ways give exactly those
// changes, with their before and after values, and nothing else.
func TestDiffSnapshots(t *testing.T) {
	const (
		roleA = "arn:aws:iam::111111111111:role/crr"
		keyR  = "arn:aws:kms:eu-west-1:222222222222:key/k-replica"
	)
	elsewhere := scanner.LinkedBucket{Arn: arnOf("far"), Name: "far", AccountID: acctB, Exists: ptrBool(true), Region: "ap-southeast-2", Versioning: &scanner.Versioning{Status: "Enabled"}}
	cases := []struct {
		name   string
		before func(s *scanner.Snapshot) // changes the baseline (default: driftEstate)
		after  func(s *scanner.Snapshot) // changes the current snapshot
		want   []BucketDrift
	}{
		{name: "no change", after: func(*scanner.Snapshot) {}, want: []BucketDrift{}},
		{
			name: "rule added",
			after: func(s *scanner.Snapshot) {
				c := bucketOf(s, "src").ReplicationConfiguration
				c.Rules = append(c.Rules, scanner.ReplicationRule{ID: sp("logs"), Status: "Enabled", Destination: scanner.Destination{Bucket: arnOf("local")}})
			},
			want: []BucketDrift{onSrc(Change{Kind: ChangeRuleAdded, RuleID: "logs", Destination: arnOf("local"), After: "Enabled → arn:aws:s3:::local"})},
		},
		{
			name: "rule removed",
			after: func(s *scanner.Snapshot) {
				c := bucketOf(s, "src").ReplicationConfiguration
				c.Rules = slices.Delete(c.Rules, 1, 2)
			},
			// The rule without ID moves from #3 to #2: rules without ID are matched by
			// position, so #3 is gone and #2 is now the one without ID.
			want: []BucketDrift{onSrc(
				Change{Kind: ChangeRuleAdded, RuleID: "#2", Destination: arnOf("dr"), After: "Disabled → arn:aws:s3:::dr"},
				Change{Kind: ChangeRuleRemoved, RuleID: "#3", Destination: arnOf("dr"), Before: "Disabled → arn:aws:s3:::dr"},
				Change{Kind: ChangeRuleRemoved, RuleID: "to-local", Destination: arnOf("local"), Before: "Enabled → arn:aws:s3:::local"},
			)},
		},
		{
			name:  "rule disabled",
			after: func(s *scanner.Snapshot) { ruleOf(s, "to-dr").Status = "Disabled" },
			want:  []BucketDrift{onSrc(Change{Kind: ChangeRuleDisabled, RuleID: "to-dr", Destination: arnOf("dr"), Before: "Enabled", After: "Disabled"})},
		},
		{
			name:  "rule enabled (no ID, matched by position)",
			after: func(s *scanner.Snapshot) { ruleOf(s, "").Status = "Enabled" },
			want:  []BucketDrift{onSrc(Change{Kind: ChangeRuleEnabled, RuleID: "#3", Destination: arnOf("dr"), Before: "Disabled", After: "Enabled"})},
		},
		{
			name: "destination bucket changed in the same account and region",
			after: func(s *scanner.Snapshot) {
				ruleOf(s, "to-dr").Destination.Bucket = arnOf("dr2")
				s.Destinations = append(s.Destinations, scanner.LinkedBucket{Arn: arnOf("dr2"), Name: "dr2", AccountID: acctB, Exists: ptrBool(true), Region: "eu-west-1", Versioning: &scanner.Versioning{Status: "Enabled"}})
			},
			want: []BucketDrift{onSrc(Change{Kind: ChangeDestinationBucket, RuleID: "to-dr", Destination: arnOf("dr2"), Before: arnOf("dr"), After: arnOf("dr2")})},
		},
		{
			name: "destination retargeted to another region",
			after: func(s *scanner.Snapshot) {
				ruleOf(s, "to-dr").Destination.Bucket = arnOf("far")
				s.Destinations = append(s.Destinations, elsewhere)
			},
			want: []BucketDrift{onSrc(
				Change{Kind: ChangeDestinationBucket, RuleID: "to-dr", Destination: arnOf("far"), Before: arnOf("dr"), After: arnOf("far")},
				Change{Kind: ChangeDestinationRegion, RuleID: "to-dr", Destination: arnOf("far"), Before: "eu-west-1", After: "ap-southeast-2"},
			)},
		},
		{
			name:  "destination account changed",
			after: func(s *scanner.Snapshot) { ruleOf(s, "to-dr").Destination.Account = sp(acctC) },
			want:  []BucketDrift{onSrc(Change{Kind: ChangeDestinationAccount, RuleID: "to-dr", Destination: arnOf("dr"), Before: acctB, After: acctC})},
		},
		{
			name:  "destination region changed (bucket recreated elsewhere)",
			after: func(s *scanner.Snapshot) { destOf(s, "dr").Region = "eu-north-1" },
			// Both rules into dr replicate to another region now.
			want: []BucketDrift{onSrc(
				Change{Kind: ChangeDestinationRegion, RuleID: "#3", Destination: arnOf("dr"), Before: "eu-west-1", After: "eu-north-1"},
				Change{Kind: ChangeDestinationRegion, RuleID: "to-dr", Destination: arnOf("dr"), Before: "eu-west-1", After: "eu-north-1"},
			)},
		},
		{
			name:  "storage class changed",
			after: func(s *scanner.Snapshot) { ruleOf(s, "to-dr").Destination.StorageClass = "GLACIER_IR" },
			want:  []BucketDrift{onSrc(Change{Kind: ChangeStorageClass, RuleID: "to-dr", Destination: arnOf("dr"), Before: "STANDARD_IA", After: "GLACIER_IR"})},
		},
		{
			name: "role changed",
			after: func(s *scanner.Snapshot) {
				bucketOf(s, "src").ReplicationConfiguration.Role = "arn:aws:iam::111111111111:role/other"
			},
			want: []BucketDrift{onSrc(Change{Kind: ChangeRole, Before: roleA, After: "arn:aws:iam::111111111111:role/other"})},
		},
		{
			name:  "source versioning suspended",
			after: func(s *scanner.Snapshot) { bucketOf(s, "src").Versioning.Status = "Suspended" },
			want:  []BucketDrift{onSrc(Change{Kind: ChangeVersioning, Before: "Enabled", After: "Suspended"})},
		},
		{
			name:  "destination versioning suspended (outside the scan)",
			after: func(s *scanner.Snapshot) { destOf(s, "dr").Versioning.Status = "Suspended" },
			want:  []BucketDrift{on(acctB, "eu-west-1", "dr", Change{Kind: ChangeVersioning, Before: "Enabled", After: "Suspended"})},
		},
		{
			name: "destination versioning suspended (scanned replica)",
			after: func(s *scanner.Snapshot) {
				bucketOf(s, "local").Versioning.Status = "Suspended"
				destOf(s, "local").Versioning.Status = "Suspended"
			},
			want: []BucketDrift{on(acctA, "eu-central-1", "local", Change{Kind: ChangeVersioning, Before: "Enabled", After: "Suspended"})},
		},
		{
			name:  "versioning enabled on a bucket that never had it",
			after: func(s *scanner.Snapshot) { bucketOf(s, "plain").Versioning.Status = "Enabled" },
			want:  []BucketDrift{on(acctA, "us-east-1", "plain", Change{Kind: ChangeVersioning, Before: "never enabled", After: "Enabled"})},
		},
		{
			name:  "RTC toggled off",
			after: func(s *scanner.Snapshot) { ruleOf(s, "to-dr").Destination.ReplicationTime.Status = "Disabled" },
			want:  []BucketDrift{onSrc(Change{Kind: ChangeRTC, RuleID: "to-dr", Destination: arnOf("dr"), Before: "Enabled", After: "Disabled"})},
		},
		{
			name: "RTC toggled on",
			after: func(s *scanner.Snapshot) {
				ruleOf(s, "to-local").Destination.ReplicationTime = &scanner.ReplicationTime{Status: "Enabled"}
			},
			want: []BucketDrift{onSrc(Change{Kind: ChangeRTC, RuleID: "to-local", Destination: arnOf("local"), Before: "Disabled", After: "Enabled"})},
		},
		{
			name:  "delete marker replication toggled",
			after: func(s *scanner.Snapshot) { ruleOf(s, "to-local").DeleteMarkerReplication.Status = "Enabled" },
			want:  []BucketDrift{onSrc(Change{Kind: ChangeDeleteMarkers, RuleID: "to-local", Destination: arnOf("local"), Before: "Disabled", After: "Enabled"})},
		},
		{
			name: "a V2 rule rewritten as V1 replicates delete markers",
			after: func(s *scanner.Snapshot) {
				r := ruleOf(s, "to-local")
				r.Filter, r.DeleteMarkerReplication = nil, nil
			},
			want: []BucketDrift{onSrc(Change{Kind: ChangeDeleteMarkers, RuleID: "to-local", Destination: arnOf("local"), Before: "Disabled", After: "Enabled"})},
		},
		{
			name: "replica KMS key changed",
			after: func(s *scanner.Snapshot) {
				ruleOf(s, "to-dr").Destination.EncryptionConfiguration.ReplicaKmsKeyID = sp("alias/other")
			},
			want: []BucketDrift{onSrc(Change{Kind: ChangeReplicaKMSKey, RuleID: "to-dr", Destination: arnOf("dr"), Before: keyR, After: "alias/other"})},
		},
		{
			name:  "replica KMS key removed",
			after: func(s *scanner.Snapshot) { ruleOf(s, "to-dr").Destination.EncryptionConfiguration = nil },
			want:  []BucketDrift{onSrc(Change{Kind: ChangeReplicaKMSKey, RuleID: "to-dr", Destination: arnOf("dr"), Before: keyR})},
		},
		{
			name: "default encryption KMS key changed",
			after: func(s *scanner.Snapshot) {
				bucketOf(s, "src").ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.KMSMasterKeyID = nil
			},
			want: []BucketDrift{onSrc(Change{Kind: ChangeKMSKey, Before: "arn:aws:kms:us-east-1:111111111111:key/k-src", After: "aws/s3"})},
		},
		{
			name: "replication configuration deleted",
			after: func(s *scanner.Snapshot) {
				bucketOf(s, "src").ReplicationConfiguration = nil
			},
			want: []BucketDrift{onSrc(
				Change{Kind: ChangeRole, Before: roleA},
				Change{Kind: ChangeRuleRemoved, RuleID: "#3", Destination: arnOf("dr"), Before: "Disabled → arn:aws:s3:::dr"},
				Change{Kind: ChangeRuleRemoved, RuleID: "to-dr", Destination: arnOf("dr"), Before: "Enabled → arn:aws:s3:::dr"},
				Change{Kind: ChangeRuleRemoved, RuleID: "to-local", Destination: arnOf("local"), Before: "Enabled → arn:aws:s3:::local"},
			)},
		},
		{
			name: "bucket added and bucket removed",
			after: func(s *scanner.Snapshot) {
				s.Buckets = slices.DeleteFunc(s.Buckets, func(b scanner.Bucket) bool { return b.Name == "plain" })
				s.Buckets = append(s.Buckets, scanner.Bucket{Name: "fresh", Arn: arnOf("fresh"), AccountID: acctA, Region: "us-west-2", Versioning: &scanner.Versioning{}})
			},
			want: []BucketDrift{
				on(acctA, "us-east-1", "plain", Change{Kind: ChangeBucketRemoved, Before: "no replication configuration"}),
				on(acctA, "us-west-2", "fresh", Change{Kind: ChangeBucketAdded, After: "no replication configuration"}),
			},
		},
		{
			name: "several changes at once, in a fixed order",
			after: func(s *scanner.Snapshot) {
				r := ruleOf(s, "to-dr")
				r.Status = "Disabled"
				r.Destination.StorageClass = ""
				bucketOf(s, "src").Versioning.Status = "Suspended"
				destOf(s, "dr").Versioning.Status = "Suspended"
				ruleOf(s, "to-local").DeleteMarkerReplication.Status = "Enabled"
			},
			want: []BucketDrift{
				onSrc(
					Change{Kind: ChangeVersioning, Before: "Enabled", After: "Suspended"},
					Change{Kind: ChangeRuleDisabled, RuleID: "to-dr", Destination: arnOf("dr"), Before: "Enabled", After: "Disabled"},
					Change{Kind: ChangeStorageClass, RuleID: "to-dr", Destination: arnOf("dr"), Before: "STANDARD_IA"},
					Change{Kind: ChangeDeleteMarkers, RuleID: "to-local", Destination: arnOf("local"), Before: "Disabled", After: "Enabled"},
				),
				on(acctB, "eu-west-1", "dr", Change{Kind: ChangeVersioning, Before: "Enabled", After: "Suspended"}),
			},
		},
		// Unknown is never drift.
		{
			name: "replication configuration unreadable now",
			after: func(s *scanner.Snapshot) {
				b := bucketOf(s, "src")
				b.ReplicationConfiguration = nil
				b.Errors = []scanner.CollectionError{{Operation: "GetBucketReplication", Code: "AccessDenied", Resource: b.Arn, Component: scanner.ComponentReplication}}
			},
			want: []BucketDrift{{AccountID: acctA, Region: "us-east-1", Bucket: "src", Arn: arnOf("src"), Changes: []Change{}, NotCompared: []string{"replication"}}},
		},
		{
			name: "versioning unreadable in the baseline",
			before: func(s *scanner.Snapshot) {
				b := bucketOf(s, "plain")
				b.Versioning = nil
				b.Errors = []scanner.CollectionError{{Operation: "GetBucketVersioning", Code: "AccessDenied", Resource: b.Arn, Component: scanner.ComponentVersioning}}
			},
			after: func(s *scanner.Snapshot) { bucketOf(s, "plain").Versioning.Status = "Enabled" },
			want:  []BucketDrift{{AccountID: acctA, Region: "us-east-1", Bucket: "plain", Arn: arnOf("plain"), Changes: []Change{}, NotCompared: []string{"versioning"}}},
		},
		{
			name: "destination region or account unknown now",
			after: func(s *scanner.Snapshot) {
				d := destOf(s, "dr")
				d.Region, d.AccountID = "", ""
				ruleOf(s, "to-dr").Destination.Account = nil
			},
			want: []BucketDrift{},
		},
		{
			name: "account not listed now: its buckets are not gone",
			after: func(s *scanner.Snapshot) {
				s.Buckets = slices.DeleteFunc(s.Buckets, func(b scanner.Bucket) bool { return b.Name == "plain" })
				s.Errors = []scanner.CollectionError{{Operation: "ListBuckets", Code: "AccessDenied", Resource: "arn:aws:iam::111111111111:root", Component: scanner.ComponentAccount}}
			},
			want: []BucketDrift{{AccountID: acctA, Region: "us-east-1", Bucket: "plain", Arn: arnOf("plain"), Changes: []Change{}, NotCompared: []string{"bucket"}}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old := driftEstate()
			if tc.before != nil {
				tc.before(old)
			}
			cur := cloneSnapshot(t, driftEstate())
			tc.after(cur)
			got := DiffSnapshots(cloneSnapshot(t, old), cloneSnapshot(t, cur))
			if !reflect.DeepEqual(got.Buckets, tc.want) {
				t.Errorf("drift:\n got %s\nwant %s", jsonOf(t, got.Buckets), jsonOf(t, tc.want))
			}
			// The same comparison in the other direction finds the same buckets.
			back := DiffSnapshots(cloneSnapshot(t, cur), cloneSnapshot(t, old))
			if len(back.Buckets) != len(tc.want) {
				t.Errorf("reverse drift has %d buckets, want %d: %s", len(back.Buckets), len(tc.want), jsonOf(t, back.Buckets))
			}
		})
	}
}

// TestDiffSnapshotsCoversEveryKind: the cases above exercise every change kind.
func TestDiffSnapshotsCoversEveryKind(t *testing.T) {
	src, err := os.ReadFile("drift_test.go")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, name := range []string{"ChangeBucketAdded", "ChangeBucketRemoved", "ChangeVersioning", "ChangeKMSKey", "ChangeRole",
		"ChangeRuleAdded", "ChangeRuleRemoved", "ChangeRuleEnabled", "ChangeRuleDisabled", "ChangeDestinationBucket",
		"ChangeDestinationAccount", "ChangeDestinationRegion", "ChangeStorageClass", "ChangeRTC", "ChangeDeleteMarkers", "ChangeReplicaKMSKey"} {
		names[name] = name
	}
	if len(names) != len(ChangeKinds()) {
		t.Fatalf("%d kind constants listed here, ChangeKinds has %d", len(names), len(ChangeKinds()))
	}
	for name := range names {
		if !bytes.Contains(src, []byte("Kind: "+name+",")) {
			t.Errorf("no TestDiffSnapshots case expects %s", name)
		}
	}
	for _, k := range ChangeKinds() {
		if ChangeLabel(k) == k {
			t.Errorf("%s has no label", k)
		}
	}
}

// TestDiffSnapshotsDeterministic: the input order of buckets, rules' neighbours and
// destinations does not change the drift.
func TestDiffSnapshotsDeterministic(t *testing.T) {
	old := driftEstate()
	cur := cloneSnapshot(t, old)
	ruleOf(cur, "to-dr").Status = "Disabled"
	destOf(cur, "dr").Versioning.Status = "Suspended"
	bucketOf(cur, "plain").Versioning.Status = "Enabled"
	want := jsonOf(t, DiffSnapshots(old, cur))
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		o, c := cloneSnapshot(t, old), cloneSnapshot(t, cur)
		for _, s := range []*scanner.Snapshot{o, c} {
			rng.Shuffle(len(s.Buckets), func(i, j int) { s.Buckets[i], s.Buckets[j] = s.Buckets[j], s.Buckets[i] })
			rng.Shuffle(len(s.Destinations), func(i, j int) { s.Destinations[i], s.Destinations[j] = s.Destinations[j], s.Destinations[i] })
		}
		if got := jsonOf(t, DiffSnapshots(o, c)); got != want {
			t.Fatalf("drift depends on input order:\n got %s\nwant %s", got, want)
		}
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// reworded returns the fixture's findings with every message, title and remediation
// reworded, in reverse order.
func reworded() []Finding {
	fs := fixtureFindings()
	slices.Reverse(fs)
	for i := range fs {
		fs[i].Message = "Reworded: " + strings.ToUpper(fs[i].Message)
		fs[i].Title += " (new wording)"
		fs[i].Remediation.Summary = "Another way to say it."
	}
	return fs
}

// TestFingerprintsIgnoreWordingAndOrder: rewording messages or reordering findings
// keeps every fingerprint, so a diff finds nothing new and nothing resolved.
func TestFingerprintsIgnoreWordingAndOrder(t *testing.T) {
	before := fixtureFindings()
	after := reworded()
	prints := func(fs []Finding) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Fingerprint)
		}
		slices.Sort(out)
		return out
	}
	if !slices.Equal(prints(before), prints(after)) {
		t.Fatal("rewording changed fingerprints")
	}
	// Fingerprint depends on check, account, bucket, rule, destination and key only.
	a := Fingerprint("CRR-050", acctA, "payments-prod", "to-dr", arnOf("payments-dr"), "")
	for _, other := range []string{
		Fingerprint("CRR-051", acctA, "payments-prod", "to-dr", arnOf("payments-dr"), ""),
		Fingerprint("CRR-050", acctB, "payments-prod", "to-dr", arnOf("payments-dr"), ""),
		Fingerprint("CRR-050", acctA, "payments-dr", "to-dr", arnOf("payments-dr"), ""),
		Fingerprint("CRR-050", acctA, "payments-prod", "other", arnOf("payments-dr"), ""),
		Fingerprint("CRR-050", acctA, "payments-prod", "to-dr", arnOf("elsewhere"), ""),
		Fingerprint("CRR-050", acctA, "payments-prod", "to-dr", arnOf("payments-dr"), "rule #2"),
		// Fields are separated: moving text from one field to the next is another finding.
		Fingerprint("CRR-050", acctA, "payments-prodto-dr", "", arnOf("payments-dr"), ""),
	} {
		if other == a {
			t.Errorf("distinct findings share fingerprint %s", a)
		}
	}
	if a != Fingerprint("CRR-050", acctA, "payments-prod", "to-dr", arnOf("payments-dr"), "") {
		t.Error("fingerprint is not a function of its fields")
	}
	d := DiffFindings(before, after)
	if len(d.New) != 0 || len(d.Resolved) != 0 || len(d.StillOpen) != len(before) {
		t.Fatalf("reworded and reordered: %d new, %d resolved, %d still open; want 0, 0, %d", len(d.New), len(d.Resolved), len(d.StillOpen), len(before))
	}
	for _, f := range d.StillOpen {
		if f.Before != nil {
			t.Errorf("%s: status or severity reported changed: %+v", f.CheckID, f.Before)
		}
		if !strings.HasPrefix(f.Message, "Reworded: ") {
			t.Errorf("still-open findings carry the current wording, got %q", f.Message)
		}
	}
	// The result built from reordered findings is the same document.
	r1 := NewResult(Tool{Name: "crrscan"}, fixtureScan(), fixtureChecks(), before, fixtureOutcomes())
	r2 := NewResult(Tool{Name: "crrscan"}, fixtureScan(), fixtureChecks(), fixtureFindings()[1:], fixtureOutcomes())
	r2.Findings = append(r2.Findings, fixtureFindings()[0])
	if !reflect.DeepEqual(DiffFindings(r1.Findings, r2.Findings), DiffFindings(r2.Findings, r1.Findings)) {
		t.Error("DiffFindings depends on order")
	}
}

// driftFixtureFindings is the fixture's findings a night later: CRR-001 on logs-prod
// was fixed, a rule was disabled (new CRR-011), the waiver of CRR-034 expired (fail
// now) and CRR-010's severity was raised; the rest are unchanged.
func driftFixtureFindings() []Finding {
	var fs []Finding
	for _, f := range fixtureFindings() {
		switch f.CheckID {
		case "CRR-001":
			continue
		case "CRR-034":
			f.Status = StatusFail
		case "CRR-010":
			f.Severity = "critical"
		}
		fs = append(fs, f)
	}
	return append(fs, Finding{
		CheckID: "CRR-011", Title: "Replication rule is disabled", Severity: "high", Status: StatusFail,
		AccountID: acctA, Region: "us-east-1", Bucket: "payments-prod", ResourceARN: arnOf("payments-prod"),
		RuleID: "to-dr", Destination: arnOf("payments-dr"),
		Message:     `Bucket payments-prod: rule "to-dr" is Disabled; nothing replicates to payments-dr`,
		Fingerprint: Fingerprint("CRR-011", acctA, "payments-prod", "to-dr", arnOf("payments-dr"), ""),
	})
}

func TestDiffFindings(t *testing.T) {
	d := DiffFindings(fixtureFindings(), driftFixtureFindings())
	ids := func(fs []DriftFinding) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.CheckID+" "+f.Bucket)
		}
		return out
	}
	if got := ids(d.New); !slices.Equal(got, []string{"CRR-011 payments-prod"}) {
		t.Errorf("new %v", got)
	}
	if got := ids(d.Resolved); !slices.Equal(got, []string{"CRR-001 logs-prod"}) {
		t.Errorf("resolved %v", got)
	}
	if got := ids(d.StillOpen); !slices.Equal(got, []string{"CRR-034 payments-prod", "CRR-050 payments-prod", "CRR-090 archive-eu", "CRR-010 media-uploads"}) {
		t.Errorf("still open %v", got)
	}
	changed := map[string]FindingState{}
	for _, f := range d.StillOpen {
		if f.Before != nil {
			changed[f.CheckID] = *f.Before
		}
	}
	want := map[string]FindingState{"CRR-034": {Status: StatusWaived, Severity: "low"}, "CRR-010": {Status: StatusFail, Severity: "high"}}
	if !reflect.DeepEqual(changed, want) {
		t.Errorf("changed %v, want %v", changed, want)
	}
	dr := NewDrift(DriftSide{}, DriftSide{}, d, nil, nil)
	if s := dr.Summary; s != (DriftSummary{NewFindings: 1, ResolvedFindings: 1, StillOpenFindings: 4, ChangedFindings: 2}) {
		t.Errorf("summary %+v", s)
	}
}

// TestExitCodeNew: --fail-on-new counts only findings open now and not open in the
// baseline (new, or waived/error there); incomplete scans still exit 3.
func TestExitCodeNew(t *testing.T) {
	complete := fixtureScan()
	complete.Complete = true
	result := func(old, cur []Finding, scan ScanInfo) *Result {
		r := NewResult(Tool{}, scan, nil, cur, nil)
		r.Drift = NewDrift(DriftSide{}, DriftSide{}, DiffFindings(old, r.Findings), nil, nil)
		return r
	}
	high, _ := ParseFailOn("high")
	critical, _ := ParseFailOn("critical")
	low, _ := ParseFailOn("low")
	none, _ := ParseFailOn("none")
	onlyOld := fixtureFindings()
	// The same findings: nothing new, although critical findings are open.
	if got := result(onlyOld, fixtureFindings(), complete).ExitCodeNew(high); got != ExitOK {
		t.Errorf("nothing new: exit %d, want 0", got)
	}
	if got := result(onlyOld, fixtureFindings(), complete).ExitCode(high); got != ExitViolations {
		t.Errorf("the plain rule still fails: exit %d, want 1", got)
	}
	// New CRR-011 (high).
	cur := driftFixtureFindings()
	if got := result(onlyOld, cur, complete).ExitCodeNew(high); got != ExitViolations {
		t.Errorf("new high finding: exit %d, want 1", got)
	}
	if got := result(onlyOld, cur, complete).ExitCodeNew(critical); got != ExitOK {
		t.Errorf("new high finding, --fail-on critical: exit %d, want 0 (CRR-010 was open already, only its severity rose)", got)
	}
	// The expired waiver reopened CRR-034 (low): newly open.
	noNew := slices.DeleteFunc(slices.Clone(cur), func(f Finding) bool { return f.CheckID == "CRR-011" })
	if got := result(onlyOld, noNew, complete).ExitCodeNew(low); got != ExitViolations {
		t.Errorf("reopened low finding, --fail-on low: exit %d, want 1", got)
	}
	if got := result(onlyOld, noNew, complete).ExitCodeNew(high); got != ExitOK {
		t.Errorf("reopened low finding, --fail-on high: exit %d, want 0", got)
	}
	if got := result(onlyOld, cur, complete).ExitCodeNew(none); got != ExitOK {
		t.Errorf("--fail-on none: exit %d, want 0", got)
	}
	if got := result(onlyOld, cur, fixtureScan()).ExitCodeNew(high); got != ExitIncomplete {
		t.Errorf("incomplete: exit %d, want 3", got)
	}
}

func TestReadResult(t *testing.T) {
	var buf bytes.Buffer
	if err := (&JSON{}).Write(&buf, withDrift(fixtureResult())); err != nil {
		t.Fatal(err)
	}
	r, err := ReadResult(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) != len(fixtureFindings()) || r.Drift == nil || r.Drift.Summary.NewFindings != 1 {
		t.Errorf("round trip lost data: %d findings, drift %+v", len(r.Findings), r.Drift)
	}
	cases := map[string]string{
		`{"schema_version":"2","findings":[]}`:                       `invalid result: schema_version "2", this build reads "1"`,
		`{"schema_version":"1","findings":[{"check_id":`:             "invalid result: not JSON: unexpected end of JSON input",
		`{"schema_version":"1","buckets":[]}`:                        "invalid result: no schema_version or findings field (is this a crrscan result?)",
		`{"schema_version":"1","findings":[{"check_id":"CRR-001"}]}`: "invalid result: finding #1 lacks check_id or fingerprint",
		`{"schema_version":"1","findings":{"check_id":"CRR-001"}}`:   "invalid result: json: cannot unmarshal object into Go struct field Result.findings of type []report.Finding",
		"\xff":                               "invalid result: not JSON: invalid character 'ÿ' looking for beginning of value",
		`{"schema_version":1,"findings":[]}`: "invalid result: not JSON: json: cannot unmarshal number into Go struct field .schema_version of type string",
		`{"schema_version":"1","findings":[],"tool":{"name":"other"}}`: "",
	}
	for doc, want := range cases {
		_, err := ReadResult(strings.NewReader(doc))
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: %v", doc, err)
		case want != "" && (err == nil || err.Error() != want):
			t.Errorf("%s: error %v, want %q", doc, err, want)
		}
	}
	if _, err := ReadResultFile(filepath.Join(t.TempDir(), "nope.json")); err == nil || !strings.Contains(err.Error(), "nope.json") {
		t.Errorf("missing file: %v", err)
	}
}

// withDrift is the fixture result a night later compared with the fixture result,
// and the configuration drift of driftEstate's "several changes" case, with hostile
// text in a rule ID and a note.
func withDrift(r *Result) *Result {
	old := driftEstate()
	cur := driftEstate()
	ruleOf(cur, "to-dr").Status = "Disabled"
	ruleOf(cur, "to-dr").Destination.StorageClass = ""
	bucketOf(cur, "src").Versioning = &scanner.Versioning{Status: "Suspended"}
	destOf(cur, "dr").Versioning = &scanner.Versioning{Status: "Suspended"}
	ruleOf(cur, "to-local").DeleteMarkerReplication = &scanner.StatusValue{Status: "Enabled"}
	hostile := "\x1b[31mrule\x1b[0m <b>|x|</b> \u202eevil"
	ruleOf(old, "").ID, ruleOf(cur, "").ID = sp(hostile), sp(hostile)
	ruleOf(cur, hostile).Destination.Bucket = arnOf("far")
	cur.Destinations = append(cur.Destinations, scanner.LinkedBucket{Arn: arnOf("far"), Name: "far", AccountID: acctB, Region: "ap-southeast-2", Versioning: &scanner.Versioning{Status: "Enabled"}})
	bucketOf(old, "plain").Errors = []scanner.CollectionError{{Operation: "GetBucketReplication", Code: "AccessDenied", Resource: arnOf("plain"), Component: scanner.ComponentReplication}}

	cur2 := NewResult(r.Tool, r.Scan, fixtureChecks(), driftFixtureFindings(), fixtureOutcomes())
	baseAt := time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)
	curAt := cur2.Scan.StartedAt
	cur2.Drift = NewDrift(
		DriftSide{Result: "nightly/previous/crrscan.json", Snapshot: "nightly/previous/crrscan.snapshot.json", ScannedAt: &baseAt},
		DriftSide{Snapshot: "nightly/crrscan.snapshot.json", ScannedAt: &curAt},
		DiffFindings(fixtureFindings(), cur2.Findings),
		DiffSnapshots(old, cur),
		[]string{"a note with <html> & \x1b]0;title\x07 in it"},
	)
	return cur2
}

// TestDriftGolden renders the result with a drift section in every format that has
// one, and the drift on its own (crrscan diff), against golden files.
func TestDriftGolden(t *testing.T) {
	r := withDrift(fixtureResult())
	files := map[string][]byte{}
	for _, format := range []string{"json", "table", "markdown", "html"} {
		files["result-drift"+strings.TrimPrefix(goldenName(format), "result")] = render(t, format, r)
	}
	for _, format := range DriftFormats() {
		var buf bytes.Buffer
		if err := WriteDrift(&buf, format, r.Drift, Options{}); err != nil {
			t.Fatal(err)
		}
		files["diff"+strings.TrimPrefix(goldenName(format), "result")] = buf.Bytes()
	}
	for name, got := range files {
		path := filepath.Join("testdata", "golden", name)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("read golden (run go test ./report -update to create it): %v", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs (run go test ./report -update after checking the change)\n--- got ---\n%s", path, got)
		}
	}
	// The drift section appears only with a drift: without one the reports are
	// exactly what they were (the plain golden files).
	for _, format := range []string{"json", "table", "markdown", "html"} {
		out := string(render(t, format, fixtureResult()))
		if strings.Contains(out, "Drift since") || strings.Contains(out, `"drift"`) {
			t.Errorf("%s: drift section without a baseline", format)
		}
	}
}

// TestDriftHostileText: rule IDs and notes are data in every format.
func TestDriftHostileText(t *testing.T) {
	r := withDrift(fixtureResult())
	table := render(t, "table", r)
	if bytes.ContainsAny(table, "\x1b\x07") || strings.ContainsRune(string(table), '\u202e') || !utf8.Valid(table) {
		t.Error("control characters reach the table")
	}
	md := string(render(t, "markdown", r))
	if strings.Contains(md, "<b>") || strings.Contains(md, "<html>") || strings.Contains(md, "|x|") {
		t.Error("markup reaches the Markdown drift section")
	}
	html := string(render(t, "html", r))
	if strings.Contains(html, "<b>|x|") || strings.Contains(html, "<html> &") || strings.ContainsRune(html, '\u202e') {
		t.Error("markup or bidi controls reach the HTML drift section")
	}
	if !strings.Contains(html, `<section id="drift"`) || !strings.Contains(html, `<a href="#drift">Drift</a>`) {
		t.Error("HTML has no drift section or nav link")
	}
	var buf bytes.Buffer
	if err := WriteDrift(&buf, "json", r.Drift, Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsRune(buf.String(), '\u202e') {
		t.Error("bidi control raw in the drift JSON")
	}
	if err := WriteDrift(&buf, "csv", r.Drift, Options{}); err == nil || !strings.Contains(err.Error(), "table, json, markdown") {
		t.Errorf("unknown drift format: %v", err)
	}
}

// TestDriftTableHugeValues: a 3 MB message and a 3 MB bucket name in the drift
// section are cut to a few lines and characters, so the drift table stays small.
func TestDriftTableHugeValues(t *testing.T) {
	r := withDrift(fixtureResult())
	if len(r.Drift.Findings.New) == 0 {
		t.Fatal("the drift fixture has no new finding")
	}
	r.Drift.Findings.New[0].Message = strings.Repeat("drift ", 3<<20/6)
	r.Drift.Findings.New[0].Bucket = strings.Repeat("b", 3<<20)
	out := render(t, "table", r)
	if len(out) > 40_000 || !bytes.Contains(out, []byte("…")) {
		t.Errorf("drift table of %d bytes: huge values not cut", len(out))
	}
}
