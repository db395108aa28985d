package app

import (
	"io"
	"os"
	"strconv"

	"github.com/crrscan/crrscan/internal/objstore"
	"github.com/crrscan/crrscan/report"
)

// Assumed when the terminal's height is unknown (output to a file or a CI log).
const defaultTableHeight = 50

// TerminalSize returns the width and height of the terminal w writes to: the
// COLUMNS and LINES environment variables when set to a positive number (getenv
// reads them), else what the terminal reports; 0 for what is unknown (w is not a
// terminal).
func TerminalSize(w io.Writer, getenv func(string) string) (width, height int) {
	if f, ok := w.(*os.File); ok {
		width, height = terminalSize(f)
	}
	if n, err := strconv.Atoi(getenv("COLUMNS")); err == nil && n > 0 {
		width = n
	}
	if n, err := strconv.Atoi(getenv("LINES")); err == nil && n > 0 {
		height = n
	}
	return width, height
}

// TableLimit is the number of findings the table lists by default: as many as fit
// a screen of height lines beside the summary (a finding takes two lines on
// average), at least 5; an unknown height counts as defaultTableHeight.
func TableLimit(height int) int {
	if height <= 0 {
		height = defaultTableHeight
	}
	// The summary, the table's borders and header, and the closing lines.
	const overhead = 20
	return max(5, (height-overhead)/2)
}

// fullReport is the report file that holds every finding in full, among those
// this run writes (HTML first, then JSON, Markdown, CSV); "" when none is.
func fullReport(formats []string, dir string) string {
	for _, want := range []string{"html", "json", "markdown", "csv"} {
		for _, f := range formats {
			if f == want {
				return objstore.Join(dir, report.FileName(f))
			}
		}
	}
	return ""
}
