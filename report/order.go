package report

import (
	"cmp"
	"slices"
)

// statusOrder places open failures first, then errors (checks that could not be
// judged), then waived findings.
var statusOrder = map[string]int{StatusFail: 0, StatusError: 1, StatusWaived: 2}

// BySeverity returns a copy of fs in the order the human-readable reports (table,
// HTML, Markdown) list findings: open failures from the most severe down, then
// errors, then waived findings; within each, by account, region and bucket, and
// otherwise in fs's order (the result's deterministic order). The JSON, CSV and
// SARIF reports keep the result's order.
func BySeverity(fs []Finding) []Finding {
	out := slices.Clone(fs)
	slices.SortStableFunc(out, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(statusRank(a.Status), statusRank(b.Status)),
			cmp.Compare(SeverityRank(b.Severity), SeverityRank(a.Severity)),
			cmp.Compare(a.AccountID, b.AccountID),
			cmp.Compare(a.Region, b.Region),
			cmp.Compare(a.Bucket, b.Bucket))
	})
	return out
}

func statusRank(s string) int {
	if r, ok := statusOrder[s]; ok {
		return r
	}
	return len(statusOrder)
}
