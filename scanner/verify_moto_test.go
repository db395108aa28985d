package scanner

import (
	"bytes"
	"context"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/crrscan/crrscan/scanner/scantest"
)

func newStatusProxy(t *testing.T, target string) *scantest.StatusProxy {
	t.Helper()
	p := scantest.NewStatusProxy(target)
	t.Cleanup(p.Close)
	return p
}

// put writes an object and returns its version id.
func (s *seeder) put(bucket, region, key string) string {
	s.t.Helper()
	out, err := s.s3(region).PutObject(s.ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader("data")})
	s.check("PutObject "+key, err)
	return aws.ToString(out.VersionId)
}

// verifyRule is a whole-bucket V2 rule (moto keeps only Filter Prefix "").
func (s *seeder) replicateAll(src, region, role, dst string, rtc bool) {
	s.t.Helper()
	d := &s3types.Destination{Bucket: aws.String(dst)}
	if rtc {
		d.ReplicationTime = &s3types.ReplicationTime{Status: s3types.ReplicationTimeStatusEnabled, Time: &s3types.ReplicationTimeValue{Minutes: aws.Int32(15)}}
		d.Metrics = &s3types.Metrics{Status: s3types.MetricsStatusEnabled, EventThreshold: &s3types.ReplicationTimeValue{Minutes: aws.Int32(15)}}
	}
	_, err := s.s3(region).PutBucketReplication(s.ctx, &s3.PutBucketReplicationInput{Bucket: aws.String(src), ReplicationConfiguration: &s3types.ReplicationConfiguration{
		Role: aws.String(role),
		Rules: []s3types.ReplicationRule{{
			ID: aws.String("all"), Priority: aws.Int32(1), Status: s3types.ReplicationRuleStatusEnabled,
			DeleteMarkerReplication: &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusDisabled},
			Filter:                  &s3types.ReplicationRuleFilter{Prefix: aws.String("")},
			Destination:             d,
		}},
	}})
	s.check("PutBucketReplication "+src, err)
}

func ruleNamed(t *testing.T, ev *ObjectEvidence, id string) RuleObjects {
	t.Helper()
	if ev == nil {
		t.Fatalf("no object evidence")
	}
	for _, r := range ev.Rules {
		if r.RuleID == id {
			return r
		}
	}
	t.Fatalf("no rule %s in %+v", id, ev.Rules)
	return RuleObjects{}
}

// counts are the status counts of a rule, without its samples.
func counts(r RuleObjects) [6]int {
	return [6]int{r.Versions, r.Completed, r.Pending, r.PendingOverThreshold, r.Failed, r.None}
}

