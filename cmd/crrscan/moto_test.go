package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner/scantest"
)

const motoAccount = "123456789012"

// hardening are the findings the guide's own setup carries: its trust policy has no
// confused-deputy condition (CRR-034, low).
var hardening = map[string]bool{"CRR-034": true}

// guideTrust is the guide's step 2 trust policy: S3 may assume the role.
const guideTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// ec2Trust trusts the wrong service.
const ec2Trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// guidePermissions is the guide's step 2 least-privilege permissions policy.
func guidePermissions(src, dst string) string {
	return `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Action":["s3:GetReplicationConfiguration","s3:ListBucket"],"Resource":["arn:aws:s3:::` + src + `"]},` +
		`{"Effect":"Allow","Action":["s3:GetObjectVersionForReplication","s3:GetObjectVersionAcl","s3:GetObjectVersionTagging"],"Resource":["arn:aws:s3:::` + src + `/*"]},` +
		`{"Effect":"Allow","Action":["s3:ReplicateObject","s3:ReplicateDelete","s3:ReplicateTags"],"Resource":"arn:aws:s3:::` + dst + `/*"}]}`
}

// guideReplication is the guide's step 3 replication configuration.
func guideReplication(role, dst, status string) string {
	return `{"Role":"arn:aws:iam::` + motoAccount + `:role/` + role + `","Rules":[{"ID":"crr-all","Status":"` + status +
		`","Priority":1,"DeleteMarkerReplication":{"Status":"Disabled"},"Filter":{"Prefix":""},"Destination":{"Bucket":"arn:aws:s3:::` + dst + `"}}]}`
}

// awsCLI runs the aws CLI against the emulator, the way a user follows the guide.
type awsCLI struct {
	t        *testing.T
	endpoint string
	dir      string
}

