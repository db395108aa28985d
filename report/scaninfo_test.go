package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// hostileAccountName is what an organisation member can name its account: HTML, a
// colour escape, a spreadsheet formula, a bidi override, Markdown link and mention.
const hostileAccountName = "<script>alert(1)</script> \x1b[31mred\x1b[0m =cmd|' /C calc'!A0 \u202eevil\u202c [x](http://evil.example) @octocat"

// hostileCoverage is a skipped account with a hostile name and state, and enabled
// regions with a hostile account id and region.
func hostileCoverage() ([]SkippedAccount, map[string][]string) {
	return []SkippedAccount{
			{ID: "333333333333", Name: hostileAccountName, State: "SUSPENDED\x1b]0;pwned\x07"},
		}, map[string][]string{
			"111111111111":                {"us-east-1"},
			"555555555555<i>x</i>\x1b[2J": {"eu-west-1\x1b[31m<b>r</b>"},
		}
}

// coverageResult is the fixture result with only the hostile coverage.
func coverageResult() *Result {
	scan := fixtureScan()
	scan.SkippedAccounts, scan.EnabledRegions = hostileCoverage()
	return NewResult(Tool{Name: "crrscan", Version: "1.0.0"}, scan, fixtureChecks(), fixtureFindings(), fixtureOutcomes())
}

// TestScanCoverageSorted: NewResult orders skipped accounts by id and each
// account's regions, without touching the caller's slices.
func TestScanCoverageSorted(t *testing.T) {
	scan := fixtureScan()
	in := scan.SkippedAccounts
	regions := scan.EnabledRegions["111111111111"]
	r := NewResult(Tool{}, scan, nil, nil, nil)
	if got := r.Scan.SkippedAccounts; len(got) != 2 || got[0].ID != "333333333333" || got[1].ID != "444444444444" {
		t.Errorf("skipped accounts = %+v, want sorted by id", got)
	}
	if got := strings.Join(r.Scan.EnabledRegions["111111111111"], ","); got != "eu-central-1,eu-west-1,us-east-1" {
		t.Errorf("enabled regions = %s, want sorted", got)
	}
	if in[0].ID != "444444444444" || regions[0] != "us-east-1" {
		t.Error("NewResult sorted the caller's slices in place")
	}
	if r := NewResult(Tool{}, ScanInfo{SkippedAccounts: []SkippedAccount{}, EnabledRegions: map[string][]string{}}, nil, nil, nil); r.Scan.SkippedAccounts != nil || r.Scan.EnabledRegions != nil {
		t.Errorf("empty coverage should be nil (left out of the JSON): %+v", r.Scan)
	}
}

// TestScanCoverageHostileTable: the skipped account's name, state and the enabled
// regions reach the terminal as readable text without their escape sequences.
func TestScanCoverageHostileTable(t *testing.T) {
	out := string(render(t, "table", coverageResult()))
	for _, bad := range []string{"\x1b", "\x07", "\u202e", "pwned", "[31m", "[2J"} {
		if strings.Contains(out, bad) {
			t.Errorf("table output contains %q", bad)
		}
	}
	want := "Skipped accounts (not ACTIVE, not scanned): 1 (333333333333 SUSPENDED (<script>alert(1)</script> red =cmd|' /C calc'!A0 evil [x](http://evil.example) @octocat))"
	if !strings.Contains(out, want+"\n") {
		t.Errorf("table lacks %q:\n%s", want, out)
	}
	for _, line := range []string{"  111111111111: 1 (us-east-1)\n", "  555555555555<i>x</i>: 1 (eu-west-1<b>r</b>)\n"} {
		if !strings.Contains(out, line) {
			t.Errorf("table lacks the line %q:\n%s", line, out)
		}
	}
}

// TestScanCoverageHostileMarkdown: in Markdown the name is escaped text in one
// table cell: no markup, link, mention or control character.
func TestScanCoverageHostileMarkdown(t *testing.T) {
	out := string(render(t, "markdown", coverageResult()))
	for _, bad := range []string{"\x1b", "\x07", "\u202e", "<script", "<i>", "<b>", "@octocat"} {
		if strings.Contains(out, bad) {
			t.Errorf("Markdown contains %q", bad)
		}
	}
	if regexp.MustCompile(`(^|[^\\])\]\(`).MatchString(out) {
		t.Error("an unescaped ]( would make a link")
	}
	var row string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| 333333333333 |") {
			row = line
		}
	}
	if row == "" {
		t.Fatalf("no skipped-account row:\n%s", out)
	}
	if n := unescapedPipes(row); n != 4 {
		t.Errorf("skipped-account row has %d cell separators, want 4: %s", n, row)
	}
	if !strings.Contains(row, "&lt;script&gt;alert(1)&lt;/script&gt; red =cmd\\|' /C calc'!A0") || !strings.Contains(row, "SUSPENDED") {
		t.Errorf("the name should stay readable, escaped: %s", row)
	}
	if !strings.Contains(out, "| 555555555555&lt;i&gt;x&lt;/i&gt; | eu-west-1&lt;b&gt;r&lt;/b&gt; |") {
		t.Errorf("enabled regions row missing or not escaped:\n%s", out)
	}
}

