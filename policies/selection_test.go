package policies

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crrscan/crrscan/scanner"
)

// selectionEstates are the inputs the equivalence tests judge: the demo and hostile
// estates, with and without the demo's settings, and a synthetic estate made from the
// demo's inputs (with settings) by taking replication away, flipping the scope and
// clearing read errors, so that every check meets buckets with and without a
// replication configuration, in and out of scope, with and without errors.
func selectionEstates(t *testing.T, e *Engine) map[string][]Input {
	t.Helper()
	set, err := LoadSettings(filepath.Join("..", "fixtures", "demo", "crrscan.yaml"), e.Checks())
	if err != nil {
		t.Fatal(err)
	}
	today := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	out := map[string][]Input{}
	for _, estate := range []string{"demo", "hostile"} {
		s, err := scanner.ReadSnapshotFile(filepath.Join("..", "fixtures", estate, "snapshot.json"))
		if err != nil {
			t.Fatal(err)
		}
		out[estate] = slices.Collect(Inputs(s))
		out[estate+"+settings"] = slices.Collect(InputsWith(s, set, today))
	}
	var synthetic []Input
	for _, in := range out["demo+settings"] {
		noErrors := in
		noErrors.Errors = nil
		bare := noErrors
		bare.Bucket.ReplicationConfiguration = nil
		bare.Role, bare.Destinations, bare.KmsKeys = nil, nil, nil
		flipped := bare
		flipped.Facts.InScope = !flipped.Facts.InScope
		// A bucket without a configuration whose input still names a role and
		// destinations (as no scan writes it, but a custom check may look at them).
		stale := noErrors
		stale.Bucket.ReplicationConfiguration = nil
		unversioned := bare
		unversioned.Bucket.Versioning = &scanner.Versioning{Status: "Suspended"}
		synthetic = append(synthetic, in, noErrors, bare, flipped, stale, unversioned)
	}
	out["synthetic"] = synthetic
	return out
}

// selectionDiffs evaluates every input with the selection queryFor picks and with the
// whole catalogue, and describes each input whose evaluations differ. selected counts
// the inputs that were evaluated with a selection smaller than the catalogue.
func selectionDiffs(t *testing.T, e *Engine, ins []Input) (diffs []string, selected int) {
	t.Helper()
	ctx := context.Background()
	encode := func(ev Evaluation) string {
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, in := range ins {
		if pq := e.queryFor(in); len(e.selected) > 0 && pq != e.query {
			selected++
		}
		got, err := e.evaluateWith(ctx, in, nil)
		if err != nil {
			t.Fatal(err)
		}
		want, err := e.evaluateQuery(ctx, in, nil, e.query)
		if err != nil {
			t.Fatal(err)
		}
		if encode(got) != encode(want) {
			var ids []string
			for id, o := range want.Outcomes {
				if got.Outcomes[id] != o {
					ids = append(ids, id+" "+o+"→"+got.Outcomes[id])
				}
			}
			slices.Sort(ids)
			diffs = append(diffs, in.Bucket.Arn+": "+strings.Join(ids, ", "))
		}
	}
	return diffs, selected
}

// Evaluating only the checks that can apply (custom.applies_when) changes nothing:
// every input of the demo, hostile and synthetic estates gets the same evaluation,
// byte for byte, as with the whole catalogue; and the selection is really used.
func TestSelectionEquivalence(t *testing.T) {
	e := newEngine(t)
	if len(e.selected) == 0 {
		t.Fatal("no check declares custom.applies_when: the engine prepared no selection")
	}
	for name, ins := range selectionEstates(t, e) {
		diffs, selected := selectionDiffs(t, e, ins)
		for _, d := range diffs {
			t.Errorf("%s: the selection's evaluation differs from the whole catalogue's: %s", name, d)
		}
		if selected == 0 {
			t.Errorf("%s: no input of %d was evaluated with a selection", name, len(ins))
		}
		t.Logf("%s: %d inputs, %d with a selection, %d differ", name, len(ins), selected, len(diffs))
	}
}

// The mutation: a check that applies to every in-scope bucket but declares, wrongly,
// that it needs a replication configuration is left out of the selection of the
// buckets without one, and the equivalence comparison catches it. The same check
// declaring nothing is judged on every bucket and the comparison finds nothing.
func TestSelectionMutationIsCaught(t *testing.T) {
	const check = `# METADATA
# title: Every in-scope bucket is judged
# custom:
#   id: ACME-ALL
#   severity: low
#%s
package crr.checks.acme_all

applies if input.facts.in_scope == true

deny contains {"msg": "judged"} if input.bucket.Name != ""
`
	for _, tc := range []struct {
		name, declared string
		wantDiffs      bool
	}{
		{"declares nothing", "", false},
		{"wrongly declares replicates", "   applies_when: [replicates]", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			src := strings.Replace(check, "#%s", "#"+tc.declared, 1)
			if err := os.WriteFile(filepath.Join(dir, "acme_all.rego"), []byte(src), 0o600); err != nil {
				t.Fatal(err)
			}
			e := newEngine(t, dir)
			diffs, _ := selectionDiffs(t, e, selectionEstates(t, e)["synthetic"])
			if tc.wantDiffs != (len(diffs) > 0) {
				t.Fatalf("the comparison found %d differences %v; want differences: %v", len(diffs), diffs, tc.wantDiffs)
			}
			for _, d := range diffs {
				if !strings.Contains(d, "ACME-ALL pass→") && !strings.Contains(d, "ACME-ALL fail→") {
					t.Errorf("a difference that is not the mutated check's: %s", d)
				}
			}
		})
	}
}

