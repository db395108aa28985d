package app

import (
	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

// skippedAccounts are the snapshot's organisation accounts that were not scanned,
// as the result records them (report.NewResult sorts them).
func skippedAccounts(s *scanner.Snapshot) []report.SkippedAccount {
	var out []report.SkippedAccount
	for _, a := range s.SkippedAccounts {
		out = append(out, report.SkippedAccount{ID: a.ID, Name: a.Name, State: a.State})
	}
	return out
}