func (a awsCLI) run(args ...string) {
	a.t.Helper()
	full := append([]string{"--endpoint-url", a.endpoint, "--output", "json"}, args...)
	cmd := exec.Command("aws", full...)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing",
		"AWS_DEFAULT_REGION=us-east-1", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		a.t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// file writes a JSON document for a file:// argument.
func (a awsCLI) file(name, content string) string {
	a.t.Helper()
	p := filepath.Join(a.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		a.t.Fatal(err)
	}
	return "file://" + p
}

func (a awsCLI) bucket(name, region string) {
	a.t.Helper()
	if region == "us-east-1" {
		a.run("s3api", "create-bucket", "--bucket", name, "--region", region)
		return
	}
	a.run("s3api", "create-bucket", "--bucket", name, "--region", region,
		"--create-bucket-configuration", "LocationConstraint="+region)
}

// pair follows the guide: step 1 versioning on both buckets, step 2 the role (unless
// it exists), step 3 the replication configuration on the source.
func (a awsCLI) pair(src, srcRegion, dst, dstRegion, role, trust, status string) {
	a.t.Helper()
	a.bucket(src, srcRegion)
	a.bucket(dst, dstRegion)
	a.run("s3api", "put-bucket-versioning", "--bucket", src, "--versioning-configuration", "Status=Enabled")
	a.run("s3api", "put-bucket-versioning", "--bucket", dst, "--versioning-configuration", "Status=Enabled")
	if trust != "" {
		a.run("iam", "create-role", "--role-name", role, "--assume-role-policy-document", a.file(role+"-trust.json", trust))
		a.run("iam", "put-role-policy", "--role-name", role, "--policy-name", "crr-permissions",
			"--policy-document", a.file(role+"-perms.json", guidePermissions(src, dst)))
	}
	a.run("s3api", "put-bucket-replication", "--bucket", src,
		"--replication-configuration", a.file(src+"-replication.json", guideReplication(role, dst, status)))
}

func requireMoto(t *testing.T) {
	t.Helper()
	if moto == nil {
		t.Skip("moto_server unavailable (set CI=true to make this a failure)")
	}
	if _, err := exec.LookPath("aws"); err != nil {
		t.Fatalf("the aws CLI is needed to seed moto the way the guide does: %v", err)
	}
	if err := moto.Reset(); err != nil {
		t.Fatalf("reset moto: %v", err)
	}
}

// findingsOn indexes open findings by bucket and check.
func findingsOn(r report.Result) map[string]map[string]report.Finding {
	m := map[string]map[string]report.Finding{}
	for _, f := range r.Findings {
		if m[f.Bucket] == nil {
			m[f.Bucket] = map[string]report.Finding{}
		}
		m[f.Bucket][f.CheckID] = f
	}
	return m
}

// TestGuideSetupOnMoto builds the guide's setup with the aws CLI, breaks copies of it
// one way each, scans with crrscan and expects exactly the matching finding per pair.
func TestGuideSetupOnMoto(t *testing.T) {
	requireMoto(t)
	a := awsCLI{t: t, endpoint: moto.URL, dir: t.TempDir()}

	a.pair("guide-src", "us-east-1", "guide-dst", "eu-west-1", "crr-guide", guideTrust, "Enabled")
	// CRR-002: destination versioning suspended after the configuration was accepted.
	a.pair("unver-src", "us-east-1", "unver-dst", "eu-west-1", "crr-unver", guideTrust, "Enabled")
	a.run("s3api", "put-bucket-versioning", "--bucket", "unver-dst", "--versioning-configuration", "Status=Suspended")
	// CRR-011: the only rule is disabled (replication paused).
	a.pair("paused-src", "us-east-1", "paused-dst", "eu-west-1", "crr-paused", guideTrust, "Disabled")
	// CRR-021: destination in the source's own region.
	a.pair("samereg-src", "eu-west-1", "samereg-dst", "eu-west-1", "crr-samereg", guideTrust, "Enabled")
	// CRR-020: destination deleted.
	a.pair("orphan-src", "us-east-1", "orphan-dst", "ap-southeast-2", "crr-orphan", guideTrust, "Enabled")
	a.run("s3api", "delete-bucket", "--bucket", "orphan-dst")
	// CRR-030: role deleted.
	a.pair("norole-src", "us-east-1", "norole-dst", "eu-west-1", "crr-gone", guideTrust, "Enabled")
	a.run("iam", "delete-role-policy", "--role-name", "crr-gone", "--policy-name", "crr-permissions")
	a.run("iam", "delete-role", "--role-name", "crr-gone")
	// CRR-031: trust policy for another service.
	a.pair("trust-src", "us-east-1", "trust-dst", "eu-west-1", "crr-ec2", ec2Trust, "Enabled")
	// CRR-010: a bucket with no configuration.
	a.bucket("plain-bucket", "eu-west-1")
	a.run("s3api", "put-bucket-versioning", "--bucket", "plain-bucket", "--versioning-configuration", "Status=Enabled")

	out := t.TempDir()
	res := runCrrscan(t, []string{"AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing", "AWS_REGION=us-east-1",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null"},
		"scan", "--endpoint-url", moto.URL, "--format", "json", "--output-dir", out)
	if res.code != 1 {
		t.Fatalf("exit %d, want 1 (complete scan with violations); stderr:\n%s", res.code, res.stderr)
	}
	r := readResult(t, filepath.Join(out, "crrscan.json"))
	if !r.Scan.Complete || r.Scan.BucketsScanned != 14 {
		t.Fatalf("complete=%v buckets=%d, want complete and 14", r.Scan.Complete, r.Scan.BucketsScanned)
	}
	got := findingsOn(r)
	// The guide's trust policy has no aws:SourceAccount condition, so the confused-
	// deputy hardening check (CRR-034, low) fires on every pair built from it; it is
	// the only finding the guide's own setup may carry.
	for _, b := range []string{"guide-src", "guide-dst"} {
		for id, f := range got[b] {
			if hardening[id] {
				continue
			}
			t.Errorf("correct pair: unexpected %s on %s: %s", id, b, f.Message)
		}
	}
	want := map[string]string{
		"unver-src":    "CRR-002",
		"paused-src":   "CRR-011",
		"samereg-src":  "CRR-021",
		"orphan-src":   "CRR-020",
		"norole-src":   "CRR-030",
		"trust-src":    "CRR-031",
		"plain-bucket": "CRR-010",
		// Only a disabled rule names it: it receives nothing, so it is no replica.
		"paused-dst": "CRR-010",
	}
	for bucket, id := range want {
		fs := got[bucket]
		if _, ok := fs[id]; !ok {
			t.Errorf("%s: want %s, got %v", bucket, id, keys(fs))
		}
		for other := range fs {
			if other != id && !hardening[other] {
				t.Errorf("%s: want only %s, also got %s: %s", bucket, id, other, fs[other].Message)
			}
		}
		if f := fs[id]; f.Status != report.StatusFail || f.AccountID != motoAccount || f.Remediation.Summary == "" {
			t.Errorf("%s %s: status %q account %q remediation %q", bucket, id, f.Status, f.AccountID, f.Remediation.Summary)
		}
	}
	// Replicas (destinations of scanned buckets) are out of scope: no CRR-010 on them.
	for _, b := range []string{"guide-dst", "unver-dst", "samereg-dst", "norole-dst", "trust-dst"} {
		if len(got[b]) != 0 {
			t.Errorf("replica %s: unexpected findings %v", b, keys(got[b]))
		}
	}
	if len(got) != len(want)+1 { // + guide-src with its hardening finding
		t.Errorf("findings on %d buckets, want %d: %v", len(got), len(want)+1, keys(got))
	}

	// The same estate through a proxy that denies one read: CRR-090, exit 3.
	t.Run("access denied", func(t *testing.T) {
		proxy := deniedProxy(t, moto.URL, "guide-src", "versioning")
		out := t.TempDir()
		res := runCrrscan(t, []string{"AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing", "AWS_REGION=us-east-1",
			"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null"},
			"scan", "--endpoint-url", proxy, "--format", "json", "--output-dir", out)
		if res.code != 3 {
			t.Fatalf("exit %d, want 3; stderr:\n%s", res.code, res.stderr)
		}
		if !strings.Contains(res.stderr, "scan incomplete") {
			t.Errorf("no closing line on stderr:\n%s", res.stderr)
		}
		r := readResult(t, filepath.Join(out, "crrscan.json"))
		f, ok := findingsOn(r)["guide-src"]["CRR-090"]
		if !ok {
			t.Fatalf("no CRR-090 on guide-src: %v", keys(findingsOn(r)["guide-src"]))
		}
		if f.Status != report.StatusError || !strings.Contains(f.Message, "GetBucketVersioning") || !strings.Contains(f.Message, "AccessDenied") {
			t.Errorf("CRR-090 finding: status %q message %q", f.Status, f.Message)
		}
		if _, judged := findingsOn(r)["guide-src"]["CRR-001"]; judged {
			t.Errorf("CRR-001 judged although versioning could not be read")
		}
		if r.Scan.Complete || r.Scan.BucketsScanned != 14 {
			t.Errorf("complete=%v buckets=%d", r.Scan.Complete, r.Scan.BucketsScanned)
		}
		evidence, _ := json.Marshal(f.Evidence)
		if !strings.Contains(string(evidence), "AccessDenied") {
			t.Errorf("evidence lacks the error code: %s", evidence)
		}
	})
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// deniedProxy puts a proxy in front of moto that answers one bucket's read (query
// key such as "versioning") with 403 AccessDenied.
func deniedProxy(t *testing.T, target, bucket, query string) string {
	t.Helper()
	p := scantest.NewProxy(target, scantest.Rule{Bucket: bucket, Query: query})
	t.Cleanup(func() {
		if p.Hits(0) == 0 {
			t.Errorf("the proxy never denied %s?%s: the test did not exercise the failure", bucket, query)
		}
		p.Close()
	})
	return p.URL
}
