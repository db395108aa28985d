package fakeaws_test

import (
	"context"
	"encoding/json"
	"hash/fnv"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crrscan/crrscan/policies"
	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
	"github.com/crrscan/crrscan/scanner/fakeaws"
)

// Buckets judged while the scan goes on (scanner.Options.Ready → Judger.AddBucket)
// are judged exactly as the snapshot judges them afterwards: the same findings,
// outcomes and per-bucket outcomes, with failed reads among them.
func TestStreamedJudgementEqualsSnapshotJudgement(t *testing.T) {
	e := fakeaws.Generate(fakeaws.DefaultSpec(300, 3))
	hash := func(s string) uint32 {
		h := fnv.New32a()
		h.Write([]byte(s))
		return h.Sum32()
	}
	denied := &fakeaws.APIError{Status: 403, Code: "AccessDenied", Message: "denied by the test"}
	srv := fakeaws.NewServer(e, fakeaws.Options{Fault: func(c fakeaws.Call) *fakeaws.APIError {
		switch {
		case c.Operation == "GetBucketVersioning" && hash(c.Resource)%7 == 0:
			return denied
		case c.Operation == "GetBucketReplication" && hash(c.Resource)%11 == 0:
			return denied
		}
		return nil
	}})
	defer srv.Close()

	ctx := context.Background()
	eng, err := policies.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	settings := policies.DefaultSettings()
	today := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	judger := eng.NewJudger(ctx, settings, today, 2, true)
	var streamed atomic.Int64
	ready := judger.ReadyFunc()
	snap := scan(t, srv.URL, e, 16, func(o *scanner.Options) {
		o.Ready = func(b scanner.Bucket, l scanner.Linked) {
			streamed.Add(1)
			ready(b, l)
		}
	})
	got, err := judger.Finish(snap)
	if err != nil {
		t.Fatal(err)
	}
	want, err := eng.Judge(ctx, snap, settings, today, 2, true)
	if err != nil {
		t.Fatal(err)
	}

	plain, early, keyed, failed := 0, 0, 0, 0
	for _, b := range snap.Buckets {
		switch {
		case b.ReplicationConfiguration == nil:
			plain++
		case len(b.KMSKeyRefs()) > 0:
			keyed++
		default:
			early++
		}
		if len(b.Errors) > 0 {
			failed++
		}
	}
	if int(streamed.Load()) != plain+early || plain == 0 || early == 0 || keyed == 0 {
		t.Fatalf("%d buckets judged during the scan, want the %d without a replication configuration and the %d that replicate without naming a KMS key (%d name one)",
			streamed.Load(), plain, early, keyed)
	}
	if failed == 0 {
		t.Fatal("no bucket has a failed read: the test injects none")
	}
	if len(want.Findings) == 0 {
		t.Fatal("the estate has no finding")
	}
	for name, pair := range map[string][2]any{
		"findings": {got.Findings, want.Findings},
		"outcomes": {got.Outcomes, want.Outcomes},
		"buckets":  {sortedBuckets(got.Buckets), sortedBuckets(want.Buckets)},
	} {
		a, err := json.Marshal(pair[0])
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(pair[1])
		if err != nil {
			t.Fatal(err)
		}
		if string(a) != string(b) {
			t.Errorf("streamed %s differ from the snapshot's:\n got %.600s\nwant %.600s", name, a, b)
		}
	}
}

func sortedBuckets(bs []report.BucketOutcome) []report.BucketOutcome {
	out := append([]report.BucketOutcome{}, bs...)
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.AccountID != b.AccountID {
			return a.AccountID < b.AccountID
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		return a.Bucket < b.Bucket
	})
	return out
}
