package report

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func TestMarkdownTitle(t *testing.T) {
	out := string(render(t, "markdown", fixtureResult()))
	if first := strings.SplitN(out, "\n", 2)[0]; first != "## ⚠️ crrscan: scan incomplete, 3 open findings (2 critical, 1 high)" {
		t.Errorf("title line = %q", first)
	}
	complete := NewResult(Tool{}, ScanInfo{Complete: true, BucketsScanned: 2}, nil, nil, nil)
	if got := strings.SplitN(string(render(t, "markdown", complete)), "\n", 2)[0]; got != "## ✅ crrscan: no open findings" {
		t.Errorf("clean title = %q", got)
	}
	scan := fixtureScan()
	scan.Complete = true
	open := NewResult(Tool{}, scan, fixtureChecks(), fixtureFindings(), fixtureOutcomes())
	if got := strings.SplitN(string(render(t, "markdown", open)), "\n", 2)[0]; got != "## ❌ crrscan: 3 open findings (2 critical, 1 high)" {
		t.Errorf("failing title = %q", got)
	}
}

func TestMarkdownSummary(t *testing.T) {
	out := string(render(t, "markdown", fixtureResult()))
	for _, want := range []string{
		"| critical | 2 | 0 | 0 |\n",
		"| high | 1 | 0 | 0 |\n",
		"| low | 0 | 0 | 1 |\n",
		"| error | 0 | 1 | 0 |\n",
		"| **total** | **3** | **1** | **1** |\n",
		"**Completeness:** incomplete: 1 read error (CRR-090 findings)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, out)
		}
	}
}

// tableRows returns the findings table's data rows.
func tableRows(out string) []string {
	var rows []string
	in := false
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "| Severity | Status |"):
			in = true
		case in && strings.HasPrefix(line, "|:--"):
		case in && strings.HasPrefix(line, "|"):
			rows = append(rows, line)
		case in:
			return rows
		}
	}
	return rows
}

// unescapedPipes counts the | that split a GFM table row into cells.
func unescapedPipes(row string) int {
	n := 0
	for i := 0; i < len(row); i++ {
		switch row[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n
}

func TestMarkdownFindingsOrder(t *testing.T) {
	rows := tableRows(string(render(t, "markdown", fixtureResult())))
	var got []string
	for _, row := range rows {
		cells := strings.Split(row, " | ")
		got = append(got, cells[2]+"/"+cells[1])
	}
	// Open findings first, most severe first; then errors; then waived.
	want := "CRR-001/fail CRR-050/fail CRR-010/fail CRR-090/error CRR-034/waived"
	if strings.Join(got, " ") != want {
		t.Errorf("row order %v, want %s", got, want)
	}
}

// TestMarkdownHostile: no raw HTML, no cell-splitting pipe, no link, image, mention
// or code span from the data; fences outlast the content's backtick runs.
func TestMarkdownHostile(t *testing.T) {
	r := hostileResult()
	out := string(render(t, "markdown", r))
	for _, bad := range []string{"\x1b", "\u202e", "\x00", "\x07"} {
		if strings.Contains(out, bad) {
			t.Errorf("Markdown contains %q", bad)
		}
	}
	// Code blocks show their content as text; outside them, nothing from the data
	// may become markup, a link or a mention.
	prose := stripFences(t, out)
	for _, bad := range []string{"<script", "<b>", "<i>", "<x/>", "@octocat"} {
		if strings.Contains(prose, bad) {
			t.Errorf("Markdown outside code blocks contains %q", bad)
		}
	}
	if regexp.MustCompile(`(^|[^\\])\]\(`).MatchString(prose) {
		t.Error("an unescaped ]( outside code blocks would make a link")
	}
	// Outside code blocks, every < is our own (details, summary).
	for _, m := range regexp.MustCompile(`<[^>]*>`).FindAllString(prose, -1) {
		switch m {
		case "<details>", "</details>", "<summary>", "</summary>":
		default:
			t.Errorf("raw HTML %q outside code blocks", m)
		}
	}
	if strings.Contains(prose, "`") && regexp.MustCompile("(^|[^\\\\])`").MatchString(stripCodeSpans(prose)) {
		t.Error("an unescaped backtick from the data outside code blocks")
	}
	rows := tableRows(out)
	if len(rows) != len(r.Findings) {
		t.Fatalf("%d table rows, want %d", len(rows), len(r.Findings))
	}
	for _, row := range rows {
		if n := unescapedPipes(row); n != 7 {
			t.Errorf("row has %d cell separators, want 7: %s", n, row)
		}
	}
	if !strings.Contains(out, "&lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(out, `a\|b\`+"`c") {
		t.Error("hostile text should stay readable, escaped")
	}
}

// stripFences removes fenced code blocks and checks that each one closes with a
// fence as long as its opening fence.
func stripFences(t *testing.T, out string) string {
	t.Helper()
	var prose []string
	fence := ""
	for _, line := range strings.Split(out, "\n") {
		if fence == "" {
			if strings.HasPrefix(line, "```") {
				fence = line[:len(line)-len(strings.TrimLeft(line, "`"))]
				continue
			}
			prose = append(prose, line)
			continue
		}
		if strings.TrimLeft(line, "`") == "" && len(line) >= len(fence) {
			if line != fence {
				t.Errorf("a content line %q closes the fence %q", line, fence)
			}
			fence = ""
		} else if strings.HasPrefix(strings.TrimSpace(line), fence) && strings.Trim(line, "` ") == "" {
			t.Errorf("content line %q could close fence %q", line, fence)
		}
	}
	if fence != "" {
		t.Error("unclosed code fence")
	}
	return strings.Join(prose, "\n")
}

