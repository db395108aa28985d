//go:build bench && unix

package fakeaws_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/crrscan/crrscan/policies"
	"github.com/crrscan/crrscan/scanner"
	"github.com/crrscan/crrscan/scanner/fakeaws"
)

// TestBenchShards is `make bench-shards`: one synthetic organisation behind the
// fake AWS (its own process, a fixed latency per call), scanned with the
// scanner's per-account rate limits and crrscan scan's default concurrency, once
// whole and as 1, 2 and 4 shards. Each shard runs alone, as it would on a machine of
// its own: collection, its partial evaluation and its snapshot's JSON. The merge
// reads the shards' snapshots back, merges them and judges the estate. The table
// gives the slowest shard plus the merge against the single run. It reads
// CRRSCAN_BENCH_SHARDS (the estate's buckets, e.g. 2000), _ACCOUNTS (16),
// _LATENCY (40ms) and _CONCURRENCY (scanner.DefaultConcurrency).
func TestBenchShards(t *testing.T) {
	buckets := envInt(t, "CRRSCAN_BENCH_SHARDS", 0)
	if buckets == 0 {
		t.Skip("set CRRSCAN_BENCH_SHARDS (make bench-shards does)")
	}
	accounts := envInt(t, "CRRSCAN_BENCH_ACCOUNTS", 16)
	concurrency := envInt(t, "CRRSCAN_BENCH_CONCURRENCY", scanner.DefaultConcurrency)
	latency := 40 * time.Millisecond
	if v := os.Getenv("CRRSCAN_BENCH_LATENCY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatal(err)
		}
		latency = d
	}
	fake := startFake(t, serveConfig{Buckets: buckets, Accounts: accounts, Latency: latency})
	awsEnv(t, fake.ManagementAccount)
	ctx := context.Background()
	eng, err := policies.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	opts := scanner.Options{Region: "us-east-1", EndpointURL: fake.URL, Concurrency: concurrency,
		Org: true, RoleName: fakeaws.DefaultAccessRole, RateLimits: scanner.DefaultRateLimits()}

	// collect is one process's scan: collection, evaluation, the snapshot's JSON.
	collect := func(sh *scanner.Shard) (time.Duration, *scanner.Snapshot, []byte) {
		t0 := time.Now()
		o := opts
		o.Shard = sh
		clients, err := scanner.NewAWSClients(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		snap, err := scanner.Scan(ctx, clients, o)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := eng.EvaluateSnapshot(ctx, snap, 0); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := scanner.WriteSnapshot(&buf, snap); err != nil {
			t.Fatal(err)
		}
		return time.Since(t0), snap, buf.Bytes()
	}
	single, whole, _ := collect(nil)
	if !whole.Complete() || len(whole.Buckets) != fake.Buckets {
		t.Fatalf("the single run read %d of %d buckets, complete %v", len(whole.Buckets), fake.Buckets, whole.Complete())
	}
	fmt.Printf("\nsharded scans: %d buckets in %d accounts, %v a call, concurrency %d per process, S3 %.0f requests/s per account\n",
		fake.Buckets, fake.Accounts, latency, concurrency, scanner.DefaultRateLimits().S3)
	fmt.Printf("%-7s %14s %10s %12s %12s %8s %9s\n", "shards", "slowest shard", "merge", "shards+merge", "single run", "ratio", "speed-up")
	for _, n := range []int{1, 2, 4} {
		var slowest time.Duration
		var files [][]byte
		for i := range n {
			d, _, data := collect(&scanner.Shard{Index: i, Count: n, RunID: "bench"})
			slowest = max(slowest, d)
			files = append(files, data)
		}
		t0 := time.Now()
		var named []scanner.NamedSnapshot
		for i, data := range files {
			s, err := scanner.ReadSnapshot(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			named = append(named, scanner.NamedSnapshot{Name: fmt.Sprint(i), Snapshot: s})
		}
		merged, err := scanner.MergeShards(named)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := eng.EvaluateSnapshot(ctx, merged, 0); err != nil {
			t.Fatal(err)
		}
		merge := time.Since(t0)
		if len(merged.Buckets) != len(whole.Buckets) || len(merged.Destinations) != len(whole.Destinations) {
			t.Fatalf("%d shards merged to %d buckets, %d destinations; the single run read %d, %d",
				n, len(merged.Buckets), len(merged.Destinations), len(whole.Buckets), len(whole.Destinations))
		}
		total := slowest + merge
		ratio := total.Seconds() / single.Seconds()
		fmt.Printf("%-7d %14s %10s %12s %12s %8.2f %8.2fx\n", n, slowest.Round(time.Millisecond), merge.Round(time.Millisecond),
			total.Round(time.Millisecond), single.Round(time.Millisecond), ratio, 1/ratio)
	}
}
