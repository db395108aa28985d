package policies

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

const acct = "111122223333"

func ptr[T any](v T) *T { return &v }

func newEngine(t *testing.T, dirs ...string) *Engine {
	t.Helper()
	e, err := New(context.Background(), dirs...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

func enabledRule(id, dest string) scanner.ReplicationRule {
	return scanner.ReplicationRule{
		ID: ptr(id), Priority: ptr(int32(1)), Filter: &scanner.ReplicationRuleFilter{}, Status: "Enabled",
		DeleteMarkerReplication: &scanner.StatusValue{Status: "Enabled"},
		Destination:             scanner.Destination{Bucket: dest},
	}
}

func bucket(name, region, versioning string, cfg *scanner.ReplicationConfiguration, errs ...scanner.CollectionError) scanner.Bucket {
	b := scanner.Bucket{
		Name: name, Arn: "arn:aws:s3:::" + name, AccountID: acct, Region: region,
		ReplicationConfiguration: cfg, Errors: errs,
	}
	if versioning != "-" {
		b.Versioning = &scanner.Versioning{Status: versioning}
	}
	return b
}

func role(name string, exists *bool, trust any, errs ...scanner.CollectionError) scanner.Role {
	return scanner.Role{
		Arn: "arn:aws:iam::" + acct + ":role/" + name, RoleName: name, AccountID: acct,
		Exists: exists, AssumeRolePolicyDocument: trust, Errors: errs,
	}
}

func linked(name, region string, exists *bool, versioning string) scanner.LinkedBucket {
	lb := scanner.LinkedBucket{Arn: "arn:aws:s3:::" + name, Name: name, AccountID: acct, Exists: exists, Region: region}
	if versioning != "-" {
		lb.Versioning = &scanner.Versioning{Status: versioning}
	}
	return lb
}

func denied(op, resource, component string) scanner.CollectionError {
	return scanner.CollectionError{Operation: op, Code: "AccessDenied", Message: "Access Denied", Resource: resource, Component: component}
}

func config(roleName string, rules ...scanner.ReplicationRule) *scanner.ReplicationConfiguration {
	return &scanner.ReplicationConfiguration{Role: "arn:aws:iam::" + acct + ":role/" + roleName, Rules: rules}
}

var s3Trust = map[string]any{
	"Version": "2012-10-17",
	"Statement": []any{map[string]any{
		"Effect": "Allow", "Principal": map[string]any{"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole",
	}},
}

var ec2Trust = map[string]any{
	"Version": "2012-10-17",
	"Statement": map[string]any{
		"Effect": "Allow", "Principal": map[string]any{"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole",
	},
}

// estate is a small estate that exercises every check of the engine.
func estate() *scanner.Snapshot {
	paused := enabledRule("paused", "arn:aws:s3:::dst-ok")
	paused.Status = "Disabled"
	s := &scanner.Snapshot{
		SchemaVersion: scanner.SchemaVersion,
		Accounts:      []string{acct},
		Regions:       []string{"eu-west-1", "us-east-1"},
		Buckets: []scanner.Bucket{
			// Healthy: every check passes.
			bucket("src-ok", "eu-west-1", "Enabled", config("crr-ok", enabledRule("dr", "arn:aws:s3:::dst-ok"))),
			// Suspended source, same-region unversioned destination, missing destination, missing role.
			bucket("src-bad", "eu-west-1", "Suspended", config("crr-missing",
				enabledRule("same", "arn:aws:s3:::dst-same"), enabledRule("gone", "arn:aws:s3:::dst-gone"))),
			// In scope, never versioned, no configuration.
			bucket("plain", "us-east-1", "", nil),
			// A replica: out of scope.
			bucket("dst-ok", "us-east-1", "Enabled", nil),
			// Nothing could be read: not judged.
			bucket("denied", "eu-west-1", "-", nil,
				denied("GetBucketReplication", "arn:aws:s3:::denied", scanner.ComponentReplication),
				denied("GetBucketVersioning", "arn:aws:s3:::denied", scanner.ComponentVersioning)),
			// Paused, and its role trusts EC2 only.
			bucket("paused", "eu-west-1", "Enabled", config("crr-ec2", paused)),
			// Its role could not be read.
			bucket("role-hidden", "eu-west-1", "Enabled", config("crr-hidden", enabledRule("dr", "arn:aws:s3:::dst-ok"))),
		},
		Destinations: []scanner.LinkedBucket{
			linked("dst-gone", "", ptr(false), "-"),
			linked("dst-ok", "us-east-1", ptr(true), "Enabled"),
			linked("dst-same", "eu-west-1", ptr(true), "Suspended"),
		},
		Roles: []scanner.Role{
			role("crr-ec2", ptr(true), ec2Trust),
			role("crr-hidden", nil, nil, denied("GetRole", "arn:aws:iam::"+acct+":role/crr-hidden", scanner.ComponentRole)),
			role("crr-missing", ptr(false), nil),
			role("crr-ok", ptr(true), s3Trust),
		},
		Errors: []scanner.CollectionError{
			denied("ListBuckets", "arn:aws:iam::444455556666:root", scanner.ComponentAccount),
		},
	}
	s.Sort()
	return s
}

func key(f report.Finding) string {
	return strings.Join([]string{f.CheckID, f.Status, f.Bucket, f.Destination}, " ")
}

// firstChecks are the checks the in-memory estate of these tests was built for.
var firstChecks = []string{"CRR-001", "CRR-002", "CRR-010", "CRR-011", "CRR-020", "CRR-021", "CRR-030", "CRR-031", "CRR-090"}

func TestEvaluateSnapshot(t *testing.T) {
	e := newEngine(t)
	findings, outcomes, err := e.EvaluateSnapshot(context.Background(), estate(), 3)
	if err != nil {
		t.Fatalf("EvaluateSnapshot: %v", err)
	}
	// The estate is built to exercise the first checks; later checks are judged on
	// their own fixtures, so this test looks only at these.
	var got []string
	for _, f := range findings {
		if slices.Contains(firstChecks, f.CheckID) {
			got = append(got, key(f))
		}
	}
	for id := range outcomes {
		if !slices.Contains(firstChecks, id) {
			delete(outcomes, id)
		}
	}
	// Sorted by account, region, bucket, check, rule, destination.
	want := []string{
		"CRR-090 error denied ",
		"CRR-090 error denied ",
		"CRR-011 fail paused ",
		"CRR-031 fail paused ",
		"CRR-090 error role-hidden ",
		"CRR-001 fail src-bad ",
		"CRR-002 fail src-bad arn:aws:s3:::dst-same",
		"CRR-020 fail src-bad arn:aws:s3:::dst-gone",
		"CRR-021 fail src-bad arn:aws:s3:::dst-same",
		"CRR-030 fail src-bad ",
		"CRR-001 fail plain ",
		"CRR-010 fail plain ",
		"CRR-090 error  ", // ListBuckets in account 444455556666
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n got %q\nwant %q", got, want)
	}

	// "denied" could not be read at all: every check that needs its replication
	// configuration or versioning counts it as error.
	wantOutcomes := map[string]map[string]int{
		// src-ok, src-bad, plain, paused, role-hidden judged; dst-ok is a replica without configuration.
		"CRR-001": {"pass": 3, "fail": 2, "error": 1},
		// src-ok, src-bad, role-hidden (paused has no enabled rule).
		"CRR-002": {"pass": 2, "fail": 1, "error": 1},
		// in scope: src-ok, src-bad, plain, denied, paused, role-hidden.
		"CRR-010": {"pass": 4, "fail": 1, "error": 1},
		"CRR-011": {"pass": 3, "fail": 1, "error": 1},
		"CRR-020": {"pass": 3, "fail": 1, "error": 1},
		"CRR-021": {"pass": 3, "fail": 1, "error": 1},
		// role-hidden's role could not be read; paused, src-ok exist.
		"CRR-030": {"pass": 2, "fail": 1, "error": 2},
		// crr-missing does not exist: not applicable.
		"CRR-031": {"pass": 1, "fail": 1, "error": 2},
		// every bucket; the snapshot-level error is not a bucket.
		"CRR-090": {"pass": 5, "fail": 0, "error": 2},
	}
	if fmt.Sprint(outcomes) != fmt.Sprint(wantOutcomes) {
		t.Errorf("outcomes:\n got %v\nwant %v", outcomes, wantOutcomes)
	}
}

func findingsByKey(t *testing.T, fs []report.Finding) map[string]report.Finding {
	t.Helper()
	m := map[string]report.Finding{}
	for _, f := range fs {
		m[f.CheckID+" "+f.Bucket+" "+f.Destination] = f
	}
	return m
}

func TestFindingFields(t *testing.T) {
	e := newEngine(t)
	findings, _, err := e.EvaluateSnapshot(context.Background(), estate(), 2)
	if err != nil {
		t.Fatalf("EvaluateSnapshot: %v", err)
	}
	m := findingsByKey(t, findings)

	f, ok := m["CRR-002 src-bad arn:aws:s3:::dst-same"]
	if !ok {
		t.Fatal("no CRR-002 finding for src-bad")
	}
	if f.Title != "Destination bucket versioning is not enabled" || f.Severity != "critical" || f.Status != "fail" {
		t.Errorf("CRR-002 metadata: %q %q %q", f.Title, f.Severity, f.Status)
	}
	if f.AccountID != acct || f.Region != "eu-west-1" || f.ResourceARN != "arn:aws:s3:::dst-same" {
		t.Errorf("CRR-002 location: %q %q %q", f.AccountID, f.Region, f.ResourceARN)
	}
	if want := []string{"aws s3api put-bucket-versioning --bucket dst-same --versioning-configuration Status=Enabled --region eu-west-1"}; !slices.Equal(f.Remediation.Commands, want) {
		t.Errorf("CRR-002 commands: %q", f.Remediation.Commands)
	}
	if !strings.HasPrefix(f.Remediation.Summary, "Enable versioning on the destination bucket") {
		t.Errorf("CRR-002 summary: %q", f.Remediation.Summary)
	}
	if want := report.Fingerprint("CRR-002", acct, "src-bad", "", "arn:aws:s3:::dst-same", ""); f.Fingerprint != want {
		t.Errorf("CRR-002 fingerprint %s, want %s", f.Fingerprint, want)
	}
	if f.Evidence["DestinationVersioning"] == nil {
		t.Errorf("CRR-002 evidence: %v", f.Evidence)
	}

	f = m["CRR-030 src-bad "]
	if f.ResourceARN != "arn:aws:iam::"+acct+":role/crr-missing" || f.Remediation.Documents["trust-policy.json"] == nil {
		t.Errorf("CRR-030: resource %q documents %v", f.ResourceARN, f.Remediation.Documents)
	}

	// Bucket read errors: status error, named operation, key in the fingerprint.
	var denied []report.Finding
	for _, f := range findings {
		if f.Bucket == "denied" {
			denied = append(denied, f)
		}
	}
	if len(denied) != 2 {
		t.Fatalf("findings on the unreadable bucket: %d, want the 2 CRR-090", len(denied))
	}
	for _, f := range denied {
		if f.CheckID != ErrorCheckID || f.Status != report.StatusError || f.Severity != "error" {
			t.Errorf("unreadable bucket finding %s %s %s", f.CheckID, f.Status, f.Severity)
		}
	}
	if denied[0].Fingerprint == denied[1].Fingerprint {
		t.Error("two read errors on one bucket share a fingerprint")
	}
	wantMsg := "GetBucketReplication on arn:aws:s3:::denied failed with AccessDenied: Access Denied"
	if denied[0].Message != wantMsg && denied[1].Message != wantMsg {
		t.Errorf("CRR-090 messages %q, %q; want one %q", denied[0].Message, denied[1].Message, wantMsg)
	}

	// Snapshot-level error: built in Go, no bucket.
	top := findings[len(findings)-1]
	if top.CheckID != ErrorCheckID || top.Bucket != "" || top.AccountID != "444455556666" || top.Status != report.StatusError ||
		top.Message != "ListBuckets on arn:aws:iam::444455556666:root failed with AccessDenied: Access Denied" ||
		top.Title == "" || top.Remediation.Summary == "" {
		t.Errorf("snapshot-level finding: %+v", top)
	}
}

func TestNotJudgedOnReadError(t *testing.T) {
	e := newEngine(t)
	s := estate()
	var in Input
	for i := range Inputs(s) {
		if i.Bucket.Name == "denied" {
			in = i
		}
	}
	ev, err := e.Evaluate(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	// Nothing of the bucket could be read: every check that applies is not judged.
	for _, id := range firstChecks {
		if ev.Outcomes[id] != OutcomeError {
			t.Errorf("%s: outcome %q, want error", id, ev.Outcomes[id])
		}
	}
	for id, o := range ev.Outcomes {
		if o != OutcomeError {
			t.Errorf("%s: outcome %q on a bucket nothing of which could be read", id, o)
		}
	}
	for _, f := range ev.Findings {
		if f.CheckID != ErrorCheckID {
			t.Errorf("a check that was not judged reported %s: %s", f.CheckID, f.Message)
		}
	}

	// The same bucket with its configuration readable but its versioning not: CRR-010
	// is judged (and fails), CRR-001 is not judged, even though its Rego would fire if
	// the unknown versioning were taken for "never enabled".
	in.Errors = in.Errors[1:]
	in.Bucket.Versioning = &scanner.Versioning{Status: ""}
	if in.Errors[0].Component != scanner.ComponentVersioning {
		t.Fatalf("fixture order changed: %+v", in.Errors)
	}
	ev, err = e.Evaluate(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Outcomes["CRR-001"] != "error" || ev.Outcomes["CRR-010"] != "fail" {
		t.Errorf("outcomes %v", ev.Outcomes)
	}
	for _, f := range ev.Findings {
		if f.CheckID == "CRR-001" {
			t.Errorf("CRR-001 reported although versioning could not be read: %s", f.Message)
		}
	}
}

func TestDeterministicJSON(t *testing.T) {
	e := newEngine(t)
	render := func(concurrency int) []byte {
		findings, outcomes, err := e.EvaluateSnapshot(context.Background(), estate(), concurrency)
		if err != nil {
			t.Fatalf("EvaluateSnapshot: %v", err)
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", " ")
		if err := enc.Encode(map[string]any{"findings": findings, "outcomes": outcomes}); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	first, second, serial := render(4), render(4), render(1)
	if !bytes.Equal(first, second) || !bytes.Equal(first, serial) {
		t.Fatalf("findings JSON differs between runs:\n%s\n---\n%s", first, second)
	}
	// Stable shapes: no null lists or maps.
	if bytes.Contains(first, []byte(`"commands": null`)) || bytes.Contains(first, []byte(`"documents": null`)) ||
		bytes.Contains(first, []byte(`"evidence": null`)) {
		t.Errorf("null remediation fields in JSON:\n%s", first)
	}
}

func TestInputs(t *testing.T) {
	s := estate()
	var names []string
	byName := map[string]Input{}
	for in := range Inputs(s) {
		names = append(names, in.Bucket.Name)
		byName[in.Bucket.Name] = in
	}
	var want []string
	for _, b := range s.Buckets {
		want = append(want, b.Name)
	}
	if !slices.Equal(names, want) {
		t.Errorf("inputs %v", names)
	}
	bad := byName["src-bad"]
	if bad.Role == nil || bad.Role.RoleName != "crr-missing" || len(bad.Destinations) != 2 {
		t.Errorf("src-bad input: role %v destinations %v", bad.Role, bad.Destinations)
	}
	if !bad.Facts.InScope || bad.Facts.IsReplica ||
		!slices.Equal(bad.Facts.ReplicatesTo, []string{"arn:aws:s3:::dst-gone", "arn:aws:s3:::dst-same"}) {
		t.Errorf("src-bad facts %+v", bad.Facts)
	}
	replica := byName["dst-ok"]
	if replica.Facts.InScope || !replica.Facts.IsReplica ||
		!slices.Equal(replica.Facts.ReplicatedFrom, []string{"arn:aws:s3:::paused", "arn:aws:s3:::role-hidden", "arn:aws:s3:::src-ok"}) {
		t.Errorf("dst-ok facts %+v", replica.Facts)
	}
	if len(byName["role-hidden"].Errors) != 1 || byName["role-hidden"].Errors[0].Operation != "GetRole" {
		t.Errorf("role errors not on the bucket's input: %+v", byName["role-hidden"].Errors)
	}

	doc, err := json.Marshal(byName["plain"])
	if err != nil {
		t.Fatal(err)
	}
	var generic map[string]any
	if err := json.Unmarshal(doc, &generic); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"bucket", "role", "destinations", "kms_keys", "errors", "facts", "settings"} {
		if _, ok := generic[k]; !ok {
			t.Errorf("input document lacks %q: %s", k, doc)
		}
	}
	if !strings.Contains(string(doc), `"destinations":{},"kms_keys":{},"errors":[],"facts":{"in_scope":true,"is_replica":false,"replicated_from":[],"replicates_to":[],"bidirectional":[],"onward":[],"destinations_replication_unknown":[],"role_sources":[]},"settings":{}`) {
		t.Errorf("input document shape: %s", doc)
	}
}
