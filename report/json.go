package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

var _ Writer = (*JSON)(nil)

// JSON writes the result document of CHECKS.md ("JSON result"), indented by two
// spaces and ending in a newline. HTML escaping stays on: hostile text such as
// "<script>" comes out as \u003cscript\u003e, so the document can be embedded in HTML.
// C1 controls and Unicode bidi controls, which encoding/json leaves raw, are written
// as \u escapes too, so that viewing the file cannot reorder or control a terminal.
type JSON struct{}

// Write encodes r to w.
func (*JSON) Write(w io.Writer, r *Result) error {
	if r == nil {
		return errors.New("write json: nil result")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(normalizeResult(r)); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	if _, err := w.Write(escapeInvisible(buf.Bytes())); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// escapeInvisible rewrites C1 controls and bidi controls in encoded JSON as \u
// escapes. Such runes can only occur inside JSON strings (everything outside them is
// ASCII), where the escape means the same character.
func escapeInvisible(doc []byte) []byte {
	out := make([]byte, 0, len(doc))
	for i := 0; i < len(doc); {
		r, size := utf8.DecodeRune(doc[i:])
		if (r >= 0x80 && r <= 0x9f) || isBidiControl(r) {
			out = fmt.Appendf(out, "\\u%04x", r)
		} else {
			out = append(out, doc[i:i+size]...)
		}
		i += size
	}
	return out
}

// normalizeResult returns a shallow copy of r whose collections are never nil, so
// that a Result not built by NewResult still encodes [] and {} rather than null.
func normalizeResult(r *Result) *Result {
	c := *r
	c.Scan.Accounts = nonNil(c.Scan.Accounts)
	c.Scan.Regions = nonNil(c.Scan.Regions)
	if c.Summary.ByStatus == nil {
		c.Summary.ByStatus = map[string]int{}
	}
	if c.Summary.BySeverity == nil {
		c.Summary.BySeverity = map[string]int{}
	}
	if c.Summary.Checks == nil {
		c.Summary.Checks = []CheckSummary{}
	}
	c.Findings = make([]Finding, len(r.Findings))
	for i, f := range r.Findings {
		c.Findings[i] = normalizeFinding(f)
	}
	return &c
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
