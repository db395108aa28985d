package fakeaws_test

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/crrscan/crrscan/scanner"
	"github.com/crrscan/crrscan/scanner/fakeaws"
)

// scanShards scans e as n shards of one run and returns their snapshots, each
// written and read back as a shard's snapshot file is.
func scanShards(t *testing.T, url string, e *fakeaws.Estate, n int, runID string, tune ...func(*scanner.Options)) []scanner.NamedSnapshot {
	t.Helper()
	var out []scanner.NamedSnapshot
	for i := range n {
		sh := scanner.Shard{Index: i, Count: n, RunID: runID}
		s := scan(t, url, e, 16, append(tune, func(o *scanner.Options) { o.Shard = &sh })...)
		out = append(out, scanner.NamedSnapshot{Name: fmt.Sprintf("shard-%d.json", i), Snapshot: roundTrip(t, s)})
	}
	return out
}

func roundTrip(t *testing.T, s *scanner.Snapshot) *scanner.Snapshot {
	t.Helper()
	var buf bytes.Buffer
	if err := scanner.WriteSnapshot(&buf, s); err != nil {
		t.Fatal(err)
	}
	back, err := scanner.ReadSnapshot(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return back
}

// sameSnapshot fails the test unless a and b are equal field by field, the time
// they were collected aside, and serialise to the same bytes.
func sameSnapshot(t *testing.T, a, b *scanner.Snapshot) {
	t.Helper()
	x, y := *a, *b
	x.CollectedAt, y.CollectedAt = time.Time{}, time.Time{}
	var bx, by bytes.Buffer
	if err := scanner.WriteSnapshot(&bx, &x); err != nil {
		t.Fatal(err)
	}
	if err := scanner.WriteSnapshot(&by, &y); err != nil {
		t.Fatal(err)
	}
	if bx.String() == by.String() {
		return
	}
	for _, f := range []struct {
		name string
		a, b any
	}{
		{"accounts", x.Accounts, y.Accounts}, {"regions", x.Regions, y.Regions}, {"errors", x.Errors, y.Errors},
		{"skipped", x.SkippedAccounts, y.SkippedAccounts}, {"enabled regions", x.EnabledRegions, y.EnabledRegions},
		{"kms keys", x.KmsKeys, y.KmsKeys}, {"shard", x.Shard, y.Shard},
	} {
		if !reflect.DeepEqual(f.a, f.b) {
			t.Errorf("%s differ:\n%+v\n%+v", f.name, f.a, f.b)
		}
	}
	diffByKey(t, "bucket", x.Buckets, y.Buckets, func(b scanner.Bucket) string { return b.Arn })
	diffByKey(t, "destination", x.Destinations, y.Destinations, func(d scanner.LinkedBucket) string { return d.Arn })
	diffByKey(t, "role", x.Roles, y.Roles, func(r scanner.Role) string { return r.Arn })
	t.Fatalf("the snapshots differ")
}

func diffByKey[T any](t *testing.T, what string, a, b []T, key func(T) string) {
	t.Helper()
	idx := map[string]T{}
	for _, v := range b {
		idx[key(v)] = v
	}
	if len(a) != len(b) {
		t.Errorf("%d %ss against %d", len(a), what, len(b))
	}
	shown := 0
	for _, v := range a {
		w, ok := idx[key(v)]
		if (!ok || !reflect.DeepEqual(v, w)) && shown < 3 {
			shown++
			t.Errorf("%s %s differs:\n%+v\n%+v", what, key(v), v, w)
		}
	}
}

// TestShardsMergeToTheUnshardedSnapshot: an organisation of 9 accounts whose
// buckets replicate across accounts (30 % of the replicating ones), into two-way
// pairs, and with KMS keys, scanned as 1, 2, 3 and 4 shards: each merge equals the
// unsharded scan's snapshot (collection time aside), so judging it gives the same
// result. With --regions too, whose left-out destinations are read by their
// owner's shard and by the others.
func TestShardsMergeToTheUnshardedSnapshot(t *testing.T) {
	e := fakeaws.Generate(fakeaws.DefaultSpec(240, 9))
	srv := fakeaws.NewServer(e, fakeaws.Options{})
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		name string
		tune func(*scanner.Options)
	}{
		{"every region", func(*scanner.Options) {}},
		{"one region", func(o *scanner.Options) { o.Regions = []string{e.Regions[0]} }},
		{"lifecycle read", func(o *scanner.Options) { o.ReadLifecycle = true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			whole := roundTrip(t, scan(t, srv.URL, e, 16, tc.tune))
			if len(whole.Buckets) == 0 || len(whole.Destinations) == 0 {
				t.Fatalf("the estate scanned empty: %d buckets, %d destinations", len(whole.Buckets), len(whole.Destinations))
			}
			for _, n := range []int{1, 2, 3, 4} {
				shards := scanShards(t, srv.URL, e, n, "run-1", tc.tune)
				if n > 1 {
					for _, s := range shards {
						if len(s.Snapshot.Buckets) == len(whole.Buckets) {
							t.Fatalf("shard %s of %d holds every bucket", s.Name, n)
						}
					}
				}
				merged, err := scanner.MergeShards(shards)
				if err != nil {
					t.Fatalf("%d shards: %v", n, err)
				}
				sameSnapshot(t, merged, whole)
			}
		})
	}
}

