package report

import (
	"bytes"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenName maps a format to its golden file.
func goldenName(format string) string {
	if format == "table" {
		return "result.table.txt"
	}
	return "result" + strings.TrimPrefix(FileName(format), "crrscan")
}

// render writes r in format with default options.
func render(t *testing.T, format string, r *Result) []byte {
	t.Helper()
	w, err := NewWriter(format, Options{})
	if err != nil {
		t.Fatalf("NewWriter(%q): %v", format, err)
	}
	var buf bytes.Buffer
	if err := w.Write(&buf, r); err != nil {
		t.Fatalf("write %s: %v", format, err)
	}
	return buf.Bytes()
}

// TestGolden compares every format's rendering of the fixture with its golden file.
func TestGolden(t *testing.T) {
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			checkGolden(t, goldenName(format), render(t, format, fixtureResult()))
		})
	}
}

// TestGoldenTableWidths compares the table at 80 and 200 columns (an 80-column
// terminal and a wide one) with its golden files.
func TestGoldenTableWidths(t *testing.T) {
	for _, width := range []int{80, 200} {
		t.Run(strconv.Itoa(width), func(t *testing.T) {
			var buf bytes.Buffer
			tbl := &Table{Options: Options{Width: width, FullReport: "out/crrscan.html"}}
			if err := tbl.Write(&buf, fixtureResult()); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, fmt.Sprintf("result.table-%d.txt", width), buf.Bytes())
		})
	}
}
