package report

import (
	"cmp"
	"maps"
	"slices"
)

// BucketOutcome is how every check that applies to one bucket came out. The result
// summary only counts outcomes per check; the JUnit report needs them per bucket to
// list the checks that passed, and to show a check that could not be judged (the
// CRR-090 finding names the failed read) as an error on the right bucket.
type BucketOutcome struct {
	AccountID string
	Region    string
	Bucket    string
	// Checks maps the id of every check that applies to the bucket to its outcome:
	// OutcomePass, OutcomeFail, OutcomeError or OutcomeWaived. A check that does not
	// apply (out of scope) is absent.
	Checks map[string]string
}

// WithBuckets records the per-bucket outcomes on r and returns r, so that it chains
// after NewResult:
//
//	res := report.NewResult(tool, scan, checks, findings, report.CountOutcomes(buckets)).WithBuckets(buckets)
//
// The outcomes are copied and sorted by account, region and bucket. They are not part
// of the JSON document (CHECKS.md fixes its fields); only the JUnit writer reads them.
func (r *Result) WithBuckets(buckets []BucketOutcome) *Result {
	out := make([]BucketOutcome, len(buckets))
	for i, b := range buckets {
		b.Checks = maps.Clone(b.Checks)
		if b.Checks == nil {
			b.Checks = map[string]string{}
		}
		out[i] = b
	}
	slices.SortStableFunc(out, func(a, b BucketOutcome) int {
		return cmp.Or(cmp.Compare(a.AccountID, b.AccountID), cmp.Compare(a.Region, b.Region), cmp.Compare(a.Bucket, b.Bucket))
	})
	r.Buckets = out
	return r
}

// CountOutcomes counts per-bucket outcomes per check, in the shape NewResult takes:
// outcomes[checkID][pass|fail|error|waived]. Building the summary from the same
// outcomes that WithBuckets records keeps the two reports in agreement.
func CountOutcomes(buckets []BucketOutcome) map[string]map[string]int {
	counts := map[string]map[string]int{}
	for _, b := range buckets {
		for id, o := range b.Checks {
			if counts[id] == nil {
				counts[id] = map[string]int{}
			}
			counts[id][o]++
		}
	}
	return counts
}
