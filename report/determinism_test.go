package report

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestDeterministic: the same result renders to the same bytes twice, and so does a
// result built from the same findings, checks and scan lists in any input order.
func TestDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			r := fixtureResult()
			first := render(t, format, r)
			if again := render(t, format, r); !bytes.Equal(first, again) {
				t.Fatal("writing the same result twice gave different bytes")
			}
			for i := range 20 {
				fs, checks, scan := fixtureFindings(), fixtureChecks(), fixtureScan()
				rng.Shuffle(len(fs), func(a, b int) { fs[a], fs[b] = fs[b], fs[a] })
				rng.Shuffle(len(checks), func(a, b int) { checks[a], checks[b] = checks[b], checks[a] })
				rng.Shuffle(len(scan.Accounts), func(a, b int) { scan.Accounts[a], scan.Accounts[b] = scan.Accounts[b], scan.Accounts[a] })
				shuffled := NewResult(r.Tool, scan, checks, fs, fixtureOutcomes())
				if got := render(t, format, shuffled); !bytes.Equal(first, got) {
					t.Fatalf("shuffle %d: output depends on input order", i)
				}
			}
		})
	}
}

// TestDeterministicTies: findings that SortFindings cannot tell apart (same sort keys
// and fingerprint, different text) still come out in one order.
func TestDeterministicTies(t *testing.T) {
	base := Finding{CheckID: "CRR-090", Status: StatusError, Severity: "error", AccountID: "111111111111",
		Region: "us-east-1", Bucket: "b", Fingerprint: "same"}
	var fs []Finding
	for _, msg := range []string{"e", "a", "d", "b", "c", "f", "g", "h"} {
		f := base
		f.Message = msg
		fs = append(fs, f)
	}
	want := render(t, "json", NewResult(Tool{}, ScanInfo{}, nil, fs, nil))
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 50 {
		rng.Shuffle(len(fs), func(a, b int) { fs[a], fs[b] = fs[b], fs[a] })
		if got := render(t, "json", NewResult(Tool{}, ScanInfo{}, nil, fs, nil)); !bytes.Equal(want, got) {
			t.Fatalf("shuffle %d: tied findings came out in another order", i)
		}
	}
}
