package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

var (
	demoSnapshot = filepath.Join("..", "..", "fixtures", "demo", "snapshot.json")
	demoSettings = filepath.Join("..", "..", "fixtures", "settings", "demo.yaml")
)

func findingsOf(r report.Result, check, bucket string) []report.Finding {
	var out []report.Finding
	for _, f := range r.Findings {
		if f.CheckID == check && f.Bucket == bucket {
			out = append(out, f)
		}
	}
	return out
}

func checkSummary(t *testing.T, r report.Result, id string) report.CheckSummary {
	t.Helper()
	for _, c := range r.Summary.Checks {
		if c.CheckID == id {
			return c
		}
	}
	t.Fatalf("summary has no %s", id)
	return report.CheckSummary{}
}

// The demo estate with fixtures/settings/demo.yaml on the snapshot's date: one
// waiver holds, one has expired, and CRR-021 is rated medium.
func TestSettingsWaiveReopenAndRerate(t *testing.T) {
	dir := t.TempDir()
	res := runCrrscan(t, nil, "scan", "--from-snapshot", demoSnapshot, "--config", demoSettings,
		"--today", "2026-11-24", "--format", "table,json", "--output-dir", dir, "--table-limit", "0")
	if res.code != 3 {
		t.Fatalf("exit %d, want 3 (the demo has an unreadable bucket); stderr:\n%s", res.code, res.stderr)
	}
	r := readResult(t, filepath.Join(dir, "crrscan.json"))

	waived := findingsOf(r, "CRR-010", "acme-data-lake-raw-prod")
	if len(waived) != 1 || waived[0].Status != report.StatusWaived {
		t.Fatalf("CRR-010 on acme-data-lake-raw-prod: %+v", waived)
	}
	w, _ := waived[0].Evidence["waiver"].(map[string]any)
	if w["owner"] != "data-platform" || w["ticket"] != "DATA-1234" || w["expires"] != "2027-03-31" ||
		!strings.HasPrefix(w["reason"].(string), "raw data is re-ingested") {
		t.Errorf("evidence.waiver = %v", waived[0].Evidence["waiver"])
	}
	if !strings.Contains(res.stdout, "waived") {
		t.Errorf("the table does not show the waived finding:\n%s", res.stdout)
	}

	reopened := findingsOf(r, "CRR-010", "acme-dr-terraform-state")
	if len(reopened) != 1 || reopened[0].Status != report.StatusFail {
		t.Errorf("CRR-010 on acme-dr-terraform-state: %+v", reopened)
	}
	expired := findingsOf(r, "CRR-091", "acme-dr-terraform-state")
	want := "waiver for CRR-010 on bucket acme-dr-terraform-state (platform-team, PLAT-88) expired on 2026-10-31: the finding is open again"
	if len(expired) != 1 || expired[0].Status != report.StatusFail || expired[0].Severity != "medium" || expired[0].Message != want {
		t.Errorf("CRR-091 on acme-dr-terraform-state: %+v", expired)
	}
	if n := len(findingsOf(r, "CRR-091", "acme-data-lake-raw-prod")); n != 0 {
		t.Errorf("CRR-091 fired for the unexpired waiver")
	}

	// Four fail: acme-analytics-replica-apse2 is named only by a disabled rule, so it is no replica.
	if c := checkSummary(t, r, "CRR-010"); c.Waived != 1 || c.Fail != 4 {
		t.Errorf("summary CRR-010: %+v", c)
	}
	if c := checkSummary(t, r, "CRR-091"); c.Pass != 1 || c.Fail != 1 {
		t.Errorf("summary CRR-091: %+v", c)
	}
	if r.Summary.ByStatus[report.StatusWaived] != 1 {
		t.Errorf("by_status %v", r.Summary.ByStatus)
	}

	// The severity override reaches the finding and the check's summary row.
	if c := checkSummary(t, r, "CRR-021"); c.Severity != "medium" {
		t.Errorf("summary CRR-021 severity %s, want medium", c.Severity)
	}
	for _, f := range r.Findings {
		if f.CheckID == "CRR-021" && f.Severity != "medium" {
			t.Errorf("CRR-021 on %s: severity %s, want medium", f.Bucket, f.Severity)
		}
	}
}

