package main

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/crrscan/crrscan/scanner/fakeaws"
	"github.com/crrscan/crrscan/scanner/scantest"
)

// verifySeeder seeds moto with the SDK (version ids are needed).
type verifySeeder struct {
	t    *testing.T
	ctx  context.Context
	url  string
	role string
}

func (v verifySeeder) s3(region string) *s3.Client { return scantest.NewS3(v.url, region) }

func (v verifySeeder) check(what string, err error) {
	v.t.Helper()
	if err != nil {
		v.t.Fatalf("seed: %s: %v", what, err)
	}
}

func (v verifySeeder) bucket(name, region string, versioned bool) {
	v.t.Helper()
	in := &s3.CreateBucketInput{Bucket: aws.String(name)}
	if region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(region)}
	}
	_, err := v.s3(region).CreateBucket(v.ctx, in)
	v.check("CreateBucket "+name, err)
	if versioned {
		_, err = v.s3(region).PutBucketVersioning(v.ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(name),
			VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}})
		v.check("PutBucketVersioning "+name, err)
	}
}

// replicate puts one whole-bucket rule "all" to dst, with RTC and metrics when rtc.
func (v verifySeeder) replicate(src, dst string, rtc bool) {
	v.t.Helper()
	d := &s3types.Destination{Bucket: aws.String("arn:aws:s3:::" + dst)}
	if rtc {
		d.ReplicationTime = &s3types.ReplicationTime{Status: s3types.ReplicationTimeStatusEnabled, Time: &s3types.ReplicationTimeValue{Minutes: aws.Int32(15)}}
		d.Metrics = &s3types.Metrics{Status: s3types.MetricsStatusEnabled, EventThreshold: &s3types.ReplicationTimeValue{Minutes: aws.Int32(15)}}
	}
	_, err := v.s3("us-east-1").PutBucketReplication(v.ctx, &s3.PutBucketReplicationInput{Bucket: aws.String(src),
		ReplicationConfiguration: &s3types.ReplicationConfiguration{Role: aws.String(v.role), Rules: []s3types.ReplicationRule{{
			ID: aws.String("all"), Priority: aws.Int32(1), Status: s3types.ReplicationRuleStatusEnabled,
			DeleteMarkerReplication: &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusDisabled},
			Filter:                  &s3types.ReplicationRuleFilter{Prefix: aws.String("")}, Destination: d,
		}}}})
	v.check("PutBucketReplication "+src, err)
}

func (v verifySeeder) put(bucket, key string, body []byte) string {
	v.t.Helper()
	out, err := v.s3("us-east-1").PutObject(v.ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)})
	v.check("PutObject "+key, err)
	return aws.ToString(out.VersionId)
}

