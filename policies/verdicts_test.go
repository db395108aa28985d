package policies

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
	"github.com/crrscan/crrscan/scanner"
)

// verdictCase is one case of the verdict-accuracy set (testdata/verdicts): a snapshot
// and the findings AWS's documentation says it must and must not get, labelled from
// the pages in LabelledFrom before the scanner was run on it.
type verdictCase struct {
	Case         string          `json:"case"`
	Why          string          `json:"why"`
	LabelledFrom []string        `json:"labelled_from"`
	Settings     string          `json:"settings"`
	Snapshot     json.RawMessage `json:"snapshot"`
	Expect       []verdict       `json:"expect"`
	Forbid       []verdict       `json:"forbid"`
}

// verdict names a finding: bucket and check ("*": any check), and optionally its
// severity and status.
type verdict struct {
	Bucket   string `json:"bucket"`
	Check    string `json:"check"`
	Severity string `json:"severity"`
	Status   string `json:"status"`
}

func TestVerdictAccuracy(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "verdicts", "*.json"))
	if err != nil || len(files) < 10 {
		t.Fatalf("verdict cases: %d files, %v", len(files), err)
	}
	e := newEngine(t)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var vc verdictCase
			if err := json.Unmarshal(data, &vc); err != nil {
				t.Fatal(err)
			}
			if vc.Why == "" || len(vc.LabelledFrom) == 0 || len(vc.Expect)+len(vc.Forbid) == 0 {
				t.Fatalf("case %s: every case says why, cites its AWS pages and expects something", vc.Case)
			}
			snap, err := scanner.ReadSnapshot(bytes.NewReader(vc.Snapshot))
			if err != nil {
				t.Fatal(err)
			}
			set := DefaultSettings()
			if vc.Settings != "" {
				path := filepath.Join(t.TempDir(), "crrscan.yaml")
				if err := os.WriteFile(path, []byte(vc.Settings), 0o600); err != nil {
					t.Fatal(err)
				}
				if set, err = LoadSettings(path, e.Checks()); err != nil {
					t.Fatal(err)
				}
			}
			findings, _, err := e.EvaluateSnapshotWith(context.Background(), snap, set, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), 1)
			if err != nil {
				t.Fatal(err)
			}
			matches := func(v verdict) []string {
				var got []string
				for _, f := range findings {
					if f.Bucket == v.Bucket && (v.Check == "*" || f.CheckID == v.Check) &&
						(v.Severity == "" || f.Severity == v.Severity) && (v.Status == "" || f.Status == v.Status) {
						got = append(got, f.CheckID+" "+f.Severity+": "+f.Message)
					}
				}
				return got
			}
			for _, v := range vc.Expect {
				if len(matches(v)) == 0 {
					t.Errorf("expected %+v; findings:\n%s", v, list(findings))
				}
			}
			for _, v := range vc.Forbid {
				if got := matches(v); len(got) > 0 {
					t.Errorf("forbidden %+v found:\n  %s", v, strings.Join(got, "\n  "))
				}
			}
		})
	}
}

// list shows findings one a line, for a failure message.
func list(fs []report.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.Bucket + " " + f.CheckID + " " + f.Severity + " " + f.Status + ": " + f.Message + "\n")
	}
	return b.String()
}
