package report

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestTableNoControlBytes: the only byte below 0x20 in plain table output is the
// newline; no ESC, C1 control or bidi control gets through from hostile text.
func TestTableNoControlBytes(t *testing.T) {
	out := render(t, "table", fixtureResult())
	for i, b := range out {
		if (b < 0x20 && b != '\n') || b == 0x7f {
			t.Fatalf("byte %#x at offset %d in table output", b, i)
		}
	}
	if !utf8.Valid(out) {
		t.Fatal("table output is not valid UTF-8")
	}
	for _, r := range string(out) {
		if (r >= 0x80 && r <= 0x9f) || isBidiControl(r) {
			t.Fatalf("rune %U in table output", r)
		}
	}
	s := string(out)
	for _, gone := range []string{"[31m", "[0m", "pwned", "]0;"} {
		if strings.Contains(s, gone) {
			t.Errorf("escape sequence remnant %q in table output", gone)
		}
	}
	if !strings.Contains(s, "tag Owner is red <script>alert(1)</script> evil end") {
		t.Errorf("the hostile message's visible text should stay readable:\n%s", s)
	}
}

// TestTableColor: with colours on, the only escape sequences are the writer's own
// severity colours; hostile ones are still stripped. Borders are Unicode.
func TestTableColor(t *testing.T) {
	var buf bytes.Buffer
	if err := (&Table{Options: Options{Color: true}}).Write(&buf, fixtureResult()); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	if !strings.Contains(s, "\x1b[1;31mcritical\x1b[0m") {
		t.Errorf("critical is not coloured:\n%s", s)
	}
	if !strings.Contains(s, "─") {
		t.Errorf("colour output should use Unicode borders:\n%s", s)
	}
	for _, own := range []string{"\x1b[1;31m", "\x1b[31m", "\x1b[33m", "\x1b[36m", "\x1b[2m", "\x1b[1;35m", "\x1b[0m"} {
		s = strings.ReplaceAll(s, own, "")
	}
	if i := strings.IndexByte(s, 0x1b); i >= 0 {
		t.Errorf("foreign escape sequence at %d: %q", i, s[i:min(len(s), i+12)])
	}
	if strings.Contains(s, "pwned") {
		t.Error("hostile OSC text in colour output")
	}
}

func TestTablePlainIsASCIIArt(t *testing.T) {
	out := string(render(t, "table", fixtureResult()))
	if !strings.HasPrefix(out, "+----") {
		t.Errorf("plain table should start with an ASCII border, got %.20q", out)
	}
	if strings.ContainsAny(out, "─│┌") {
		t.Error("plain table uses Unicode borders")
	}
}

func TestTableRowsInResultOrder(t *testing.T) {
	r := fixtureResult()
	out := string(render(t, "table", r))
	last := -1
	for _, f := range r.Findings {
		i := strings.Index(out, "| "+f.CheckID+" ")
		if i < 0 {
			t.Fatalf("no row for %s", f.CheckID)
		}
		if i < last {
			t.Errorf("row %s/%s is out of result order", f.Bucket, f.CheckID)
		}
		last = i
	}
}

func TestTableMessageWraps(t *testing.T) {
	out := string(render(t, "table", fixtureResult()))
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			continue
		}
		cells := strings.Split(line, "|")
		msg := cells[len(cells)-2]
		if w := utf8.RuneCountInString(strings.TrimSpace(msg)); w > messageWidth {
			t.Errorf("message cell is %d wide, want at most %d: %q", w, messageWidth, msg)
		}
	}
}

func TestTableWidth(t *testing.T) {
	var buf bytes.Buffer
	if err := (&Table{Options: Options{Width: 100}}).Write(&buf, fixtureResult()); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(buf.String(), "\n") {
		if strings.HasPrefix(line, "+") || strings.HasPrefix(line, "|") {
			if n := utf8.RuneCountInString(line); n > 100 {
				t.Fatalf("table line is %d wide with Width 100: %q", n, line)
			}
		}
	}
	// The message column is 100 - 77 = 23 wide; lines the writer wrapped must not be
	// wrapped again by the table.
	if !strings.Contains(buf.String(), "| versioning is Suspended |\n") {
		t.Errorf("message re-wrapped or column not 23 wide:\n%s", buf.String())
	}
}

func TestTableSummary(t *testing.T) {
	out := string(render(t, "table", fixtureResult()))
	for _, want := range []string{
		"\nBuckets scanned: 5\n",
		"\nAccounts: 2 (111111111111, 222222222222)\n",
		"\nRegions: 2 (eu-west-1, us-east-1)\n",
		"\nOpen findings: 3 (critical 2, high 1, medium 0, low 0, info 0)\n",
		"\nErrors: 1\n",
		"\nWaived: 1\n",
		"\nscan incomplete: 1 read error — see CRR-090 findings\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table output lacks %q:\n%s", want, out)
		}
	}
}

func TestTableNoFindings(t *testing.T) {
	scan := ScanInfo{Accounts: []string{"111111111111"}, Regions: []string{"us-east-1"}, BucketsScanned: 7, Complete: true}
	out := string(render(t, "table", NewResult(Tool{}, scan, nil, nil, nil)))
	if !strings.HasPrefix(out, "No findings: 7 buckets scanned, all applicable checks passed.\n") {
		t.Errorf("no-findings output:\n%s", out)
	}
	if strings.Contains(out, "+--") || strings.Contains(out, "SEVERITY") {
		t.Errorf("no-findings output should not draw an empty table:\n%s", out)
	}
	if !strings.HasSuffix(out, "\nscan complete\n") {
		t.Errorf("no-findings output should end with scan complete:\n%s", out)
	}

	scan.BucketsScanned, scan.Complete = 1, false
	out = string(render(t, "table", NewResult(Tool{}, scan, nil, nil, nil)))
	if !strings.HasPrefix(out, "No findings: 1 bucket scanned, but the scan is incomplete.\n") {
		t.Errorf("incomplete no-findings output must not claim the checks passed:\n%s", out)
	}
}

func TestTableListsManyAccountsAsCount(t *testing.T) {
	var accounts []string
	for i := range 12 {
		accounts = append(accounts, fmt.Sprintf("%012d", i))
	}
	out := string(render(t, "table", NewResult(Tool{}, ScanInfo{Accounts: accounts, Complete: true}, nil, nil, nil)))
	if !strings.Contains(out, "\nAccounts: 12\n") {
		t.Errorf("many accounts should be counted, not listed:\n%s", out)
	}
}

// failingWriter fails every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWritersReportWriteErrors(t *testing.T) {
	for _, f := range Formats() {
		w, err := NewWriter(f, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(failingWriter{}, fixtureResult()); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("%s: Write to a failing writer = %v, want the write error", f, err)
		}
	}
}

func TestWrapText(t *testing.T) {
	tests := []struct {
		in    string
		width int
		want  string
	}{
		{"short", 20, "short"},
		{"one two three four", 9, "one two\nthree\nfour"},
		{"exactly nine", 7, "exactly\nnine"},
		{"a arn:aws:iam::111111111111:role/x b", 10, "a\narn:aws:ia\nm::1111111\n11111:role\n/x b"},
		{"  spaced   out  ", 20, "spaced out"},
		{"", 10, ""},
		{"日本語のテキスト", 6, "日本語\nのテキ\nスト"},
	}
	for _, tt := range tests {
		if got := wrapText(tt.in, tt.width); got != tt.want {
			t.Errorf("wrapText(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
		}
	}
}
