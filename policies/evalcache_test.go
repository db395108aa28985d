package policies

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/crrscan/crrscan/scanner"
)

// The evaluation cache changes nothing: over the demo and hostile estates (with and
// without settings), each bucket's input value, findings and outcomes are the same,
// byte for byte, with a cache as without, whether the cache is new, holds what the
// whole estate left, or is shared by concurrent evaluations.
func TestEvalCacheChangesNothing(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	set, err := LoadSettings(filepath.Join("..", "fixtures", "demo", "crrscan.yaml"), e.Checks())
	if err != nil {
		t.Fatal(err)
	}
	today := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	encode := func(ev Evaluation) string {
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, estate := range []string{"demo", "hostile"} {
		s, err := scanner.ReadSnapshotFile(filepath.Join("..", "fixtures", estate, "snapshot.json"))
		if err != nil {
			t.Fatal(err)
		}
		for name, ins := range map[string][]Input{
			"inputs":   slices.Collect(Inputs(s)),
			"settings": slices.Collect(InputsWith(s, set, today)),
		} {
			want := make([]string, len(ins))
			for i, in := range ins {
				ev, err := e.Evaluate(ctx, in)
				if err != nil {
					t.Fatal(err)
				}
				want[i] = encode(ev)
			}
			cache := e.newEvalCache()
			// Twice: the second round finds what the whole estate left in the cache.
			for round := range 2 {
				for i, in := range ins {
					plain, err := e.inputValue(in, nil)
					if err != nil {
						t.Fatal(err)
					}
					cached, err := e.inputValue(in, cache)
					if err != nil {
						t.Fatal(err)
					}
					if ast.Compare(plain, cached) != 0 {
						t.Fatalf("%s %s round %d, bucket %s: input value differs with the cache", estate, name, round, in.Bucket.Arn)
					}
					ev, err := e.evaluateWith(ctx, in, cache)
					if err != nil {
						t.Fatal(err)
					}
					if got := encode(ev); got != want[i] {
						t.Fatalf("%s %s round %d, bucket %s: evaluation differs with the cache:\n%s\n%s", estate, name, round, in.Bucket.Arn, want[i], got)
					}
				}
			}
			if len(cache.roles.cur) == 0 || len(cache.linked.cur) == 0 || cache.calls.n == 0 {
				t.Errorf("%s %s: the cache holds %d roles, %d linked resources and %d calls", estate, name, len(cache.roles.cur), len(cache.linked.cur), cache.calls.n)
			}
			shared := e.newEvalCache()
			got := make([]string, len(ins))
			var wg sync.WaitGroup
			for i, in := range ins {
				wg.Go(func() {
					ev, err := e.evaluateWith(ctx, in, shared)
					if err != nil {
						t.Error(err)
						return
					}
					got[i] = encode(ev)
				})
			}
			wg.Wait()
			for i := range ins {
				if got[i] != want[i] {
					t.Errorf("%s %s, concurrently, bucket %s: evaluation differs with the cache:\n%s\n%s", estate, name, ins[i].Bucket.Arn, want[i], got[i])
				}
			}
		}
	}
}

func TestEvalCacheOfAnotherEngine(t *testing.T) {
	e, other := newEngine(t), newEngine(t)
	if _, err := e.evaluateWith(context.Background(), demoInput(t, "acme-orders-prod"), other.newEvalCache()); err == nil {
		t.Fatal("an engine evaluated with the cache of another")
	}
}

// Only the calls of functions whose value depends on their arguments alone are shared
// between buckets.
func TestPureCalls(t *testing.T) {
	dir := t.TempDir()
	src := `# METADATA
# title: purity
# custom:
#   id: ACME-201
#   severity: low
package crr.checks.acme_purity

import data.crr.lib.iam

pure(x) := upper(x)

pure_lib(doc) := iam.statements(doc)

constant := "c"

pure_with_constant(x) := concat("", [x, constant])

pure_with_else(x) := 1 if x == "a"
else := 2

reads_input(x) := concat("", [x, input.bucket.Name])

reads_rule(x) := concat("", [x, name])

name := input.bucket.Name

calls_impure(x) := reads_input(x)

clock(x) := [x, time.now_ns()]

with_input(x) := y if {
	y := name with input as {"bucket": {"Name": x}}
}

impure_else(x) := 1 if x == "a"
else := input.bucket.Name

deny contains {"msg": concat(" ", [
	pure("a"), json.marshal(pure_lib({})), pure_with_constant("a"), format_int(pure_with_else("b"), 10),
	reads_input("a"), reads_rule("a"), calls_impure("a"), format_int(count(clock("a")), 10), with_input("a"),
	format_int(impure_else("a"), 10),
])} if false
`
	if err := os.WriteFile(filepath.Join(dir, "purity.rego"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	e := newEngine(t, dir)
	pure := map[string]bool{}
	for op := range e.pure {
		pure[op.String()] = true
	}
	var got []string
	for name := range pure {
		if p, ok := strings.CutPrefix(name, "data.crr.checks.acme_purity."); ok {
			got = append(got, p)
		}
	}
	sort.Strings(got)
	want := []string{"pure", "pure_lib", "pure_with_constant", "pure_with_else"}
	if !slices.Equal(got, want) {
		t.Errorf("pure functions %v, want %v", got, want)
	}
	for _, lib := range []string{"data.crr.lib.iam.statements", "data.crr.lib.iampolicy.role_policies", "data.crr.lib.iampolicy.plain_grants"} {
		if !pure[lib] {
			t.Errorf("%s is not pure", lib)
		}
	}
}

// The caches keep at most two generations: a value survives one change of
// generation and is gone after the second.
func TestEvalCacheGenerations(t *testing.T) {
	var g generations[int]
	for i := range 2*valueGeneration + 1 {
		g.put(i, ast.IntNumberTerm(i))
		if i == valueGeneration {
			if _, ok := g.get(0); !ok {
				t.Fatal("the first value is gone after one change of generation")
			}
		}
	}
	if _, ok := g.get(0); ok {
		t.Error("the first value is kept after two changes of generation")
	}
	if v, ok := g.get(2 * valueGeneration); !ok || !v.Equal(ast.IntNumberTerm(2*valueGeneration)) {
		t.Error("the last value is not kept")
	}
	var c callCache
	call := func(i int) ast.Ref {
		return ast.Ref{ast.RefTerm(ast.VarTerm("data"), ast.StringTerm("f")), ast.IntNumberTerm(i)}
	}
	for i := range 2*callGeneration + 1 {
		c.add([]callEntry{{call: call(i), value: ast.IntNumberTerm(i)}})
		if i == callGeneration && c.get(call(0), call(0).Hash()) == nil {
			t.Fatal("the first call is gone after one change of generation")
		}
	}
	if c.get(call(0), call(0).Hash()) != nil {
		t.Error("the first call is kept after two changes of generation")
	}
	if v := c.get(call(2*callGeneration), call(2*callGeneration).Hash()); v == nil || !v.Equal(ast.IntNumberTerm(2*callGeneration)) {
		t.Error("the last call is not kept")
	}
}
