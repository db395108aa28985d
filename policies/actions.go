package policies

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/crrscan/crrscan/remediate/awscli"
	"github.com/crrscan/crrscan/report"
)

// A check may define, beside deny, a function remediation_actions(f) that returns the remediation
// actions (report.Action, as objects) of its finding f. The engine adds them to the
// finding and renders the finding's aws CLI commands and documents from them, so that
// what a report suggests and what a remediation would call cannot disagree. Keeping
// actions in a function of the finding lets a check's actions live in a file of their
// own (crr_NNN_actions.rego) without touching its verdict.

// actionFuncs are the check packages (by last segment) that define remediation_actions(f).
func actionFuncs(mods []module) map[string]bool {
	funcs := map[string]bool{}
	checkRules(mods, func(seg string, r *ast.Rule) {
		if ruleName(r) == "remediation_actions" && len(r.Head.Args) == 1 {
			funcs[seg] = true
		}
	})
	return funcs
}

// checkRules calls f with every rule of the check packages (data.crr.checks.X) and
// the package's last segment X.
func checkRules(mods []module, f func(seg string, r *ast.Rule)) {
	for _, m := range mods {
		p := m.parsed.Package.Path
		if !p.HasPrefix(checksRoot) || len(p) != len(checksRoot)+1 {
			continue
		}
		seg, ok := p[len(p)-1].Value.(ast.String)
		if !ok {
			continue
		}
		for _, r := range m.parsed.Rules {
			f(string(seg), r)
		}
	}
}

// withActions is the Rego expression of the deny values of denies with each value's
// actions added under "actions" (an empty list when remediation_actions(f) is undefined for it).
func withActions(pkg, denies string) string {
	return fmt.Sprintf(`{object.union(f, {"actions": [a | some a in %s.remediation_actions(f)]}) | some f in %s}`, pkg, denies)
}

// decodeActions reads a deny value's actions and renders its commands and
// documents from them: the commands replace the ones the check wrote, and the
// documents they read are added to (or replace) the check's.
func decodeActions(v any, d *deny) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("deny field \"actions\": %w", err)
	}
	var acts []report.Action
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // numbers as the rest of the deny value has them
	if err := dec.Decode(&acts); err != nil {
		return fmt.Errorf("deny field \"actions\" must be a list of actions: %w", err)
	}
	if len(acts) == 0 {
		return nil
	}
	for _, a := range acts {
		switch a.Class {
		case report.ClassAdditive, report.ClassIrreversible, report.ClassNarrowing, report.ClassManual:
		default:
			return fmt.Errorf("action %q on %s: class %q is none of additive, irreversible, narrowing, manual", a.Op, a.Target, a.Class)
		}
		if a.Params == nil {
			return fmt.Errorf("action %q on %s: no params", a.Op, a.Target)
		}
	}
	cmds, docs, err := awscli.Render(acts)
	if err != nil {
		return err
	}
	d.Actions = acts
	d.Commands = cmds
	for name, doc := range docs {
		d.Documents[name] = doc
	}
	return nil
}
