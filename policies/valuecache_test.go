package policies

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/crrscan/crrscan/scanner"
)

// The cache of shared input parts changes nothing: over the demo and hostile
// estates (with and without settings), each bucket's input value, findings and
// outcomes are the same with a cache as without.
func TestValueCacheChangesNothing(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	set, err := LoadSettings(filepath.Join("..", "fixtures", "demo", "crrscan.yaml"), e.Checks())
	if err != nil {
		t.Fatal(err)
	}
	today := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, estate := range []string{"demo", "hostile"} {
		s, err := scanner.ReadSnapshotFile(filepath.Join("..", "fixtures", estate, "snapshot.json"))
		if err != nil {
			t.Fatal(err)
		}
		for name, inputs := range map[string]func() []Input{
			"inputs":   func() []Input { return slices.Collect(Inputs(s)) },
			"settings": func() []Input { return slices.Collect(InputsWith(s, set, today)) },
		} {
			cache := newValueCache()
			ins := inputs()
			// Twice: the second round finds every shared part in the cache.
			for round := range 2 {
				for _, in := range ins {
					want, err := e.inputValue(in, nil)
					if err != nil {
						t.Fatal(err)
					}
					got, err := e.inputValue(in, cache)
					if err != nil {
						t.Fatal(err)
					}
					if ast.Compare(got, want) != 0 {
						t.Fatalf("%s %s round %d, bucket %s: input value differs with the cache", estate, name, round, in.Bucket.Arn)
					}
					plain, err := e.Evaluate(ctx, in)
					if err != nil {
						t.Fatal(err)
					}
					cached, err := e.evaluateWith(ctx, in, cache)
					if err != nil {
						t.Fatal(err)
					}
					a, errA := json.Marshal(plain)
					b, errB := json.Marshal(cached)
					if err := errors.Join(errA, errB); err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(a, b) {
						t.Fatalf("%s %s round %d, bucket %s: evaluation differs with the cache:\n%s\n%s", estate, name, round, in.Bucket.Arn, a, b)
					}
				}
			}
			if len(cache.roles) == 0 || len(cache.linked) == 0 {
				t.Errorf("%s %s: the cache holds %d roles and %d linked resources", estate, name, len(cache.roles), len(cache.linked))
			}
		}
	}
}
