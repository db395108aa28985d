package report

import "time"

// rfc3339 formats t in UTC for machine-readable reports; "" when t is zero.
func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// readableTime formats t in UTC for people: "2026-11-25 02:03 UTC"; "" when t is zero.
func readableTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// collectedEvaluated says when the evidence was collected and when it was
// evaluated, for the human-readable reports: "collected 2026-11-24 23:00 UTC,
// evaluated 2026-11-25 02:03 UTC"; only what is known.
func collectedEvaluated(s ScanInfo) string {
	c, e := readableTime(s.CollectedAt), readableTime(s.EvaluatedAt)
	switch {
	case c != "" && e != "":
		return "collected " + c + ", evaluated " + e
	case c != "":
		return "collected " + c
	case e != "":
		return "evaluated " + e
	}
	return ""
}
