package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

// estateOf is what a snapshot says of the buckets, destinations and roles.
func estateOf(t *testing.T, path string) string {
	t.Helper()
	s, err := scanner.ReadSnapshotFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(struct {
		B []scanner.Bucket
		D []scanner.LinkedBucket
		R []scanner.Role
	}{s.Buckets, s.Destinations, s.Roles}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRemediateOnMoto: an estate built with the aws CLI, scanned; `remediate` plans
// (exit 1), refuses to apply without a terminal and without --yes (exit 2, nothing
// written), applies with --yes, and a fresh scan leaves only the findings no
// automatic fix exists for; applying again is a no-op (exit 0); `rollback` gives
// back the estate as scanned, versioning aside.
func TestRemediateOnMoto(t *testing.T) {
	requireMoto(t)
	a := awsCLI{t: t, endpoint: moto.URL, dir: t.TempDir()}
	// CRR-001 and CRR-002: both sides suspended after the configuration was put.
	a.pair("unver-src", "us-east-1", "unver-dst", "eu-west-1", "crr-unver", guideTrust, "Enabled")
	a.run("s3api", "put-bucket-versioning", "--bucket", "unver-dst", "--versioning-configuration", "Status=Suspended")
	a.run("s3api", "put-bucket-versioning", "--bucket", "unver-src", "--versioning-configuration", "Status=Suspended")
	// CRR-011: the only rule is disabled.
	a.pair("paused-src", "us-east-1", "paused-dst", "eu-west-1", "crr-paused", guideTrust, "Disabled")
	// CRR-030: the role was deleted.
	a.pair("norole-src", "us-east-1", "norole-dst", "eu-west-1", "crr-gone", guideTrust, "Enabled")
	a.run("iam", "delete-role-policy", "--role-name", "crr-gone", "--policy-name", "crr-permissions")
	a.run("iam", "delete-role", "--role-name", "crr-gone")
	// CRR-031: the role trusts EC2.
	a.pair("trust-src", "us-east-1", "trust-dst", "eu-west-1", "crr-ec2", ec2Trust, "Enabled")
	// CRR-021 (manual: same region, no declared intent).
	a.pair("samereg-src", "eu-west-1", "samereg-dst", "eu-west-1", "crr-samereg", guideTrust, "Enabled")
	// CRR-034 on every pair built from the guide's trust policy (narrowing).

	dir := t.TempDir()
	scan := func(name string) string {
		t.Helper()
		res := runCrrscan(t, motoEnv, "scan", "--endpoint-url", moto.URL, "--format", "json", "--output-dir", filepath.Join(dir, name),
			"--snapshot-out", filepath.Join(dir, name+".snapshot.json"))
		if res.code == 2 || res.code == 3 {
			t.Fatalf("scan %s: exit %d\n%s", name, res.code, res.stderr)
		}
		return filepath.Join(dir, name+".snapshot.json")
	}
	before := scan("before")
	if err := os.Rename(filepath.Join(dir, "before", "crrscan.json"), filepath.Join(dir, "before.json")); err != nil {
		t.Fatal(err)
	}
	from := filepath.Join(dir, "before.json") // its snapshot: before.snapshot.json beside it
	allow := "irreversible,narrowing"

	plan := runCrrscan(t, motoEnv, "remediate", "--from", from, "--allow", allow, "--plan-out", filepath.Join(dir, "plan.json"))
	if plan.code != 1 {
		t.Fatalf("plan: exit %d, want 1 (changes pending)\n%s\n%s", plan.code, plan.stdout, plan.stderr)
	}
	for _, want := range []string{"CRR-001", "CRR-002", "CRR-011", "CRR-030", "CRR-031", "CRR-034", "CRR-021 on samereg-src"} {
		if !strings.Contains(plan.stdout, want) {
			t.Errorf("the plan does not name %s:\n%s", want, plan.stdout)
		}
	}

	refused := runCrrscan(t, motoEnv, "remediate", "--from", from, "--allow", allow, "--apply", "--endpoint-url", moto.URL)
	if refused.code != 2 || !strings.Contains(refused.stderr, "--yes") {
		t.Errorf("apply without a terminal and --yes: exit %d\n%s", refused.code, refused.stderr)
	}
	if estateOf(t, scan("untouched")) != estateOf(t, before) {
		t.Error("the refused apply changed the estate")
	}

	journal := filepath.Join(dir, "journal.jsonl")
	applied := runCrrscan(t, motoEnv, "remediate", "--from", from, "--allow", allow, "--apply", "--yes",
		"--journal", journal, "--endpoint-url", moto.URL)
	if applied.code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", applied.code, applied.stdout, applied.stderr)
	}
	if !strings.Contains(applied.stderr, "remediate write") {
		t.Errorf("no write was logged:\n%s", applied.stderr)
	}
	scan("after")
	r := readResult(t, filepath.Join(dir, "after", "crrscan.json"))
	var left []string
	for _, f := range r.Findings {
		if f.Status != report.StatusFail {
			continue
		}
		if len(f.Remediation.Actions) > 0 {
			t.Errorf("remediable finding left: %s on %s: %s", f.CheckID, f.Bucket, f.Message)
		}
		left = append(left, f.CheckID+" "+f.Bucket)
	}
	if !strings.Contains(strings.Join(left, ","), "CRR-021 samereg-src") {
		t.Errorf("the manual finding is not left: %v", left)
	}

	again := runCrrscan(t, motoEnv, "remediate", "--allow", allow, "--apply", "--yes", "--endpoint-url", moto.URL,
		"--journal", filepath.Join(dir, "journal2.jsonl"))
	if again.code != 0 || !strings.Contains(again.stdout, "Nothing to do") || strings.Contains(again.stderr, "remediate write") {
		t.Errorf("second apply: exit %d\n%s\n%s", again.code, again.stdout, again.stderr)
	}

	back := runCrrscan(t, motoEnv, "remediate", "rollback", journal, "--yes", "--endpoint-url", moto.URL)
	if back.code != 0 || !strings.Contains(back.stderr, "Suspended") {
		t.Fatalf("rollback: exit %d\n%s\n%s", back.code, back.stdout, back.stderr)
	}
	if got, want := estateOf(t, scan("restored")), estateOf(t, before); got != want {
		t.Errorf("after the rollback the estate differs from the one scanned before the apply")
	}
}
