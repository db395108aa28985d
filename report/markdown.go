package report

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

var _ Writer = (*Markdown)(nil)

const (
	// markdownMaxRows caps the findings table; the rest are counted on one line.
	markdownMaxRows = 200
	// markdownMaxFixes caps the findings listed under one check's "How to fix".
	markdownMaxFixes = 10
)

// Markdown writes a GitHub-flavoured Markdown summary for pull request comments and
// $GITHUB_STEP_SUMMARY: a title line with the verdict, a summary table (counts by
// severity and status, completeness), a findings table (open findings first, then
// errors, then waived, most severe first; at most markdownMaxRows rows), and a
// collapsible "How to fix" section per check with open or error findings, whose
// commands and documents are fenced code blocks.
//
// No markup from the data reaches the output: outside code blocks, text is stripped
// of controls, HTML-escaped (< becomes &lt;), Markdown punctuation is
// backslash-escaped (so | cannot split a table cell, and [ ] ` * _ ~ $ cannot start
// a link, image, code span, emphasis or math), bare web addresses are kept from
// becoming links (http\:// and www\.), line breaks become spaces, and an @ is
// followed by a word joiner so that it cannot mention a GitHub user or team.
// Code fences are longer than any backtick run in their content.
type Markdown struct{}

// Write renders r to w.
func (*Markdown) Write(w io.Writer, r *Result) error {
	if r == nil {
		return errors.New("write markdown: nil result")
	}
	var b bytes.Buffer
	markdownHead(&b, r)
	markdownCoverage(&b, r.Scan)
	if r.Drift != nil {
		markdownDrift(&b, r.Drift)
	}
	sorted := BySeverity(r.Findings)
	markdownFindings(&b, sorted)
	markdownFixes(&b, r, sorted)
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write markdown: %w", err)
	}
	return nil
}

// markdownHead writes the title line with the verdict and the summary table.
func markdownHead(b *bytes.Buffer, r *Result) {
	c := countFindings(r.Findings)
	markdownTitle(b, r, c)
	markdownSummary(b, r, c)
}

// findingCounts counts findings by status, and by severity within each status.
type findingCounts struct {
	open, errs, waived int
	readErrs           int
	bySev              map[string]map[string]int // severity → status → count
}

func countFindings(fs []Finding) findingCounts {
	c := findingCounts{bySev: map[string]map[string]int{}}
	for _, f := range fs {
		switch f.Status {
		case StatusFail:
			c.open++
		case StatusError:
			c.errs++
		case StatusWaived:
			c.waived++
		}
		if f.CheckID == checkReadError {
			c.readErrs++
		}
		if c.bySev[f.Severity] == nil {
			c.bySev[f.Severity] = map[string]int{}
		}
		c.bySev[f.Severity][f.Status]++
	}
	return c
}

func markdownTitle(b *bytes.Buffer, r *Result, c findingCounts) {
	var open []string
	for _, s := range Severities() {
		if n := c.bySev[s][StatusFail]; n > 0 {
			open = append(open, fmt.Sprintf("%d %s", n, s))
		}
	}
	openText := "no open findings"
	if c.open > 0 {
		openText = plural(c.open, "open finding") + " (" + strings.Join(open, ", ") + ")"
	}
	switch {
	case !r.Scan.Complete:
		fmt.Fprintf(b, "## ⚠️ crrscan: scan incomplete, %s\n\n", openText)
	case c.open > 0:
		fmt.Fprintf(b, "## ❌ crrscan: %s\n\n", openText)
	default:
		fmt.Fprintf(b, "## ✅ crrscan: %s\n\n", openText)
	}

	line := fmt.Sprintf("%s scanned in %s and %s", plural(r.Scan.BucketsScanned, "bucket"),
		plural(len(r.Scan.Accounts), "account"), plural(len(r.Scan.Regions), "region"))
	if ce := collectedEvaluated(r.Scan); ce != "" {
		line += " (" + ce + ")"
	} else if !r.Scan.StartedAt.IsZero() {
		line += " on " + r.Scan.StartedAt.UTC().Format("2006-01-02 at 15:04 UTC")
	}
	if v := markdownText(r.Tool.Version); v != "" {
		line += " by crrscan " + v
	}
	if s := markdownText(r.Scan.Source); s != "" {
		line += " (source: " + s + ")"
	}
	b.WriteString(line + ".\n\n")
}

