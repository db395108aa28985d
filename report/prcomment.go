package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

var _ Writer = (*PRComment)(nil)

const (
	// PRCommentLimit is the most characters GitHub accepts in a pull request or
	// issue comment; the PR comment stays under it, counted in bytes (never fewer
	// than characters).
	PRCommentLimit = 65536
	// prMessageRunes caps a finding's message in the PR comment's table.
	prMessageRunes = 300
	// prCellRunes caps the other cells (a bucket name from a hostile snapshot).
	prCellRunes = 120
)

// PRComment writes the Markdown report cut to fit one GitHub pull request comment
// (PRCommentLimit): the verdict, the summary table, then as many findings as fit,
// most severe first (BySeverity), each cell shortened, and a closing line that
// counts the findings left out and points to the full report (Options.FullReport).
// It escapes text as Markdown does.
type PRComment struct {
	Options Options
}

// Write renders r to w.
func (p *PRComment) Write(w io.Writer, r *Result) error {
	if r == nil {
		return errors.New("write pr comment: nil result")
	}
	var b bytes.Buffer
	markdownHead(&b, r)
	fs := BySeverity(r.Findings)
	fmt.Fprintf(&b, "### Most severe findings (%d in all)\n\n", len(fs))
	if len(fs) == 0 {
		b.WriteString("No findings.\n\n")
	} else {
		b.WriteString("| Severity | Status | Check | Bucket | Account / Region | Message |\n|:--|:--|:--|:--|:--|:--|\n")
	}
	shown := 0
	for _, f := range fs {
		row := fmt.Sprintf("| %s | %s | %s | %s | %s | %s |\n",
			prCell(f.Severity, prCellRunes), prCell(f.Status, prCellRunes), prCell(f.CheckID, prCellRunes),
			prCell(f.Bucket, prCellRunes), prCell(f.AccountID, prCellRunes)+" / "+prCell(f.Region, prCellRunes),
			prCell(f.Message, prMessageRunes))
		// Room for this row and the longest closing text.
		if b.Len()+len(row)+len(p.closing(len(fs)-shown)) > PRCommentLimit {
			break
		}
		b.WriteString(row)
		shown++
	}
	b.WriteString(p.closing(len(fs) - shown))
	if b.Len() > PRCommentLimit {
		// Only a pathological summary (thousands of severities) gets here.
		return fmt.Errorf("write pr comment: %d bytes, more than a comment holds (%d)", b.Len(), PRCommentLimit)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write pr comment: %w", err)
	}
	return nil
}

// closing is the text after the table: how many findings were left out and where
// the full report is.
func (p *PRComment) closing(left int) string {
	s := "\n"
	if left > 0 {
		s += fmt.Sprintf("… and %d more %s, less severe. ", left, nouns(left, "finding"))
	}
	if p.Options.FullReport != "" {
		s += "The full report, with every finding and its fix, is " + markdownCell(prShorten(p.Options.FullReport, prCellRunes)) + ".\n"
	} else {
		s += "The full report (crrscan.html, crrscan.json) has every finding and its fix.\n"
	}
	return s
}

// prCell is markdownCell of s cut to at most n runes (an ellipsis marks the cut).
func prCell(s string, n int) string {
	return markdownCell(prShorten(s, n))
}

// prShorten cuts s to at most n runes, the last of them an ellipsis when s is
// longer; it reads no more of s than that.
func prShorten(s string, n int) string {
	count, cut := 0, 0
	for i := range s {
		if count == n-1 {
			cut = i
		}
		if count == n {
			return s[:cut] + "…"
		}
		count++
	}
	return s
}
