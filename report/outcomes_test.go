package report

import (
	"bytes"
	"maps"
	"testing"
)

func TestWithBuckets(t *testing.T) {
	in := fixtureBuckets()
	r := fixtureResult()
	if got := r.WithBuckets(in); got != r {
		t.Fatal("WithBuckets should return its receiver")
	}
	if len(r.Buckets) != len(in) {
		t.Fatalf("%d buckets recorded, want %d", len(r.Buckets), len(in))
	}
	for i := 1; i < len(r.Buckets); i++ {
		a, b := r.Buckets[i-1], r.Buckets[i]
		if a.AccountID+"/"+a.Region+"/"+a.Bucket > b.AccountID+"/"+b.Region+"/"+b.Bucket {
			t.Errorf("buckets not sorted: %s before %s", a.Bucket, b.Bucket)
		}
	}
	// A copy: changing the caller's maps later does not change the result.
	in[0].Checks["CRR-001"] = "fail"
	for _, b := range r.Buckets {
		if b.Bucket == in[0].Bucket && b.Checks["CRR-001"] != "pass" {
			t.Error("WithBuckets kept the caller's map")
		}
	}
	if r.WithBuckets([]BucketOutcome{{Bucket: "x"}}).Buckets[0].Checks == nil {
		t.Error("nil Checks should become an empty map")
	}
}

// TestBucketsOutsideJSON: per-bucket outcomes do not change the JSON document.
func TestBucketsOutsideJSON(t *testing.T) {
	plain := render(t, "json", fixtureResult())
	with := render(t, "json", fixtureResult().WithBuckets(fixtureBuckets()))
	if !bytes.Equal(plain, with) {
		t.Error("WithBuckets changed the JSON result")
	}
}

func TestCountOutcomes(t *testing.T) {
	got := CountOutcomes(fixtureBuckets())
	// The fixture's bucket outcomes add up to the fixture's per-check counts.
	want := fixtureOutcomes()
	if !maps.EqualFunc(got, want, func(a, b map[string]int) bool { return maps.Equal(a, b) }) {
		t.Errorf("CountOutcomes = %v, want %v", got, want)
	}
	if len(CountOutcomes(nil)) != 0 {
		t.Error("CountOutcomes(nil) should be empty")
	}
}