func TestScanMotoVerifyObjects(t *testing.T) {
	m := moto.Require(t)
	s := newSeeder(t, m.URL)
	p := newStatusProxy(t, m.URL)
	dst := s.bucket("vo-dst", "eu-west-1", true)
	role := s.role("vo-role", nil)
	now := time.Now().UTC()

	// Sampled: two objects before the rule, three after it (FAILED, PENDING, COMPLETED).
	s.bucket("vo-sample", "us-east-1", true)
	s.put("vo-sample", "us-east-1", "old/a")
	s.put("vo-sample", "us-east-1", "old/b")
	s.replicateAll("vo-sample", "us-east-1", role, dst, false)
	p.Set(s.put("vo-sample", "us-east-1", "new/c"), StatusFailed)
	p.Set(s.put("vo-sample", "us-east-1", "new/d"), StatusPending)
	p.Set(s.put("vo-sample", "us-east-1", "new/e"), StatusCompleted)

	// Quiet: every object written after the rule, every one replicated.
	s.bucket("vo-quiet", "us-east-1", true)
	s.replicateAll("vo-quiet", "us-east-1", role, dst, false)
	for _, k := range []string{"a", "b", "c"} {
		p.Set(s.put("vo-quiet", "us-east-1", k), StatusCompleted)
	}

	// Inventoried: a daily CSV inventory with ReplicationStatus, two deliveries
	// written by hand as S3 lays them out (storage-inventory-location.html).
	s.bucket("vo-inv", "us-east-1", true)
	s.replicateAll("vo-inv", "us-east-1", role, dst, true)
	s.bucket("vo-inventory", "us-east-1", false)
	s.check("PutInventoryConfiguration", scantest.PutInventoryConfiguration(s.ctx, s.s3("us-east-1"), "vo-inv", "daily", "arn:aws:s3:::vo-inventory", "inv"))
	old := now.Add(-10 * time.Hour).Format("2006-01-02T15:04:05.000Z")
	// Five minutes before the scan's clock (moved two hours on, see verify).
	recent := now.Add(2*time.Hour - 5*time.Minute).Format("2006-01-02T15:04:05.000Z")
	hostile := `x/<script>alert("k")</script> a+b`
	row := func(key, version, deleteMarker, modified, status string) []string {
		return []string{"vo-inv", url.QueryEscape(key), version, "true", deleteMarker, modified, status}
	}
	rows := [][]string{
		row("f1", "v1", "false", old, "FAILED"), row("f2", "v2", "false", old, "FAILED"), row(hostile, "v3", "false", old, "FAILED"),
		row("p1", "v4", "false", old, "PENDING"), row("p2", "v5", "false", old, "PENDING"), row("p3", "v6", "false", recent, "PENDING"),
		row("n1", "v7", "false", old, ""), row("n2", "v8", "false", old, ""), row("n3", "v9", "false", old, ""), row("n4", "v10", "false", old, ""),
		row("c1", "v11", "false", old, "COMPLETED"), row("c2", "v12", "false", old, "COMPLETED"), row("c3", "v13", "false", old, "COMPLETED"),
		row("c4", "v14", "false", old, "COMPLETED"), row("c5", "v15", "false", old, "COMPLETED"),
		// A delete marker is not an object version to replicate.
		row("gone", "v16", "true", old, ""),
	}
	store := func(key string, body []byte) {
		_, err := s.s3("us-east-1").PutObject(s.ctx, &s3.PutObjectInput{Bucket: aws.String("vo-inventory"), Key: aws.String(key), Body: bytes.NewReader(body)})
		s.check("PutObject "+key, err)
	}
	const schema = "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, LastModifiedDate, ReplicationStatus"
	manifest := func(created time.Time, files ...string) []byte {
		return scantest.InventoryManifest("vo-inv", "arn:aws:s3:::vo-inventory", schema, created, files...)
	}
	delivered := now.Add(-6 * time.Hour)
	older := delivered.Add(-24 * time.Hour)
	store("inv/vo-inv/daily/data/part-1.csv.gz", scantest.InventoryCSV(rows[:8]))
	store("inv/vo-inv/daily/data/part-2.csv.gz", scantest.InventoryCSV(rows[8:]))
	store("inv/vo-inv/daily/data/yesterday.csv.gz", scantest.InventoryCSV(rows[:1]))
	store("inv/vo-inv/daily/"+delivered.Format("2006-01-02T15-04Z")+"/manifest.json", manifest(delivered, "inv/vo-inv/daily/data/part-1.csv.gz", "inv/vo-inv/daily/data/part-2.csv.gz"))
	store("inv/vo-inv/daily/"+older.Format("2006-01-02T15-04Z")+"/manifest.json", manifest(older, "inv/vo-inv/daily/data/yesterday.csv.gz"))
	store("inv/vo-inv/daily/hive/dt="+delivered.Format("2006-01-02-15-04")+"/symlink.txt", []byte("x"))

	verify := func(o VerifyOptions) func(*Options) {
		return func(opts *Options) {
			o.Objects = true
			// Two hours on: a PENDING version written now is past the 1-hour threshold.
			o.Now = func() time.Time { return now.Add(2 * time.Hour) }
			opts.Verify = o
		}
	}

	t.Run("counts", func(t *testing.T) {
		snap := scanMoto(t, motoClients(p.URL), verify(VerifyOptions{}))
		if !snap.Complete() {
			t.Fatalf("snapshot incomplete: %s", mustJSON(t, snap))
		}
		sample := bucketNamed(t, snap, "vo-sample").Verification.Objects
		// Versions, COMPLETED, PENDING, PENDING over 1 h, FAILED, none.
		if got, want := counts(ruleNamed(t, sample, "all")), [6]int{5, 1, 1, 1, 1, 2}; got != want || sample.Source != "sample" || sample.Listed != 5 || sample.Headed != 5 {
			t.Errorf("vo-sample: %s counts %v listed %d headed %d, want sample %v 5 5", sample.Source, got, sample.Listed, sample.Headed, want)
		}
		if got := ruleNamed(t, sample, "all").Samples[StatusNone]; len(got) != 2 || got[0].Key != "old/a" && got[0].Key != "old/b" {
			t.Errorf("vo-sample NONE samples = %+v, want old/a and old/b", got)
		}
		quiet := bucketNamed(t, snap, "vo-quiet").Verification.Objects
		if got, want := counts(ruleNamed(t, quiet, "all")), [6]int{3, 3, 0, 0, 0, 0}; got != want {
			t.Errorf("vo-quiet counts %v, want %v", got, want)
		}
		inv := bucketNamed(t, snap, "vo-inv").Verification.Objects
		r := ruleNamed(t, inv, "all")
		// The latest delivery (two files), delete marker left out; under RTC a PENDING
		// version is late after 15 minutes, so the one 5 minutes old is not.
		if got, want := counts(r), [6]int{15, 5, 3, 2, 3, 4}; got != want || inv.Source != "inventory" || r.PendingThresholdMinutes != 15 {
			t.Errorf("vo-inv: %s counts %v threshold %d, want inventory %v 15", inv.Source, got, r.PendingThresholdMinutes, want)
		}
		if i := inv.Inventory; i == nil || i.ConfigurationID != "daily" || i.Stale || i.AgeHours < 7.9 || i.AgeHours > 8.1 ||
			!strings.HasSuffix(i.ManifestKey, delivered.Format("2006-01-02T15-04Z")+"/manifest.json") {
			t.Errorf("vo-inv inventory = %+v, want daily, 8 hours old (6 h + the 2 h the clock was moved), the latest manifest", i)
		}
		if got := r.Samples[StatusFailed]; len(got) != 3 || got[2].Key != hostile {
			t.Errorf("vo-inv FAILED samples = %+v, want the third to be the decoded key %q", got, hostile)
		}
		want := map[string]int{"ListBucketInventoryConfigurations": 1, "ListObjectsV2": 1, "GetObject": 3}
		if got := bucketNamed(t, snap, "vo-inv").Verification.Requests; !reflect.DeepEqual(got, want) {
			t.Errorf("vo-inv requests = %v, want %v", got, want)
		}
		want = map[string]int{"ListBucketInventoryConfigurations": 1, "ListObjectVersions": 1, "HeadObject": 5}
		if got := bucketNamed(t, snap, "vo-sample").Verification.Requests; !reflect.DeepEqual(got, want) {
			t.Errorf("vo-sample requests = %v, want %v", got, want)
		}
		if v := bucketNamed(t, snap, "vo-dst").Verification; v != nil {
			t.Errorf("vo-dst (no configuration) verification = %+v, want nil", v)
		}
	})

	t.Run("bounded", func(t *testing.T) {
		snap := scanMoto(t, motoClients(p.URL), verify(VerifyOptions{Sample: 3, Heads: 2}))
		ev := bucketNamed(t, snap, "vo-sample").Verification.Objects
		if ev.Listed != 3 || !ev.Truncated || ev.Headed != 2 {
			t.Errorf("vo-sample listed %d truncated %v headed %d, want 3 true 2", ev.Listed, ev.Truncated, ev.Headed)
		}
		if got := bucketNamed(t, snap, "vo-sample").Verification.Requests["HeadObject"]; got != 2 {
			t.Errorf("HeadObject calls = %d, want 2", got)
		}
	})

	t.Run("sse-c", func(t *testing.T) {
		// HeadObject on an SSE-C object without its key: 400, no body.
		sseC := scantest.NewProxy(p.URL, scantest.Rule{Method: "HEAD", Bucket: "vo-sample", Status: 400, Code: "BadRequest"})
		defer sseC.Close()
		snap := scanMoto(t, motoClients(sseC.URL), verify(VerifyOptions{}))
		b := bucketNamed(t, snap, "vo-sample")
		if len(b.Errors) != 0 || b.Verification.Objects.Unreadable != 5 || b.Verification.Objects.Headed != 0 {
			t.Errorf("vo-sample errors %+v, unreadable %d, headed %d; want none, 5, 0", b.Errors, b.Verification.Objects.Unreadable, b.Verification.Objects.Headed)
		}
	})

	t.Run("denied", func(t *testing.T) {
		deny := scantest.NewProxy(p.URL, scantest.Rule{Method: "HEAD", Bucket: "vo-sample", Message: ""})
		defer deny.Close()
		snap := scanMoto(t, motoClients(deny.URL), verify(VerifyOptions{}))
		b := bucketNamed(t, snap, "vo-sample")
		if len(b.Errors) != 1 || b.Errors[0].Operation != "HeadObject" || b.Errors[0].Code != "Forbidden" || b.Errors[0].Component != ComponentVerification {
			t.Errorf("vo-sample errors = %+v, want one HeadObject Forbidden (verification)", b.Errors)
		}
		if snap.Complete() {
			t.Error("a denied HeadObject left the scan complete")
		}
	})
}

