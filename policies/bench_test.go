package policies

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/crrscan/crrscan/scanner"
)

// demoInput returns the input of one bucket of the demo estate.
func demoInput(tb testing.TB, bucket string) Input {
	tb.Helper()
	s, err := scanner.ReadSnapshotFile(filepath.Join("..", "fixtures", "demo", "snapshot.json"))
	if err != nil {
		tb.Fatal(err)
	}
	for in := range Inputs(s) {
		if in.Bucket.Name == bucket {
			return in
		}
	}
	tb.Fatalf("no bucket %s in the demo estate", bucket)
	return Input{}
}

// failingInput breaks a compliant input in many ways at once.
func failingInput(tb testing.TB) Input {
	in := demoInput(tb, "acme-orders-prod")
	in.Bucket.Versioning = &scanner.Versioning{Status: "Suspended"}
	cfg := *in.Bucket.ReplicationConfiguration
	rules := make([]scanner.ReplicationRule, len(cfg.Rules))
	copy(rules, cfg.Rules)
	for i := range rules {
		rules[i].Status = "Disabled"
		rules[i].Filter = nil
		p := "/logs/*"
		rules[i].Prefix = &p
		rules[i].Priority = nil
		rules[i].DeleteMarkerReplication = nil
		rules[i].Destination.StorageClass = "DEEP_ARCHIVE"
	}
	cfg.Rules = rules
	in.Bucket.ReplicationConfiguration = &cfg
	dests := map[string]scanner.LinkedBucket{}
	for arn, d := range in.Destinations {
		d.Versioning = &scanner.Versioning{Status: "Suspended"}
		d.Region = in.Bucket.Region
		dests[arn] = d
	}
	in.Destinations = dests
	if in.Role != nil {
		r := *in.Role
		r.AssumeRolePolicyDocument = map[string]any{"Version": "2012-10-17", "Statement": []any{
			map[string]any{"Effect": "Allow", "Principal": map[string]any{"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
		}}
		r.RolePolicies = []scanner.InlinePolicy{{PolicyName: "too-broad", PolicyDocument: map[string]any{
			"Version": "2012-10-17", "Statement": map[string]any{"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
		}}}
		in.Role = &r
	}
	return in
}

// BenchmarkEvaluate measures judging one bucket with the whole catalogue. Targets
// (issue 2): ≤ 100 µs and ≤ 40 KB allocated per compliant bucket on one core.
// compliant and failing are cold: nothing is cached. The -warm variants evaluate with
// the evalCache that another bucket with the same role, destinations and KMS keys left
// (a sibling: the same input under another bucket name), frozen so that the measured
// bucket finds only what that sibling left, as the next bucket of a role would; the
// checks are evaluated in full every time.
func BenchmarkEvaluate(b *testing.B) {
	e, err := New(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		in   Input
	}{
		{"compliant", demoInput(b, "acme-orders-prod")},
		{"failing", failingInput(b)},
		{"replicating-wildcard", wildcardRoleInput(b)},
	} {
		if bc.name != "replicating-wildcard" {
			b.Run(bc.name, func(b *testing.B) { benchEvaluate(b, e, bc.in, nil) })
		}
		b.Run(bc.name+"-warm", func(b *testing.B) {
			cache := e.newEvalCache()
			sibling := bc.in
			sibling.Bucket.Name += "-sibling"
			sibling.Bucket.Arn += "-sibling"
			if _, err := e.evaluateWith(context.Background(), sibling, cache); err != nil {
				b.Fatal(err)
			}
			cache.frozen = true
			benchEvaluate(b, e, bc.in, cache)
		})
	}
	b.Run("non-replicating", func(b *testing.B) { benchEvaluate(b, e, nonReplicatingInput(b), nil) })
}

// nonReplicatingInput is a compliant bucket without replication: the demo's
// acme-data-lake-raw-prod (versioned, no replication configuration) as a scope that
// leaves it out sees it (facts.in_scope false: it need not replicate).
func nonReplicatingInput(tb testing.TB) Input {
	in := demoInput(tb, "acme-data-lake-raw-prod")
	in.Facts.InScope = false
	return in
}

// wildcardRoleInput is the compliant acme-orders-prod whose replication role reads
// with wildcards: s3:Get* on every object of every bucket (arn:aws:s3:::*/*), as
// shared roles often do, and writes replicas to the destination's objects only.
func wildcardRoleInput(tb testing.TB) Input {
	tb.Helper()
	in := demoInput(tb, "acme-orders-prod")
	if in.Role == nil || len(in.Role.RolePolicies) == 0 {
		tb.Fatal("acme-orders-prod has no role policies in the demo estate")
	}
	r := *in.Role
	r.RolePolicies = slices.Clone(r.RolePolicies)
	var dests []any
	for arn := range in.Destinations {
		dests = append(dests, arn+"/*")
	}
	slices.SortFunc(dests, func(a, b any) int { return strings.Compare(a.(string), b.(string)) })
	r.RolePolicies[0] = scanner.InlinePolicy{PolicyName: "replicate-wildcard", PolicyDocument: map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{
			map[string]any{"Effect": "Allow", "Action": []any{"s3:Get*", "s3:ListBucket"},
				"Resource": []any{in.Bucket.Arn, "arn:aws:s3:::*/*"}},
			map[string]any{"Effect": "Allow", "Action": []any{"s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"},
				"Resource": dests},
		},
	}}
	in.Role = &r
	return in
}

func benchEvaluate(b *testing.B, e *Engine, in Input, cache *evalCache) {
	ctx := context.Background()
	ev, err := e.evaluateWith(ctx, in, cache)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(ev.Findings)), "findings")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.evaluateWith(ctx, in, cache); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluateFloor measures what any evaluation of the compliant bucket costs
// before the checks do any work, for comparison with BenchmarkEvaluate/compliant:
// converting the input (JSON and Rego value), an empty prepared query with that
// input, and a catalogue as large as the built-in one of trivial checks that all
// apply and pass (one comparison each), evaluated the way Evaluate evaluates checks;
// the -converted-once variants (the trivial and the real catalogue) take the input
// converted once, to show what evaluating the checks costs alone.
func BenchmarkEvaluateFloor(b *testing.B) {
	ctx := context.Background()
	e, err := New(ctx)
	if err != nil {
		b.Fatal(err)
	}
	in := demoInput(b, "acme-orders-prod")
	convert := func() ast.Value {
		doc, err := json.Marshal(in)
		if err != nil {
			b.Fatal(err)
		}
		v, err := jsonValueWith(doc, e.keys)
		if err != nil {
			b.Fatal(err)
		}
		return v
	}
	b.Run("convert", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			convert()
		}
	})
	prepare := func(query string, modules ...*ast.Module) rego.PreparedEvalQuery {
		opts := []func(*rego.Rego){rego.Query(query)}
		for _, m := range modules {
			opts = append(opts, rego.ParsedModule(m))
		}
		pq, err := rego.New(opts...).PrepareForEval(ctx)
		if err != nil {
			b.Fatal(err)
		}
		return pq
	}
	// eval converts the input in every iteration; evalConverted converts it once, to
	// show what evaluating the checks costs alone.
	eval := func(b *testing.B, pq rego.PreparedEvalQuery) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := pq.Eval(ctx, rego.EvalParsedInput(convert()), rego.EvalVirtualCache(newVirtualCache())); err != nil {
				b.Fatal(err)
			}
		}
	}
	evalConverted := func(b *testing.B, pq rego.PreparedEvalQuery) {
		val := convert()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := pq.Eval(ctx, rego.EvalParsedInput(val), rego.EvalVirtualCache(newVirtualCache()), rego.EvalGenerateJSON(rawTerm)); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("empty-query", func(b *testing.B) { eval(b, prepare("x := 1")) })
	// 42 trivial checks, fixed (the size of the built-in catalogue when this yardstick
	// was named), so that the figure measures the machine and OPA, not crrscan.
	checks := make([]check, 42)
	modules := make([]*ast.Module, 0, len(e.checks)+1)
	for i := range checks {
		checks[i] = check{pkg: fmt.Sprintf("trivial_%03d", i), hasApplies: true, denySet: true}
		m, err := ast.ParseModuleWithOpts(checks[i].pkg+".rego", "package crr.checks."+checks[i].pkg+`
applies if input.facts.in_scope == true
deny contains {"msg": "versioning"} if input.bucket.Versioning.Status != "Enabled"
`, ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			b.Fatal(err)
		}
		modules = append(modules, m)
	}
	gen, err := evaluationModule(checks)
	if err != nil {
		b.Fatal(err)
	}
	trivial := prepare(query, append(modules, gen)...)
	b.Run(fmt.Sprintf("trivial-catalogue-%d", len(checks)), func(b *testing.B) { eval(b, trivial) })
	b.Run(fmt.Sprintf("trivial-catalogue-%d-converted-once", len(checks)), func(b *testing.B) { evalConverted(b, trivial) })
	b.Run("catalogue-converted-once", func(b *testing.B) { evalConverted(b, e.query) })
}