// TestVerifyOnMoto scans with --verify-objects and --verify-metrics: objects
// written before and after the rule (statuses set per version as S3 would, by
// the proxy), a hand-written CSV inventory, and CloudWatch served by the CBOR fake
// behind the same endpoint. CRR-080/081/082 fire on the right buckets with the
// right counts, an all-COMPLETED bucket stays quiet; CRR-083 on failures and RTC
// latency; no data is CRR-084 (unknown), never a pass of CRR-083.
func TestVerifyOnMoto(t *testing.T) {
	requireMoto(t)
	p := scantest.NewStatusProxy(moto.URL)
	defer p.Close()
	cw := fakeaws.NewCloudWatch()
	p.Route("monitoring", cw)
	ctx := context.Background()
	r, err := scantest.NewIAM(moto.URL).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("ev-role"), AssumeRolePolicyDocument: aws.String(guideTrust)})
	if err != nil {
		t.Fatal(err)
	}
	v := verifySeeder{t: t, ctx: ctx, url: moto.URL, role: aws.ToString(r.Role.Arn)}
	v.bucket("ev-dst", "eu-west-1", true)
	now := time.Now().UTC()

	// Two objects before the rule (never replicated), three after it.
	v.bucket("ev-sample", "us-east-1", true)
	v.put("ev-sample", "old/a", []byte("x"))
	v.put("ev-sample", "old/b", []byte("x"))
	v.replicate("ev-sample", "ev-dst", false)
	p.Set(v.put("ev-sample", "new/c", []byte("x")), "FAILED")
	// PENDING for minutes only: under the 1-hour threshold, not late.
	p.Set(v.put("ev-sample", "new/d", []byte("x")), "PENDING")
	p.Set(v.put("ev-sample", "new/e", []byte("x")), "COMPLETED")

	v.bucket("ev-quiet", "us-east-1", true)
	v.replicate("ev-quiet", "ev-dst", false)
	for _, k := range []string{"a", "b"} {
		p.Set(v.put("ev-quiet", k, []byte("x")), "COMPLETED")
	}

	// A daily CSV inventory with ReplicationStatus, delivered six hours ago.
	v.bucket("ev-inv", "us-east-1", true)
	v.replicate("ev-inv", "ev-dst", false)
	v.bucket("ev-inventory", "us-east-1", false)
	v.check("PutInventoryConfiguration", scantest.PutInventoryConfiguration(v.ctx, v.s3("us-east-1"), "ev-inv", "daily", "arn:aws:s3:::ev-inventory", ""))
	old, recent := now.Add(-10*time.Hour).Format(time.RFC3339), now.Add(-5*time.Minute).Format(time.RFC3339)
	hostile := "<img src=x onerror=alert(1)>\x1b[31m"
	var rows [][]string
	add := func(n int, status, modified string) {
		for range n {
			key := "k" + string(rune('a'+len(rows)))
			if len(rows) == 0 {
				key = hostile
			}
			rows = append(rows, []string{"ev-inv", url.QueryEscape(key), "v" + key, "true", "false", modified, status})
		}
	}
	add(3, "FAILED", old)
	add(2, "PENDING", old)
	add(1, "PENDING", recent)
	add(4, "", old)
	add(5, "COMPLETED", old)
	v.put("ev-inventory", "ev-inv/daily/data/part-1.csv.gz", scantest.InventoryCSV(rows))
	delivered := now.Add(-6 * time.Hour)
	v.put("ev-inventory", "ev-inv/daily/"+delivered.Format("2006-01-02T15-04Z")+"/manifest.json",
		scantest.InventoryManifest("ev-inv", "arn:aws:s3:::ev-inventory", "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, LastModifiedDate, ReplicationStatus",
			delivered, "ev-inv/daily/data/part-1.csv.gz"))

	// Metrics: failures in the source region, late replication under RTC in the
	// destination's, and a rule whose metrics have no data at all.
	for _, b := range []string{"ev-failing", "ev-late", "ev-silent"} {
		v.bucket(b, "us-east-1", true)
		v.replicate(b, "ev-dst", true)
	}
	cw.Put(fakeaws.MetricKey{Region: "us-east-1", Metric: "OperationsFailedReplication", SourceBucket: "ev-failing", DestinationBucket: "ev-dst", RuleID: "all"}, 4, 1)
	cw.Put(fakeaws.MetricKey{Region: "eu-west-1", Metric: "ReplicationLatency", SourceBucket: "ev-late", DestinationBucket: "ev-dst", RuleID: "all"}, 120, 1500)

	dir := t.TempDir()
	res := runCrrscan(t, []string{"AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing", "AWS_REGION=us-east-1",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null"},
		"scan", "--endpoint-url", p.URL, "--verify-objects", "--verify-metrics", "--format", "table,json,html", "--output-dir", dir)
	if res.code != 1 {
		t.Fatalf("exit %d, want 1 (high findings); stderr:\n%s", res.code, res.stderr)
	}
	result := readResult(t, filepath.Join(dir, "crrscan.json"))
	on := findingsOn(result)
	want := map[string]map[string]string{
		"ev-sample":  {"CRR-080": "1 of 5 object versions", "CRR-082": "2 of 5 object versions"},
		"ev-inv":     {"CRR-080": "3 of 15 object versions", "CRR-081": "2 object versions", "CRR-082": "4 of 15 object versions"},
		"ev-failing": {"CRR-083": "5 failed replication operations"},
		"ev-late":    {"CRR-083": "in eu-west-1 over the last 24 hours show a replication latency of up to 1500 seconds"},
		"ev-silent":  {"CRR-084": "no data point for it in us-east-1, eu-west-1"},
		"ev-quiet":   {},
	}
	for bucket, checks := range want {
		for id, text := range checks {
			f, ok := on[bucket][id]
			if !ok || !strings.Contains(f.Message, text) {
				t.Errorf("%s %s = %q, want a finding containing %q", bucket, id, f.Message, text)
			}
		}
		for id := range on[bucket] {
			if id >= "CRR-080" && id <= "CRR-085" && checks[id] == "" {
				t.Errorf("%s: unexpected %s: %s", bucket, id, on[bucket][id].Message)
			}
		}
	}
	if f := on["ev-inv"]["CRR-080"]; !strings.Contains(f.Message, `S3 Inventory "daily"`) {
		t.Errorf("ev-inv CRR-080 does not name its inventory: %s", f.Message)
	}
	if f := on["ev-sample"]["CRR-082"]; len(f.Remediation.Commands) != 3 || !strings.Contains(f.Remediation.Commands[2], "aws s3control create-job") {
		t.Errorf("ev-sample CRR-082 commands = %q, want the Batch Replication job", f.Remediation.Commands)
	}
	for _, c := range result.Summary.Checks {
		if c.CheckID == "CRR-083" && (c.Pass != 0 || c.Fail != 2) {
			t.Errorf("CRR-083 pass=%d fail=%d, want 0 and 2 (the silent rule is unknown, not passed)", c.Pass, c.Fail)
		}
		if c.CheckID == "CRR-080" && (c.Pass != 4 || c.Fail != 2) {
			t.Errorf("CRR-080 pass=%d fail=%d, want 4 (ev-quiet and the three metrics buckets, no object) and 2", c.Pass, c.Fail)
		}
	}
	if n := result.Scan.VerificationRequests["GetMetricData"]; n != 6 {
		t.Errorf("GetMetricData requests %d, want 6 (3 buckets × 2 regions): %v", n, result.Scan.VerificationRequests)
	}
	if !strings.Contains(res.stdout, "Verification requests: ") {
		t.Errorf("the table summary does not count verification requests:\n%s", res.stdout)
	}
	html, err := os.ReadFile(filepath.Join(dir, "crrscan.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(html)
	if !strings.Contains(page, `id="evidence"`) || !strings.Contains(page, "COMPLETED 5 · PENDING 3 (2 late) · FAILED 3 · no status 4 · REPLICA 0, of 15") ||
		!strings.Contains(page, "no data (unknown)") {
		t.Errorf("the HTML report lacks the evidence section or its counts")
	}
	if strings.Contains(page, "<img src=x") || strings.Contains(res.stdout, "\x1b[31m") {
		t.Errorf("a hostile object key reached a report unescaped")
	}
}

// TestVerifyCanaryOnMoto runs crrscan verify canary: the replica appears (the
// proxy copies it as S3 would), the time is printed, and both canary versions are
// gone afterwards; a bucket whose replica never comes times out and is cleaned up.
func TestVerifyCanaryOnMoto(t *testing.T) {
	requireMoto(t)
	p := scantest.NewStatusProxy(moto.URL)
	defer p.Close()
	ctx := context.Background()
	r, err := scantest.NewIAM(moto.URL).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("cn-role"), AssumeRolePolicyDocument: aws.String(guideTrust)})
	if err != nil {
		t.Fatal(err)
	}
	v := verifySeeder{t: t, ctx: ctx, url: moto.URL, role: aws.ToString(r.Role.Arn)}
	for _, b := range []string{"cn-src", "cn-stuck"} {
		v.bucket(b, "us-east-1", true)
		v.bucket(b+"-dst", "eu-west-1", true)
		v.replicate(b, b+"-dst", false)
	}
	p.Replicate(moto.URL, "cn-src", "crrscan-canary/", 200*time.Millisecond, "cn-src-dst")
	env := []string{"AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing", "AWS_REGION=us-east-1",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null"}

	res := runCrrscan(t, env, "verify", "canary", "--bucket", "cn-src", "--endpoint-url", p.URL, "--canary-timeout", "3s", "--poll", "100ms")
	p.Wait()
	if res.code != 0 || !strings.Contains(res.stdout, "cn-src rule all → arn:aws:s3:::cn-src-dst: replicated in ") ||
		!strings.Contains(res.stdout, "source status COMPLETED") || strings.Count(res.stderr, "canary written") != 1 ||
		strings.Count(res.stderr, "canary version deleted") != 2 {
		t.Errorf("canary on cn-src: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	res = runCrrscan(t, env, "verify", "canary", "--bucket", "cn-stuck", "--endpoint-url", p.URL, "--canary-timeout", "1s", "--poll", "100ms")
	if res.code != 1 || !strings.Contains(res.stdout, "cn-stuck rule all → arn:aws:s3:::cn-stuck-dst: timeout") {
		t.Errorf("canary on cn-stuck: exit %d, want 1 and a timeout\n%s%s", res.code, res.stdout, res.stderr)
	}
	for _, b := range []string{"cn-src", "cn-src-dst", "cn-stuck", "cn-stuck-dst"} {
		out, err := v.s3("us-east-1").ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(b)})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Versions) != 0 || len(out.DeleteMarkers) != 0 {
			t.Errorf("%s still holds %d versions and %d delete markers after the canary", b, len(out.Versions), len(out.DeleteMarkers))
		}
	}
	res = runCrrscan(t, env, "verify", "canary", "--endpoint-url", p.URL)
	if res.code != 2 {
		t.Errorf("verify canary without --bucket: exit %d, want 2", res.code)
	}
}