// scanCanaries scans through p with the canary on (polling every 100 ms) and
// waits for the copies p makes; the scan must be complete.
func scanCanaries(t *testing.T, p *scantest.StatusProxy, timeout time.Duration) *Snapshot {
	t.Helper()
	snap := scanMoto(t, motoClients(p.URL), func(o *Options) {
		o.Verify = VerifyOptions{Canary: true, CanaryTimeout: timeout, CanaryPoll: 100 * time.Millisecond}
	})
	p.Wait()
	if !snap.Complete() {
		t.Fatalf("snapshot incomplete: %s", mustJSON(t, snap))
	}
	return snap
}

// canaryVersions lists every version of the canary prefix in bucket.
func canaryVersions(t *testing.T, c *s3.Client, bucket string) []string {
	t.Helper()
	out, err := c.ListObjectVersions(context.Background(), &s3.ListObjectVersionsInput{Bucket: aws.String(bucket), Prefix: aws.String(CanaryPrefix)})
	if err != nil {
		t.Fatalf("ListObjectVersions %s: %v", bucket, err)
	}
	var vs []string
	for _, v := range out.Versions {
		vs = append(vs, aws.ToString(v.Key)+"@"+aws.ToString(v.VersionId))
	}
	for _, d := range out.DeleteMarkers {
		vs = append(vs, "delete-marker "+aws.ToString(d.Key))
	}
	return vs
}

