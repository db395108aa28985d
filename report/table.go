package report

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

var _ Writer = (*Table)(nil)

// checkReadError is the check whose findings record reads that failed.
const checkReadError = "CRR-090"

// messageWidth is the widest the message column grows when Options.Width is 0 (no
// terminal width known); with a width, the columns share it (see columnWidths).
const messageWidth = 60

// maxListed is how many accounts or regions the summary names before it only counts.
const maxListed = 10

// Table writes a summary, then one row per finding ordered by severity
// (BySeverity), at most Options.Limit of them, then the drift section if any.
// Every cell is stripped of control characters, escape sequences and bidi controls,
// wrapped to its column and cut with an ellipsis after a few lines (the JSON and
// HTML reports keep the full text). Without Options.Color the output is plain ASCII
// art with no escape sequence. Rendering takes time linear in the result's size.
type Table struct {
	Options Options
}

// Write renders r to w.
func (t *Table) Write(w io.Writer, r *Result) error {
	return t.WriteContext(context.Background(), w, r)
}

// WriteContext renders r to w, and stops with ctx's error once ctx is done.
func (t *Table) WriteContext(ctx context.Context, w io.Writer, r *Result) error {
	if r == nil {
		return errors.New("write table: nil result")
	}
	bw := bufio.NewWriter(w)
	// The headline (no findings) or the summary first, so that a short screen
	// shows them; then the findings.
	if len(r.Findings) == 0 {
		if r.Scan.Complete {
			fmt.Fprintf(bw, "No findings: %s scanned, all applicable checks passed.\n", plural(r.Scan.BucketsScanned, "bucket"))
		} else {
			fmt.Fprintf(bw, "No findings: %s scanned, but the scan is incomplete.\n", plural(r.Scan.BucketsScanned, "bucket"))
		}
		fmt.Fprintln(bw)
		t.writeSummary(bw, r)
	} else {
		t.writeSummary(bw, r)
		fmt.Fprintln(bw)
		if err := t.renderFindings(ctx, bw, r.Findings); err != nil {
			return err
		}
	}
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

// tableLayout is one arrangement of the findings table: its columns, how wide and
// how many lines each may take, and in which order columns give way when the
// terminal is too narrow for their content.
type tableLayout struct {
	header []string
	// min: a column never wraps narrower; max: with no terminal width it grows no
	// wider; lines: a cell shows at most that many lines, the last ending in "…"
	// when it is cut.
	min, max, lines []int
	// shrink: columns narrowed in turn down to a floor until the table fits.
	shrink []shrinkStep
	cells  func(Finding) []string
}

type shrinkStep struct{ col, floor int }

// Both layouts open with the severity (the status, when the finding is not an
// open failure) and the check.
const (
	colSeverity = 0
	colCheck    = 1
)

// wideLayout names the account and region, the bucket and the message in columns
// of their own; narrowLayout, for terminals under narrowBelow columns, stacks the
// bucket, account and region in one cell so that the message keeps room.
var (
	wideLayout = tableLayout{
		header: []string{"SEVERITY", "CHECK", "ACCOUNT / REGION", "BUCKET", "MESSAGE"},
		min:    []int{8, 7, 12, 10, 20},
		max:    []int{8, 12, 30, 63, messageWidth},
		lines:  []int{3, 3, 3, 3, 4},
		shrink: []shrinkStep{{4, 30}, {2, 12}, {3, 16}, {4, 20}, {3, 10}},
		cells: func(f Finding) []string {
			return []string{severityCell(f), terminalText(f.CheckID),
				strings.TrimSpace(terminalText(f.AccountID) + " " + terminalText(f.Region)),
				tableText(f.Bucket), tableText(f.Message)}
		},
	}
	narrowLayout = tableLayout{
		header: []string{"SEVERITY", "CHECK", "BUCKET / ACCOUNT / REGION", "MESSAGE"},
		min:    []int{8, 7, 16, 24},
		max:    []int{8, 12, 63, messageWidth},
		lines:  []int{3, 3, 5, 6},
		shrink: []shrinkStep{{2, 20}, {3, 24}, {2, 16}},
		cells: func(f Finding) []string {
			return []string{severityCell(f), terminalText(f.CheckID),
				strings.TrimSpace(tableText(f.Bucket) + " " + terminalText(f.AccountID) + " " + terminalText(f.Region)),
				tableText(f.Message)}
		},
	}
)

// narrowBelow is the terminal width under which the table uses narrowLayout.
const narrowBelow = 120

const ellipsis = "…"

// maxCellBytes is how much of a text the table reads: far more than the few lines a
// cell shows, so that a huge message costs no more than a short one.
const maxCellBytes = 16 << 10

// tableText is terminalText of at most the first maxCellBytes of s, ending in an
// ellipsis when s is longer (the cut cell then shows it).
func tableText(s string) string {
	if len(s) <= maxCellBytes {
		return terminalText(s)
	}
	cut := maxCellBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return terminalText(s[:cut]) + " " + ellipsis
}

// severityCell shows the severity of an open failure, else the status (error,
// waived).
func severityCell(f Finding) string {
	if f.Status != StatusFail {
		return terminalText(f.Status)
	}
	return terminalText(f.Severity)
}

// layout is the arrangement for the table's width.
func (t *Table) layout() *tableLayout {
	if t.Options.Width > 0 && t.Options.Width < narrowBelow {
		return &narrowLayout
	}
	return &wideLayout
}

func (t *Table) renderFindings(ctx context.Context, w io.Writer, all []Finding) error {
	fs := BySeverity(all)
	if t.Options.Limit > 0 && len(fs) > t.Options.Limit {
		fs = fs[:t.Options.Limit]
	}
	lay := t.layout()
	cols := len(lay.header)
	cells := make([][]string, len(fs))
	natural := make([]int, cols)
	for c := range cols {
		natural[c] = displayWidth(lay.header[c], lay.max[c])
	}
	for i, f := range fs {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("write table: %w", err)
			}
		}
		cells[i] = lay.cells(f)
		for c := range cols {
			// Measured no wider than the widest a column can be, so that a huge cell
			// costs no more than a line's worth.
			natural[c] = max(natural[c], displayWidth(cells[i][c], max(lay.max[c], t.Options.Width)))
		}
	}
	widths := lay.columnWidths(natural, t.Options.Width)
	box := newBox(t.Options.Color, widths)
	header := make([][]string, cols)
	for c := range cols {
		header[c], _ = wrapCell(lay.header[c], widths[c], lay.lines[c])
	}
	io.WriteString(w, box.rule(0))
	box.writeRow(w, header, nil)
	io.WriteString(w, box.rule(1))
	shortened := 0
	for i := range cells {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("write table: %w", err)
			}
		}
		row := make([][]string, cols)
		cut := false
		for c := range cols {
			var cellCut bool
			row[c], cellCut = wrapCell(cells[i][c], widths[c], lay.lines[c])
			cut = cut || cellCut
		}
		if cut {
			shortened++
		}
		box.writeRow(w, row, func(c int, s string) string {
			if c == colSeverity {
				return t.severity(s)
			}
			return s
		})
	}
	io.WriteString(w, box.rule(2))
	if more := len(all) - len(fs); more > 0 {
		fmt.Fprintf(w, "… and %d more %s%s\n", more, nouns(more, "finding"), t.fullReport(" in "))
	}
	if shortened > 0 {
		fmt.Fprintf(w, "%s shortened to fit%s\n", plural(shortened, "row"), t.fullReport("; the full text is in "))
	}
	return nil
}

