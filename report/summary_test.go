package report

import (
	"maps"
	"slices"
	"testing"
)

func TestNewResultSummary(t *testing.T) {
	r := fixtureResult()

	if r.SchemaVersion != SchemaVersion {
		t.Errorf("SchemaVersion = %q, want %q", r.SchemaVersion, SchemaVersion)
	}
	wantStatus := map[string]int{"fail": 3, "error": 1, "waived": 1}
	if !maps.Equal(r.Summary.ByStatus, wantStatus) {
		t.Errorf("ByStatus = %v, want %v", r.Summary.ByStatus, wantStatus)
	}
	// Only open findings count: the waived low and the CRR-090 error do not.
	wantSev := map[string]int{"critical": 2, "high": 1, "medium": 0, "low": 0, "info": 0}
	if !maps.Equal(r.Summary.BySeverity, wantSev) {
		t.Errorf("BySeverity = %v, want %v", r.Summary.BySeverity, wantSev)
	}

	want := []CheckSummary{
		{CheckID: "CRR-001", Title: "Source bucket versioning is not enabled", Severity: "critical", Pass: 3, Fail: 1, Error: 1},
		{CheckID: "CRR-002", Title: "Destination bucket versioning is not enabled", Severity: "critical", Pass: 2, Error: 1},
		{CheckID: "CRR-010", Title: "Bucket in scope does not replicate", Severity: "high", Pass: 3, Fail: 1, Error: 1},
		{CheckID: "CRR-034", Title: "Trust policy has no confused-deputy condition", Severity: "low", Pass: 1, Error: 1, Waived: 1},
		{CheckID: "CRR-050", Title: "Destination bucket policy does not grant the replication role", Severity: "critical", Fail: 1, Error: 1},
		{CheckID: "CRR-090", Title: "Configuration could not be read", Severity: "error", Pass: 4, Fail: 1},
	}
	if !slices.Equal(r.Summary.Checks, want) {
		t.Errorf("Checks =\n%+v\nwant\n%+v", r.Summary.Checks, want)
	}

	if got, want := r.Scan.Accounts, []string{"111111111111", "222222222222"}; !slices.Equal(got, want) {
		t.Errorf("Accounts = %v, want %v (sorted)", got, want)
	}
	if got, want := r.Scan.Regions, []string{"eu-west-1", "us-east-1"}; !slices.Equal(got, want) {
		t.Errorf("Regions = %v, want %v (sorted)", got, want)
	}
}

func TestNewResultSortsFindings(t *testing.T) {
	in := fixtureFindings()
	before := slices.Clone(in)
	r := NewResult(Tool{}, fixtureScan(), nil, in, nil)

	var got []string
	for _, f := range r.Findings {
		got = append(got, f.AccountID+"/"+f.Region+"/"+f.Bucket+"/"+f.CheckID)
	}
	want := []string{
		"111111111111/us-east-1/logs-prod/CRR-001",
		"111111111111/us-east-1/payments-prod/CRR-034",
		"111111111111/us-east-1/payments-prod/CRR-050",
		"222222222222/eu-west-1/archive-eu/CRR-090",
		"222222222222/us-east-1/media-uploads/CRR-010",
	}
	if !slices.Equal(got, want) {
		t.Errorf("finding order =\n%v\nwant\n%v", got, want)
	}
	for i := range in {
		if in[i].CheckID != before[i].CheckID || in[i].Bucket != before[i].Bucket {
			t.Fatalf("NewResult reordered the caller's slice at %d", i)
		}
	}
}

func TestNewResultEmpty(t *testing.T) {
	r := NewResult(Tool{Name: "crrscan"}, ScanInfo{Complete: true}, nil, nil, nil)
	if r.Findings == nil || len(r.Findings) != 0 {
		t.Errorf("Findings = %#v, want an empty non-nil slice", r.Findings)
	}
	if r.Summary.Checks == nil || len(r.Summary.Checks) != 0 {
		t.Errorf("Checks = %#v, want an empty non-nil slice", r.Summary.Checks)
	}
	if r.Scan.Accounts == nil || r.Scan.Regions == nil {
		t.Errorf("Accounts/Regions = %#v/%#v, want non-nil", r.Scan.Accounts, r.Scan.Regions)
	}
	for _, k := range []string{StatusFail, StatusError, StatusWaived} {
		if n, ok := r.Summary.ByStatus[k]; !ok || n != 0 {
			t.Errorf("ByStatus[%q] = %d, %v; want 0, present", k, n, ok)
		}
	}
	for _, s := range Severities() {
		if n, ok := r.Summary.BySeverity[s]; !ok || n != 0 {
			t.Errorf("BySeverity[%q] = %d, %v; want 0, present", s, n, ok)
		}
	}
}

func TestNewResultNeverNilCollections(t *testing.T) {
	r := NewResult(Tool{}, ScanInfo{}, nil, []Finding{{CheckID: "CRR-001", Status: StatusFail, Severity: "critical"}}, nil)
	f := r.Findings[0]
	if f.Evidence == nil || f.Remediation.Documents == nil || f.Remediation.Commands == nil {
		t.Errorf("finding collections = %#v / %#v / %#v, want all non-nil", f.Evidence, f.Remediation.Documents, f.Remediation.Commands)
	}
}

func TestNewResultChecksNotInCatalogue(t *testing.T) {
	checks := []CheckInfo{
		{ID: "CRR-010", Title: "no replication", Severity: "high"},
		{ID: "CRR-001", Title: "versioning", Severity: "critical"},
		{ID: "CRR-001", Title: "duplicate ignored", Severity: "low"},
	}
	findings := []Finding{{CheckID: "CUSTOM-1", Title: "custom check", Severity: "medium", Status: StatusFail}}
	outcomes := map[string]map[string]int{
		"CRR-001":  {"pass": 2, "fail": 0},
		"CUSTOM-1": {"fail": 1},
		"ORPHAN":   {"pass": 1},
	}
	r := NewResult(Tool{}, ScanInfo{}, checks, findings, outcomes)
	want := []CheckSummary{
		{CheckID: "CRR-001", Title: "versioning", Severity: "critical", Pass: 2},
		{CheckID: "CRR-010", Title: "no replication", Severity: "high"},
		{CheckID: "CUSTOM-1", Title: "custom check", Severity: "medium", Fail: 1},
		{CheckID: "ORPHAN", Pass: 1},
	}
	if !slices.Equal(r.Summary.Checks, want) {
		t.Errorf("Checks =\n%+v\nwant\n%+v", r.Summary.Checks, want)
	}
}
