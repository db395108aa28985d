package app

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crrscan/crrscan/report"
)

// policyTestdata is a directory of custom checks in the policies package's testdata.
func policyTestdata(name string) string {
	return filepath.Join("..", "..", "..", "policies", "testdata", "policydir", name)
}

// demoScan is the config of a scan of the demo snapshot with the custom checks of
// policyTestdata(policies), writing the JSON report to dir.
func demoScan(dir, policies string, stdout, stderr *bytes.Buffer) ScanConfig {
	return ScanConfig{
		FromSnapshot: filepath.Join("..", "..", "..", "fixtures", "demo", "snapshot.json"),
		Formats:      []string{"json"},
		OutputDir:    dir,
		PolicyDirs:   []string{policyTestdata(policies)},
		Stdout:       stdout, Stderr: stderr,
	}
}

// TestScanRefusesNetworkCheck: a custom check calling http.send stops the scan
// before anything is read or written, with a usage error naming the file and line.
func TestScanRefusesNetworkCheck(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	_, err := Scan(context.Background(), demoScan(dir, "network", &stdout, &stderr))
	if !IsUsage(err) || !strings.Contains(err.Error(), "exfiltrate.rego:9: calls http.send") {
		t.Fatalf("Scan with an http.send check = %v, want a usage error naming exfiltrate.rego:9", err)
	}
	if _, statErr := os.Stat(filepath.Join(dir, "crrscan.json")); statErr == nil {
		t.Error("a report was written although the policies were refused")
	}
}

// TestScanStopsRunawayCheck: with a custom check that loops, the scan of the demo
// snapshot finishes; the buckets it applies to get a CRR-090 error finding, and the
// scan is incomplete (exit 3).
func TestScanStopsRunawayCheck(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	cfg := demoScan(dir, "loop", &stdout, &stderr)
	cfg.EvalTimeout = 100 * time.Millisecond
	code, err := Scan(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if code != report.ExitIncomplete {
		t.Errorf("exit code %d, want %d (buckets not judged)", code, report.ExitIncomplete)
	}
	b, err := os.ReadFile(filepath.Join(dir, "crrscan.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res report.Result
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	stopped := 0
	for _, f := range res.Findings {
		if f.CheckID == "CRR-090" && f.Status == report.StatusError && f.Evidence["Code"] == "EvaluationTimeLimit" {
			stopped++
		}
	}
	if stopped == 0 || res.Scan.Complete {
		t.Errorf("%d time-limit findings, complete %v; want some, and an incomplete scan", stopped, res.Scan.Complete)
	}
}