// TestMergeRefusesOrReportsBadShards: a missing shard becomes a snapshot error
// naming it and its accounts (the merged scan is incomplete); shards of two
// runs, or a shard given twice with different content, are refused.
func TestMergeRefusesOrReportsBadShards(t *testing.T) {
	e := fakeaws.Generate(fakeaws.DefaultSpec(60, 6))
	srv := fakeaws.NewServer(e, fakeaws.Options{})
	t.Cleanup(srv.Close)
	shards := scanShards(t, srv.URL, e, 3, "run-1")

	merged, err := scanner.MergeShards([]scanner.NamedSnapshot{shards[0], shards[2]})
	if err != nil {
		t.Fatal(err)
	}
	if merged.Complete() || len(merged.Errors) != 1 {
		t.Fatalf("a missing shard: complete %v, errors %+v", merged.Complete(), merged.Errors)
	}
	ce := merged.Errors[0]
	if ce.Code != scanner.CodeShardMissing || ce.Resource != "shard 1/3" {
		t.Errorf("missing shard error: %+v", ce)
	}
	for _, id := range shards[1].Snapshot.Accounts {
		if !strings.Contains(ce.Message, id) {
			t.Errorf("the error does not name account %s of the missing shard: %s", id, ce.Message)
		}
	}

	other := scanShards(t, srv.URL, e, 3, "run-2")
	if _, err := scanner.MergeShards([]scanner.NamedSnapshot{shards[0], other[1], shards[2]}); !errors.Is(err, scanner.ErrMerge) || !strings.Contains(err.Error(), "different runs") {
		t.Errorf("shards of two runs: %v", err)
	}
	changed := *shards[1].Snapshot
	changed.Buckets = changed.Buckets[1:]
	twice := []scanner.NamedSnapshot{shards[0], shards[1], {Name: "again.json", Snapshot: &changed}, shards[2]}
	if _, err := scanner.MergeShards(twice); !errors.Is(err, scanner.ErrMerge) || !strings.Contains(err.Error(), "given twice") {
		t.Errorf("a shard twice, different: %v", err)
	}
	digest := *shards[2].Snapshot
	info := *digest.Shard
	info.CheckDigest = "other"
	digest.Shard = &info
	if _, err := scanner.MergeShards([]scanner.NamedSnapshot{shards[0], shards[1], {Name: "x.json", Snapshot: &digest}}); !errors.Is(err, scanner.ErrMerge) || !strings.Contains(err.Error(), "check catalogues") {
		t.Errorf("different check digests: %v", err)
	}
	whole := scan(t, srv.URL, e, 16)
	if _, err := scanner.MergeShards([]scanner.NamedSnapshot{{Name: "whole.json", Snapshot: whole}}); !errors.Is(err, scanner.ErrMerge) {
		t.Errorf("an unsharded snapshot: %v", err)
	}
}
