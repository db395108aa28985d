package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

var _ Writer = (*Table)(nil)

// checkReadError is the check whose findings record reads that failed.
const checkReadError = "CRR-090"

// messageWidth is the widest the message column grows before it wraps; with a
// narrow Options.Width it shrinks down to minMessageWidth.
const (
	messageWidth    = 60
	minMessageWidth = 20
)

// maxListed is how many accounts or regions the summary names before it only counts.
const maxListed = 10

// Table writes one row per finding, in result order, followed by summary lines.
// Every cell is stripped of control characters, escape sequences and bidi controls.
// Without Options.Color the output is plain ASCII art with no escape sequence.
type Table struct {
	Options Options
}

// Write renders r to w.
func (t *Table) Write(w io.Writer, r *Result) error {
	if r == nil {
		return errors.New("write table: nil result")
	}
	bw := bufio.NewWriter(w)
	if len(r.Findings) == 0 {
		if r.Scan.Complete {
			fmt.Fprintf(bw, "No findings: %s scanned, all applicable checks passed.\n", plural(r.Scan.BucketsScanned, "bucket"))
		} else {
			fmt.Fprintf(bw, "No findings: %s scanned, but the scan is incomplete.\n", plural(r.Scan.BucketsScanned, "bucket"))
		}
	} else if err := t.renderFindings(bw, r.Findings); err != nil {
		return err
	}
	fmt.Fprintln(bw)
	t.writeSummary(bw, r)
	if r.Drift != nil {
		fmt.Fprintln(bw)
		if err := t.writeDrift(bw, r.Drift); err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	return nil
}

func (t *Table) renderFindings(w io.Writer, fs []Finding) error {
	symbols := tw.NewSymbols(tw.StyleASCII)
	if t.Options.Color {
		symbols = tw.NewSymbols(tw.StyleLight)
	}
	// Grouped by account, region and bucket (the findings' order): repeated values
	// merge into one cell.
	header := []string{"Account", "Region", "Bucket", "Severity", "Check", "Status", "Message"}
	rows := make([][]string, len(fs))
	for i, f := range fs {
		rows[i] = []string{
			terminalText(f.AccountID),
			terminalText(f.Region),
			terminalText(f.Bucket),
			terminalText(f.Severity),
			terminalText(f.CheckID),
			terminalText(f.Status),
			terminalText(f.Message),
		}
	}
	msgCol, msgWidth := len(header)-1, t.messageColumnWidth(header, rows)
	for _, row := range rows {
		row[msgCol] = wrapText(row[msgCol], msgWidth)
	}
	cfg := tablewriter.NewConfigBuilder().
		// The column maximum includes the cell's padding (one space on each side);
		// the lines already fit, so the table does not re-wrap them.
		ForColumn(msgCol).WithMaxWidth(msgWidth + 2).Build().
		Row().Formatting().WithAutoWrap(tw.WrapNormal).WithMergeMode(tw.MergeHierarchical).Build().Build().
		Build()
	tbl := tablewriter.NewTable(w,
		tablewriter.WithConfig(cfg),
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: symbols})))
	tbl.Header(header)
	for _, row := range rows {
		// Colour after measuring widths; the escape sequences are the writer's own.
		row[3] = t.severity(row[3])
	}
	if err := tbl.Bulk(rows); err != nil {
		return fmt.Errorf("table rows: %w", err)
	}
	if err := tbl.Render(); err != nil {
		return fmt.Errorf("render table: %w", err)
	}
	return nil
}

// messageColumnWidth is the width the message column wraps at: messageWidth, or
// less when Options.Width leaves less room beside the other columns (never below
// minMessageWidth; the table is then wider than asked rather than unreadable).
func (t *Table) messageColumnWidth(header []string, rows [][]string) int {
	if t.Options.Width <= 0 {
		return messageWidth
	}
	// Each column takes its content, one space of padding on each side and a border;
	// one more border opens the line.
	used := 1 + 3
	for col := 0; col < len(header)-1; col++ {
		w := twwidth.Width(strings.ToUpper(header[col]))
		for _, row := range rows {
			w = max(w, twwidth.Width(row[col]))
		}
		used += w + 3
	}
	return min(messageWidth, max(minMessageWidth, t.Options.Width-used))
}

