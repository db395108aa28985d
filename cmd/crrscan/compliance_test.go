package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/crrscan/crrscan/report"
)

// --compliance FRAMEWORK limits the report to the checks that map to it (read errors
// stay); an unknown framework is a usage error that lists the known ones.
func TestComplianceFlag(t *testing.T) {
	demo := filepath.Join("..", "..", "fixtures", "demo", "snapshot.json")
	dir := t.TempDir()
	res := runCrrscan(t, nil, "scan", "--from-snapshot", demo, "--compliance", "aws-securityhub", "--format", "json,csv", "--output-dir", dir)
	if res.code != 3 {
		t.Fatalf("exit %d, want 3 (the demo has an unreadable bucket); stderr:\n%s", res.code, res.stderr)
	}
	r := readResult(t, filepath.Join(dir, "crrscan.json"))
	var s37, errs int
	for _, f := range r.Findings {
		switch {
		case f.Status == report.StatusError:
			errs++
		case report.MapsTo(f.Compliance, "aws-securityhub"):
			s37++
		default:
			t.Errorf("%s on %s maps to %v, not aws-securityhub", f.CheckID, f.Bucket, f.Compliance)
		}
	}
	if s37 == 0 || errs == 0 {
		t.Errorf("%d S3.7 findings, %d read errors; want both", s37, errs)
	}
	for _, c := range r.Summary.Checks {
		if c.CheckID == "CRR-034" || c.CheckID == "CRR-073" {
			t.Errorf("summary holds %s, which maps to no aws-securityhub control", c.CheckID)
		}
	}

	bad := runCrrscan(t, nil, "scan", "--from-snapshot", demo, "--compliance", "sox", "--output-dir", t.TempDir())
	if bad.code != 2 || !strings.Contains(bad.stderr, `--compliance "sox"`) || !strings.Contains(bad.stderr, "nist-800-53-r5") {
		t.Errorf("exit %d, stderr %q; want 2 naming the flag and the known frameworks", bad.code, bad.stderr)
	}
}
