package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
	"github.com/crrscan/crrscan/scanner/scantest"
)

// outBucket receives the runs' snapshots and reports in moto.
const outBucket = "crrscan-out"

// s3Files are the objects under prefix (keys relative to it) and their bodies.
func s3Files(t *testing.T, prefix string) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	c := scantest.NewS3(moto.URL, "us-east-1")
	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(outBucket), Prefix: aws.String(prefix)})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, o := range list.Contents {
		obj, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(outBucket), Key: o.Key})
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(obj.Body)
		obj.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimPrefix(aws.ToString(o.Key), prefix)] = body
	}
	return out
}

// withoutTiming replaces, in every form the reports print them, the start and
// finish times of the result in files (and the duration between them) with
// placeholders: they are the only fields a sharded run may differ in.
func withoutTiming(t *testing.T, files map[string][]byte, table string) (map[string]string, string) {
	t.Helper()
	var r report.Result
	if err := json.Unmarshal(files["crrscan.json"], &r); err != nil {
		t.Fatalf("crrscan.json: %v", err)
	}
	s, f := r.Scan.StartedAt.UTC(), r.Scan.FinishedAt.UTC()
	var forms []string
	// The collection and evaluation times too (scan.collected_at, evaluated_at).
	for _, at := range []time.Time{s, f, r.Scan.CollectedAt.UTC(), r.Scan.EvaluatedAt.UTC()} {
		if at.IsZero() {
			continue
		}
		forms = append(forms, at.Format(time.RFC3339Nano), at.Format(time.RFC3339), at.Format("2006-01-02 15:04:05 UTC"),
			at.Format("2006-01-02T15:04:05"), at.Format("2006-01-02 at 15:04 UTC"), at.Format("2006-01-02 15:04 UTC"))
	}
	forms = append(forms, f.Sub(s).Round(time.Millisecond).String(), `"`+fmt.Sprintf("%.3f", f.Sub(s).Seconds())+`"`)
	sort.Slice(forms, func(i, j int) bool { return len(forms[i]) > len(forms[j]) })
	var pairs []string
	for _, x := range forms {
		pairs = append(pairs, x, "<timing>")
	}
	rep := strings.NewReplacer(pairs...)
	out := map[string]string{}
	for k, v := range files {
		out[k] = rep.Replace(string(v))
	}
	return out, rep.Replace(table)
}

