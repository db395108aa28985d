package policies

import (
	"github.com/open-policy-agent/opa/v1/ast"
)

// impureBuiltin is true for the built-in functions whose result or effect is not the
// same for the same arguments, besides those OPA marks non-deterministic.
func impureBuiltin(name string) bool {
	switch name {
	case "print", "internal.print", "trace", "time.now_ns", "opa.runtime", "rand.intn", "uuid.rfc4122":
		return true
	}
	return false
}

// pureCalls finds the calls, in the compiled modules, of functions whose value depends
// on their arguments alone: no definition of the function reads input, uses with, calls
// a built-in function whose result may change from one call to the next, or reads a
// rule or calls a function that does. It returns the operator terms of those calls, as
// topdown hands them to the virtual cache (the first term of a function's cache key):
// the value of such a call is the same in the evaluation of every bucket.
func pureCalls(c *ast.Compiler) map[*ast.Term]bool {
	p := purity{c: c, rules: map[*ast.Rule]bool{}}
	calls := map[*ast.Term]bool{}
	mark := func(op *ast.Term) {
		ref, ok := op.Value.(ast.Ref)
		if !ok || !ref.HasPrefix(ast.DefaultRootRef) {
			return
		}
		rules := c.GetRulesExact(ref)
		if len(rules) == 0 {
			return
		}
		for _, r := range rules {
			if len(r.Head.Args) == 0 || !p.pure(r) {
				return
			}
		}
		calls[op] = true
	}
	for _, m := range c.Modules {
		ast.WalkExprs(m, func(x *ast.Expr) bool {
			if terms, ok := x.Terms.([]*ast.Term); ok && x.IsCall() {
				mark(terms[0])
			}
			return false
		})
		ast.WalkTerms(m, func(t *ast.Term) bool {
			if call, ok := t.Value.(ast.Call); ok && len(call) > 0 {
				mark(call[0])
			}
			return false
		})
	}
	return calls
}

// purity decides, rule by rule, whether a rule's value depends on its arguments alone.
type purity struct {
	c     *ast.Compiler
	rules map[*ast.Rule]bool // decided, or being decided (false until it is pure)
}

func (p *purity) pure(r *ast.Rule) bool {
	if v, seen := p.rules[r]; seen {
		return v
	}
	p.rules[r] = false // Rego has no recursion: a rule met again while deciding it is impure
	pure := true
	ast.WalkExprs(r, func(x *ast.Expr) bool {
		if len(x.With) > 0 {
			pure = false
		}
		return !pure
	})
	ast.WalkRefs(r, func(ref ast.Ref) bool {
		if !pure {
			return true
		}
		switch {
		case ref.HasPrefix(ast.InputRootRef):
			pure = false
		case ref.HasPrefix(ast.DefaultRootRef):
			for _, dep := range p.c.GetRulesDynamic(ref) {
				if dep != r && !p.pure(dep) {
					pure = false
					break
				}
			}
		default:
			name := ref.String()
			if b, ok := ast.BuiltinMap[name]; ok && (b.Nondeterministic || impureBuiltin(name)) {
				pure = false
			}
		}
		return !pure
	})
	p.rules[r] = pure
	return pure
}