// TestScanCoverageHostileHTML: in the HTML report the name is escaped text, control
// characters become visible markers, and the page keeps its single script and
// no inline handler.
func TestScanCoverageHostileHTML(t *testing.T) {
	page := renderHTML(t, coverageResult())
	for _, bad := range []string{"<script>alert", "<i>x", "<b>r", "\x1b", "\x07", "\u202e"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
	if n := strings.Count(page, "<script"); n != 1 {
		t.Errorf("%d script elements, want 1", n)
	}
	for _, a := range attributeNames(page) {
		if strings.HasPrefix(a, "on") || a == "style" || a == "src" {
			t.Errorf("an element has the attribute %s", a)
		}
	}
	for _, want := range []string{
		"&lt;script&gt;alert(1)&lt;/script&gt; [U&#43;001B][31mred[U&#43;001B][0m =cmd|&#39; /C calc&#39;!A0",
		`<a href="#scan-skipped">1 account</a>`,
		"555555555555&lt;i&gt;x&lt;/i&gt;",
		"eu-west-1[U&#43;001B][31m&lt;b&gt;r&lt;/b&gt;",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	section := regexp.MustCompile(`(?s)<section id="scan".*?</section>`).FindString(page)
	if !strings.Contains(section, `<span class="mono">333333333333</span>`) || !strings.Contains(section, "111111111111: us-east-1") {
		t.Errorf("the Scan section lacks the skipped account or the enabled regions:\n%s", section)
	}
}

// TestScanCoverageMachineFormats: JSON keeps the data exactly (escaped); SARIF has it
// sanitised in the run properties; CSV stays findings only.
func TestScanCoverageMachineFormats(t *testing.T) {
	r := coverageResult()
	var back Result
	if err := json.Unmarshal(render(t, "json", r), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Scan.SkippedAccounts) != 1 || back.Scan.SkippedAccounts[0].Name != hostileAccountName {
		t.Errorf("JSON skipped accounts = %+v", back.Scan.SkippedAccounts)
	}

	var log struct {
		Runs []struct {
			Properties struct {
				SkippedAccounts []SkippedAccount    `json:"skippedAccounts"`
				EnabledRegions  map[string][]string `json:"enabledRegions"`
			} `json:"properties"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(render(t, "sarif", r), &log); err != nil {
		t.Fatal(err)
	}
	props := log.Runs[0].Properties
	if len(props.SkippedAccounts) != 1 || props.SkippedAccounts[0].State != "SUSPENDED" || strings.Contains(props.SkippedAccounts[0].Name, "\x1b") {
		t.Errorf("SARIF skippedAccounts = %+v", props.SkippedAccounts)
	}
	if got := props.EnabledRegions["555555555555<i>x</i>"]; len(got) != 1 || got[0] != "eu-west-1<b>r</b>" {
		t.Errorf("SARIF enabledRegions = %v", props.EnabledRegions)
	}
	validateSARIF(t, sarifSchema(t), render(t, "sarif", r))

	if out := render(t, "csv", r); bytes.Contains(out, []byte("333333333333")) || bytes.Contains(out, []byte("=cmd")) {
		t.Error("the CSV report should list findings only")
	}
}

// TestScanCoverageCaps: the table names at most maxListed accounts of each kind and
// counts the rest; Markdown lists up to markdownMaxRows rows and counts the rest.
func TestScanCoverageCaps(t *testing.T) {
	scan := fixtureScan()
	scan.SkippedAccounts, scan.EnabledRegions = nil, map[string][]string{}
	for i := range markdownMaxRows + 2 {
		id := fmt.Sprintf("%012d", i)
		scan.SkippedAccounts = append(scan.SkippedAccounts, SkippedAccount{ID: id, State: "SUSPENDED"})
		scan.EnabledRegions[id] = []string{"us-east-1"}
	}
	r := NewResult(Tool{}, scan, fixtureChecks(), fixtureFindings(), fixtureOutcomes())
	table := string(render(t, "table", r))
	if !strings.Contains(table, fmt.Sprintf("Skipped accounts (not ACTIVE, not scanned): %d (000000000000 SUSPENDED, ", markdownMaxRows+2)) ||
		!strings.Contains(table, fmt.Sprintf("000000000009 SUSPENDED, %d more)\n", markdownMaxRows+2-maxListed)) ||
		strings.Contains(table, "000000000010 SUSPENDED") {
		t.Errorf("table skipped-accounts line not capped at %d:\n%s", maxListed, table)
	}
	if !strings.Contains(table, fmt.Sprintf("  %d more accounts (", markdownMaxRows+2-maxListed)) || strings.Contains(table, "  000000000010:") {
		t.Errorf("table enabled regions not capped at %d:\n%s", maxListed, table)
	}
	md := string(render(t, "markdown", r))
	if strings.Count(md, "| SUSPENDED |") != markdownMaxRows || !strings.Contains(md, "… and 2 more accounts: the JSON report lists every skipped account.") ||
		!strings.Contains(md, "… and 2 more accounts: the JSON report lists every account's regions.") {
		t.Errorf("Markdown coverage not capped at %d rows", markdownMaxRows)
	}
}