func markdownSummary(b *bytes.Buffer, r *Result, c findingCounts) {
	b.WriteString("### Summary\n\n")
	b.WriteString("| Severity | Open | Error | Waived |\n|:--|--:|--:|--:|\n")
	sevs := Severities()
	extra := slices.Sorted(maps.Keys(c.bySev))
	for _, s := range extra {
		if SeverityRank(s) == 0 {
			sevs = append(sevs, s)
		}
	}
	for _, s := range sevs {
		n := c.bySev[s]
		fmt.Fprintf(b, "| %s | %d | %d | %d |\n", cmp.Or(markdownText(s), "(none)"), n[StatusFail], n[StatusError], n[StatusWaived])
	}
	fmt.Fprintf(b, "| **total** | **%d** | **%d** | **%d** |\n\n", c.open, c.errs, c.waived)

	switch {
	case r.Scan.Complete:
		b.WriteString("**Completeness:** complete: every listed bucket and linked resource was read.\n\n")
	case c.readErrs > 0:
		fmt.Fprintf(b, "**Completeness:** incomplete: %s (%s findings); the checks that needed what could not be read were not judged, and crrscan exits with code 3.\n\n",
			plural(c.readErrs, "read error"), checkReadError)
	default:
		b.WriteString("**Completeness:** incomplete: no read error was recorded as a finding; crrscan exits with code 3.\n\n")
	}
}

// markdownCoverage writes the organisation's accounts that were not scanned and a
// collapsed table of each scanned account's enabled regions (at most
// markdownMaxRows rows each); nothing when the scan recorded neither.
func markdownCoverage(b *bytes.Buffer, s ScanInfo) {
	skipped, regions := sortedSkipped(s.SkippedAccounts), enabledRegionRows(s.EnabledRegions)
	if len(skipped) == 0 && len(regions) == 0 {
		return
	}
	b.WriteString("### Scan coverage\n\n")
	if len(skipped) > 0 {
		verbs := "are not ACTIVE and were"
		if len(skipped) == 1 {
			verbs = "is not ACTIVE and was"
		}
		fmt.Fprintf(b, "**Accounts not scanned:** %s of the organisation %s not scanned.\n\n", plural(len(skipped), "account"), verbs)
		b.WriteString("| Account | Name | State |\n|:--|:--|:--|\n")
		for _, a := range skipped[:min(len(skipped), markdownMaxRows)] {
			fmt.Fprintf(b, "| %s | %s | %s |\n", markdownCell(a.ID), markdownCell(a.Name), markdownCell(a.State))
		}
		b.WriteString("\n")
		if n := len(skipped) - markdownMaxRows; n > 0 {
			fmt.Fprintf(b, "… and %d more %s: the JSON report lists every skipped account.\n\n", n, nouns(n, "account"))
		}
	}
	if len(regions) > 0 {
		fmt.Fprintf(b, "<details>\n<summary>Enabled regions of %s</summary>\n\n", plural(len(regions), "scanned account"))
		b.WriteString("| Account | Enabled regions |\n|:--|:--|\n")
		for _, row := range regions[:min(len(regions), markdownMaxRows)] {
			cells := make([]string, len(row.Regions))
			for i, r := range row.Regions {
				cells[i] = markdownText(r)
			}
			fmt.Fprintf(b, "| %s | %s |\n", markdownCell(row.Account), cmp.Or(strings.Join(cells, ", "), "—"))
		}
		b.WriteString("\n")
		if n := len(regions) - markdownMaxRows; n > 0 {
			fmt.Fprintf(b, "… and %d more %s: the JSON report lists every account's regions.\n\n", n, nouns(n, "account"))
		}
		b.WriteString("</details>\n\n")
	}
}

func markdownFindings(b *bytes.Buffer, fs []Finding) {
	fmt.Fprintf(b, "### Findings (%d)\n\n", len(fs))
	if len(fs) == 0 {
		b.WriteString("No findings.\n\n")
		return
	}
	b.WriteString("| Severity | Status | Check | Bucket | Account / Region | Message |\n|:--|:--|:--|:--|:--|:--|\n")
	for i, f := range fs {
		if i == markdownMaxRows {
			break
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n",
			markdownCell(f.Severity), markdownCell(f.Status), markdownCell(f.CheckID), markdownCell(f.Bucket),
			markdownCell(f.AccountID)+" / "+markdownCell(f.Region), markdownCell(f.Message))
	}
	b.WriteString("\n")
	if n := len(fs) - markdownMaxRows; n > 0 {
		fmt.Fprintf(b, "… and %d more %s: the JSON and CSV reports list every finding.\n\n", n, nouns(n, "finding"))
	}
}