// BenchmarkNew measures loading, compiling and preparing the catalogue (target ≤ 300 ms).
func BenchmarkNew(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		if _, err := New(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func TestFailingInputFails(t *testing.T) {
	e := newEngine(t)
	ev, err := e.Evaluate(context.Background(), failingInput(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Findings) < 4 {
		t.Fatalf("the benchmark's failing bucket fails only %d checks", len(ev.Findings))
	}
	for _, in := range []Input{demoInput(t, "acme-orders-prod"), wildcardRoleInput(t), nonReplicatingInput(t)} {
		ok, err := e.Evaluate(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		if in.Bucket.ReplicationConfiguration == nil && len(ok.Findings) > 0 {
			t.Errorf("the benchmark's non-replicating bucket %s has %d findings, want none", in.Bucket.Name, len(ok.Findings))
		}
		for _, f := range ok.Findings {
			if f.Severity == "critical" || f.Severity == "high" {
				t.Errorf("the benchmark's compliant bucket %s has %s: %s", in.Bucket.Name, f.CheckID, f.Message)
			}
		}
	}
}

// BenchmarkEvaluateEstate measures judging every bucket of the demo estate one after
// the other (ns/op is per bucket), without a cache and with one cache per pass over the
// estate, as a run uses it: in the demo few buckets share a role, so this shows what
// the cache costs where it has little to share.
func BenchmarkEvaluateEstate(b *testing.B) {
	ctx := context.Background()
	e, err := New(ctx)
	if err != nil {
		b.Fatal(err)
	}
	s, err := scanner.ReadSnapshotFile(filepath.Join("..", "fixtures", "demo", "snapshot.json"))
	if err != nil {
		b.Fatal(err)
	}
	ins := slices.Collect(Inputs(s))
	for _, cached := range []bool{false, true} {
		name := "cold"
		if cached {
			name = "cached"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var cache *evalCache
				if cached {
					cache = e.newEvalCache()
				}
				for _, in := range ins {
					if _, err := e.evaluateWith(ctx, in, cache); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ins)), "ns/bucket")
		})
	}
}
