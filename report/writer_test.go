package report

import (
	"slices"
	"strings"
	"testing"
)

func TestFormats(t *testing.T) {
	got := Formats()
	if want := []string{"table", "json", "csv", "html", "sarif", "junit", "markdown", "pr-comment"}; !slices.Equal(got, want) {
		t.Fatalf("Formats() = %v, want %v", got, want)
	}
	for _, f := range got {
		w, err := NewWriter(f, Options{})
		if err != nil || w == nil {
			t.Errorf("NewWriter(%q) = %v, %v; want a writer", f, w, err)
		}
	}
}

func TestNewWriterTypes(t *testing.T) {
	w, err := NewWriter("table", Options{Color: true, Width: 100})
	if err != nil {
		t.Fatal(err)
	}
	tbl, ok := w.(*Table)
	if !ok {
		t.Fatalf("NewWriter(table) = %T, want *Table", w)
	}
	if tbl.Options != (Options{Color: true, Width: 100}) {
		t.Errorf("table options = %+v, want the ones passed", tbl.Options)
	}
	if w, _ := NewWriter("json", Options{}); w == nil {
		t.Fatal("NewWriter(json) = nil")
	} else if _, ok := w.(*JSON); !ok {
		t.Errorf("NewWriter(json) = %T, want *JSON", w)
	}
}

func TestNewWriterUnknown(t *testing.T) {
	for _, name := range []string{"xml", "", "JSON ", "tables"} {
		w, err := NewWriter(name, Options{})
		if err == nil {
			t.Errorf("NewWriter(%q) = %T, want an error", name, w)
			continue
		}
		for _, known := range Formats() {
			if !strings.Contains(err.Error(), known) {
				t.Errorf("NewWriter(%q) error %q does not list %q", name, err, known)
			}
		}
	}
}

func TestFileName(t *testing.T) {
	tests := map[string]string{"json": "crrscan.json", "table": "", "xml": ""}
	for format, want := range tests {
		if got := FileName(format); got != want {
			t.Errorf("FileName(%q) = %q, want %q", format, got, want)
		}
	}
}

func TestParseFormats(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr string
	}{
		{in: "table", want: []string{"table"}},
		{in: "table,json", want: []string{"table", "json"}},
		{in: "json,table", want: []string{"json", "table"}},
		{in: " json , table ", want: []string{"json", "table"}},
		{in: "json,table,json,table", want: []string{"json", "table"}},
		{in: "JSON,Table", want: []string{"json", "table"}},
		{in: "table,xml", wantErr: `unknown format "xml" (known: table, json, csv, html, sarif, junit, markdown, pr-comment)`},
		{in: "csv2", wantErr: `unknown format "csv2"`},
		{in: "", wantErr: "no output format"},
		{in: "  ", wantErr: "no output format"},
		{in: "table,,json", wantErr: "empty format name"},
		{in: "table,", wantErr: "empty format name"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseFormats(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseFormats(%q) = %v, %v; want error containing %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("ParseFormats(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}
