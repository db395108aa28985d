//go:build !unix

package app

import "os"

// terminalSize is unknown on this platform: COLUMNS and LINES still apply.
func terminalSize(*os.File) (width, height int) { return 0, 0 }
