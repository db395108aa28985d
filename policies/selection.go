package policies

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

// A check's METADATA may declare, in custom.applies_when, conditions on the bucket
// without which none of its applies rules can hold, read errors aside: a check with
// applies_when: [replicates] cannot apply to a bucket without a replication
// configuration, unless the bucket's input carries a read error. The engine uses the
// declarations to evaluate, per bucket, only the checks that can apply to it
// (a selection): the other checks would not apply, so the evaluation is the same. A
// bucket whose input carries any read error is evaluated with the whole catalogue, and
// a check that declares nothing is in every selection.

// condition is one value of custom.applies_when: its name and whether it holds for a
// bucket's input.
type condition struct {
	name  string
	holds func(Input) bool
}

// conditions are the values custom.applies_when may hold. The order is fixed: bit i of
// a selection's mask is conditions()[i].
func conditions() []condition {
	return []condition{
		// replicates: the bucket has a replication configuration
		// (input.bucket.ReplicationConfiguration is an object; crr.lib.replication's
		// has_config, which rules_known, rules, enabled_rules and the destination sets
		// all rest on).
		{name: "replicates", holds: func(in Input) bool { return in.Bucket.ReplicationConfiguration != nil }},
	}
}

// conditionNames are the names of conditions(), for error messages.
func conditionNames() []string {
	var out []string
	for _, c := range conditions() {
		out = append(out, c.name)
	}
	return out
}

// appliesWhenOf reads custom.applies_when: a list of condition names, returned as a
// mask of conditions() (0: the field is absent or empty).
func appliesWhenOf(raw any, present bool, bad func(string, ...any)) uint {
	if !present || raw == nil {
		return 0
	}
	list, ok := raw.([]any)
	if !ok {
		bad("METADATA custom.applies_when must be a list of conditions (%s)", strings.Join(conditionNames(), "|"))
		return 0
	}
	var mask uint
	for _, v := range list {
		s, _ := v.(string)
		i := slices.IndexFunc(conditions(), func(c condition) bool { return c.name == s })
		if i < 0 {
			bad("METADATA custom.applies_when: %v is not one of %s", v, strings.Join(conditionNames(), "|"))
			continue
		}
		mask |= 1 << i
	}
	return mask
}

// selection is the checks (indexes in Engine.checks) that can apply to a bucket for
// which the conditions of mask hold, and the generated rule that evaluates them.
type selection struct {
	mask    uint
	rule    string
	members []int
}

// selections are the selections of every mask of conditions that leaves out at least
// one check (the mask with every condition is the whole catalogue, results).
func selections(checks []check) []selection {
	all := uint(1)<<len(conditions()) - 1
	var out []selection
	for mask := range all {
		s := selection{mask: mask, rule: fmt.Sprintf("results_%d", mask)}
		for i, c := range checks {
			if c.appliesWhen&^mask == 0 {
				s.members = append(s.members, i)
			}
		}
		if len(s.members) < len(checks) {
			out = append(out, s)
		}
	}
	return out
}

// prepareSelections prepares one query per selection on the compiler that compiled
// the whole catalogue (only the query is compiled again), indexed by mask; a mask
// without a selection of its own gets the whole catalogue's query.
func prepareSelections(ctx context.Context, compiler *ast.Compiler, full rego.PreparedEvalQuery, sels []selection, opts []func(*rego.Rego)) ([]rego.PreparedEvalQuery, error) {
	queries := make([]rego.PreparedEvalQuery, 1<<len(conditions()))
	for i := range queries {
		queries[i] = full
	}
	for _, s := range sels {
		o := append(slices.Clone(opts), rego.Compiler(compiler),
			rego.Query("results := data."+evaluationPackage+"."+s.rule))
		pq, err := rego.New(o...).PrepareForEval(ctx)
		if err != nil {
			return nil, fmt.Errorf("prepare the selection %s: %w", s.rule, err)
		}
		queries[s.mask] = pq
	}
	return queries, nil
}

// queryFor is the prepared query that evaluates the checks that can apply to in: the
// whole catalogue when in carries a read error, else the selection of the conditions
// that hold for in.
func (e *Engine) queryFor(in Input) rego.PreparedEvalQuery {
	if len(in.Errors) > 0 || len(e.selected) == 0 {
		return e.query
	}
	var mask uint
	for i, c := range conditions() {
		if c.holds(in) {
			mask |= 1 << i
		}
	}
	return e.selected[mask]
}
