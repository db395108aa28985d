package report

import (
	"strings"
	"unicode/utf8"
)

// terminalText makes attacker-controlled text (bucket names, messages, evidence)
// safe to print on a terminal: it removes ANSI/VT escape sequences (CSI, OSC, DCS,
// SOS, PM, APC and two-character escapes, in their 7-bit and C1 forms), C0 controls,
// DEL, C1 controls, Unicode bidi overrides, isolates and marks, and invalid UTF-8
// (replaced with U+FFFD). Tabs, line breaks and the Unicode line/paragraph
// separators become a single space, so one cell stays one logical line.
func terminalText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := func() {
		if out := b.String(); out != "" && out[len(out)-1] != ' ' {
			b.WriteByte(' ')
		}
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
			i++
		case r == 0x1b:
			i += escapeLen(s[i:])
		case r == 0x9b: // C1 CSI
			i += size + csiBodyLen(s[i+size:])
		case r == 0x90 || r == 0x98 || r == 0x9d || r == 0x9e || r == 0x9f: // C1 DCS, SOS, OSC, PM, APC
			i += size + stringBodyLen(s[i+size:])
		case r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == 0x2028 || r == 0x2029 || r == 0x85:
			space()
			i += size
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || isBidiControl(r):
			i += size
		default:
			b.WriteString(s[i : i+size])
			i += size
		}
	}
	return b.String()
}

// isBidiControl reports the Unicode bidi embeddings, overrides, isolates and marks
// that can reorder what a terminal shows ("Trojan Source").
func isBidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) ||
		r == 0x200e || r == 0x200f || r == 0x061c
}

// escapeLen returns the length of the escape sequence that starts with ESC at s[0].
// A sequence cut short by the end of s, or by a byte that cannot continue it, ends
// there; what follows is kept (and sanitised) as text.
func escapeLen(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	switch c := s[1]; {
	case c == '[':
		return 2 + csiBodyLen(s[2:])
	case c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_':
		return 2 + stringBodyLen(s[2:])
	case c >= 0x20 && c <= 0x2f: // nF: intermediates then one final byte
		n := 2
		for n < len(s) && s[n] >= 0x20 && s[n] <= 0x2f {
			n++
		}
		if n < len(s) && s[n] >= 0x30 && s[n] <= 0x7e {
			n++
		}
		return n
	case c >= 0x30 && c <= 0x7e: // Fp, Fe, Fs: ESC 7, ESC M, ESC c ...
		return 2
	default:
		return 1
	}
}

// csiBodyLen returns the length of a control sequence's parameters, intermediates
// and final byte.
func csiBodyLen(s string) int {
	n := 0
	for n < len(s) && s[n] >= 0x30 && s[n] <= 0x3f {
		n++
	}
	for n < len(s) && s[n] >= 0x20 && s[n] <= 0x2f {
		n++
	}
	if n < len(s) && s[n] >= 0x40 && s[n] <= 0x7e {
		n++
	}
	return n
}

// stringBodyLen returns the length of a control string (OSC, DCS, ...) up to and
// including its terminator (BEL, ESC \ or C1 ST). Without a terminator the string
// is not consumed: only its introducer is dropped.
func stringBodyLen(s string) int {
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == 0x07:
			return i + 1
		case s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\':
			return i + 2
		case strings.HasPrefix(s[i:], "\u009c"):
			return i + len("\u009c")
		}
	}
	return 0
}
