//go:build !unix

package scantest

import "os/exec"

func prepareCommand(*exec.Cmd) {}

func stopCommand(cmd *exec.Cmd) { _ = cmd.Process.Kill() }
