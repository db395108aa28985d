//go:build unix

package app

import (
	"os"

	"golang.org/x/sys/unix"
)

// terminalSize asks the terminal f for its size; 0, 0 when f is not one.
func terminalSize(f *os.File) (width, height int) {
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0, 0
	}
	return int(ws.Col), int(ws.Row)
}
