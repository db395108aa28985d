package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/crrscan/crrscan/report"
)

// ExitOutputs is the exit code of a scan that ran but could not write some of
// its outputs (reports, the snapshot); every other output was written (README,
// "Exit codes").
const ExitOutputs = 4

// ErrInterrupted is returned when the context was cancelled (SIGINT, SIGTERM)
// before the outputs were written; main turns it into 130 or 143.
var ErrInterrupted = errors.New("interrupted")

// checkOutputs makes sure, before anything is scanned, that every output can be
// written: the output directory exists (it is created) and takes new files, and
// --snapshot-out names a file in a writable directory.
func checkOutputs(cfg ScanConfig) error {
	if needsDir(cfg.Formats) {
		if err := os.MkdirAll(cfg.OutputDir, 0o755); err != nil {
			return UsageError(fmt.Errorf("--output-dir: %w", err))
		}
		if err := probeDir(cfg.OutputDir); err != nil {
			return UsageError(fmt.Errorf("--output-dir %s: %w", cfg.OutputDir, err))
		}
	}
	if cfg.SnapshotOut != "" {
		if fi, err := os.Stat(cfg.SnapshotOut); err == nil && fi.IsDir() {
			return UsageError(fmt.Errorf("--snapshot-out %s: is a directory; give a file name", cfg.SnapshotOut))
		}
		if err := probeDir(filepath.Dir(cfg.SnapshotOut)); err != nil {
			return UsageError(fmt.Errorf("--snapshot-out %s: %w", cfg.SnapshotOut, err))
		}
	}
	return nil
}

// probeDir creates and removes a file in dir: the way outputs are written
// (writeFileAtomic), so what passes here can be written later.
func probeDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("directory %s: %w", dir, cause(err))
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	f, err := os.CreateTemp(dir, ".crrscan-probe-*")
	if err != nil {
		return fmt.Errorf("cannot create files in %s: %w", dir, cause(err))
	}
	f.Close()
	return os.Remove(f.Name())
}

// cause is what a *os.PathError wraps (the path is said already), else err.
func cause(err error) error {
	if u := errors.Unwrap(err); u != nil {
		return u
	}
	return err
}

// outputErrors collects the outputs that could not be written, so that one
// failure does not stop the others.
type outputErrors []string

func (o *outputErrors) add(what string, err error) {
	*o = append(*o, fmt.Sprintf("%s (%v)", what, err))
}

// err is the exit-code-4 error naming every output that was not written; nil
// when all were.
func (o outputErrors) err() error {
	if len(o) == 0 {
		return nil
	}
	return &report.ExitError{Code: ExitOutputs, Err: fmt.Errorf("some outputs were not written: %s", strings.Join(o, "; "))}
}

// interrupted is ErrInterrupted when ctx was cancelled.
func interrupted(ctx context.Context) error {
	if ctx.Err() != nil {
		return ErrInterrupted
	}
	return nil
}

// writeOutput writes one output file atomically unless ctx is done.
func writeOutput(ctx context.Context, path string, write func(io.Writer) error) error {
	if err := interrupted(ctx); err != nil {
		return err
	}
	return writeFileAtomic(path, write)
}
