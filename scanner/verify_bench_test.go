package scanner

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/crrscan/crrscan/scanner/scantest"
)

// estateObjects is a Go fake of what object verification reads in a bucket of
// `versions` object versions, with or without a daily CSV inventory (one file).
type estateObjects struct {
	versions  int
	inventory bool
	csv       []byte
	// format is the inventory's format ("" CSV).
	format s3types.InventoryFormat
}

func (f estateObjects) ListBucketInventoryConfigurations(_ context.Context, in *s3.ListBucketInventoryConfigurationsInput, _ ...func(*s3.Options)) (*s3.ListBucketInventoryConfigurationsOutput, error) {
	out := &s3.ListBucketInventoryConfigurationsOutput{IsTruncated: aws.Bool(false)}
	if f.inventory {
		format := f.format
		if format == "" {
			format = s3types.InventoryFormatCsv
		}
		out.InventoryConfigurationList = []s3types.InventoryConfiguration{{
			Id: aws.String("daily"), IsEnabled: aws.Bool(true), Schedule: &s3types.InventorySchedule{Frequency: s3types.InventoryFrequencyDaily},
			OptionalFields: []s3types.InventoryOptionalField{s3types.InventoryOptionalFieldReplicationStatus},
			Destination: &s3types.InventoryDestination{S3BucketDestination: &s3types.InventoryS3BucketDestination{
				Bucket: aws.String("arn:aws:s3:::inventory"), Format: format}},
		}}
	}
	return out, nil
}

func (f estateObjects) ListObjectsV2(_ context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	p := aws.ToString(in.Prefix)
	return &s3.ListObjectsV2Output{IsTruncated: aws.Bool(false), CommonPrefixes: []s3types.CommonPrefix{
		{Prefix: aws.String(p + "2026-12-05T00-00Z/")}, {Prefix: aws.String(p + "2026-12-06T00-00Z/")}, {Prefix: aws.String(p + "data/")},
	}}, nil
}

func (f estateObjects) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	key := aws.ToString(in.Key)
	if strings.HasSuffix(key, "manifest.json") {
		m := scantest.InventoryManifest("src", "arn:aws:s3:::inventory", "Bucket, Key, VersionId, ReplicationStatus",
			time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC), "data/part-1.csv.gz")
		return &s3.GetObjectOutput{Body: io.NopCloser(bytes.NewReader(m))}, nil
	}
	return &s3.GetObjectOutput{Body: io.NopCloser(bytes.NewReader(f.csv))}, nil
}

func (f estateObjects) ListObjectVersions(_ context.Context, in *s3.ListObjectVersionsInput, _ ...func(*s3.Options)) (*s3.ListObjectVersionsOutput, error) {
	start := 0
	if in.KeyMarker != nil {
		start, _ = strconv.Atoi(strings.TrimPrefix(aws.ToString(in.KeyMarker), "k"))
		start++
	}
	end := min(f.versions, start+int(aws.ToInt32(in.MaxKeys)))
	out := &s3.ListObjectVersionsOutput{IsTruncated: aws.Bool(end < f.versions)}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := start; i < end; i++ {
		out.Versions = append(out.Versions, s3types.ObjectVersion{Key: aws.String(fmt.Sprintf("k%d", i)), VersionId: aws.String("v"),
			LastModified: aws.Time(base.Add(time.Duration(i) * time.Minute))})
	}
	if end < f.versions {
		out.NextKeyMarker, out.NextVersionIdMarker = aws.String(fmt.Sprintf("k%d", end-1)), aws.String("v")
	}
	return out, nil
}

func (f estateObjects) HeadObject(context.Context, *s3.HeadObjectInput, ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	return &s3.HeadObjectOutput{ReplicationStatus: s3types.ReplicationStatusCompleted}, nil
}

// estateMetrics answers every query with one data point.
type estateMetrics struct{}

func (estateMetrics) GetMetricData(_ context.Context, in *cloudwatch.GetMetricDataInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	out := &cloudwatch.GetMetricDataOutput{}
	for _, q := range in.MetricDataQueries {
		out.MetricDataResults = append(out.MetricDataResults, cwtypes.MetricDataResult{Id: q.Id, Values: []float64{0}, Timestamps: []time.Time{*in.StartTime}})
	}
	return out, nil
}

