//go:build unix

package scantest

import (
	"os/exec"
	"syscall"
)

// prepareCommand starts the server in its own process group so that stopping it
// also stops any child a wrapper script (pyenv shim, venv launcher) may spawn.
func prepareCommand(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// stopCommand kills the process group the server was started in.
func stopCommand(cmd *exec.Cmd) {
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
		_ = cmd.Process.Kill()
	}
}
