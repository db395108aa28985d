package scanner

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/crrscan/crrscan/scanner/scantest"
)

func oneRuleBucket() *Bucket {
	return &Bucket{Name: "src", Arn: "arn:aws:s3:::src", Region: "us-east-1", ReplicationConfiguration: &ReplicationConfiguration{Rules: []ReplicationRule{{
		ID: aws.String("all"), Status: "Enabled", Filter: &ReplicationRuleFilter{Prefix: aws.String("")}, Destination: Destination{Bucket: "arn:aws:s3:::dst"},
	}}}}
}

func verifyOne(t *testing.T, objects estateObjects, now time.Time) *Bucket {
	t.Helper()
	b := oneRuleBucket()
	v := &verifyRun{col: &collector{log: Options{}.logger()}, opts: VerifyOptions{Objects: true}, now: now}
	v.bucket(context.Background(), estateVerify{objects}, b, nil)
	return b
}

// Parquet and ORC inventories are not read: the evidence says so, and the bucket
// is sampled instead.
func TestInventoryParquetFallsBackToSample(t *testing.T) {
	b := verifyOne(t, estateObjects{versions: 3, inventory: true, format: s3types.InventoryFormatParquet}, time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC))
	ev := b.Verification.Objects
	if ev.Source != "sample" || ev.Inventory == nil || !strings.Contains(ev.Inventory.Unsupported, "delivered as Parquet; crrscan reads CSV inventories only") {
		t.Fatalf("evidence = %+v / %+v, want a sample and the Parquet inventory reported unsupported", ev, ev.Inventory)
	}
	if got := counts(ev.Rules[0]); got != [6]int{3, 3, 0, 0, 0, 0} {
		t.Errorf("sampled counts %v", got)
	}
}

// A manifest older than two daily deliveries is stale; it still counts.
func TestInventoryAge(t *testing.T) {
	csv := scantest.InventoryCSV([][]string{{"src", "k", "v", "FAILED"}})
	for _, tt := range []struct {
		now   time.Time
		age   float64
		stale bool
	}{
		{time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC), 12, false},
		{time.Date(2026, 12, 9, 0, 0, 0, 0, time.UTC), 72, true},
	} {
		b := verifyOne(t, estateObjects{inventory: true, csv: csv}, tt.now)
		inv := b.Verification.Objects.Inventory
		if b.Verification.Objects.Source != "inventory" || inv.AgeHours != tt.age || inv.Stale != tt.stale || b.Verification.Objects.Rules[0].Failed != 1 {
			t.Errorf("now %s: %+v, want %v hours old, stale %v, one FAILED", tt.now, inv, tt.age, tt.stale)
		}
	}
}

// The evidence round-trips through the snapshot (which refuses unknown fields).
func TestSnapshotVerificationRoundTrip(t *testing.T) {
	b := verifyOne(t, estateObjects{versions: 4}, time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC))
	b.AccountID = "111122223333"
	b.Verification.Canary = &CanaryEvidence{Results: []CanaryResult{{RuleID: "all", Outcome: CanaryTimeout,
		Uncleaned: []CanaryVersion{{Bucket: "src", Key: "crrscan-canary/x", VersionID: "v1", Error: "AccessDenied"}}}}}
	s := &Snapshot{SchemaVersion: SchemaVersion, Accounts: []string{}, Regions: []string{}, Buckets: []Bucket{*b}, Destinations: []LinkedBucket{}, Roles: []Role{}}
	var buf bytes.Buffer
	if err := WriteSnapshot(&buf, s); err != nil {
		t.Fatal(err)
	}
	back, err := ReadSnapshot(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Buckets[0].Verification, b.Verification) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back.Buckets[0].Verification, b.Verification)
	}
}
