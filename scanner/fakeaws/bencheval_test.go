//go:build bench && unix

package fakeaws_test

// The `make bench-eval` harness: offline re-evaluation (`crrscan scan
// --from-snapshot`) of synthetic estates, each run in a process of its own.
//
//	CRRSCAN_BENCH_BUCKETS=10000 CRRSCAN_BENCH_SNAPSHOT=s.json ./fakeaws.test -test.run '^TestBenchSnapshot$'
//	CRRSCAN_BENCH_OFFLINE=s.json CRRSCAN_BENCH_BIN=bin/crrscan ./fakeaws.test -test.run '^TestBenchOffline$'
//
// TestBenchSnapshot scans the generated estate (fakeaws.Generate: the same estate for
// the same size and CRRSCAN_BENCH_ACCOUNTS, default 20) through the fake with no
// latency and writes the snapshot, its collected_at fixed so that the file is the same
// from run to run. TestBenchOffline runs the binary once per format of
// CRRSCAN_BENCH_FORMATS (default "json all"), reports into CRRSCAN_BENCH_OUT_DIR
// (default a temporary directory), and prints for each run a line
//
//	offline N buckets FORMAT: wall X s, cpu Y µs/bucket, peak RSS Z MB
//
// from the child's wait status (user+system CPU time and ru_maxrss).

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/crrscan/crrscan/scanner"
)

func TestBenchSnapshot(t *testing.T) {
	path := os.Getenv("CRRSCAN_BENCH_SNAPSHOT")
	buckets := envInt(t, "CRRSCAN_BENCH_BUCKETS", 0)
	if path == "" || buckets == 0 {
		t.Skip("set CRRSCAN_BENCH_SNAPSHOT and CRRSCAN_BENCH_BUCKETS (make bench-eval does)")
	}
	concurrency := envInt(t, "CRRSCAN_BENCH_CONCURRENCY", 64)
	fake := startFake(t, serveConfig{Buckets: buckets, Accounts: envInt(t, "CRRSCAN_BENCH_ACCOUNTS", 20)})
	o, clients := fakeScanClients(t, fake, concurrency)
	snap, err := scanner.Scan(context.Background(), clients, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Buckets) != fake.Buckets {
		t.Fatalf("scanned %d buckets of %d", len(snap.Buckets), fake.Buckets)
	}
	if n := len(collectionErrors(snap)); n > 0 {
		t.Fatalf("%d read errors", n)
	}
	snap.CollectedAt = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := scanner.WriteSnapshot(f, snap); err != nil {
		f.Close()
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("snapshot %d buckets (%d replicating, %d roles, %d accounts): %s\n", fake.Buckets, fake.Replicating, fake.Roles, fake.Accounts, path)
}

func TestBenchOffline(t *testing.T) {
	snapPath, bin := os.Getenv("CRRSCAN_BENCH_OFFLINE"), os.Getenv("CRRSCAN_BENCH_BIN")
	if snapPath == "" || bin == "" {
		t.Skip("set CRRSCAN_BENCH_OFFLINE and CRRSCAN_BENCH_BIN (make bench-eval does)")
	}
	snap, err := scanner.ReadSnapshotFile(snapPath)
	if err != nil {
		t.Fatal(err)
	}
	n := len(snap.Buckets)
	snap = nil
	formats := strings.Fields(os.Getenv("CRRSCAN_BENCH_FORMATS"))
	if len(formats) == 0 {
		formats = []string{"json", "all"}
	}
	outDir := os.Getenv("CRRSCAN_BENCH_OUT_DIR")
	if outDir == "" {
		outDir = t.TempDir()
	}
	for _, format := range formats {
		dir := filepath.Join(outDir, format)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "scan", "--from-snapshot", snapPath, "--format", format, "--output-dir", dir)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		t0 := time.Now()
		err := cmd.Run()
		wall := time.Since(t0)
		// Exit 1: the estate has violations at or above --fail-on, as it should.
		if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
			t.Fatalf("%s --format %s: %v\n%s", bin, format, err, stderr.String())
		}
		ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		if !ok {
			t.Fatalf("no resource usage for %s", bin)
		}
		cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		// ru_maxrss is in KiB on Linux.
		fmt.Printf("offline %d buckets %s: wall %.1f s, cpu %.0f µs/bucket, peak RSS %.0f MB\n",
			n, format, wall.Seconds(), float64(cpu.Microseconds())/float64(n), float64(ru.Maxrss)/1024)
	}
}
