package policies

import (
	"strings"
	"testing"
	"time"
)

const lintWaivers = `waivers:
  - check: CRR-010
    buckets: ["payments-*"]
    reason: accepted until the trust policy is rewritten
    owner: platform-team
    expires: 2099-12-31
  - check: CRR-015
    buckets: ["logs-*"]
    reason: migration
    owner: storage-team
    expires: 2027-03-01
`

// TestLintFarWaivers: a waiver expiring more than a year after the scan date is a
// warning naming file, line and check (26,687 days: counted with Python's date
// arithmetic); one within the year is not.
func TestLintFarWaivers(t *testing.T) {
	today := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	got := parse(t, lintWaivers).Lint(today)
	if len(got) != 1 {
		t.Fatalf("Lint = %q, want one warning (the 2099 waiver)", got)
	}
	want := "crrscan.yaml:2: the waiver of CRR-010 expires 2099-12-31, 26687 days from 2026-12-07: more than waiver_max_days (365)"
	if !strings.HasPrefix(got[0], want) {
		t.Errorf("Lint = %q, want it to start %q", got[0], want)
	}
}

// TestLintWaiverMaxDaysConfigurable: waiver_max_days tightens the limit, and 0
// turns the warning off.
func TestLintWaiverMaxDaysConfigurable(t *testing.T) {
	today := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	if got := parse(t, "waiver_max_days: 30\n"+lintWaivers).Lint(today); len(got) != 2 {
		t.Errorf("waiver_max_days 30: Lint = %q, want both waivers", got)
	}
	if got := parse(t, "waiver_max_days: 0\n"+lintWaivers).Lint(today); len(got) != 0 {
		t.Errorf("waiver_max_days 0: Lint = %q, want none", got)
	}
	if _, err := ParseSettings("crrscan.yaml", []byte("waiver_max_days: soon\n"), testCatalogue()); err == nil {
		t.Error("waiver_max_days: soon was accepted")
	}
}
