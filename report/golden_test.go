package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
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
			got := render(t, format, fixtureResult())
			path := filepath.Join("testdata", "golden", goldenName(format))
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatalf("update golden: %v", err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden (run go test ./report -update to create it): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s (run go test ./report -update after checking the change)\n--- got ---\n%s\n--- want ---\n%s", format, path, got, want)
			}
		})
	}
}