func TestScanMotoCanary(t *testing.T) {
	m := moto.Require(t)
	s := newSeeder(t, m.URL)
	p := newStatusProxy(t, m.URL)
	role := s.role("canary-role", nil)
	s.bucket("canary-src", "us-east-1", true)
	dst := s.bucket("canary-dst", "eu-west-1", true)
	s.replicateAll("canary-src", "us-east-1", role, dst, false)
	s.bucket("stuck-src", "us-east-1", true)
	stuck := s.bucket("stuck-dst", "eu-west-1", true)
	s.replicateAll("stuck-src", "us-east-1", role, stuck, false)

	// Replication as S3 would do it for canary-src: the replica appears 300 ms after
	// the PUT, and the source version then reports COMPLETED.
	p.Replicate(m.URL, "canary-src", CanaryPrefix, 300*time.Millisecond, "canary-dst")
	t.Cleanup(p.Wait)

	snap := scanCanaries(t, p, 2*time.Second)
	ok := bucketNamed(t, snap, "canary-src").Verification.Canary.Results
	if len(ok) != 1 || ok[0].Outcome != CanaryReplicated || ok[0].Seconds < 0.3 || ok[0].Seconds > 2 ||
		ok[0].SourceStatus != StatusCompleted || ok[0].SourceVersionID == "" || ok[0].ReplicaVersionID == "" || len(ok[0].Uncleaned) != 0 {
		t.Errorf("canary-src canary = %+v, want replicated in 0.3–2 s, source COMPLETED, both versions known and removed", ok)
	}
	late := bucketNamed(t, snap, "stuck-src").Verification.Canary.Results
	if len(late) != 1 || late[0].Outcome != CanaryTimeout || late[0].ReplicaVersionID != "" || len(late[0].Uncleaned) != 0 {
		t.Errorf("stuck-src canary = %+v, want a timeout, cleaned up", late)
	}
	for _, b := range []struct {
		name, region string
	}{{"canary-src", "us-east-1"}, {"canary-dst", "eu-west-1"}, {"stuck-src", "us-east-1"}, {"stuck-dst", "eu-west-1"}} {
		if left := canaryVersions(t, s.s3(b.region), b.name); len(left) != 0 {
			t.Errorf("%s still holds canary versions or delete markers: %v", b.name, left)
		}
	}
	t.Run("denied", func(t *testing.T) {
		deny := scantest.NewProxy(p.URL, scantest.Rule{Method: "PUT", Bucket: "stuck-src", Message: "Access Denied"})
		defer deny.Close()
		snap := scanMoto(t, motoClients(deny.URL), func(o *Options) {
			o.Verify = VerifyOptions{Canary: true, CanaryTimeout: time.Second, CanaryPoll: 100 * time.Millisecond}
		})
		b := bucketNamed(t, snap, "stuck-src")
		if len(b.Errors) != 1 || b.Errors[0].Operation != "PutObject" || b.Errors[0].Code != "AccessDenied" ||
			b.Verification.Canary.Results[0].Outcome != CanaryError {
			t.Errorf("stuck-src: errors %+v, canary %+v; want PutObject AccessDenied and an error outcome", b.Errors, b.Verification.Canary)
		}
	})
	p.Wait()

	want := map[string]int{"PutObject": 1, "DeleteObject": 2}
	got := bucketNamed(t, snap, "canary-src").Verification.Requests
	if got["PutObject"] != want["PutObject"] || got["DeleteObject"] != want["DeleteObject"] || got["HeadObject"] < 2 {
		t.Errorf("canary-src requests = %v, want one PutObject, two DeleteObject, HeadObject polls", got)
	}
}

