package policies

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

// The encryption, Object Lock and topology checks.
var encryptionTopologyChecks = []string{"CRR-060", "CRR-061", "CRR-063", "CRR-064", "CRR-065", "CRR-070", "CRR-072", "CRR-073"}

var sseS3 = &scanner.ServerSideEncryptionConfiguration{Rules: []scanner.ServerSideEncryptionRule{{
	ApplyServerSideEncryptionByDefault: &scanner.ServerSideEncryptionByDefault{SSEAlgorithm: "AES256"},
	BucketKeyEnabled:                   ptr(false),
}}}

// guidePair is the AWS guide's own setup: a versioned source in eu-west-1, a
// versioned destination in us-east-1 (both listed), one V2 rule for the whole bucket,
// the role S3 can assume, S3's default encryption (SSE-S3), no KMS, no Object Lock.
func guidePair(blockSSEC bool) *scanner.Snapshot {
	sse := sseS3
	if blockSSEC { // buckets created since 2026 block SSE-C by default
		sse = &scanner.ServerSideEncryptionConfiguration{Rules: []scanner.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &scanner.ServerSideEncryptionByDefault{SSEAlgorithm: "AES256"},
			BlockedEncryptionTypes:             []string{"SSE-C"},
		}}}
	}
	noLock := &scanner.ObjectLockConfiguration{}
	src := bucket("guide-src", "eu-west-1", "Enabled", config("crr-guide", enabledRule("replicate-everything", "arn:aws:s3:::guide-dst")))
	src.ServerSideEncryptionConfiguration = sse
	src.ObjectLockConfiguration = noLock
	dst := bucket("guide-dst", "us-east-1", "Enabled", nil)
	dst.ServerSideEncryptionConfiguration = sse
	dst.ObjectLockConfiguration = noLock
	linkedDst := linked("guide-dst", "us-east-1", ptr(true), "Enabled")
	linkedDst.InScan = true
	linkedDst.ServerSideEncryptionConfiguration = sse
	linkedDst.ObjectLockConfiguration = noLock
	s := &scanner.Snapshot{
		SchemaVersion: scanner.SchemaVersion,
		Accounts:      []string{acct},
		Regions:       []string{"eu-west-1", "us-east-1"},
		Buckets:       []scanner.Bucket{src, dst},
		Destinations:  []scanner.LinkedBucket{linkedDst},
		Roles:         []scanner.Role{role("crr-guide", ptr(true), s3Trust)},
	}
	s.Sort()
	return s
}