// fullReport names the full report after prefix, or says how to get one.
func (t *Table) fullReport(prefix string) string {
	if t.Options.FullReport != "" {
		return prefix + terminalText(t.Options.FullReport)
	}
	return " (--format json or html writes every finding in full; --table-limit 0 lists all)"
}

// columnWidths fits the columns' natural widths into a table of width columns
// (borders included). Without a width, each column is its natural width up to its
// maximum. Otherwise, when the natural widths do not fit, the layout's shrink steps
// narrow its columns in turn; a table whose minimums do not fit is wider than asked
// rather than unreadable.
func (l *tableLayout) columnWidths(natural []int, width int) []int {
	w := slices.Clone(natural)
	if width <= 0 {
		for c := range w {
			w[c] = min(w[c], l.max[c])
		}
		return w
	}
	avail := width - (1 + 3*len(w))
	for c := range w {
		w[c] = min(w[c], max(avail, l.min[c]))
	}
	for _, s := range l.shrink {
		excess := sum(w) - avail
		if excess <= 0 {
			break
		}
		if w[s.col] > s.floor {
			w[s.col] = max(s.floor, w[s.col]-excess)
		}
	}
	return w
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// runeWidth is r's display width: one for printable ASCII, else twwidth's measure.
func runeWidth(r rune) int {
	if r >= 0x20 && r < 0x7f {
		return 1
	}
	return twwidth.Width(string(r))
}

// displayWidth is s's display width, or limit+1 once it is wider than limit (so
// that measuring a huge cell stops early).
func displayWidth(s string, limit int) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
		if n > limit {
			return limit + 1
		}
	}
	return n
}

