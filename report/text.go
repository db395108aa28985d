package report

import "bytes"

// The escaping the report writers use, for other writers of the same kinds of output
// (the remediation plan): terminal text without control characters or escape
// sequences, inert Markdown text and table cells, and fenced code blocks that no
// backtick run in the content can close.

// TerminalText strips control characters, escape sequences and bidi controls.
func TerminalText(s string) string { return terminalText(s) }

// MarkdownText makes s inert inline Markdown on one line.
func MarkdownText(s string) string { return markdownText(s) }

// MarkdownCell is MarkdownText for a table cell: an empty cell shows a dash.
func MarkdownCell(s string) string { return markdownCell(s) }

// CodeSpan makes s an inline Markdown code span.
func CodeSpan(s string) string { return codeSpan(s) }

// MarkdownFence is content in a fenced code block of language lang, followed by a
// blank line.
func MarkdownFence(lang, content string) string {
	var b bytes.Buffer
	writeFence(&b, lang, content)
	return b.String()
}
