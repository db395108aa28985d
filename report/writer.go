package report

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Writer renders a Result in one output format.
type Writer interface {
	Write(w io.Writer, r *Result) error
}

// Options are the rendering choices of the writers that have any (the table).
type Options struct {
	// Color allows ANSI colours and Unicode borders; set it only when standard
	// output is a terminal.
	Color bool
	// Width is the terminal width in columns: the table's columns wrap narrower
	// so that the table fits (see columnWidths); 0 means no limit.
	Width int
	// Limit is the most findings the table lists (the most severe first); the
	// rest are counted in one line. 0 lists all.
	Limit int
	// FullReport is the path of a report that holds every finding in full (the
	// HTML or JSON report written alongside), named where the table stops short.
	FullReport string
}

// format is one entry of the format registry.
type format struct {
	name string
	// file is the report's file name inside --output-dir; "" means standard output.
	file      string
	newWriter func(Options) Writer
}

// registry lists the output formats in the order they are documented. Adding a
// format is adding one line here.
func registry() []format {
	return []format{
		{name: "table", file: "", newWriter: func(o Options) Writer { return &Table{Options: o} }},
		{name: "json", file: "crrscan.json", newWriter: func(Options) Writer { return &JSON{} }},
		{name: "csv", file: "crrscan.csv", newWriter: func(Options) Writer { return &CSV{} }},
		{name: "html", file: "crrscan.html", newWriter: func(Options) Writer { return &HTML{} }},
		{name: "sarif", file: "crrscan.sarif", newWriter: func(Options) Writer { return &SARIF{} }},
		{name: "junit", file: "crrscan.junit.xml", newWriter: func(Options) Writer { return &JUnit{} }},
		{name: "markdown", file: "crrscan.md", newWriter: func(Options) Writer { return &Markdown{} }},
		{name: "pr-comment", file: "crrscan.pr-comment.md", newWriter: func(o Options) Writer { return &PRComment{Options: o} }},
	}
}

func lookup(name string) (format, bool) {
	for _, f := range registry() {
		if f.name == name {
			return f, true
		}
	}
	return format{}, false
}

// Formats returns the names of the known output formats, in documentation order.
func Formats() []string {
	reg := registry()
	names := make([]string, len(reg))
	for i, f := range reg {
		names[i] = f.name
	}
	return names
}

func unknownFormat(name string) error {
	return fmt.Errorf("unknown format %q (known: %s)", name, strings.Join(Formats(), ", "))
}

// NewWriter returns the writer for a format name, or an error naming the known formats.
func NewWriter(format string, opts Options) (Writer, error) {
	f, ok := lookup(format)
	if !ok {
		return nil, unknownFormat(format)
	}
	return f.newWriter(opts), nil
}

// FileName returns the file a format's report is written to inside the output
// directory, or "" when the format goes to standard output (table) or is unknown.
func FileName(format string) string {
	f, _ := lookup(format)
	return f.file
}

// ParseFormats parses the --format flag: comma-separated format names, trimmed and
// lower-cased, duplicates removed, first-seen order kept. An empty list, an empty
// element or an unknown name is an error.
func ParseFormats(list string) ([]string, error) {
	if strings.TrimSpace(list) == "" {
		return nil, errors.New("no output format given (known: " + strings.Join(Formats(), ", ") + ")")
	}
	var out []string
	seen := map[string]bool{}
	for _, part := range strings.Split(list, ",") {
		name := strings.ToLower(strings.TrimSpace(part))
		if name == "" {
			return nil, fmt.Errorf("empty format name in %q", list)
		}
		if _, ok := lookup(name); !ok {
			return nil, unknownFormat(name)
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out, nil
}
