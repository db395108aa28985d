package policies

import "github.com/crrscan/crrscan/report"

// OutcomeWaived is the outcome of a check that fired on a bucket where an unexpired
// waiver covers it.
const OutcomeWaived = report.OutcomeWaived

// activeWaiver returns the first unexpired waiver of check id among a bucket's
// waivers. An expired waiver waives nothing: its finding stays open and CRR-091
// reports the expiry.
func activeWaiver(ws []BucketWaiver, id string) (BucketWaiver, bool) {
	for _, w := range ws {
		if w.Check == id && !w.Expired {
			return w, true
		}
	}
	return BucketWaiver{}, false
}

// waive marks f as waived by w: the finding stays in every report, with the waiver
// as evidence.
func waive(f *report.Finding, w BucketWaiver) {
	f.Status = report.StatusWaived
	if f.Evidence == nil {
		f.Evidence = map[string]any{}
	}
	f.Evidence["waiver"] = map[string]any{
		"reason":  w.Reason,
		"owner":   w.Owner,
		"ticket":  w.Ticket,
		"expires": w.Expires,
	}
}
