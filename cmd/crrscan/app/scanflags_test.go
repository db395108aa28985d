package app

import (
	"slices"
	"testing"

	"github.com/crrscan/crrscan/report"
)

func TestParseFormatList(t *testing.T) {
	all := report.Formats()
	for in, want := range map[string][]string{
		"all":             all,
		"ALL":             all,
		" All ":           all,
		"json,all":        all,
		"all,ALL":         all,
		"Json,JSON,csv":   {"json", "csv"},
		"TABLE, markdown": {"table", "markdown"},
	} {
		got, err := ParseFormatList(in)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("ParseFormatList(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"pdf", "all,pdf", "", "json,,csv"} {
		if got, err := ParseFormatList(bad); err == nil {
			t.Errorf("ParseFormatList(%q) = %v, want an error", bad, got)
		}
	}
}
