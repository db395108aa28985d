package policies

import (
	"context"
	"reflect"
	"testing"

	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

// settingsFor parses src against the real catalogue.
func settingsFor(t *testing.T, e *Engine, src string) *Settings {
	t.Helper()
	s, err := ParseSettings("crrscan.yaml", []byte(src), e.Checks())
	if err != nil {
		t.Fatalf("ParseSettings: %v", err)
	}
	return s
}

func findingsOf(fs []report.Finding, check, bucket string) []report.Finding {
	var out []report.Finding
	for _, f := range fs {
		if f.CheckID == check && f.Bucket == bucket {
			out = append(out, f)
		}
	}
	return out
}

func TestWaivers(t *testing.T) {
	e := newEngine(t)
	set := settingsFor(t, e, `
waivers:
  - check: CRR-010
    buckets: [plain]
    reason: archive bucket, recreated from source
    owner: data-platform
    ticket: DATA-7
    expires: 2026-12-31
  - check: CRR-031
    buckets: ["paus*"]
    reason: role is being replaced
    owner: platform
    expires: 2026-10-31
  - check: CRR-010
    buckets: [denied]
    reason: not readable anyway
    owner: platform
    expires: 2026-12-31
`)
	findings, outcomes, err := e.EvaluateSnapshotWith(context.Background(), estate(), set, day("2026-11-24"), 2)
	if err != nil {
		t.Fatalf("EvaluateSnapshotWith: %v", err)
	}

	// An unexpired waiver: the finding stays, waived, with the waiver as evidence.
	plain := findingsOf(findings, "CRR-010", "plain")
	if len(plain) != 1 || plain[0].Status != report.StatusWaived {
		t.Fatalf("CRR-010 on plain: %+v", plain)
	}
	wantEvidence := map[string]any{"reason": "archive bucket, recreated from source", "owner": "data-platform", "ticket": "DATA-7", "expires": "2026-12-31"}
	if got := plain[0].Evidence["waiver"]; !reflect.DeepEqual(got, wantEvidence) {
		t.Errorf("evidence.waiver %v, want %v", got, wantEvidence)
	}
	if _, ok := plain[0].Evidence["ReplicationConfiguration"]; !ok {
		t.Errorf("the check's own evidence is gone: %v", plain[0].Evidence)
	}
	if fs := findingsOf(findings, "CRR-001", "plain"); len(fs) != 1 || fs[0].Status != report.StatusFail {
		t.Errorf("a waiver of CRR-010 must not waive CRR-001: %+v", fs)
	}

	// An expired waiver waives nothing: the finding is open and CRR-091 says why.
	paused := findingsOf(findings, "CRR-031", "paused")
	if len(paused) != 1 || paused[0].Status != report.StatusFail {
		t.Errorf("CRR-031 on paused: %+v", paused)
	}
	if _, ok := paused[0].Evidence["waiver"]; ok {
		t.Errorf("an open finding carries a waiver: %v", paused[0].Evidence)
	}
	expired := findingsOf(findings, WaiverCheckID, "paused")
	if len(expired) != 1 || expired[0].Status != report.StatusFail || expired[0].Severity != "medium" ||
		expired[0].Message != "waiver for CRR-031 on bucket paused (platform) expired on 2026-10-31: the finding is open again" {
		t.Errorf("CRR-091 on paused: %+v", expired)
	}
	if fs := findingsOf(findings, WaiverCheckID, "plain"); len(fs) != 0 {
		t.Errorf("CRR-091 fired for an unexpired waiver: %+v", fs)
	}

	// A check that could not be judged stays an error; there is nothing to waive.
	if fs := findingsOf(findings, "CRR-010", "denied"); len(fs) != 0 {
		t.Errorf("CRR-010 on denied: %+v", fs)
	}

	wantOutcomes := map[string]map[string]int{
		"CRR-010": {"pass": 4, "fail": 0, "error": 1, "waived": 1},
		"CRR-031": {"pass": 1, "fail": 1, "error": 2},
		// Judged on the three buckets that waivers name.
		"CRR-091": {"pass": 2, "fail": 1, "error": 0},
	}
	for id, want := range wantOutcomes {
		if !reflect.DeepEqual(outcomes[id], want) {
			t.Errorf("outcomes[%s] = %v, want %v", id, outcomes[id], want)
		}
	}

	res := report.NewResult(report.Tool{}, report.ScanInfo{Complete: true}, nil, findings, outcomes)
	if res.Summary.ByStatus[report.StatusWaived] != 1 {
		t.Errorf("by_status %v", res.Summary.ByStatus)
	}
	for _, c := range res.Summary.Checks {
		if c.CheckID == "CRR-010" && c.Waived != 1 {
			t.Errorf("summary CRR-010: %+v", c)
		}
	}
}

// Waived findings never count toward --fail-on; expired waivers do not waive.
func TestWaivedFindingsAndExitCode(t *testing.T) {
	e := newEngine(t)
	snap := &scanner.Snapshot{
		SchemaVersion: scanner.SchemaVersion,
		Accounts:      []string{acct},
		Regions:       []string{"us-east-1"},
		// In scope, never versioned, no configuration: CRR-001 (critical) and CRR-010 (high).
		Buckets: []scanner.Bucket{bucket("plain", "us-east-1", "", nil)},
	}
	set := settingsFor(t, e, `
waivers:
  - {check: CRR-001, buckets: [plain], reason: r, owner: o, expires: 2026-12-31}
  - {check: CRR-010, buckets: ["*"], reason: r, owner: o, expires: 2026-11-30}
`)
	failOn, err := report.ParseFailOn("info")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		today  string
		status map[string]string
		exit   int
	}{
		{"2026-11-30", map[string]string{"CRR-001": "waived", "CRR-010": "waived"}, report.ExitOK},
		{"2026-12-01", map[string]string{"CRR-001": "waived", "CRR-010": "fail", "CRR-091": "fail"}, report.ExitViolations},
		{"2027-01-01", map[string]string{"CRR-001": "fail", "CRR-010": "fail", "CRR-091": "fail"}, report.ExitViolations},
	} {
		findings, outcomes, err := e.EvaluateSnapshotWith(context.Background(), snap, set, day(tc.today), 1)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, f := range findings {
			if _, seen := got[f.CheckID]; seen && f.CheckID != WaiverCheckID {
				t.Errorf("%s: two findings of %s", tc.today, f.CheckID)
			}
			got[f.CheckID] = f.Status
		}
		if !reflect.DeepEqual(got, tc.status) {
			t.Errorf("%s: statuses %v, want %v", tc.today, got, tc.status)
		}
		res := report.NewResult(report.Tool{}, report.ScanInfo{Complete: true}, nil, findings, outcomes)
		if code := res.ExitCode(failOn); code != tc.exit {
			t.Errorf("%s: exit code %d, want %d", tc.today, code, tc.exit)
		}
	}
}

