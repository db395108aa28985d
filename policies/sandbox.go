package policies

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/crrscan/crrscan/report"
)

// Options are the engine's loading and evaluation choices.
type Options struct {
	// PolicyDirs are directories of custom Rego checks (see New).
	PolicyDirs []string
	// AllowNetwork lets custom checks call the builtins that reach outside the
	// process (sandboxedBuiltins); without it, a custom check that calls one is
	// refused at load (--allow-network-policies).
	AllowNetwork bool
	// EvalTimeout bounds the evaluation of the checks on one bucket; a bucket whose
	// evaluation takes longer is not judged and gets an error finding (see
	// stoppedEvaluation). 0 means DefaultEvalTimeout; negative means no limit.
	EvalTimeout time.Duration
}

// DefaultEvalTimeout is the time limit of one bucket's evaluation. The built-in
// checks take milliseconds per bucket (make bench), so only a runaway custom check
// meets it.
const DefaultEvalTimeout = 30 * time.Second

// sandboxedBuiltins are the OPA builtins that reach outside the process, with why:
// custom checks may call them only with Options.AllowNetwork, since a scan (even of
// a stored snapshot, offline) must not send what it reads anywhere. The built-in
// checks call none of them. net.cidr_* are pure arithmetic and stay allowed.
var sandboxedBuiltins = map[string]string{
	"http.send":          "sends HTTP requests",
	"net.lookup_ip_addr": "sends DNS queries",
	"opa.runtime":        "reads the environment (variables and configuration)",
	"json.match_schema":  "may fetch a schema's remote $ref over the network",
	"json.verify_schema": "may fetch a schema's remote $ref over the network",
}

// sandboxProblems lists, in file and line order, every call of a sandboxed builtin
// in the custom modules, as "file:line: ..." lines.
func sandboxProblems(mods []module) []string {
	type call struct {
		file string
		row  int
		name string
	}
	var calls []call
	for _, m := range mods {
		if m.embedded {
			continue
		}
		note := func(op ast.Ref, loc *ast.Location) {
			name := op.String()
			if _, bad := sandboxedBuiltins[name]; !bad {
				return
			}
			c := call{file: m.name, name: name}
			if loc != nil {
				c.file, c.row = loc.File, loc.Row
			}
			calls = append(calls, c)
		}
		ast.WalkExprs(m.parsed, func(e *ast.Expr) bool {
			if e.IsCall() {
				note(e.Operator(), e.Location)
			}
			return false
		})
		ast.WalkTerms(m.parsed, func(t *ast.Term) bool {
			if c, ok := t.Value.(ast.Call); ok && len(c) > 0 {
				if op, ok := c[0].Value.(ast.Ref); ok {
					note(op, t.Location)
				}
			}
			return false
		})
	}
	sort.Slice(calls, func(i, j int) bool {
		if calls[i].file != calls[j].file {
			return calls[i].file < calls[j].file
		}
		return calls[i].row < calls[j].row
	})
	calls = slices.Compact(calls)
	out := make([]string, 0, len(calls))
	for _, c := range calls {
		out = append(out, fmt.Sprintf("%s:%d: calls %s, which %s; custom checks may not, unless --allow-network-policies is given",
			c.file, c.row, c.name, sandboxedBuiltins[c.name]))
	}
	return out
}

// sandboxCapabilities are OPA's capabilities without the sandboxed builtins and
// with no host allowed to the network builtins: what the compiler accepts when
// custom checks are not allowed the network (a second guard behind sandboxProblems).
func sandboxCapabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	caps.Builtins = slices.DeleteFunc(caps.Builtins, func(b *ast.Builtin) bool {
		_, bad := sandboxedBuiltins[b.Name]
		return bad
	})
	caps.AllowNet = []string{}
	return caps
}

// evalContext bounds one bucket's evaluation with the engine's time limit.
func (e *Engine) evalContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if e.evalTimeout < 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, e.evalTimeout)
}

// stoppedEvaluation is the evaluation of a bucket whose checks were stopped by the
// time limit (err is the evaluation's error, evalCtx its context, ctx the run's):
// no check is judged, and one CRR-090 error finding says so. ok is false when the
// evaluation failed for another reason, or the run itself was cancelled.
func (e *Engine) stoppedEvaluation(ctx, evalCtx context.Context, in Input, err error) (Evaluation, bool) {
	if ctx.Err() != nil || !errors.Is(evalCtx.Err(), context.DeadlineExceeded) || err == nil {
		return Evaluation{}, false
	}
	c, ok := e.checkByID(ErrorCheckID)
	if !ok {
		return Evaluation{}, false
	}
	msg := fmt.Sprintf("evaluating the checks on bucket %s took longer than %s and was stopped: no check was judged on it (a custom check that loops or computes too much is the likely cause)",
		in.Bucket.Name, e.evalTimeout)
	f := c.finding(in, deny{
		Msg: msg,
		Key: "Evaluate " + in.Bucket.Arn,
		Evidence: map[string]any{
			"Operation": "Evaluate",
			"Resource":  in.Bucket.Arn,
			"Code":      "EvaluationTimeLimit",
			"Message":   msg,
		},
	}, report.StatusError)
	return Evaluation{
		Findings: []report.Finding{f},
		Outcomes: map[string]string{ErrorCheckID: OutcomeError},
		Stopped:  true,
	}, true
}

func (e *Engine) checkByID(id string) (*check, bool) {
	for i := range e.checks {
		if e.checks[i].ID == id {
			return &e.checks[i], true
		}
	}
	return nil, false
}
