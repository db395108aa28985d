package remediate

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/crrscan/crrscan/remediate/awscli"
	"github.com/crrscan/crrscan/report"
)

// WriteJSON writes the plan as indented JSON (the --plan-out document).
func WriteJSON(w io.Writer, p *Plan) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p); err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	return nil
}

// ReadJSON reads a plan written by WriteJSON.
func ReadJSON(r io.Reader) (*Plan, error) {
	var p Plan
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	if p.SchemaVersion != PlanSchemaVersion {
		return nil, fmt.Errorf("read plan: schema_version %q, want %q", p.SchemaVersion, PlanSchemaVersion)
	}
	for i, c := range p.Changes {
		if !Simulated(c.Action.Op) {
			return nil, fmt.Errorf("read plan: change %d: operation %q cannot be applied", i+1, c.Action.Op)
		}
		if c.Action.Class == report.ClassManual {
			return nil, fmt.Errorf("read plan: change %d: a manual action never runs", i+1)
		}
	}
	return &p, nil
}

func clearsText(c Change) string {
	ids := map[string]int{}
	for _, r := range c.Clears {
		ids[r.CheckID]++
	}
	keys := make([]string, 0, len(ids))
	for id := range ids {
		keys = append(keys, id)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, id := range keys {
		if ids[id] > 1 {
			parts = append(parts, fmt.Sprintf("%s ×%d", id, ids[id]))
		} else {
			parts = append(parts, id)
		}
	}
	return strings.Join(parts, ", ")
}

// WriteTable writes the plan for a terminal: one row per change, then what it
// leaves and why.
func WriteTable(w io.Writer, p *Plan) error {
	bw := bufio.NewWriter(w)
	if !p.Pending() {
		fmt.Fprintln(bw, "Nothing to do: no remediable finding can be fixed under these options.")
	} else {
		t := tablewriter.NewTable(bw,
			tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})),
			tablewriter.WithRowAutoWrap(tw.WrapNormal), tablewriter.WithRowMaxWidth(48))
		t.Header("#", "Class", "Operation", "Account", "Region", "Target", "Clears")
		rows := make([][]string, 0, len(p.Changes))
		for i, c := range p.Changes {
			a := c.Action
			rows = append(rows, []string{strconv.Itoa(i + 1), a.Class, a.Op, a.AccountID, cmpOr(a.Region, "-"),
				report.TerminalText(a.Target), cmpOr(clearsText(c), "-")})
		}
		if err := t.Bulk(rows); err != nil {
			return fmt.Errorf("plan table: %w", err)
		}
		if err := t.Render(); err != nil {
			return fmt.Errorf("plan table: %w", err)
		}
		fmt.Fprintf(bw, "%d change(s) pending.\n", len(p.Changes))
	}
	writeLeft(bw, p, report.TerminalText)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	return nil
}

func writeLeft(w io.Writer, p *Plan, text func(string) string) {
	if len(p.Skipped) > 0 {
		fmt.Fprintf(w, "\nNot fixed (%d):\n", len(p.Skipped))
		for _, s := range p.Skipped {
			fmt.Fprintf(w, "- %s on %s (%s): %s\n", s.Finding.CheckID, text(s.Finding.Bucket), s.Finding.AccountID, text(s.Reason))
		}
	}
	if len(p.Remaining) > 0 {
		fmt.Fprintf(w, "\nPredicted to remain open after the plan (%d):\n", len(p.Remaining))
		for _, r := range p.Remaining {
			fmt.Fprintf(w, "- %s on %s (%s)\n", r.CheckID, text(r.Bucket), r.AccountID)
		}
	}
	if p.Refused != "" {
		fmt.Fprintf(w, "\nREFUSED: %s\n", text(p.Refused))
	}
}

func cmpOr(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

// WriteMarkdown writes the plan as Markdown: per change its action, the resource's
// state before and after as a diff, the findings it clears, and the equivalent aws
// CLI commands with their documents.
func WriteMarkdown(w io.Writer, p *Plan) error {
	var b bytes.Buffer
	b.WriteString("# crrscan remediation plan\n\n")
	if p.Refused != "" {
		fmt.Fprintf(&b, "**Refused:** %s\n\n", report.MarkdownText(p.Refused))
	}
	if !p.Pending() {
		b.WriteString("Nothing to do.\n\n")
	}
	for i, c := range p.Changes {
		a := c.Action
		fmt.Fprintf(&b, "## %d. %s %s (%s)\n\n", i+1, report.MarkdownText(a.Op), report.CodeSpan(a.Target), report.MarkdownText(a.Class))
		fmt.Fprintf(&b, "Account %s, region %s.", report.MarkdownText(a.AccountID), report.MarkdownText(cmpOr(a.Region, "global")))
		if t := clearsText(c); t != "" {
			fmt.Fprintf(&b, " Clears: %s.", report.MarkdownText(t))
		}
		b.WriteString("\n\n")
		before, err := pretty(c.Before)
		if err != nil {
			return err
		}
		after, err := pretty(c.After)
		if err != nil {
			return err
		}
		b.WriteString(report.MarkdownFence("diff", blockText(lineDiff(before, after))))
		cmds, docs, err := awscli.Render([]report.Action{a})
		if err != nil {
			return err
		}
		b.WriteString(report.MarkdownFence("sh", blockText(strings.Join(cmds, "\n"))))
		for _, name := range sortedKeys(docs) {
			doc, err := pretty(docs[name])
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, "%s:\n\n", report.CodeSpan(name))
			b.WriteString(report.MarkdownFence("json", blockText(doc)))
		}
	}
	var left bytes.Buffer
	writeLeft(&left, p, report.MarkdownText)
	b.Write(left.Bytes())
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	return nil
}

// blockText is TerminalText line by line.
func blockText(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = report.TerminalText(l)
	}
	return strings.Join(lines, "\n")
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func pretty(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return "", fmt.Errorf("render plan: %w", err)
	}
	return strings.TrimRight(b.String(), "\n"), nil
}

// lineDiff is a unified-style diff of two texts, every line kept: " " unchanged,
// "-" only before, "+" only after (longest common subsequence of lines).
func lineDiff(a, b string) string {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	n, m := len(x), len(y)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []string
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && x[i] == y[j]:
			out = append(out, "  "+x[i])
			i, j = i+1, j+1
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			out = append(out, "+ "+y[j])
			j++
		default:
			out = append(out, "- "+x[i])
			i++
		}
	}
	return strings.Join(out, "\n")
}
