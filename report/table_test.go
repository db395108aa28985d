package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
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
	if !strings.Contains(out, "\n+----") {
		t.Errorf("plain table should be drawn with an ASCII border:\n%s", out)
	}
	if strings.ContainsAny(out, "─│┌") {
		t.Error("plain table uses Unicode borders")
	}
}

// TestTableSummaryFirst: the summary comes before the findings, so that a short
// screen shows it.
func TestTableSummaryFirst(t *testing.T) {
	out := string(render(t, "table", fixtureResult()))
	if !strings.HasPrefix(out, "Buckets scanned: 5\n") {
		t.Errorf("table output should open with the summary:\n%s", out)
	}
	if s, tbl := strings.Index(out, "scan incomplete:"), strings.Index(out, "+---"); s < 0 || tbl < s {
		t.Errorf("summary (at %d) should come before the findings (at %d):\n%s", s, tbl, out)
	}
}

// TestTableRowsBySeverity: open failures from critical down, then errors, then
// waived findings, whatever the result's (account, bucket) order.
func TestTableRowsBySeverity(t *testing.T) {
	out := string(render(t, "table", fixtureResult()))
	// The fixture: CRR-001 and CRR-050 critical, CRR-010 high, CRR-090 error,
	// CRR-034 waived (low); critical ties go by account, region, bucket.
	last := -1
	for _, id := range []string{"CRR-001", "CRR-050", "CRR-010", "CRR-090", "CRR-034"} {
		i := strings.Index(out, "| "+id+" ")
		if i < 0 {
			t.Fatalf("no row for %s:\n%s", id, out)
		}
		if i < last {
			t.Errorf("row %s is out of severity order:\n%s", id, out)
		}
		last = i
	}
}

func TestBySeverityKeepsInput(t *testing.T) {
	in := []Finding{
		{CheckID: "A", Status: StatusWaived, Severity: "critical", AccountID: "1"},
		{CheckID: "B", Status: StatusFail, Severity: "low", AccountID: "1"},
		{CheckID: "C", Status: StatusError, Severity: "error", AccountID: "0"},
		{CheckID: "D", Status: StatusFail, Severity: "high", AccountID: "2"},
		{CheckID: "E", Status: StatusFail, Severity: "high", AccountID: "1", Bucket: "b"},
		{CheckID: "F", Status: StatusFail, Severity: "high", AccountID: "1", Bucket: "a"},
		{CheckID: "G", Status: StatusFail, Severity: "high", AccountID: "1", Bucket: "a"},
	}
	var got []string
	for _, f := range BySeverity(in) {
		got = append(got, f.CheckID)
	}
	if want := "F G E D B C A"; strings.Join(got, " ") != want {
		t.Errorf("BySeverity = %v, want %s", got, want)
	}
	if in[0].CheckID != "A" || in[6].CheckID != "G" {
		t.Error("BySeverity reordered its input")
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

// TestTableFitsWidth: at every width from 73 (the columns' minimums) up, no line
// of the findings table is wider than asked.
func TestTableFitsWidth(t *testing.T) {
	for _, width := range []int{73, 80, 100, 132, 200} {
		var buf bytes.Buffer
		if err := (&Table{Options: Options{Width: width}}).Write(&buf, fixtureResult()); err != nil {
			t.Fatal(err)
		}
		rows := 0
		for _, line := range strings.Split(buf.String(), "\n") {
			if strings.HasPrefix(line, "+") || strings.HasPrefix(line, "|") {
				rows++
				if n := displayWidth(line, 1<<30); n > width {
					t.Errorf("width %d: table line is %d wide: %q", width, n, line)
				}
			}
		}
		if rows == 0 {
			t.Fatalf("width %d: no table drawn:\n%s", width, buf.String())
		}
	}
}

func TestTableSummary(t *testing.T) {
	out := "\n" + string(render(t, "table", fixtureResult()))
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

func TestWrapCellCuts(t *testing.T) {
	tests := []struct {
		in           string
		width, lines int
		want         string
		cut          bool
	}{
		{"one two three four", 9, 2, "one two\nthree…", true},
		{"one two three four", 9, 3, "one two\nthree\nfour", false},
		{"one two three four   ", 9, 3, "one two\nthree\nfour", false},
		{"abcdefghijklmnopqrstuvwxyz", 10, 2, "abcdefghij\nklmnopqrs…", true},
		{"abcdefghij klm", 10, 1, "abcdefghi…", true},
		{"日本語のテキスト", 6, 1, "日本…", true},
	}
	for _, tt := range tests {
		lines, cut := wrapCell(tt.in, tt.width, tt.lines)
		if got := strings.Join(lines, "\n"); got != tt.want || cut != tt.cut {
			t.Errorf("wrapCell(%q, %d, %d) = %q, %v; want %q, %v", tt.in, tt.width, tt.lines, got, cut, tt.want, tt.cut)
		}
	}
}

// manyFindings is a result with n open findings, one per bucket, of mixed severity.
func manyFindings(n int) *Result {
	sevs := Severities()
	fs := make([]Finding, n)
	for i := range fs {
		fs[i] = Finding{
			CheckID: fmt.Sprintf("CRR-%03d", i%7), Severity: sevs[i%len(sevs)], Status: StatusFail,
			AccountID: "111111111111", Region: "us-east-1", Bucket: fmt.Sprintf("bucket-%05d", i),
			Message: fmt.Sprintf("finding %d", i), Fingerprint: fmt.Sprint(i),
		}
	}
	return NewResult(Tool{}, ScanInfo{BucketsScanned: n, Complete: true}, nil, fs, nil)
}

// TestTableLimit: with a limit, the table lists the most severe findings and
// counts the rest, naming the full report.
func TestTableLimit(t *testing.T) {
	var buf bytes.Buffer
	tbl := &Table{Options: Options{Width: 80, Limit: 10, FullReport: "out/crrscan.html"}}
	if err := tbl.Write(&buf, manyFindings(100)); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if n := strings.Count(out, "| critical "); n != 10 {
		t.Errorf("want the 10 most severe (critical) rows, got %d:\n%s", n, out)
	}
	if strings.Contains(out, "| high ") {
		t.Errorf("high rows listed before the 20 critical ones are all shown:\n%s", out)
	}
	if !strings.Contains(out, "\n… and 90 more findings in out/crrscan.html\n") {
		t.Errorf("no line counting the rest:\n%s", out)
	}

	buf.Reset()
	tbl.Options.Limit = 0
	if err := tbl.Write(&buf, manyFindings(100)); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "| bucket-"); n != 100 || strings.Contains(buf.String(), "more finding") {
		t.Errorf("Limit 0 should list all 100 rows, got %d", n)
	}
}

// TestTableCancelled: a cancelled context stops the rendering with its error.
func TestTableCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var buf bytes.Buffer
	err := (&Table{}).WriteContext(ctx, &buf, manyFindings(1000))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("WriteContext with a cancelled context = %v, want context.Canceled", err)
	}
	if strings.Contains(buf.String(), "bucket-") {
		t.Errorf("rows written after cancellation:\n%.300s", buf.String())
	}
}

