package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// bigEstate is a result with n findings over n/3 buckets in 20 accounts, of every
// severity and status, with long messages.
func bigEstate(n int) *Result {
	sevs := Severities()
	fs := make([]Finding, n)
	for i := range fs {
		status := StatusFail
		switch i % 11 {
		case 3:
			status = StatusError
		case 7:
			status = StatusWaived
		}
		fs[i] = Finding{
			CheckID: fmt.Sprintf("CRR-%03d", i%40), Severity: sevs[(i/3)%len(sevs)], Status: status,
			AccountID: fmt.Sprintf("%012d", 100000000000+i%20), Region: "eu-west-1",
			Bucket:      fmt.Sprintf("estate-bucket-%06d", i/3),
			Message:     strings.Repeat(fmt.Sprintf("finding %d says something long | with *markup* ", i), 12),
			Fingerprint: fmt.Sprint(i),
		}
	}
	return NewResult(Tool{Name: "crrscan", Version: "t"}, ScanInfo{BucketsScanned: n / 3, Complete: true}, nil, fs, nil)
}

// TestPRCommentFitsGitHub: over a big estate (45 buckets already overflowed the
// Markdown report; here 10,000 findings) the PR comment stays within GitHub's
// 65,536 characters, lists the most severe findings first, and counts the rest with
// a pointer to the full report.
func TestPRCommentFitsGitHub(t *testing.T) {
	for _, n := range []int{45 * 3, 10_000} {
		var buf bytes.Buffer
		p := &PRComment{Options: Options{FullReport: "reports/crrscan.html"}}
		if err := p.Write(&buf, bigEstate(n)); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if buf.Len() > PRCommentLimit || utf8.RuneCountInString(out) > PRCommentLimit {
			t.Fatalf("%d findings: PR comment is %d bytes, over %d", n, buf.Len(), PRCommentLimit)
		}
		var md bytes.Buffer
		if err := (&Markdown{}).Write(&md, bigEstate(n)); err != nil {
			t.Fatal(err)
		}
		if md.Len() <= PRCommentLimit {
			t.Fatalf("%d findings: the full Markdown report (%d bytes) fits anyway: the test proves nothing", n, md.Len())
		}
		const sep = "|:--|:--|:--|:--|:--|:--|\n"
		table := out[strings.Index(out, sep)+len(sep):]
		rows := strings.Count(table, "\n| ") + 1
		if rows < 20 {
			t.Errorf("%d findings: only %d rows fit", n, rows)
		}
		// The first rows are critical open findings.
		if !strings.HasPrefix(table, "| critical | fail |") {
			t.Errorf("%d findings: first row is not a critical failure: %.80q", n, table)
		}
		want := "\nThe full report, with every finding and its fix, is reports/crrscan.html.\n"
		if rows < n {
			want = fmt.Sprintf("\n… and %d more findings, less severe. The full report, with every finding and its fix, is reports/crrscan.html.\n", n-rows)
		}
		if !strings.HasSuffix(out, want) {
			t.Errorf("%d findings: closing line should be %q; got %q", n, want, out[max(0, len(out)-200):])
		}
	}
}

// TestPRCommentHugeMessage: one 3 MB message is cut to one row.
func TestPRCommentHugeMessage(t *testing.T) {
	r := bigEstate(3)
	r.Findings[0].Message = strings.Repeat("é", 3<<20/2)
	var buf bytes.Buffer
	if err := (&PRComment{}).Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 10_000 || !strings.Contains(buf.String(), "é…") || !utf8.Valid(buf.Bytes()) {
		t.Errorf("3 MB message not cut cleanly: %d bytes", buf.Len())
	}
	if !strings.HasSuffix(buf.String(), "The full report (crrscan.html, crrscan.json) has every finding and its fix.\n") {
		t.Errorf("no pointer to the full report:\n%s", buf.String())
	}
}

func TestPRShorten(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{{"abc", 3, "abc"}, {"abcd", 3, "ab…"}, {"日本語テキスト", 4, "日本語…"}, {"", 2, ""}} {
		if got := prShorten(tt.in, tt.n); got != tt.want {
			t.Errorf("prShorten(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
