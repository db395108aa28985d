package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// endlessObject is a JSON object that never ends: '{' then spaces forever.
type endlessObject struct{ started bool }

func (e *endlessObject) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	if !e.started && len(p) > 0 {
		p[0], e.started = '{', true
	}
	return len(p), nil
}

// TestHostileInputsExitTwo: random bytes, a 5 GiB sparse file, and a stream
// that never ends, given as the snapshot, the baseline or a file to diff, exit 2
// with one line, having read at most --max-input-size. The figures (time, peak
// resident memory of the process) are logged; the memory is checked.
func TestHostileInputsExitTwo(t *testing.T) {
	dir := t.TempDir()
	sparse := filepath.Join(dir, "sparse.json")
	f, err := os.Create(sparse)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(5 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	demo := filepath.Join("..", "..", "fixtures", "demo", "snapshot.json")
	cases := []struct {
		name  string
		args  []string
		stdin io.Reader
		want  string
		maxMB int64
	}{
		{"snapshot /dev/urandom", []string{"scan", "--from-snapshot", "/dev/urandom"}, nil, "not JSON", 100},
		{"snapshot 5 GiB sparse", []string{"scan", "--from-snapshot", sparse}, nil, "5GiB is larger than the input size limit of 1GiB", 100},
		{"snapshot 5 GiB sparse under a 8GiB limit", []string{"scan", "--from-snapshot", sparse, "--max-input-size", "8GiB"}, nil, "not JSON", 100},
		{"baseline /dev/urandom", []string{"scan", "--from-snapshot", demo, "--baseline", "/dev/urandom"}, nil, "not JSON", 100},
		{"diff /dev/urandom", []string{"diff", "/dev/urandom", sparse}, nil, "not JSON", 100},
		{"diff 5 GiB sparse", []string{"diff", demo, sparse}, nil, "larger than", 100},
		// A pipe has no size: the limit stops the read (16 MiB here).
		{"endless stream", []string{"scan", "--from-snapshot", "/dev/stdin", "--max-input-size", "16MiB"}, &endlessObject{}, "larger than the input size limit of 16MiB", 150},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(binPath, tc.args...)
			cmd.Stdin = tc.stdin
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			start := time.Now()
			err := cmd.Run()
			took := time.Since(start)
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 2 {
				t.Fatalf("exit %v, want 2; stderr:\n%s", err, stderr.String())
			}
			oneLine(t, stderr.String(), tc.want)
			rss := int64(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) / 1024 // KiB on Linux
			t.Logf("%s: exit 2 in %v, peak RSS %d MiB: %s", tc.name, took.Round(time.Millisecond), rss, strings.TrimSpace(stderr.String()))
			if rss > tc.maxMB {
				t.Errorf("peak RSS %d MiB, want at most %d", rss, tc.maxMB)
			}
		})
	}
}

// TestSnapshotFromAPipe: a snapshot piped on standard input is read whole (the
// early check of the input files leaves a pipe alone).
func TestSnapshotFromAPipe(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "demo", "snapshot.json"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binPath, "scan", "--from-snapshot", "/dev/stdin", "--format", "json", "--output-dir", t.TempDir())
	cmd.Stdin = bytes.NewReader(data) // not an *os.File: exec makes a pipe
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("exit %v, want 3 (the demo has an unreadable bucket); stderr:\n%s", err, stderr.String())
	}
}