// The built-in mutation: CRR-010 (every in-scope bucket must replicate: it applies
// above all to buckets WITHOUT a configuration) marked as needing one is caught too.
func TestSelectionBuiltinMutationIsCaught(t *testing.T) {
	e := newEngine(t)
	ins := selectionEstates(t, e)["synthetic"]
	if diffs, _ := selectionDiffs(t, e, ins); len(diffs) > 0 {
		t.Fatalf("the unmutated engine differs: %v", diffs)
	}
	i := slices.IndexFunc(e.checks, func(c check) bool { return c.ID == "CRR-010" })
	if i < 0 {
		t.Fatal("no CRR-010")
	}
	mutated, err := newEngineWith(context.Background(), Options{}, func(cs []check) { cs[i].appliesWhen = 1 })
	if err != nil {
		t.Fatal(err)
	}
	diffs, _ := selectionDiffs(t, mutated, ins)
	if len(diffs) == 0 {
		t.Fatal("CRR-010 left out of the selection of buckets without replication, and no evaluation differs")
	}
	for _, d := range diffs {
		if !strings.Contains(d, "CRR-010 ") {
			t.Errorf("a difference that is not CRR-010's: %s", d)
		}
	}
}

// Selections: a check that declares nothing is in every selection; a check that
// declares replicates is in none but the whole catalogue's.
func TestSelections(t *testing.T) {
	checks := []check{{Check: Check{ID: "A"}}, {Check: Check{ID: "B"}, appliesWhen: 1}, {Check: Check{ID: "C"}}}
	sels := selections(checks)
	if len(sels) != 1 || sels[0].mask != 0 || !slices.Equal(sels[0].members, []int{0, 2}) {
		t.Fatalf("selections = %+v, want one for mask 0 with A and C", sels)
	}
	if got := selections([]check{{}, {}}); len(got) != 0 {
		t.Fatalf("checks that declare nothing made selections %+v", got)
	}
	e := newEngine(t)
	for _, c := range e.checks {
		want := uint(1)
		if slices.Contains([]string{"CRR-001", "CRR-010", "CRR-090", "CRR-091", "CRR-092"}, c.ID) {
			want = 0 // they apply to buckets without a configuration (in scope, errors, waivers, intent)
		}
		if slices.Contains([]string{"CRR-080", "CRR-081", "CRR-082", "CRR-083", "CRR-084", "CRR-085"}, c.ID) {
			// Live verification landed beside the selection and declares nothing yet
			// (so it runs on every bucket): the equivalence estates carry no
			// verification evidence that would prove a declaration right.
			want = 0
		}
		if c.appliesWhen != want {
			t.Errorf("%s: applies_when mask %d, want %d", c.ID, c.appliesWhen, want)
		}
	}
}

// A check's custom.applies_when must be a list of known conditions.
func TestAppliesWhenValidation(t *testing.T) {
	for _, tc := range []struct{ value, want string }{
		{"[replicates, kms]", "custom.applies_when: kms is not one of replicates"},
		{"replicates", "custom.applies_when must be a list"},
	} {
		dir := t.TempDir()
		src := "# METADATA\n# title: t\n# custom:\n#   id: ACME-W\n#   severity: low\n#   applies_when: " + tc.value +
			"\npackage crr.checks.acme_w\n\ndeny contains {\"msg\": \"x\"} if false\n"
		if err := os.WriteFile(filepath.Join(dir, "w.rego"), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := New(context.Background(), dir)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("applies_when %s: error %v, want %q", tc.value, err, tc.want)
		}
	}
}