// stripCodeSpans removes the writer's own code spans (crrscan checks explain ...,
// document names).
func stripCodeSpans(s string) string {
	return regexp.MustCompile("(`+)[^`]*?(`+)").ReplaceAllStringFunc(s, func(m string) string {
		if strings.Contains(m, "crrscan checks explain") || strings.Contains(m, ".json") {
			return ""
		}
		return m
	})
}

func TestMarkdownFenceLongerThanContent(t *testing.T) {
	f := fixtureFindings()[2]
	f.Remediation.Commands = []string{"echo '````' ```` `````x"}
	out := string(render(t, "markdown", NewResult(Tool{}, ScanInfo{}, nil, []Finding{f}, nil)))
	if !strings.Contains(out, "``````sh\necho '````' ```` `````x\n``````\n") {
		t.Errorf("fence should be six backticks:\n%s", out)
	}
	stripFences(t, out)
}

func TestMarkdownCap(t *testing.T) {
	base := fixtureFindings()[2]
	var fs []Finding
	for i := range markdownMaxRows + 37 {
		f := base
		f.Bucket = fmt.Sprintf("bucket-%03d", i)
		f.Fingerprint = Fingerprint(f.CheckID, f.AccountID, f.Bucket, "", "", "")
		fs = append(fs, f)
	}
	out := string(render(t, "markdown", NewResult(Tool{}, ScanInfo{}, nil, fs, nil)))
	if rows := tableRows(out); len(rows) != markdownMaxRows {
		t.Errorf("%d rows, want %d", len(rows), markdownMaxRows)
	}
	if !strings.Contains(out, "\n… and 37 more findings: the JSON and CSV reports list every finding.\n") {
		t.Error("no \"and N more\" line")
	}
	if n := strings.Count(out, "```sh\n"); n != markdownMaxFixes {
		t.Errorf("%d command blocks under How to fix, want %d", n, markdownMaxFixes)
	}
	if !strings.Contains(out, fmt.Sprintf("… and %d more findings: the JSON report has every command.", len(fs)-markdownMaxFixes)) {
		t.Error("How to fix does not count the findings it leaves out")
	}
}

func TestMarkdownHowToFix(t *testing.T) {
	out := string(render(t, "markdown", fixtureResult()))
	for _, want := range []string{
		"<details>\n<summary>CRR-050 · Destination bucket policy does not grant the replication role (critical, 1 finding)</summary>\n\nGrant the replication role write access on the destination bucket.\n\n",
		"**payments-prod** · 111111111111 / us-east-1 · rule to-dr → arn:aws:s3:::payments-dr\n\n```sh\naws s3api put-bucket-policy --bucket payments-dr --policy file://payments-dr-policy.json\n```\n\n`payments-dr-policy.json`:\n\n```json\n{\n",
		"<summary>CRR-090 · Configuration could not be read (error, 1 finding)</summary>",
		"Run `crrscan checks explain CRR-090` for the remediation.\n\n**archive-eu** · 222222222222 / eu-west-1\n\nGetBucketReplication failed: AccessDenied (the checks that need the replication configuration were not judged)\n\nNo command is suggested.\n\n</details>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "<summary>CRR-034") {
		t.Error("a waived check has no How to fix")
	}
	if strings.Count(out, "<details>") != strings.Count(out, "</details>") {
		t.Error("unbalanced details")
	}
}

func TestMarkdownNoFindings(t *testing.T) {
	out := string(render(t, "markdown", NewResult(Tool{}, ScanInfo{Complete: true}, nil, nil, nil)))
	if !strings.Contains(out, "### Findings (0)\n\nNo findings.\n") || strings.Contains(out, "How to fix") {
		t.Errorf("no-findings Markdown:\n%s", out)
	}
}

func TestMarkdownText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"a|b", `a\|b`},
		{"<b>&", "&lt;b&gt;&amp;"},
		{"`code`", "\\`code\\`"},
		{"[x](y) ![i](j)", `\[x\](y) !\[i\](j)`},
		{"*em* _em_ ~s~ $m$ \\", `\*em\* \_em\_ \~s\~ \$m\$ \\`},
		{"@team", "@\u2060team"},
		{"two\nlines", "two lines"},
		{"see https://evil.example and WWW.evil.example or a:b", `see https\://evil.example and WWW\.evil.example or a:b`},
		{"arn:aws:s3:::b", "arn:aws:s3:::b"},
	}
	for _, tt := range tests {
		if got := markdownText(tt.in); got != tt.want {
			t.Errorf("markdownText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	paras := []struct{ in, want string }{
		{"# not a heading", `\# not a heading`},
		{"- not\n- a list", `\- not - a list`},
		{"1. not a list", `1\. not a list`},
		{"first\n\nsecond", "first\n\nsecond"},
		{"> quote", "&gt; quote"},
	}
	for _, tt := range paras {
		if got := markdownParagraphs(tt.in); got != tt.want {
			t.Errorf("markdownParagraphs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