type estateVerify struct{ objects estateObjects }

func (e estateVerify) Objects(string) ObjectsAPI       { return e.objects }
func (e estateVerify) Canary(string) CanaryAPI         { return nil }
func (e estateVerify) CloudWatch(string) CloudWatchAPI { return estateMetrics{} }

// verifyEstate verifies n replicating buckets (one RTC rule into another
// region each) in one mode and returns the requests per bucket by operation.
func verifyEstate(t testing.TB, n int, o VerifyOptions, objects estateObjects) (map[string]float64, time.Duration) {
	t.Helper()
	v := &verifyRun{col: &collector{log: Options{}.logger()}, opts: o, now: time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)}
	rule := ReplicationRule{ID: aws.String("all"), Status: "Enabled", Filter: &ReplicationRuleFilter{Prefix: aws.String("")},
		Destination: Destination{Bucket: "arn:aws:s3:::dst", ReplicationTime: &ReplicationTime{Status: "Enabled"}, Metrics: &Metrics{Status: "Enabled"}}}
	total := map[string]int{}
	start := time.Now()
	for i := range n {
		b := &Bucket{Name: fmt.Sprintf("src-%05d", i), Region: "us-east-1", ReplicationConfiguration: &ReplicationConfiguration{Rules: []ReplicationRule{rule}}}
		v.bucket(context.Background(), estateVerify{objects}, b, map[string]string{"arn:aws:s3:::dst": "eu-west-1"})
		if len(b.Errors) > 0 {
			t.Fatalf("%s: %+v", b.Name, b.Errors)
		}
		for op, c := range b.Verification.Requests {
			total[op] += c
		}
	}
	per := map[string]float64{}
	for op, c := range total {
		per[op] = float64(c) / float64(n)
	}
	return per, time.Since(start)
}

func perBucket(m map[string]float64) string {
	var ops []string
	sum := 0.0
	for op, c := range m {
		ops = append(ops, fmt.Sprintf("%s %.2f", op, c))
		sum += c
	}
	sort.Strings(ops)
	return fmt.Sprintf("%.2f requests per replicating bucket (%s)", sum, strings.Join(ops, ", "))
}

// The requests each mode makes per replicating bucket, with the defaults: the
// figures the README states. CRRSCAN_BENCH_VERIFY=N runs it over N buckets and
// prints them (make bench: 10,000).
func TestBenchVerifyRequests(t *testing.T) {
	n := 200
	if v := os.Getenv("CRRSCAN_BENCH_VERIFY"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			t.Fatalf("CRRSCAN_BENCH_VERIFY=%q: want a number of buckets", v)
		}
	}
	rows := [][]string{}
	for i := range 100 {
		rows = append(rows, []string{"src", fmt.Sprintf("k%d", i), "v", "COMPLETED"})
	}
	csv := scantest.InventoryCSV(rows)
	cases := []struct {
		name    string
		o       VerifyOptions
		objects estateObjects
		want    map[string]float64
	}{
		{"objects, inventory (1 CSV file)", VerifyOptions{Objects: true}, estateObjects{versions: 5000, inventory: true, csv: csv},
			map[string]float64{"ListBucketInventoryConfigurations": 1, "ListObjectsV2": 1, "GetObject": 2}},
		{"objects, sample (5,000 versions, defaults)", VerifyOptions{Objects: true}, estateObjects{versions: 5000},
			map[string]float64{"ListBucketInventoryConfigurations": 1, "ListObjectVersions": 1, "HeadObject": 20}},
		{"objects, sample (8 versions)", VerifyOptions{Objects: true}, estateObjects{versions: 8},
			map[string]float64{"ListBucketInventoryConfigurations": 1, "ListObjectVersions": 1, "HeadObject": 8}},
		{"metrics (source and destination region)", VerifyOptions{Metrics: true}, estateObjects{},
			map[string]float64{"GetMetricData": 2}},
	}
	for _, c := range cases {
		got, took := verifyEstate(t, n, c.o, c.objects)
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s: %v per bucket, want %v", c.name, got, c.want)
		}
		fmt.Printf("verify %-45s %d buckets: %s; %s in-process\n", c.name+":", n, perBucket(got), took.Round(time.Millisecond))
	}
}
