package policies

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

// TestActionsRenderTheChecksCommands: for every finding of the test estates whose
// check has remediation actions, the commands rendered from the actions are the
// commands the check itself writes in its deny value (its fix as reviewed so far),
// and the rendered documents are the check's own.
func TestActionsRenderTheChecksCommands(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	opts := []func(*rego.Rego){rego.Query("d := data.crr.checks[pkg].deny[_]")}
	for _, m := range allRegoModules(t) {
		opts = append(opts, rego.ParsedModule(m))
	}
	pq, err := rego.New(opts...).PrepareForEval(ctx)
	if err != nil {
		t.Fatal(err)
	}
	snaps := []*scanner.Snapshot{estate()}
	for _, f := range []string{"demo", "hostile"} {
		s, err := scanner.ReadSnapshotFile(filepath.Join("..", "fixtures", f, "snapshot.json"))
		if err != nil {
			t.Fatal(err)
		}
		snaps = append(snaps, s)
	}
	withActions := map[string]int{}
	for _, s := range snaps {
		for in := range Inputs(s) {
			ev, err := e.Evaluate(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			var own []deny
			rs, err := pq.Eval(ctx, rego.EvalInput(in))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rs {
				d, err := decodeDeny(withoutActions(r.Bindings["d"]))
				if err != nil {
					t.Fatal(err)
				}
				own = append(own, d)
			}
			for _, f := range ev.Findings {
				if len(f.Remediation.Actions) == 0 {
					continue
				}
				withActions[f.CheckID]++
				i := slices.IndexFunc(own, func(d deny) bool {
					return d.Msg == f.Message && d.RuleID == f.RuleID && d.Destination == f.Destination
				})
				if i < 0 {
					t.Fatalf("%s on %s: no deny value with its message", f.CheckID, f.Bucket)
				}
				if !reflect.DeepEqual(f.Remediation.Commands, own[i].Commands) {
					t.Errorf("%s on %s: rendered %q, the check writes %q", f.CheckID, f.Bucket, f.Remediation.Commands, own[i].Commands)
				}
				if !reflect.DeepEqual(f.Remediation.Documents, own[i].Documents) {
					t.Errorf("%s on %s: rendered documents %v, the check's %v", f.CheckID, f.Bucket, f.Remediation.Documents, own[i].Documents)
				}
				for _, a := range f.Remediation.Actions {
					if a.Target == "" || a.Op == "" {
						t.Errorf("%s on %s: action without op or target: %+v", f.CheckID, f.Bucket, a)
					}
				}
			}
		}
	}
	ids := make([]string, 0, len(withActions))
	for id := range withActions {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	t.Logf("findings with actions per check: %v", withActions)
	for _, id := range []string{"CRR-001", "CRR-002", "CRR-011", "CRR-030", "CRR-031", "CRR-032", "CRR-034", "CRR-050"} {
		if withActions[id] == 0 {
			t.Errorf("no %s finding with actions in the test estates (%v)", id, ids)
		}
	}
}

// withoutActions is a deny value as the check writes it (the engine adds actions).
func withoutActions(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := make(map[string]any, len(m))
	for k, x := range m {
		if k != "actions" {
			out[k] = x
		}
	}
	return out
}

var _ = report.ClassAdditive