// markdownFixes writes a collapsible "How to fix" per check with open or error
// findings, in the order those checks first appear in the findings table.
func markdownFixes(b *bytes.Buffer, r *Result, fs []Finding) {
	var order []string
	byCheck := map[string][]Finding{}
	for _, f := range fs {
		if f.Status != StatusFail && f.Status != StatusError {
			continue
		}
		if _, ok := byCheck[f.CheckID]; !ok {
			order = append(order, f.CheckID)
		}
		byCheck[f.CheckID] = append(byCheck[f.CheckID], f)
	}
	if len(order) == 0 {
		return
	}
	titles := map[string]string{}
	for _, c := range r.Summary.Checks {
		titles[c.CheckID] = c.Title
	}
	b.WriteString("### How to fix\n\n")
	for _, id := range order {
		group := byCheck[id]
		first := group[0]
		title := cmp.Or(titles[id], first.Title)
		fmt.Fprintf(b, "<details>\n<summary>%s · %s (%s, %s)</summary>\n\n", htmlText(id), htmlText(title),
			htmlText(first.Severity), plural(len(group), "finding"))
		explain := codeSpan("crrscan checks explain " + terminalText(id))
		if s := strings.TrimSpace(first.Remediation.Summary); s != "" {
			b.WriteString(markdownParagraphs(s) + "\n\n")
		} else {
			fmt.Fprintf(b, "Run %s for the remediation.\n\n", explain)
		}
		for i, f := range group {
			if i == markdownMaxFixes {
				fmt.Fprintf(b, "… and %d more %s: the JSON report has every command.\n\n", len(group)-i, nouns(len(group)-i, "finding"))
				break
			}
			markdownFix(b, f)
		}
		b.WriteString("</details>\n\n")
	}
}

// markdownFix writes one finding's heading line and its commands, documents and
// Terraform snippet.
func markdownFix(b *bytes.Buffer, f Finding) {
	where := "**" + cmp.Or(markdownText(f.Bucket), markdownText(f.ResourceARN), "(no bucket)") + "** · " +
		markdownText(f.AccountID) + " / " + markdownText(f.Region)
	if f.RuleID != "" {
		where += " · rule " + markdownText(f.RuleID)
	}
	if f.Destination != "" {
		where += " → " + markdownText(f.Destination)
	}
	b.WriteString(where + "\n\n")
	rem := f.Remediation
	if len(rem.Commands) == 0 && len(rem.Documents) == 0 && strings.TrimSpace(rem.Terraform) == "" {
		if msg := markdownParagraphs(f.Message); msg != "" {
			b.WriteString(msg + "\n\n")
		}
		b.WriteString("No command is suggested.\n\n")
		return
	}
	if len(rem.Commands) > 0 {
		cmds := make([]string, len(rem.Commands))
		for i, c := range rem.Commands {
			cmds[i] = multilineText(c)
		}
		writeFence(b, "sh", strings.Join(cmds, "\n"))
	}
	for _, name := range slices.Sorted(maps.Keys(rem.Documents)) {
		var doc bytes.Buffer
		enc := json.NewEncoder(&doc)
		enc.SetEscapeHTML(false) // inside a code block < is text
		enc.SetIndent("", "  ")
		if err := enc.Encode(rem.Documents[name]); err != nil {
			fmt.Fprintf(b, "%s: not shown (%s).\n\n", codeSpan(terminalText(name)), markdownText(err.Error()))
			continue
		}
		fmt.Fprintf(b, "%s:\n\n", codeSpan(terminalText(name)))
		writeFence(b, "json", string(escapeInvisible(bytes.TrimRight(doc.Bytes(), "\n"))))
	}
	if tf := strings.TrimSpace(rem.Terraform); tf != "" {
		b.WriteString("Terraform:\n\n")
		writeFence(b, "hcl", multilineText(tf))
	}
}

// nouns is noun in the plural unless n is 1.
func nouns(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}

// writeFence writes content as a fenced code block whose fence is longer than any
// backtick run in it, so the content cannot close the block.
func writeFence(b *bytes.Buffer, lang, content string) {
	fence := strings.Repeat("`", max(3, longestRun(content, '`')+1))
	fmt.Fprintf(b, "%s%s\n%s\n%s\n\n", fence, lang, content, fence)
}