// TestTableHugeMessage: a 3 MB message (one word, then many words) takes at most
// the layout's message lines (six at 100 columns), cut with an ellipsis.
func TestTableHugeMessage(t *testing.T) {
	for name, msg := range map[string]string{
		"one word":   strings.Repeat("x", 3<<20),
		"many words": strings.Repeat("word ", 3<<20/5),
	} {
		r := manyFindings(1)
		r.Findings[0].Message = msg
		var buf bytes.Buffer
		if err := (&Table{Options: Options{Width: 100}}).Write(&buf, r); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		msgLines := narrowLayout.lines[len(narrowLayout.lines)-1]
		// The finding's lines: after the rule below the header.
		body := out[strings.Index(out, "\n+")+2:]
		body = body[strings.Index(body, "\n+")+2:]
		if n := strings.Count(body, "\n|"); n != msgLines {
			t.Errorf("%s: the finding takes %d lines, want %d:\n%s", name, n, msgLines, out)
		}
		if !strings.Contains(out, "…") || len(out) > 10000 {
			t.Errorf("%s: message not cut (%d bytes of output)", name, len(out))
		}
	}
}

// BenchmarkTableHugeMessage renders one finding whose message is 1 or 3 MB (the
// issue's case: the table used to take 13 s and 75 s).
func BenchmarkTableHugeMessage(b *testing.B) {
	for _, mb := range []int{1, 3} {
		b.Run(fmt.Sprintf("%dMB", mb), func(b *testing.B) {
			r := manyFindings(1)
			r.Findings[0].Message = strings.Repeat("replication ", mb<<20/12)
			b.SetBytes(int64(len(r.Findings[0].Message)))
			for b.Loop() {
				if err := (&Table{Options: Options{Width: 80}}).Write(io.Discard, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTableManyFindings renders 10,000 and 100,000 findings, all listed
// (--table-limit 0): the time per finding stays flat.
func BenchmarkTableManyFindings(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			r := manyFindings(n)
			for b.Loop() {
				if err := (&Table{Options: Options{Width: 120}}).Write(io.Discard, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestTableTextReadsAPrefix: a text longer than maxCellBytes is read only that far,
// cut on a rune boundary, and marked with an ellipsis even when what was read shows
// nothing (escape sequences) or fits the cell.
func TestTableTextReadsAPrefix(t *testing.T) {
	for name, s := range map[string]string{
		"escapes": strings.Repeat("\x1b[31m", maxCellBytes) + "visible",
		"runes":   strings.Repeat("é", maxCellBytes),
		"short":   "short",
	} {
		got := tableText(s)
		if !utf8.ValidString(got) || strings.ContainsRune(got, 0x1b) {
			t.Errorf("%s: tableText gave invalid or unsafe text %.40q", name, got)
		}
		if long := len(s) > maxCellBytes; long != strings.HasSuffix(got, "…") || len(got) > maxCellBytes+8 {
			t.Errorf("%s: tableText = %d bytes, ends in ellipsis %v; want an ellipsis exactly when cut", name, len(got), strings.HasSuffix(got, "…"))
		}
	}
}