// wrapText wraps s at spaces into lines of at most width display columns, and
// breaks words longer than a line (ARNs, hostile run-on text) so that no line is
// wider. Lines are joined with "\n".
func wrapText(s string, width int) string {
	lines, _ := wrapCell(s, width, 0)
	return strings.Join(lines, "\n")
}

// wrapCell wraps s like wrapText into at most maxLines lines (0: no limit); when s
// needs more, the last line ends in an ellipsis and cut is true. It reads s only as
// far as the lines it returns, so a huge cell costs no more than a short one.
func wrapCell(s string, width, maxLines int) (lines []string, cut bool) {
	width = max(width, 1)
	var line strings.Builder
	lineWidth := 0
	full := func() bool { return maxLines > 0 && len(lines) == maxLines }
	flush := func() {
		if lineWidth > 0 {
			lines = append(lines, line.String())
		}
		line.Reset()
		lineWidth = 0
	}
	i := 0
	for i < len(s) && !full() {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i == len(s) {
			break
		}
		end := strings.IndexByte(s[i:], ' ')
		if end < 0 {
			end = len(s)
		} else {
			end += i
		}
		word := s[i:end]
		ww := displayWidth(word, width)
		switch {
		case lineWidth > 0 && lineWidth+1+ww <= width:
			line.WriteByte(' ')
			line.WriteString(word)
			lineWidth += 1 + ww
			i = end
		case ww <= width:
			flush()
			if full() {
				continue
			}
			line.WriteString(word)
			lineWidth = ww
			i = end
		default:
			flush()
			// Break the long word: fill lines rune by rune.
			for i < end && !full() {
				r, size := utf8.DecodeRuneInString(s[i:])
				rw := runeWidth(r)
				if lineWidth > 0 && lineWidth+rw > width {
					flush()
					continue
				}
				line.WriteRune(r)
				lineWidth += rw
				i += size
			}
		}
	}
	if !full() {
		flush()
	}
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i < len(s) {
		cut = true
		if len(lines) == 0 {
			lines = []string{""}
		}
		last := lines[len(lines)-1]
		// Make room for the ellipsis.
		for displayWidth(last, width) > width-1 && last != "" {
			_, size := utf8.DecodeLastRuneInString(last)
			last = last[:len(last)-size]
		}
		lines[len(lines)-1] = strings.TrimRight(last, " ") + ellipsis
	}
	return lines, cut
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
	case "waived":
		code = "2"
	}
	if code == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (t *Table) writeSummary(w io.Writer, r *Result) {
	fmt.Fprintf(w, "Buckets scanned: %d\n", r.Scan.BucketsScanned)
	if ce := collectedEvaluated(r.Scan); ce != "" {
		fmt.Fprintf(w, "Evidence: %s\n", ce)
	}
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

// A drift table cell that wraps shows at most driftCellLines lines; one that does
// not, at most driftCellRunes characters (the JSON report has the full text).
const (
	driftCellLines = 8
	driftCellRunes = 80
)

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
	for _, row := range rows {
		for col := range row {
			if _, wraps := wrap[col]; !wraps {
				// A hostile value (a 3 MB bucket name from a snapshot) stays one line.
				row[col] = prShorten(row[col], driftCellRunes)
			}
		}
	}
	for col, width := range wrap {
		for _, row := range rows {
			// At most driftCellLines lines: the table's drawing time grows with them.
			lines, _ := wrapCell(row[col], width, driftCellLines)
			row[col] = strings.Join(lines, "\n")
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

// minMessageWidth is the narrowest the drift table's message column wraps at.
const minMessageWidth = 20

// messageColumnWidth is the width the drift table's message column wraps at:
// messageWidth, or less when Options.Width leaves less room beside the other columns
// (never below minMessageWidth; the table is then wider than asked rather than
// unreadable).
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
