package scanner

import (
	"bytes"
	"fmt"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crrscan/crrscan/scanner/scantest"
)

var benchSchema = "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, LastModifiedDate, ReplicationStatus"

func inventoryRows(n int, modified time.Time) [][]string {
	statuses := []string{"COMPLETED", "COMPLETED", "COMPLETED", "PENDING", "FAILED", ""}
	rows := make([][]string, n)
	for i := range rows {
		prefix := "logs/"
		if i%2 == 1 {
			prefix = "img/"
		}
		rows[i] = []string{"src", fmt.Sprintf("%s%08d.json", prefix, i), fmt.Sprintf("v%d", i), "true", "false",
			modified.Format("2006-01-02T15:04:05.000Z"), statuses[i%len(statuses)]}
	}
	return rows
}

func twoRuleConfig() *ReplicationConfiguration {
	p := func(s string) *string { return &s }
	return &ReplicationConfiguration{Rules: []ReplicationRule{
		{ID: p("logs"), Status: "Enabled", Filter: &ReplicationRuleFilter{Prefix: p("logs/")}, Destination: Destination{Bucket: "arn:aws:s3:::dst"}},
		{ID: p("all"), Status: "Enabled", Filter: &ReplicationRuleFilter{Prefix: p("")}, Destination: Destination{Bucket: "arn:aws:s3:::dst2"}},
		{ID: p("off"), Status: "Disabled", Filter: &ReplicationRuleFilter{Prefix: p("")}, Destination: Destination{Bucket: "arn:aws:s3:::dst3"}},
	}}
}

func TestCountInventoryCSV(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	cols, err := parseSchema(benchSchema)
	if err != nil {
		t.Fatal(err)
	}
	tl := newTally(twoRuleConfig(), VerifyOptions{}, now)
	n, err := countInventoryCSV(bytes.NewReader(scantest.InventoryCSV(inventoryRows(12, now.Add(-2*time.Hour)))), cols, tl)
	if err != nil || n != 12 {
		t.Fatalf("counted %d, %v; want 12 rows", n, err)
	}
	got := tl.result()
	// "all" covers 12 versions: 6 COMPLETED, 2 PENDING (2 h > 1 h), 2 FAILED, 2 none;
	// "logs" the even rows: statuses 0, 2, 4 of each cycle of six.
	if len(got) != 2 || got[0].RuleID != "all" || counts(got[0]) != [6]int{12, 6, 2, 2, 2, 2} {
		t.Errorf("all = %+v", got)
	}
	if got[1].RuleID != "logs" || counts(got[1]) != [6]int{6, 4, 0, 0, 2, 0} {
		t.Errorf("logs = %+v", got[1])
	}

	if _, err := countInventoryCSV(strings.NewReader("not gzip"), cols, tl); err == nil || !strings.Contains(err.Error(), "gunzip") {
		t.Errorf("not gzip: %v", err)
	}
	short := scantest.InventoryCSV([][]string{{"src", "k"}})
	if _, err := countInventoryCSV(bytes.NewReader(short), cols, tl); err == nil || !strings.Contains(err.Error(), "csv") {
		t.Errorf("short row: %v", err)
	}
	if _, err := parseSchema("Bucket, Key, Size"); err == nil {
		t.Error("a schema without ReplicationStatus was accepted")
	}
}

// peakHeap samples the live heap every 50 µs until stop is closed.
func peakHeap(stop <-chan struct{}, peak *atomic.Uint64) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	for {
		metrics.Read(s)
		if v := s[0].Value.Uint64(); v > peak.Load() {
			peak.Store(v)
		}
		select {
		case <-stop:
			return
		case <-time.After(50 * time.Microsecond):
		}
	}
}

// BenchmarkInventoryCount counts a CSV-gz inventory of 10,000 and 100,000
// versions under two rules: B/op and the peak heap stay flat as the inventory
// grows (streaming, one reused record).
func BenchmarkInventoryCount(b *testing.B) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	cols, err := parseSchema(benchSchema)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{10_000, 100_000} {
		data := scantest.InventoryCSV(inventoryRows(n, now.Add(-2*time.Hour)))
		b.Run(fmt.Sprintf("versions=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			runtime.GC()
			var base [1]metrics.Sample
			base[0].Name = "/memory/classes/heap/objects:bytes"
			metrics.Read(base[:])
			var peak atomic.Uint64
			stop := make(chan struct{})
			done := make(chan struct{})
			go func() { peakHeap(stop, &peak); close(done) }()
			for b.Loop() {
				tl := newTally(twoRuleConfig(), VerifyOptions{}, now)
				if got, err := countInventoryCSV(bytes.NewReader(data), cols, tl); err != nil || got != n {
					b.Fatalf("counted %d, %v", got, err)
				}
			}
			close(stop)
			<-done
			b.ReportMetric(float64(peak.Load()), "peak-heap-B")
			b.ReportMetric(float64(peak.Load())-float64(base[0].Value.Uint64()), "peak-heap-growth-B")
			b.ReportMetric(float64(n), "versions/op")
		})
	}
}