// TestShardedScanOnMoto runs a moto organisation's scan as 4 shard processes, each
// told its index by JOB_COMPLETION_INDEX as a Kubernetes Indexed Job tells it, with
// snapshots and partial results written to a moto bucket, then merges the shards
// from the bucket's prefix: the merged result, snapshot and every report equal
// those of one unsharded run (field by field and byte for byte, timing aside). A
// missing shard makes merge exit 3 naming it; shards of two runs are refused; an
// upload S3 refuses makes the scan exit non-zero with S3's error code.
func TestShardedScanOnMoto(t *testing.T) {
	requireMoto(t)
	ctx := context.Background()
	e, err := scantest.SeedOrgEstate(ctx, moto.URL)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{outBucket, "crrscan-locked"} {
		if _, err := scantest.NewS3(moto.URL, "us-east-1").CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	p := orgProxy(t, e, scantest.Faults{},
		scantest.Rule{Method: "PUT", Bucket: "crrscan-locked", Code: "AccessDenied", Message: "explicit deny in the bucket policy"})
	common := []string{"--org", "--role-name", scantest.MemberRole, "--endpoint-url", p.URL, "--format", "all"}

	single := runCrrscan(t, orgEnv, append([]string{"scan", "--output-dir", "s3://" + outBucket + "/single/",
		"--snapshot-out", "s3://" + outBucket + "/single/crrscan.snapshot.json"}, common...)...)
	if single.code != 1 {
		t.Fatalf("unsharded: exit %d, want 1 (findings); stderr:\n%s", single.code, single.stderr)
	}

	const n = 4
	shardRun := func(run string, i int) runResult {
		env := append([]string{fmt.Sprintf("JOB_COMPLETION_INDEX=%d", i), "CRRSCAN_RUN_ID=" + run}, orgEnv...)
		return runCrrscan(t, env, append([]string{"scan", "--shards", fmt.Sprint(n),
			"--snapshot-out", "s3://" + outBucket + "/{run}/shard-{shard}.snapshot.json",
			"--output-dir", "s3://" + outBucket + "/{run}/partial-{shard}/"}, common...)...)
	}
	var wg sync.WaitGroup
	results := make([]runResult, n)
	for i := range n {
		wg.Go(func() { results[i] = shardRun("run-1", i) })
	}
	wg.Wait()
	for i, r := range results {
		if r.code != 0 && r.code != 1 {
			t.Fatalf("shard %d: exit %d; stderr:\n%s", i, r.code, r.stderr)
		}
	}
	shards := s3Files(t, "run-1/")
	holding := -1 // a shard that holds accounts
	// moto draws the members' account ids at random: alpha's buckets replicate into
	// beta's from another shard in 3 runs out of 4 (the fake AWS test covers that
	// case with fixed ids, TestShardsMergeToTheUnshardedSnapshot).
	t.Logf("alpha and beta in different shards: %v", scanner.ShardOf(e.Members["alpha"], n) != scanner.ShardOf(e.Members["beta"], n))
	for i := range n {
		body, ok := shards[fmt.Sprintf("shard-%d.snapshot.json", i)]
		if !ok {
			t.Fatalf("shard %d wrote no snapshot; keys %v", i, keysOf(shards))
		}
		s, err := scanner.ReadSnapshot(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if s.Shard == nil || s.Shard.Index != i || s.Shard.RunID != "run-1" || len(s.Shard.Estate) != 3 {
			t.Fatalf("shard %d: shard info %+v", i, s.Shard)
		}
		if len(s.Accounts) > 0 {
			holding = i
		}
		t.Logf("shard %d/%d: accounts %v", i, n, s.Accounts)
		if _, ok := shards[fmt.Sprintf("partial-%d/crrscan.json", i)]; !ok {
			t.Errorf("shard %d wrote no partial result", i)
		}
	}

	merged := runCrrscan(t, orgEnv, "merge", "s3://"+outBucket+"/run-1/", "--endpoint-url", p.URL, "--format", "all",
		"--output-dir", "s3://"+outBucket+"/merged/", "--snapshot-out", "s3://"+outBucket+"/merged/crrscan.snapshot.json")
	if merged.code != single.code {
		t.Fatalf("merge: exit %d, want %d as the unsharded run; stderr:\n%s", merged.code, single.code, merged.stderr)
	}
	want, got := s3Files(t, "single/"), s3Files(t, "merged/")
	if !reflect.DeepEqual(keysOf(want), keysOf(got)) || len(want) < 7 {
		t.Fatalf("files: merged %v, unsharded %v", keysOf(got), keysOf(want))
	}
	// Field by field: the result and the snapshot.
	var rw, rg report.Result
	if err := json.Unmarshal(want["crrscan.json"], &rw); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(got["crrscan.json"], &rg); err != nil {
		t.Fatal(err)
	}
	// The estate's buckets and the two output buckets, in the management account.
	if len(rw.Findings) == 0 || rw.Scan.BucketsScanned != len(e.AllBuckets())+2 {
		t.Fatalf("the unsharded run found %d findings in %d buckets", len(rw.Findings), rw.Scan.BucketsScanned)
	}
	for _, sc := range []*report.ScanInfo{&rw.Scan, &rg.Scan} {
		sc.StartedAt, sc.FinishedAt, sc.CollectedAt, sc.EvaluatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	}
	if !reflect.DeepEqual(rw, rg) {
		t.Errorf("merged result differs:\n got %+v\nwant %+v", rg.Scan, rw.Scan)
	}
	sw, err := scanner.ReadSnapshot(bytes.NewReader(want["crrscan.snapshot.json"]))
	if err != nil {
		t.Fatal(err)
	}
	sg, err := scanner.ReadSnapshot(bytes.NewReader(got["crrscan.snapshot.json"]))
	if err != nil {
		t.Fatal(err)
	}
	sw.CollectedAt, sg.CollectedAt = time.Time{}, time.Time{}
	if !reflect.DeepEqual(sw, sg) {
		t.Errorf("merged snapshot differs:\n got %+v\nwant %+v", sg, sw)
	}
	// Byte for byte: every report and the table, timing aside.
	nw, tw := withoutTiming(t, want, single.stdout)
	ng, tg := withoutTiming(t, got, merged.stdout)
	// The reports point to the full report where each run wrote it.
	// (in Markdown the location is escaped, so lines naming the full report are
	// compared with the output prefix's last segment replaced).
	here := strings.NewReplacer("s3://"+outBucket+"/merged/", "s3://"+outBucket+"/single/")
	pointer := func(v string) string {
		lines := strings.Split(here.Replace(v), "\n")
		for i, l := range lines {
			if strings.Contains(l, "full report") || strings.Contains(l, "full text") {
				lines[i] = strings.ReplaceAll(l, "merged", "single")
			}
		}
		return strings.Join(lines, "\n")
	}
	for k, v := range ng {
		ng[k] = pointer(v)
	}
	tg = pointer(tg)
	for k := range nw {
		if k == "crrscan.snapshot.json" {
			continue // collected_at: compared above
		}
		if nw[k] != ng[k] {
			t.Errorf("%s differs from the unsharded run's", k)
		}
	}
	if tw != tg || !strings.Contains(tw, "CRR-") {
		t.Errorf("the table differs:\n%s\nwant\n%s", tg, tw)
	}

	t.Run("missing shard", func(t *testing.T) {
		if holding < 0 {
			t.Fatal("no shard holds part of the accounts")
		}
		var inputs []string
		for i := range n {
			if i != holding {
				inputs = append(inputs, fmt.Sprintf("s3://%s/run-1/shard-%d.snapshot.json", outBucket, i))
			}
		}
		res := runCrrscan(t, orgEnv, append(append([]string{"merge"}, inputs...), "--endpoint-url", p.URL, "--format", "json",
			"--output-dir", "s3://"+outBucket+"/missing/")...)
		name := fmt.Sprintf("shard %d/%d", holding, n)
		if res.code != 3 || !strings.Contains(res.stderr, "incomplete") {
			t.Fatalf("exit %d, want 3 (incomplete); stderr:\n%s", res.code, res.stderr)
		}
		r := s3Files(t, "missing/")["crrscan.json"]
		if !strings.Contains(string(r), name) || !strings.Contains(string(r), scanner.CodeShardMissing) {
			t.Errorf("the result does not name %s as missing:\n%s", name, r)
		}
	})

	t.Run("two runs", func(t *testing.T) {
		if r := shardRun("run-2", 1); r.code != 0 && r.code != 1 {
			t.Fatalf("run-2 shard 1: exit %d; stderr:\n%s", r.code, r.stderr)
		}
		res := runCrrscan(t, orgEnv, "merge", "s3://"+outBucket+"/run-1/shard-0.snapshot.json", "s3://"+outBucket+"/run-2/shard-1.snapshot.json",
			"s3://"+outBucket+"/run-1/shard-2.snapshot.json", "s3://"+outBucket+"/run-1/shard-3.snapshot.json",
			"--endpoint-url", p.URL, "--format", "json", "--output-dir", "s3://"+outBucket+"/tworuns/")
		if res.code != 2 || !strings.Contains(res.stderr, "different runs") || !strings.Contains(res.stderr, "run-2") {
			t.Fatalf("exit %d, want 2 refusing shards of two runs; stderr:\n%s", res.code, res.stderr)
		}
		if files := s3Files(t, "tworuns/"); len(files) > 0 {
			t.Errorf("a refused merge wrote %v", keysOf(files))
		}
	})

	t.Run("baseline and snapshot from s3", func(t *testing.T) {
		single := "s3://" + outBucket + "/single/"
		res := runCrrscan(t, orgEnv, "scan", "--from-snapshot", single+"crrscan.snapshot.json", "--baseline", single+"crrscan.json",
			"--fail-on-new", "--endpoint-url", p.URL, "--format", "json", "--output-dir", "s3://"+outBucket+"/again/")
		if res.code != 0 {
			t.Fatalf("the same estate against its own baseline: exit %d, want 0 (nothing new); stderr:\n%s", res.code, res.stderr)
		}
		var r report.Result
		if err := json.Unmarshal(s3Files(t, "again/")["crrscan.json"], &r); err != nil {
			t.Fatal(err)
		}
		if r.Drift == nil || r.Drift.Baseline.Result != single+"crrscan.json" || r.Drift.Baseline.Snapshot != single+"crrscan.snapshot.json" ||
			r.Drift.Findings == nil || len(r.Drift.Findings.New) != 0 || len(r.Drift.Findings.Resolved) != 0 || len(r.Drift.Findings.StillOpen) == 0 {
			t.Errorf("drift against the S3 baseline: %+v", r.Drift)
		}
	})

	t.Run("refused upload", func(t *testing.T) {
		res := runCrrscan(t, orgEnv, "scan", "--from-snapshot", "s3://"+outBucket+"/single/crrscan.snapshot.json",
			"--endpoint-url", p.URL, "--format", "json", "--output-dir", "s3://crrscan-locked/out/")
		if res.code == 0 || res.code == 1 || !strings.Contains(res.stderr, "AccessDenied") || !strings.Contains(res.stderr, "s3://crrscan-locked/out/crrscan.json") {
			t.Fatalf("exit %d, want an error naming the location and AccessDenied; stderr:\n%s", res.code, res.stderr)
		}
	})
}

func keysOf[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
