package policies

import (
	"fmt"
	"time"
)

// DefaultWaiverMaxDays is how far ahead a waiver may expire before Lint warns: a
// year, after which an accepted risk should be looked at again.
const DefaultWaiverMaxDays = 365

// Lint returns warnings about settings that are valid but probably unintended,
// each "file:line: ...": waivers that expire more than WaiverMaxDays after today
// (a waiver "until 2099" is a permanent exception in disguise). Waivers without an
// expiry are already refused by ParseSettings. Warnings never stop a scan.
func (s *Settings) Lint(today time.Time) []string {
	if s == nil || s.WaiverMaxDays <= 0 {
		return nil
	}
	day := today.UTC().Truncate(24 * time.Hour)
	limit := day.AddDate(0, 0, s.WaiverMaxDays)
	var out []string
	for _, w := range s.Waivers {
		if !w.Expires.After(limit) {
			continue
		}
		days := int(w.Expires.Sub(day).Hours() / 24)
		out = append(out, fmt.Sprintf("%s:%d: the waiver of %s expires %s, %d days from %s: more than waiver_max_days (%d); set an earlier date and review the risk then",
			s.File, w.Line, w.Check, w.Expires.Format(dateLayout), days, day.Format(dateLayout), s.WaiverMaxDays))
	}
	return out
}
