package policies

import (
	"context"
	"strings"
	"testing"
	"time"
)

// A check may give one finding a severity of its own (CRR-021 reports a same-region
// copy of objects that also reach another region at info); a settings override
// replaces the check's default severity only; a severity outside the enum is refused.
func TestFindingSeverity(t *testing.T) {
	check := func(sev string) string {
		return "# METADATA\n# title: T\n# custom:\n#   id: ACME-010\n#   severity: high\npackage crr.checks.own_severity\n\n" +
			"deny contains {\"msg\": \"low one\", \"key\": \"a\", \"severity\": \"" + sev + "\"} if input.bucket.Name == \"plain\"\n" +
			"deny contains {\"msg\": \"default one\", \"key\": \"b\"} if input.bucket.Name == \"plain\"\n"
	}
	e := newEngine(t, writeDir(t, map[string]string{"own.rego": check("info")}))
	sevs := func(set *Settings) map[string]string {
		t.Helper()
		findings, _, err := e.EvaluateSnapshotWith(context.Background(), estate(), set, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), 1)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, f := range findings {
			if f.CheckID == "ACME-010" {
				got[f.Message] = f.Severity
			}
		}
		return got
	}
	if got := sevs(nil); got["low one"] != "info" || got["default one"] != "high" {
		t.Errorf("severities %v, want the finding's own (info) and the check's (high)", got)
	}
	set := DefaultSettings()
	set.Severity["ACME-010"] = "medium"
	if got := sevs(set); got["low one"] != "info" || got["default one"] != "medium" {
		t.Errorf("with an override: severities %v, want info kept and high overridden to medium", got)
	}

	bad := newEngine(t, writeDir(t, map[string]string{"own.rego": check("urgent")}))
	_, _, err := bad.EvaluateSnapshot(context.Background(), estate(), 1)
	if err == nil || !strings.Contains(err.Error(), `"severity" "urgent"`) {
		t.Fatalf("error %v, want one naming the bad severity", err)
	}
}