// A canary written for one destination also matches the bucket's rule into the
// other: each canary's replica in the other destination is found and deleted too.
func TestScanMotoCanaryMultipleDestinations(t *testing.T) {
	m := moto.Require(t)
	s := newSeeder(t, m.URL)
	p := newStatusProxy(t, m.URL)
	role := s.role("multi-role", nil)
	s.bucket("multi-src", "us-east-1", true)
	a := s.bucket("multi-a", "eu-west-1", true)
	b := s.bucket("multi-b", "ap-southeast-2", true)
	s.replicate("multi-src", "us-east-1", role, a, b)
	p.Replicate(m.URL, "multi-src", CanaryPrefix, 200*time.Millisecond, "multi-a", "multi-b")
	t.Cleanup(p.Wait)

	snap := scanCanaries(t, p, 3*time.Second)
	res := bucketNamed(t, snap, "multi-src").Verification.Canary.Results
	if len(res) != 2 || res[0].Outcome != CanaryReplicated || res[1].Outcome != CanaryReplicated {
		t.Fatalf("canaries = %+v, want two replicated", res)
	}
	for _, bk := range []struct{ name, region string }{{"multi-src", "us-east-1"}, {"multi-a", "eu-west-1"}, {"multi-b", "ap-southeast-2"}} {
		if left := canaryVersions(t, s.s3(bk.region), bk.name); len(left) != 0 {
			t.Errorf("%s still holds canary versions: %v", bk.name, left)
		}
	}
	// Two canaries, each deleted at its source and in both destinations.
	if got := bucketNamed(t, snap, "multi-src").Verification.Requests["DeleteObject"]; got != 6 {
		t.Errorf("DeleteObject calls = %d, want 6", got)
	}
}