func longestRun(s string, c rune) int {
	longest, run := 0, 0
	for _, r := range s {
		if r == c {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

// codeSpan makes s an inline code span: no markup inside is interpreted. The
// delimiter is longer than any backtick run in s.
func codeSpan(s string) string {
	s = terminalText(s)
	delim := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return delim + s + delim
}

// markdownText makes s inert inline Markdown on one line (see Markdown).
func markdownText(s string) string {
	var b strings.Builder
	rs := []rune(terminalText(s))
	for i, r := range rs {
		if !isXMLChar(r) { // noncharacters such as U+FFFE
			continue
		}
		// GitHub turns bare http://, https:// and www. addresses into links; an
		// escaped : or . keeps them text.
		if (r == ':' && strings.HasPrefix(string(rs[i+1:min(i+3, len(rs))]), "//")) ||
			(r == '.' && i >= 3 && strings.EqualFold(string(rs[i-3:i]), "www")) {
			b.WriteByte('\\')
			b.WriteRune(r)
			continue
		}
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '\\', '`', '*', '_', '[', ']', '|', '~', '$':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '@':
			b.WriteString("@\u2060")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// markdownCell is markdownText for a table cell: an empty cell shows a dash.
func markdownCell(s string) string {
	return cmp.Or(markdownText(s), "—")
}

// markdownParagraphs makes multi-line text inert Markdown paragraphs: blank lines
// separate paragraphs, other line breaks become spaces, and a character that would
// open a block (heading, quote, list, setext underline, thematic break) is escaped.
func markdownParagraphs(s string) string {
	var paras []string
	for _, p := range strings.Split(multilineText(s), "\n\n") {
		text := strings.TrimSpace(markdownText(strings.Join(strings.Fields(p), " ")))
		if text == "" {
			continue
		}
		paras = append(paras, escapeBlockStart(text))
	}
	return strings.Join(paras, "\n\n")
}

// escapeBlockStart backslash-escapes what would make a paragraph's first characters
// a block marker: # > - + = or a number followed by . or ) (an ordered list).
func escapeBlockStart(s string) string {
	if s == "" {
		return s
	}
	if strings.ContainsRune("#>-+=", rune(s[0])) {
		return `\` + s
	}
	digits := len(s) - len(strings.TrimLeft(s, "0123456789"))
	if digits > 0 && digits < len(s) && (s[digits] == '.' || s[digits] == ')') {
		return s[:digits] + `\` + s[digits:]
	}
	return s
}

// htmlText makes s inert text inside an HTML element of the Markdown output (where
// Markdown escapes would show): controls stripped, <, >, & and quotes escaped, and
// @ kept from mentioning.
func htmlText(s string) string {
	var b strings.Builder
	for _, r := range terminalText(s) {
		if !isXMLChar(r) { // noncharacters such as U+FFFE
			continue
		}
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		case '@':
			b.WriteString("@\u2060")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// markdownDrift writes the drift section: counts, the findings that are new, resolved
// or changed status (at most markdownMaxRows), the configuration changes (at most
// markdownMaxRows), what could not be compared, and the notes.
func markdownDrift(b *bytes.Buffer, d *Drift) {
	fmt.Fprintf(b, "### Drift since the baseline%s\n\n", markdownText(driftSince(d)))
	if f := d.Findings; f != nil {
		fmt.Fprintf(b, "**Findings:** %d new, %d resolved, %d still open (%d changed status or severity).\n\n",
			len(f.New), len(f.Resolved), len(f.StillOpen), d.Summary.ChangedFindings)
		rows := driftFindingRows(f)
		if len(rows) > 0 {
			b.WriteString("| Change | Severity | Check | Bucket | Account / Region | Message |\n|:--|:--|:--|:--|:--|:--|\n")
			for i, e := range rows {
				if i == markdownMaxRows {
					fmt.Fprintf(b, "\n… and %d more: the JSON report lists every one.\n", len(rows)-i)
					break
				}
				fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", markdownCell(e.change), markdownCell(e.f.Severity),
					markdownCell(e.f.CheckID), markdownCell(e.f.Bucket), markdownCell(e.f.AccountID)+" / "+markdownCell(e.f.Region),
					markdownCell(e.f.Message))
			}
			b.WriteString("\n")
		}
	}
	if c := d.Configuration; c != nil {
		fmt.Fprintf(b, "**Configuration:** %s on %s.\n\n", plural(d.Summary.ConfigurationChanges, "change"), plural(d.Summary.BucketsChanged, "bucket"))
		n := 0
		for _, bd := range c.Buckets {
			for _, ch := range bd.Changes {
				if n == 0 {
					b.WriteString("| Bucket | Account / Region | Rule | Change | Before | After |\n|:--|:--|:--|:--|:--|:--|\n")
				}
				if n == markdownMaxRows {
					fmt.Fprintf(b, "\n… and %d more: the JSON report lists every one.\n", d.Summary.ConfigurationChanges-n)
				}
				if n < markdownMaxRows {
					fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", markdownCell(bd.Bucket),
						markdownCell(bd.AccountID)+" / "+markdownCell(bd.Region), markdownCell(ch.RuleID),
						markdownText(ChangeLabel(ch.Kind)), markdownCell(ch.Before), markdownCell(ch.After))
				}
				n++
			}
		}
		if n > 0 {
			b.WriteString("\n")
		}
		for _, bd := range c.Buckets {
			if len(bd.NotCompared) > 0 {
				fmt.Fprintf(b, "Not compared on %s: %s (a read failed in one of the scans).\n\n", markdownText(bd.Bucket), markdownText(strings.Join(bd.NotCompared, ", ")))
			}
		}
	}
	for _, note := range d.Notes {
		fmt.Fprintf(b, "> %s\n\n", markdownText(note))
	}
}
