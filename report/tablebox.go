package report

import (
	"io"
	"strings"
)

// box draws a table's borders and rows, one line at a time, with fixed column
// widths: ASCII, or Unicode box drawing when colours are on (a terminal).
type box struct {
	widths []int
	// horizontal, vertical, and the corners and junctions of the top, middle and
	// bottom rules (left, inner, right).
	h, v  string
	joins [3][3]string
}

func newBox(unicode bool, widths []int) *box {
	if unicode {
		return &box{widths: widths, h: "─", v: "│", joins: [3][3]string{{"┌", "┬", "┐"}, {"├", "┼", "┤"}, {"└", "┴", "┘"}}}
	}
	return &box{widths: widths, h: "-", v: "|", joins: [3][3]string{{"+", "+", "+"}, {"+", "+", "+"}, {"+", "+", "+"}}}
}

// rule returns a horizontal rule: 0 top, 1 below the header, 2 bottom.
func (b *box) rule(kind int) string {
	var s strings.Builder
	j := b.joins[kind]
	s.WriteString(j[0])
	for c, w := range b.widths {
		if c > 0 {
			s.WriteString(j[1])
		}
		s.WriteString(strings.Repeat(b.h, w+2))
	}
	s.WriteString(j[2])
	s.WriteByte('\n')
	return s.String()
}

// writeRow writes one row whose cells are already wrapped to their columns (a cell
// is its lines); decorate, when set, rewrites a cell line after it is padded (the
// severity colour, whose escape sequences take no columns).
func (b *box) writeRow(w io.Writer, cells [][]string, decorate func(col int, s string) string) {
	height := 1
	for _, c := range cells {
		height = max(height, len(c))
	}
	var s strings.Builder
	for line := range height {
		s.Reset()
		for c, width := range b.widths {
			s.WriteString(b.v)
			s.WriteByte(' ')
			text := ""
			if line < len(cells[c]) {
				text = cells[c][line]
			}
			pad := strings.Repeat(" ", max(0, width-displayWidth(text, width)))
			if decorate != nil && text != "" {
				text = decorate(c, text)
			}
			s.WriteString(text)
			s.WriteString(pad)
			s.WriteByte(' ')
		}
		s.WriteString(b.v)
		s.WriteByte('\n')
		io.WriteString(w, s.String())
	}
}