// completeEstate writes the demo's two buckets without a replication configuration
// (CRR-010, high) as a complete snapshot.
func completeEstate(t *testing.T) string {
	t.Helper()
	s, err := scanner.ReadSnapshotFile(demoSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	keep := []string{"acme-data-lake-raw-prod", "acme-dr-terraform-state"}
	s.Buckets = slices.DeleteFunc(s.Buckets, func(b scanner.Bucket) bool { return !slices.Contains(keep, b.Name) })
	if len(s.Buckets) != len(keep) || !s.Complete() {
		t.Fatalf("filtered estate: %d buckets, complete %v", len(s.Buckets), s.Complete())
	}
	var buf bytes.Buffer
	if err := scanner.WriteSnapshot(&buf, s); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "complete.json")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Waived findings never fail the run; an expired waiver does.
func TestSettingsWaiversAndExitCode(t *testing.T) {
	snap := completeEstate(t)
	for _, tc := range []struct {
		today  string
		exit   int
		waived int
	}{
		{"2026-10-31", 0, 2}, // both waivers hold (the second through its last day)
		{"2026-11-01", 1, 1}, // the second has expired: CRR-010 (high) is open again
	} {
		t.Run(tc.today, func(t *testing.T) {
			dir := t.TempDir()
			res := runCrrscan(t, nil, "scan", "--from-snapshot", snap, "--config", demoSettings, "--today", tc.today,
				"--fail-on", "high", "--format", "json", "--output-dir", dir)
			if res.code != tc.exit {
				t.Fatalf("exit %d, want %d; stderr:\n%s", res.code, tc.exit, res.stderr)
			}
			r := readResult(t, filepath.Join(dir, "crrscan.json"))
			if got := r.Summary.ByStatus[report.StatusWaived]; got != tc.waived {
				t.Errorf("waived %d, want %d", got, tc.waived)
			}
			for _, f := range r.Findings {
				if f.Status == report.StatusFail && report.SeverityRank(f.Severity) >= report.SeverityRank("high") && tc.exit == 0 {
					t.Errorf("open %s finding %s on %s, yet exit 0", f.Severity, f.CheckID, f.Bucket)
				}
			}
		})
	}
	// Without the settings the same estate fails.
	res := runCrrscan(t, nil, "scan", "--from-snapshot", snap, "--fail-on", "high", "--format", "json", "--output-dir", t.TempDir())
	if res.code != 1 {
		t.Errorf("without settings: exit %d, want 1", res.code)
	}
}

func TestSettingsErrorExitsTwoWithOneLine(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	thirty := write("thirty.yaml", "version: 1\nrequirements:\n  rtc: true\n  min_retention_days: thirty\n")
	typo := write("typo.yaml", "version: 1\n\nscope:\n  bukcets: [\"*\"]\n")
	unknownCheck := write("unknown-check.yaml", "waivers:\n  - check: CRR-999\n")
	errorCheck := write("error-check.yaml", "waivers:\n  - check: CRR-090\n")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"bad value", []string{"--config", thirty},
			"crrscan: " + thirty + `:4: requirements.min_retention_days: want a whole number of days, got "thirty"`},
		{"unknown key", []string{"--config", typo},
			"crrscan: " + typo + ":4: scope.bukcets: unknown key (known: buckets, exclude, tags, include_replicas)"},
		{"unknown check", []string{"--config", unknownCheck},
			"crrscan: " + unknownCheck + `:2: waivers[0].check: unknown check "CRR-999" (see crrscan checks list)`},
		{"CRR-090 waiver", []string{"--config", errorCheck},
			"crrscan: " + errorCheck + ":2: waivers[0].check: CRR-090 findings report reads that failed and cannot be waived; grant the read permission or fix the error instead"},
		{"missing file", []string{"--config", filepath.Join(dir, "nope.yaml")},
			"crrscan: read settings: open " + filepath.Join(dir, "nope.yaml") + ": no such file or directory"},
		{"bad --today", []string{"--config", demoSettings, "--today", "24/11/2026"},
			`crrscan: --today wants a date YYYY-MM-DD, got "24/11/2026"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			args := append([]string{"scan", "--from-snapshot", demoSnapshot, "--format", "table,json", "--output-dir", out, "--snapshot-out", filepath.Join(out, "snap.json")}, tc.args...)
			res := runCrrscan(t, nil, args...)
			if res.code != 2 {
				t.Fatalf("exit %d, want 2; stderr:\n%s", res.code, res.stderr)
			}
			if got := strings.TrimRight(res.stderr, "\n"); got != tc.want {
				t.Errorf("stderr\n got %q\nwant %q", got, tc.want)
			}
			if res.stdout != "" {
				t.Errorf("something was written to stdout:\n%s", res.stdout)
			}
			if entries, _ := os.ReadDir(out); len(entries) > 0 {
				t.Errorf("a settings error wrote %d files", len(entries))
			}
		})
	}
}

// The README's settings example is fixtures/settings/crrscan.yaml, and it is valid.
func TestReadmeSettingsExample(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	fixture := filepath.Join("..", "..", "fixtures", "settings", "crrscan.yaml")
	want, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "<!-- settings-example:begin -->\n```yaml\n")
	block, _, ok2 := strings.Cut(rest, "```\n<!-- settings-example:end -->")
	if !ok || !ok2 {
		t.Fatal("README has no settings example between the settings-example markers")
	}
	if block != string(want) {
		t.Errorf("README's settings example differs from %s", fixture)
	}
	res := runCrrscan(t, nil, "scan", "--from-snapshot", demoSnapshot, "--config", fixture, "--format", "json", "--output-dir", t.TempDir())
	if res.code == 2 {
		t.Errorf("the sample settings are refused: %s", res.stderr)
	}
}
