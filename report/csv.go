package report

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
)

var _ Writer = (*CSV)(nil)

// csvHeader is the CSV report's fixed columns, in order. Columns never depend on the
// data: a result without findings still has the header row.
var csvHeader = []string{
	"check_id", "severity", "status", "account_id", "region", "bucket", "resource_arn",
	"rule_id", "destination", "title", "message", "remediation_summary",
	"remediation_commands", "fingerprint", "compliance", "collected_at", "evaluated_at",
}

// CSV writes one row per finding, in result order, under a header row: RFC 4180
// (CRLF line ends, fields quoted when needed) through encoding/csv, UTF-8 without a
// byte order mark. remediation_commands holds the commands joined with newlines;
// compliance the check's framework controls as "framework control; ...";
// collected_at and evaluated_at repeat the scan's times (RFC 3339, UTC; empty when
// unknown) on every row, so that a row pasted elsewhere keeps its date.
//
// The file is for spreadsheets, so every cell is made inert: control characters,
// escape sequences and bidi controls are removed (line breaks are kept only as
// "\n"), and a cell that starts with =, +, -, @, tab, CR or LF — or with whitespace
// followed by one of =, +, -, @ — gets a leading single quote, as OWASP recommends
// against formula injection. The JSON report is the lossless record.
type CSV struct{}

// Write renders r to w.
func (*CSV) Write(w io.Writer, r *Result) error {
	if r == nil {
		return errors.New("write csv: nil result")
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(csvHeader); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for _, f := range r.Findings {
		row := []string{
			f.CheckID, f.Severity, f.Status, f.AccountID, f.Region, f.Bucket, f.ResourceARN,
			f.RuleID, f.Destination, f.Title, f.Message, f.Remediation.Summary,
			strings.Join(f.Remediation.Commands, "\n"), f.Fingerprint, ComplianceText(f.Compliance),
			rfc3339(r.Scan.CollectedAt), rfc3339(r.Scan.EvaluatedAt),
		}
		for i, cell := range row {
			row[i] = csvCell(cell)
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// csvCell sanitises a cell and then neutralises it, so that removing a control
// character cannot uncover a formula ("\x00=1" is checked as "=1").
func csvCell(s string) string {
	return neutralizeFormula(multilineText(s))
}

// neutralizeFormula prefixes a single quote to a cell that a spreadsheet would read
// as a formula (or as a DDE call): one starting with =, +, -, @, tab, CR or LF, or
// with leading whitespace followed by =, +, - or @.
func neutralizeFormula(s string) string {
	if s == "" {
		return s
	}
	if strings.ContainsRune("=+-@\t\r\n", rune(s[0])) {
		return "'" + s
	}
	if t := strings.TrimLeftFunc(s, unicode.IsSpace); t != s && t != "" && strings.ContainsRune("=+-@", rune(t[0])) {
		return "'" + s
	}
	return s
}

// multilineText is terminalText line by line: the report writers use it for text
// whose line breaks matter (commands, help texts). CR LF, CR and the Unicode line
// and paragraph separators become "\n"; each line is then stripped of controls,
// escape sequences and bidi controls.
func multilineText(s string) string {
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n", "\u0085", "\n").Replace(s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = terminalText(l)
	}
	return strings.Join(lines, "\n")
}