func TestSeverityOverrides(t *testing.T) {
	e := newEngine(t)
	set := settingsFor(t, e, "severity:\n  CRR-010: low\n  CRR-091: critical\nwaivers:\n  - {check: CRR-001, buckets: [plain], reason: r, owner: o, expires: 2026-01-01}\n")
	findings, _, err := e.EvaluateSnapshotWith(context.Background(), estate(), set, day("2026-11-24"), 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		want := map[string]string{"CRR-010": "low", "CRR-091": "critical", "CRR-001": "critical", "CRR-090": "error"}[f.CheckID]
		if want != "" && f.Severity != want {
			t.Errorf("%s on %s: severity %s, want %s", f.CheckID, f.Bucket, f.Severity, want)
		}
	}
	if len(findingsOf(findings, "CRR-010", "plain")) != 1 || len(findingsOf(findings, WaiverCheckID, "plain")) != 1 {
		t.Errorf("findings %+v", findings)
	}
	// Without settings nothing changes.
	plain, _, err := e.EvaluateSnapshot(context.Background(), estate(), 2)
	if err != nil {
		t.Fatal(err)
	}
	if fs := findingsOf(plain, "CRR-010", "plain"); len(fs) != 1 || fs[0].Severity != "high" {
		t.Errorf("CRR-010 without settings: %+v", fs)
	}
}

// A waiver in the input waives the findings of Evaluate itself.
func TestEvaluateAppliesInputWaivers(t *testing.T) {
	e := newEngine(t)
	var in Input
	for i := range Inputs(estate()) {
		if i.Bucket.Name == "plain" {
			in = i
		}
	}
	in.Settings = BucketSettings{Waivers: []BucketWaiver{
		{Check: "CRR-010", Reason: "r", Owner: "o", Expires: "2026-01-01", Expired: true},
		{Check: "CRR-010", Reason: "r2", Owner: "o2", Ticket: "T", Expires: "2027-01-01"},
	}}
	ev, err := e.Evaluate(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Outcomes["CRR-010"] != OutcomeWaived || ev.Outcomes["CRR-001"] != OutcomeFail || ev.Outcomes[WaiverCheckID] != OutcomeFail {
		t.Errorf("outcomes %v", ev.Outcomes)
	}
	fs := findingsOf(ev.Findings, "CRR-010", "plain")
	if len(fs) != 1 || fs[0].Evidence["waiver"].(map[string]any)["reason"] != "r2" {
		t.Errorf("CRR-010: %+v", fs)
	}
}
