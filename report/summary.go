package report

import (
	"slices"
	"strings"
)

// CheckInfo describes one check of the catalogue for the summary.
type CheckInfo struct {
	ID       string
	Title    string
	Severity string
	// Compliance are the framework controls the check supports.
	Compliance []Control
}

// Outcome names: the keys of NewResult's per-check outcome counts.
const (
	OutcomePass   = "pass"
	OutcomeFail   = "fail"
	OutcomeError  = "error"
	OutcomeWaived = "waived"
)

// NewResult assembles a Result: it sorts a copy of findings (SortFindings, with a
// deterministic tie-break), sorts and de-duplicates the scan's accounts and regions,
// sorts copies of the skipped accounts and enabled regions, and builds the summary.
// ByStatus always has the keys fail, error and waived; BySeverity counts open
// findings (status fail) and always has every severity key.
// Summary.Checks holds one entry per check id in id order, counted from
// outcomes[checkID][pass|fail|error|waived]; a check id that appears only in
// outcomes or findings is listed too, never dropped. Findings, Commands, Evidence and
// Documents are never nil, so that the JSON shows [] and {} instead of null.
func NewResult(tool Tool, scan ScanInfo, checks []CheckInfo, findings []Finding, outcomes map[string]map[string]int) *Result {
	fs := make([]Finding, len(findings))
	for i, f := range findings {
		fs[i] = normalizeFinding(f)
	}
	sortFindings(fs)
	scan.Accounts = sortedSet(scan.Accounts)
	scan.Regions = sortedSet(scan.Regions)
	scan.SkippedAccounts = sortedSkipped(scan.SkippedAccounts)
	scan.EnabledRegions = sortedEnabledRegions(scan.EnabledRegions)
	return &Result{
		SchemaVersion: SchemaVersion,
		Tool:          tool,
		Scan:          scan,
		Summary:       summarize(checks, fs, outcomes),
		Findings:      fs,
	}
}

// normalizeFinding replaces nil collections with empty ones.
func normalizeFinding(f Finding) Finding {
	if f.Evidence == nil {
		f.Evidence = map[string]any{}
	}
	if f.Remediation.Commands == nil {
		f.Remediation.Commands = []string{}
	}
	if f.Remediation.Documents == nil {
		f.Remediation.Documents = map[string]any{}
	}
	return f
}

// sortFindings applies SortFindings and then orders findings that SortFindings
// considers equal (same account, region, bucket, check, rule, destination and
// fingerprint) by their remaining text, because SortFindings is not stable and the
// output must not depend on the input order.
func sortFindings(fs []Finding) {
	SortFindings(fs)
	for start := 0; start < len(fs); {
		end := start + 1
		for end < len(fs) && sameSortKey(fs[start], fs[end]) {
			end++
		}
		if end-start > 1 {
			slices.SortStableFunc(fs[start:end], compareRest)
		}
		start = end
	}
}

func sameSortKey(a, b Finding) bool {
	return a.AccountID == b.AccountID && a.Region == b.Region && a.Bucket == b.Bucket &&
		a.CheckID == b.CheckID && a.RuleID == b.RuleID && a.Destination == b.Destination &&
		a.Fingerprint == b.Fingerprint
}

func compareRest(a, b Finding) int {
	for _, p := range [][2]string{
		{a.Status, b.Status},
		{a.Severity, b.Severity},
		{a.Title, b.Title},
		{a.Message, b.Message},
		{a.ResourceARN, b.ResourceARN},
		{a.Remediation.Summary, b.Remediation.Summary},
	} {
		if c := strings.Compare(p[0], p[1]); c != 0 {
			return c
		}
	}
	return 0
}

// sortedSet returns the distinct values of s in order; never nil.
func sortedSet(s []string) []string {
	out := slices.Clone(s)
	if out == nil {
		out = []string{}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// summarize counts findings by status and open findings by severity, and builds the
// per-check summary from the outcome counts.
func summarize(checks []CheckInfo, fs []Finding, outcomes map[string]map[string]int) Summary {
	byStatus := map[string]int{StatusFail: 0, StatusError: 0, StatusWaived: 0}
	bySeverity := make(map[string]int, len(Severities()))
	for _, s := range Severities() {
		bySeverity[s] = 0
	}
	for _, f := range fs {
		byStatus[f.Status]++
		if f.Status == StatusFail {
			bySeverity[f.Severity]++
		}
	}

	infos := make(map[string]CheckInfo, len(checks))
	for _, c := range checks {
		if _, dup := infos[c.ID]; !dup {
			infos[c.ID] = c
		}
	}
	for id := range outcomes {
		if _, ok := infos[id]; !ok {
			infos[id] = CheckInfo{ID: id}
		}
	}
	for _, f := range fs {
		if c, ok := infos[f.CheckID]; !ok || (c.Title == "" && c.Severity == "") {
			infos[f.CheckID] = CheckInfo{ID: f.CheckID, Title: f.Title, Severity: f.Severity}
		}
	}

	summaries := make([]CheckSummary, 0, len(infos))
	for _, c := range infos {
		o := outcomes[c.ID]
		summaries = append(summaries, CheckSummary{
			CheckID:  c.ID,
			Title:    c.Title,
			Severity: c.Severity,
			Pass:     o[OutcomePass],
			Fail:     o[OutcomeFail],
			Error:    o[OutcomeError],
			Waived:   o[OutcomeWaived],
		})
	}
	slices.SortFunc(summaries, func(a, b CheckSummary) int { return strings.Compare(a.CheckID, b.CheckID) })
	return Summary{ByStatus: byStatus, BySeverity: bySeverity, Checks: summaries}
}