// wrapText wraps s at spaces into lines of at most width display columns, and
// breaks words longer than a line (ARNs, hostile run-on text) so that no line is
// wider. Lines are joined with "\n", which the table keeps as line breaks.
func wrapText(s string, width int) string {
	var lines []string
	line, lineWidth := "", 0
	flush := func() {
		if line != "" {
			lines = append(lines, line)
		}
		line, lineWidth = "", 0
	}
	for _, word := range strings.Fields(s) {
		w := twwidth.Width(word)
		switch {
		case line != "" && lineWidth+1+w <= width:
			line, lineWidth = line+" "+word, lineWidth+1+w
		case w <= width:
			flush()
			line, lineWidth = word, w
		default:
			flush()
			for _, r := range word {
				rw := twwidth.Width(string(r))
				if lineWidth+rw > width && line != "" {
					flush()
				}
				line, lineWidth = line+string(r), lineWidth+rw
			}
		}
	}
	flush()
	return strings.Join(lines, "\n")
}

// severity colours an already sanitised severity when colours are on.
func (t *Table) severity(s string) string {
	if !t.Options.Color {
		return s
	}
	var code string
	switch s {
	case "critical":
		code = "1;31"
	case "high":
		code = "31"
	case "medium":
		code = "33"
	case "low":
		code = "36"
	case "info":
		code = "2"
	case "error":
		code = "1;35"
	}
	if code == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (t *Table) writeSummary(w io.Writer, r *Result) {
	fmt.Fprintf(w, "Buckets scanned: %d\n", r.Scan.BucketsScanned)
	fmt.Fprintf(w, "Accounts: %s\n", listed(r.Scan.Accounts))
	fmt.Fprintf(w, "Regions: %s\n", listed(r.Scan.Regions))
	writeScanCoverage(w, r.Scan)

	open, errs, waived, readErrs := 0, 0, 0, 0
	openBySev := map[string]int{}
	for _, f := range r.Findings {
		switch f.Status {
		case StatusFail:
			open++
			openBySev[f.Severity]++
		case StatusError:
			errs++
		case StatusWaived:
			waived++
		}
		if f.CheckID == checkReadError {
			readErrs++
		}
	}
	bySev := make([]string, 0, len(Severities()))
	for _, s := range Severities() {
		bySev = append(bySev, fmt.Sprintf("%s %d", s, openBySev[s]))
	}
	fmt.Fprintf(w, "Open findings: %d (%s)\n", open, strings.Join(bySev, ", "))
	fmt.Fprintf(w, "Errors: %d\n", errs)
	fmt.Fprintf(w, "Waived: %d\n", waived)
	if line := verificationLine(r.Scan.VerificationRequests); line != "" {
		fmt.Fprintln(w, line)
	}
	switch {
	case r.Scan.Complete:
		fmt.Fprintln(w, "scan complete")
	case readErrs > 0:
		fmt.Fprintf(w, "scan incomplete: %s — see %s findings\n", plural(readErrs, "read error"), checkReadError)
	default:
		fmt.Fprintln(w, "scan incomplete: no read error was recorded as a finding")
	}
}

// listed counts values and names them when there are few.
func listed(vals []string) string {
	if len(vals) == 0 || len(vals) > maxListed {
		return fmt.Sprint(len(vals))
	}
	clean := make([]string, len(vals))
	for i, v := range vals {
		clean[i] = terminalText(v)
	}
	return fmt.Sprintf("%d (%s)", len(vals), strings.Join(clean, ", "))
}

// writeScanCoverage names the organisation's accounts that were not scanned and
// the scanned accounts' enabled regions (at most maxListed accounts each, then a
// count); nothing when the scan recorded neither.
func writeScanCoverage(w io.Writer, s ScanInfo) {
	if skipped := sortedSkipped(s.SkippedAccounts); len(skipped) > 0 {
		names := make([]string, 0, min(len(skipped), maxListed)+1)
		for _, a := range skipped[:min(len(skipped), maxListed)] {
			text := terminalText(a.ID) + " " + terminalText(a.State)
			if name := terminalText(a.Name); name != "" {
				text += " (" + name + ")"
			}
			names = append(names, text)
		}
		if more := len(skipped) - maxListed; more > 0 {
			names = append(names, fmt.Sprintf("%d more", more))
		}
		fmt.Fprintf(w, "Skipped accounts (not ACTIVE, not scanned): %d (%s)\n", len(skipped), strings.Join(names, ", "))
	}
	if rows := enabledRegionRows(s.EnabledRegions); len(rows) > 0 {
		fmt.Fprintln(w, "Enabled regions per account:")
		for _, row := range rows[:min(len(rows), maxListed)] {
			fmt.Fprintf(w, "  %s: %s\n", terminalText(row.Account), listed(row.Regions))
		}
		if more := len(rows) - maxListed; more > 0 {
			fmt.Fprintf(w, "  %d more %s (the JSON and HTML reports list every account)\n", more, nouns(more, "account"))
		}
	}
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// driftValueWidth is the widest a before or after value grows before it wraps.
const driftValueWidth = 40

// writeDrift writes the drift section: a line of counts, the findings that are new,
// resolved or changed status (still-open ones are in the findings table), the
// configuration changes per bucket, and what could not be compared.
func (t *Table) writeDrift(w io.Writer, d *Drift) error {
	fmt.Fprintf(w, "Drift since the baseline%s\n", driftSince(d))
	if f := d.Findings; f != nil {
		fmt.Fprintf(w, "Findings: %d new, %d resolved, %d still open (%d changed status or severity)\n",
			len(f.New), len(f.Resolved), len(f.StillOpen), d.Summary.ChangedFindings)
		var rows [][]string
		for _, e := range driftFindingRows(f) {
			rows = append(rows, []string{e.change, terminalText(e.f.Severity), terminalText(e.f.CheckID),
				terminalText(e.f.AccountID), terminalText(e.f.Region), terminalText(e.f.Bucket), terminalText(e.f.Message)})
		}
		if len(rows) > 0 {
			header := []string{"Change", "Severity", "Check", "Account", "Region", "Bucket", "Message"}
			if err := t.renderDriftRows(w, header, rows, map[int]int{6: t.messageColumnWidth(header, rows)}, 1); err != nil {
				return err
			}
		}
	}
	if c := d.Configuration; c != nil {
		fmt.Fprintf(w, "Configuration: %s on %s\n", plural(d.Summary.ConfigurationChanges, "change"), plural(d.Summary.BucketsChanged, "bucket"))
		var rows [][]string
		for _, b := range c.Buckets {
			for _, ch := range b.Changes {
				rows = append(rows, []string{terminalText(b.AccountID), terminalText(b.Region), terminalText(b.Bucket),
					cmpDash(terminalText(ch.RuleID)), ChangeLabel(ch.Kind), cmpDash(terminalText(ch.Before)), cmpDash(terminalText(ch.After))})
			}
		}
		if len(rows) > 0 {
			header := []string{"Account", "Region", "Bucket", "Rule", "Change", "Before", "After"}
			if err := t.renderDriftRows(w, header, rows, map[int]int{5: driftValueWidth, 6: driftValueWidth}, -1); err != nil {
				return err
			}
		}
		for _, b := range c.Buckets {
			if len(b.NotCompared) > 0 {
				fmt.Fprintf(w, "Not compared on %s: %s (a read failed in one of the scans)\n", terminalText(b.Bucket), strings.Join(b.NotCompared, ", "))
			}
		}
	}
	for _, n := range d.Notes {
		fmt.Fprintf(w, "Note: %s\n", terminalText(n))
	}
	return nil
}

// renderDriftRows renders a drift table; wrap gives the columns that wrap and their
// width; sevCol is the severity column to colour (-1 for none).
func (t *Table) renderDriftRows(w io.Writer, header []string, rows [][]string, wrap map[int]int, sevCol int) error {
	symbols := tw.NewSymbols(tw.StyleASCII)
	if t.Options.Color {
		symbols = tw.NewSymbols(tw.StyleLight)
	}
	cb := tablewriter.NewConfigBuilder()
	for col, width := range wrap {
		for _, row := range rows {
			row[col] = wrapText(row[col], width)
		}
		cb = cb.ForColumn(col).WithMaxWidth(width + 2).Build()
	}
	cfg := cb.Row().Formatting().WithAutoWrap(tw.WrapNormal).Build().Build().Build()
	tbl := tablewriter.NewTable(w,
		tablewriter.WithConfig(cfg),
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: symbols})))
	tbl.Header(header)
	if sevCol >= 0 {
		for _, row := range rows {
			row[sevCol] = t.severity(row[sevCol])
		}
	}
	if err := tbl.Bulk(rows); err != nil {
		return fmt.Errorf("drift table rows: %w", err)
	}
	if err := tbl.Render(); err != nil {
		return fmt.Errorf("render drift table: %w", err)
	}
	return nil
}

func cmpDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