// The guide's setup gives no finding from these checks; those that can judge it pass.
func TestGuidePairQuietForEncryptionAndTopologyChecks(t *testing.T) {
	e := newEngine(t)
	for _, blockSSEC := range []bool{false, true} {
		s := guidePair(blockSSEC)
		for in := range Inputs(s) {
			ev, err := e.Evaluate(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range ev.Findings {
				if slices.Contains(encryptionTopologyChecks, f.CheckID) {
					t.Errorf("blockSSEC=%v: %s on %s: %s", blockSSEC, f.CheckID, f.Bucket, f.Message)
				}
			}
			got := map[string]string{}
			for _, id := range encryptionTopologyChecks {
				if o, ok := ev.Outcomes[id]; ok {
					got[id] = o
				}
			}
			want := map[string]string{}
			if in.Bucket.Name == "guide-src" {
				// No KMS key anywhere: CRR-061, 063 and 064 have nothing to judge.
				want = map[string]string{"CRR-060": "pass", "CRR-065": "pass", "CRR-070": "pass", "CRR-072": "pass", "CRR-073": "pass"}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("blockSSEC=%v: %s outcomes %v, want %v", blockSSEC, in.Bucket.Name, got, want)
			}
		}
	}
}

func kmsDefault(key string) *scanner.ServerSideEncryptionConfiguration {
	return &scanner.ServerSideEncryptionConfiguration{Rules: []scanner.ServerSideEncryptionRule{{
		ApplyServerSideEncryptionByDefault: &scanner.ServerSideEncryptionByDefault{SSEAlgorithm: "aws:kms", KMSMasterKeyID: ptr(key)},
		BucketKeyEnabled:                   ptr(true),
	}}}
}

// The guide's pair broken one way per check, end to end through Inputs and the engine.
func TestEncryptionAndObjectLockChecksOnASnapshot(t *testing.T) {
	const (
		srcKey = "arn:aws:kms:eu-west-1:111122223333:key/1111aaaa-2222-bbbb-3333-cccc4444dddd"
		dstKey = "arn:aws:kms:us-east-1:111122223333:key/5555eeee-6666-ffff-7777-000088889999"
	)
	cases := []struct {
		name   string
		breakf func(s *scanner.Snapshot)
		want   []string
	}{
		{"kms source, rule does not select", func(s *scanner.Snapshot) {
			s.Buckets[0].ServerSideEncryptionConfiguration = kmsDefault(srcKey)
			s.KmsKeys = []scanner.KmsKey{{Ref: srcKey, Arn: srcKey, Exists: ptr(true), KeyMetadata: &scanner.KeyMetadata{Arn: srcKey, Enabled: true, KeyState: "Enabled"}}}
		}, []string{"CRR-060"}},
		{"rule selects KMS without a key", func(s *scanner.Snapshot) {
			s.Buckets[0].ServerSideEncryptionConfiguration = kmsDefault(srcKey)
			s.Buckets[0].ReplicationConfiguration.Rules[0].SourceSelectionCriteria = &scanner.SourceSelectionCriteria{SseKmsEncryptedObjects: &scanner.StatusValue{Status: "Enabled"}}
			s.KmsKeys = []scanner.KmsKey{{Ref: srcKey, Arn: srcKey, Exists: ptr(true), KeyMetadata: &scanner.KeyMetadata{Arn: srcKey, Enabled: true, KeyState: "Enabled"}}}
		}, []string{"CRR-061"}},
		{"replica key disabled and in the wrong region", func(s *scanner.Snapshot) {
			r := &s.Buckets[0].ReplicationConfiguration.Rules[0]
			r.SourceSelectionCriteria = &scanner.SourceSelectionCriteria{SseKmsEncryptedObjects: &scanner.StatusValue{Status: "Enabled"}}
			r.Destination.EncryptionConfiguration = &scanner.EncryptionConfiguration{ReplicaKmsKeyID: ptr(srcKey)}
			s.KmsKeys = []scanner.KmsKey{{Ref: srcKey, Arn: srcKey, Exists: ptr(true), KeyMetadata: &scanner.KeyMetadata{Arn: srcKey, Enabled: false, KeyState: "Disabled"}}}
		}, []string{"CRR-063", "CRR-064"}},
		{"replica key deleted", func(s *scanner.Snapshot) {
			r := &s.Buckets[0].ReplicationConfiguration.Rules[0]
			r.SourceSelectionCriteria = &scanner.SourceSelectionCriteria{SseKmsEncryptedObjects: &scanner.StatusValue{Status: "Enabled"}}
			r.Destination.EncryptionConfiguration = &scanner.EncryptionConfiguration{ReplicaKmsKeyID: ptr(dstKey)}
			s.KmsKeys = []scanner.KmsKey{{Ref: dstKey, Exists: ptr(false)}}
		}, []string{"CRR-063"}},
		{"destination blocks SSE-C", func(s *scanner.Snapshot) {
			s.Destinations[0].ServerSideEncryptionConfiguration = &scanner.ServerSideEncryptionConfiguration{Rules: []scanner.ServerSideEncryptionRule{{
				ApplyServerSideEncryptionByDefault: &scanner.ServerSideEncryptionByDefault{SSEAlgorithm: "AES256"},
				BlockedEncryptionTypes:             []string{"SSE-C"},
			}}}
		}, []string{"CRR-065"}},
		{"source locked", func(s *scanner.Snapshot) {
			s.Buckets[0].ObjectLockConfiguration = &scanner.ObjectLockConfiguration{ObjectLockEnabled: "Enabled"}
		}, []string{"CRR-070"}},
	}
	e := newEngine(t)
	for _, c := range cases {
		s := guidePair(false)
		if s.Buckets[0].Name != "guide-src" {
			t.Fatalf("fixture order changed: %s", s.Buckets[0].Name)
		}
		c.breakf(s)
		findings, _, err := e.EvaluateSnapshot(context.Background(), s, 1)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range findings {
			if slices.Contains(encryptionTopologyChecks, f.CheckID) {
				got = append(got, f.CheckID)
				if f.Bucket != "guide-src" || len(f.Remediation.Commands) == 0 && f.CheckID != "CRR-063" {
					t.Errorf("%s: %s on %s with commands %q", c.name, f.CheckID, f.Bucket, f.Remediation.Commands)
				}
			}
		}
		sort.Strings(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: findings %v, want %v", c.name, got, c.want)
		}
	}
}

// Two-way replication and chains, from the replication graph to the findings.
func TestTopologyFactsAndFindings(t *testing.T) {
	rm := func(r scanner.ReplicationRule) scanner.ReplicationRule {
		r.SourceSelectionCriteria = &scanner.SourceSelectionCriteria{ReplicaModifications: &scanner.StatusValue{Status: "Enabled"}}
		return r
	}
	s := &scanner.Snapshot{
		SchemaVersion: scanner.SchemaVersion,
		Accounts:      []string{acct},
		Buckets: []scanner.Bucket{
			// a ⇄ b; a syncs replica modifications, b does not.
			bucket("a", "eu-west-1", "Enabled", config("crr", rm(enabledRule("to-b", "arn:aws:s3:::b")))),
			// b → c as well: a's objects reach b but not c.
			bucket("b", "us-east-1", "Enabled", config("crr", enabledRule("to-a", "arn:aws:s3:::a"), enabledRule("to-c", "arn:aws:s3:::c"))),
			bucket("c", "us-west-2", "Enabled", nil),
			// d replicates to a bucket outside the scan: its onward replication is unknown.
			bucket("d", "eu-west-1", "Enabled", config("crr", enabledRule("to-x", "arn:aws:s3:::x"))),
		},
		Destinations: []scanner.LinkedBucket{
			linked("a", "eu-west-1", ptr(true), "Enabled"),
			linked("b", "us-east-1", ptr(true), "Enabled"),
			linked("c", "us-west-2", ptr(true), "Enabled"),
			linked("x", "", nil, "-"),
		},
		Roles: []scanner.Role{role("crr", ptr(true), s3Trust)},
	}
	s.Sort()
	inputs := map[string]Input{}
	for in := range Inputs(s) {
		inputs[in.Bucket.Name] = in
	}
	a := inputs["a"].Facts
	if want := []scanner.Peer{{Peer: "arn:aws:s3:::b", ThisReplicaModifications: true, PeerReplicaModifications: false}}; !reflect.DeepEqual(a.Bidirectional, want) {
		t.Errorf("a bidirectional %+v", a.Bidirectional)
	}
	if want := []scanner.Onward{{Destination: "arn:aws:s3:::b", DestinationReplicatesTo: []string{"arn:aws:s3:::c"}}}; !reflect.DeepEqual(a.Onward, want) {
		t.Errorf("a onward %+v", a.Onward)
	}
	if d := inputs["d"].Facts; !slices.Equal(d.DestinationsReplicationUnknown, []string{"arn:aws:s3:::x"}) {
		t.Errorf("d destinations_replication_unknown %v", d.DestinationsReplicationUnknown)
	}

	e := newEngine(t)
	findings, outcomes, err := e.EvaluateSnapshot(context.Background(), s, 2)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var byKey = map[string]report.Finding{}
	for _, f := range findings {
		if f.CheckID == "CRR-072" || f.CheckID == "CRR-073" {
			k := fmt.Sprintf("%s %s %s", f.CheckID, f.Bucket, f.Destination)
			got = append(got, k)
			byKey[k] = f
		}
	}
	want := []string{
		"CRR-073 a arn:aws:s3:::b",
		"CRR-072 b arn:aws:s3:::a",
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings %q, want %q", got, want)
	}
	if f := byKey["CRR-072 b arn:aws:s3:::a"]; f.RuleID != "to-a" || f.Remediation.Terraform == "" {
		t.Errorf("CRR-072 finding %+v", f)
	}
	// a, b judged; c has no rule; d's destination is outside the scan: not judged.
	if o := outcomes["CRR-072"]; o["pass"] != 1 || o["fail"] != 1 || o["error"] != 0 {
		t.Errorf("CRR-072 outcomes %v", o)
	}
	if o := outcomes["CRR-073"]; o["pass"] != 1 || o["fail"] != 1 || o["error"] != 0 {
		t.Errorf("CRR-073 outcomes %v", o)
	}
}
