package app

import (
	"bytes"
	"path/filepath"
	"testing"
)

func TestTerminalSizeFromEnvironment(t *testing.T) {
	env := map[string]string{"COLUMNS": "80", "LINES": "24"}
	// A buffer is no terminal: only the environment tells.
	if w, h := TerminalSize(&bytes.Buffer{}, func(k string) string { return env[k] }); w != 80 || h != 24 {
		t.Errorf("TerminalSize with COLUMNS=80 LINES=24 = %d, %d", w, h)
	}
	env = map[string]string{"COLUMNS": "wide", "LINES": "-3"}
	if w, h := TerminalSize(&bytes.Buffer{}, func(k string) string { return env[k] }); w != 0 || h != 0 {
		t.Errorf("TerminalSize with junk in the environment = %d, %d, want unknown (0, 0)", w, h)
	}
}

func TestTableLimitFitsScreen(t *testing.T) {
	for _, tt := range []struct{ height, want int }{{24, 5}, {60, 20}, {0, 15}, {3, 5}} {
		if got := TableLimit(tt.height); got != tt.want {
			t.Errorf("TableLimit(%d) = %d, want %d", tt.height, got, tt.want)
		}
	}
}

func TestFullReportPrefersHTML(t *testing.T) {
	for _, tt := range []struct {
		formats []string
		want    string
	}{
		{[]string{"table", "json", "html"}, filepath.Join("out", "crrscan.html")},
		{[]string{"sarif", "json"}, filepath.Join("out", "crrscan.json")},
		{[]string{"table", "sarif"}, ""},
	} {
		if got := fullReport(tt.formats, "out"); got != tt.want {
			t.Errorf("fullReport(%v) = %q, want %q", tt.formats, got, tt.want)
		}
	}
}
