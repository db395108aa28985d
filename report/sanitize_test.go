package report

import (
	"testing"
)

func TestTerminalText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "logs-prod", "logs-prod"},
		{"unicode kept", "café ☃ 日本", "café ☃ 日本"},
		{"sgr colour", "\x1b[31mred\x1b[0m", "red"},
		{"csi with params and intermediates", "a\x1b[?25lb\x1b[2 qc", "abc"},
		{"cursor movement", "x\x1b[2J\x1b[Hy", "xy"},
		{"osc title with bel", "a\x1b]0;pwned\x07b", "ab"},
		{"osc hyperlink with st", "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"unterminated osc keeps text", "a\x1b]0;title", "a0;title"},
		{"dcs", "a\x1bPq#0\x1b\\b", "ab"},
		{"two-char escape", "a\x1b7b\x1bcc", "abc"},
		{"charset designation", "a\x1b(Bb", "ab"},
		{"lone esc at end", "a\x1b", "a"},
		{"c1 csi", "a\u009b31mb", "ab"},
		{"c1 osc", "a\u009d0;t\u009cb", "ab"},
		{"other c1 dropped", "a\u0084b\u009ac", "abc"},
		{"nel becomes space", "a\u0085b", "a b"},
		{"c0 and del dropped", "a\x00b\x07c\x08d\x7fe", "abcde"},
		{"line breaks become one space", "a\r\nb\tc", "a b c"},
		{"unicode line separators", "a\u2028b\u2029c", "a b c"},
		{"leading newline dropped", "\nx", "x"},
		{"bidi overrides", "a\u202eevil\u202cb\u202ac\u202bd\u202de", "aevilbcde"},
		{"bidi isolates", "a\u2066b\u2067c\u2068d\u2069e", "abcde"},
		{"bidi marks", "a\u200eb\u200fc\u061cd", "abcd"},
		{"invalid utf-8", "a\xffb\x9bc", "a\ufffdb\ufffdc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := terminalText(tt.in); got != tt.want {
				t.Errorf("terminalText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
