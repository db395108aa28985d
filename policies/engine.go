// Package policies loads, validates and evaluates crrscan's checks: embedded Rego
// packages under data.crr.checks (one per check, each with a METADATA block), the
// shared Rego library under data.crr.lib, and any checks from --policy-dir. It never
// calls AWS.
package policies

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/loader"
	"github.com/open-policy-agent/opa/v1/metrics"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

// embedded holds the built-in checks and the shared library (tests included: they
// are filtered out when loading for evaluation and run by the package's Go tests).
//
//go:embed checks lib
var embedded embed.FS

// Outcomes of a check on one bucket.
const (
	OutcomePass  = "pass"
	OutcomeFail  = "fail"
	OutcomeError = "error"
)

// ErrorCheckID is the check that reports collection errors.
const ErrorCheckID = "CRR-090"

// evaluationPackage is the package of the rules New generates to evaluate every check
// at once. data.crr.lib is reserved for the built-in library, so no custom module can
// add rules to it.
const evaluationPackage = "crr.lib.zz_evaluation"

// query reads the generated rules: [index in Engine.checks, deny values] for every
// check that applies to the input.
const query = "results := data." + evaluationPackage + ".results"

// Engine holds the compiled checks and one prepared query. It is immutable after New
// and safe for concurrent Evaluate calls.
type Engine struct {
	checks []check // sorted by id
	query  rego.PreparedEvalQuery
	// selected are the queries of the selections (see selection.go), by mask of the
	// conditions that hold for a bucket; nil when every check declares nothing.
	selected []rego.PreparedEvalQuery
	digest   string
	keys     map[string]*ast.Term // read only: see inputKeys
	pure     map[*ast.Term]bool   // read only: see pureCalls
	// evalTimeout bounds one bucket's evaluation (negative: no limit).
	evalTimeout time.Duration
}

type check struct {
	Check
	pkg        string // last package segment
	hasApplies bool
	denySet    bool // every deny rule adds to a set (deny contains ...): deny is always defined
	actions    bool // the package defines remediation_actions(f): see actions.go
	// appliesWhen is custom.applies_when as a mask of conditions() (0: in every selection).
	appliesWhen uint
}

// Evaluation is one bucket's result.
type Evaluation struct {
	// Findings are the bucket's fail, error and waived findings (not yet sorted).
	Findings []report.Finding
	// Outcomes maps the id of every check that applies to the bucket to pass, fail,
	// error or waived (it fired and an unexpired waiver in input.settings covers it).
	Outcomes map[string]string
	// Stopped is true when the evaluation met the time limit: no check was judged,
	// and one CRR-090 error finding says so.
	Stopped bool
}

// New loads the embedded checks and library plus the Rego checks found in policyDirs
// (recursively; *_test.rego and non-.rego files are skipped), validates every check's
// METADATA, and prepares the evaluation query once. Custom checks are sandboxed and
// each bucket's evaluation has DefaultEvalTimeout (see NewWithOptions).
func New(ctx context.Context, policyDirs ...string) (*Engine, error) {
	return NewWithOptions(ctx, Options{PolicyDirs: policyDirs})
}

// NewWithOptions is New with o's choices: unless o.AllowNetwork, a custom check
// that calls a builtin reaching outside the process (sandboxedBuiltins) is refused
// with its file and line; each bucket's evaluation is limited to o.EvalTimeout.
func NewWithOptions(ctx context.Context, o Options) (*Engine, error) {
	return newEngineWith(ctx, o, nil)
}

// newEngineWith is NewWithOptions; mutate (when not nil) may change the loaded checks,
// sorted by id, before the queries are generated (tests mutate a selection with it).
func newEngineWith(ctx context.Context, o Options, mutate func([]check)) (*Engine, error) {
	mods, err := loadModules(o.PolicyDirs)
	if err != nil {
		return nil, err
	}
	if !o.AllowNetwork {
		if ps := sandboxProblems(mods); len(ps) > 0 {
			return nil, fmt.Errorf("refused custom checks:\n  %s", strings.Join(ps, "\n  "))
		}
	}
	pkgs, problems := collectPackages(mods)
	names := make([]string, 0, len(pkgs))
	for n := range pkgs {
		names = append(names, n)
	}
	// Built-in checks first, so that an id collision is blamed on the custom check.
	sort.Slice(names, func(i, j int) bool {
		a, b := pkgs[names[i]], pkgs[names[j]]
		if a.embedded != b.embedded {
			return a.embedded
		}
		return a.name < b.name
	})
	e := &Engine{evalTimeout: o.EvalTimeout}
	if e.evalTimeout == 0 {
		e.evalTimeout = DefaultEvalTimeout
	}
	sets := denySets(mods)
	acts := actionFuncs(mods)
	owner := map[string]string{}
	for _, n := range names {
		cp := pkgs[n]
		c, when, ps := checkFromPackage(cp)
		problems = append(problems, ps...)
		if len(ps) > 0 {
			continue
		}
		if prev, dup := owner[c.ID]; dup {
			problems = append(problems, fmt.Sprintf("%s: check id %s is already used by package %s", strings.Join(cp.files, ", "), c.ID, prev))
			continue
		}
		owner[c.ID] = c.Package
		e.checks = append(e.checks, check{Check: c, pkg: n, hasApplies: cp.hasApplies, denySet: sets[n], actions: acts[n], appliesWhen: when})
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("invalid checks:\n  %s", strings.Join(problems, "\n  "))
	}
	if !slices.ContainsFunc(e.checks, func(c check) bool { return c.ID == ErrorCheckID }) {
		return nil, fmt.Errorf("load policies: check %s is missing", ErrorCheckID)
	}
	sort.Slice(e.checks, func(i, j int) bool { return e.checks[i].ID < e.checks[j].ID })
	if mutate != nil {
		mutate(e.checks)
	}

	sels := selections(e.checks)
	gen, err := evaluationModule(e.checks, sels...)
	if err != nil {
		return nil, fmt.Errorf("compile policies: %w", err)
	}
	var compiler *ast.Compiler
	opts := []func(*rego.Rego){rego.Query(query), rego.ParsedModule(gen),
		rego.CompilerHook(func(c *ast.Compiler) { compiler = c })}
	for _, m := range mods {
		opts = append(opts, rego.ParsedModule(m.parsed))
	}
	var queryOpts []func(*rego.Rego)
	if !o.AllowNetwork {
		queryOpts = append(queryOpts, rego.Capabilities(sandboxCapabilities()))
	}
	pq, err := rego.New(append(opts, queryOpts...)...).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("compile policies: %w", err)
	}
	e.query = pq
	if len(sels) > 0 {
		if e.selected, err = prepareSelections(ctx, compiler, pq, sels, queryOpts); err != nil {
			return nil, fmt.Errorf("compile policies: %w", err)
		}
	}
	if compiler != nil {
		e.pure = pureCalls(compiler)
	}
	e.digest = digest(mods)
	e.keys = inputKeys()
	return e, nil
}

// evaluationModule generates one rule body per check that names the check's package
// explicitly: its deny values, only when the check applies (its applies rule is true,
// or, for a check without one, the bucket is in scope). A check that does not apply is
// never judged, so its deny rule is not evaluated either; the checks whose applies rule
// already looks at deny evaluate it once (rules are cached within an evaluation).
// results holds every check; each of sels gets a rule of its own (selection.rule) with
// the same bodies for its members only.
func evaluationModule(checks []check, sels ...selection) (*ast.Module, error) {
	bodies := make([]string, len(checks))
	for i, c := range checks {
		name, err := json.Marshal(c.pkg)
		if err != nil {
			return nil, err
		}
		pkg := "data.crr.checks[" + string(name) + "]"
		cond := "input.facts.in_scope == true"
		if c.hasApplies {
			cond = pkg + ".applies == true"
		}
		// A deny set is read as it is; a deny rule of another kind may be undefined or
		// not a set, so its values are collected as the query over deny[_] did (decode
		// sorts and dedupes them; the package is named through a variable, so that the
		// type checker accepts any kind of deny, as it did then).
		denies := pkg + ".deny"
		if !c.denySet {
			denies = "[f | pkg := " + string(name) + "; f := data.crr.checks[pkg].deny[_]]"
		}
		if c.actions {
			denies = withActions(pkg, denies)
		}
		bodies[i] = fmt.Sprintf(" contains [%d, %s] if %s\n\n", i, denies, cond)
	}
	var b strings.Builder
	b.WriteString("package " + evaluationPackage + "\n\n")
	for _, body := range bodies {
		b.WriteString("results" + body)
	}
	for _, s := range sels {
		for _, i := range s.members {
			b.WriteString(s.rule + bodies[i])
		}
	}
	return ast.ParseModuleWithOpts("crrscan-evaluation.rego", b.String(), ast.ParserOptions{RegoVersion: ast.RegoV1})
}

// denySets are the check packages (by last segment) whose deny rules all add to a
// set: "deny contains f if ...".
func denySets(mods []module) map[string]bool {
	sets := map[string]bool{}
	checkRules(mods, func(seg string, r *ast.Rule) {
		if ruleName(r) != "deny" {
			return
		}
		set := r.Head.RuleKind() == ast.MultiValue && len(r.Head.Ref()) == 1
		if prev, seen := sets[seg]; seen {
			set = set && prev
		}
		sets[seg] = set
	})
	return sets
}

// loadModules parses the embedded modules and those of every policy directory.
func loadModules(policyDirs []string) ([]module, error) {
	res, err := loader.NewFileLoader().WithFS(embedded).WithProcessAnnotation(true).
		Filtered([]string{"checks", "lib"}, regoFiles)
	if err != nil {
		return nil, fmt.Errorf("load embedded policies: %w", err)
	}
	mods := modulesOf(res, true)
	for _, dir := range policyDirs {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return nil, fmt.Errorf("policy dir %s: %w", dir, err)
		}
		res, err := loader.NewFileLoader().WithProcessAnnotation(true).Filtered([]string{abs}, regoFiles)
		if err != nil {
			return nil, fmt.Errorf("load policy dir %s: %w", dir, err)
		}
		mods = append(mods, modulesOf(res, false)...)
	}
	return mods, nil
}

func modulesOf(res *loader.Result, embedded bool) []module {
	mods := make([]module, 0, len(res.Modules))
	for _, f := range res.Modules {
		mods = append(mods, module{name: f.Name, raw: f.Raw, parsed: f.Parsed, embedded: embedded})
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].name < mods[j].name })
	return mods
}

// digest hashes the module sources in path order. Only contents count, so moving a
// policy directory does not change it.
func digest(mods []module) string {
	sorted := slices.Clone(mods)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].name < sorted[j].name })
	h := sha256.New()
	var n [8]byte
	for _, m := range sorted {
		binary.BigEndian.PutUint64(n[:], uint64(len(m.raw)))
		h.Write(n[:])
		h.Write(m.raw)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Checks returns every loaded check, sorted by id.
func (e *Engine) Checks() []Check {
	out := make([]Check, len(e.checks))
	for i, c := range e.checks {
		out[i] = c.Check
		out[i].Requires = slices.Clone(c.Requires)
	}
	return out
}

// Check returns the check with the given id.
func (e *Engine) Check(id string) (Check, bool) {
	for _, c := range e.checks {
		if c.ID == id {
			cc := c.Check
			cc.Requires = slices.Clone(c.Requires)
			return cc, true
		}
	}
	return Check{}, false
}

// Digest is the sha256 (hex) of the loaded policy sources, for the result's policy_digest.
func (e *Engine) Digest() string { return e.digest }

// Evaluate judges one bucket. A check that applies but needs a component whose read
// failed (its METADATA requires) is not judged: its outcome is error and its fail
// findings are dropped; the CRR-090 finding carries the read error. The findings of
// a check that fired and that an unexpired waiver of in.Settings covers are waived.
func (e *Engine) Evaluate(ctx context.Context, in Input) (Evaluation, error) {
	return e.evaluateWith(ctx, in, nil)
}

// evaluateWith is Evaluate with what the earlier buckets of the run left in cache (nil:
// none): the Rego values of the role, destinations and KMS keys, and the values of
// pure calls. The evaluation is the same, value for value. cache must have been used
// with e alone.
func (e *Engine) evaluateWith(ctx context.Context, in Input, cache *evalCache) (Evaluation, error) {
	return e.evaluateQuery(ctx, in, cache, e.queryFor(in))
}

// evaluateQuery is evaluateWith with the prepared query to evaluate: e.query (the
// whole catalogue) or one of e.selected.
func (e *Engine) evaluateQuery(ctx context.Context, in Input, cache *evalCache, pq rego.PreparedEvalQuery) (Evaluation, error) {
	if cache != nil && cache.owner != e {
		return Evaluation{}, fmt.Errorf("bucket %s: the evaluation cache belongs to another engine", in.Bucket.Arn)
	}
	val, err := e.inputValue(in, cache)
	if err != nil {
		return Evaluation{}, fmt.Errorf("bucket %s: %w", in.Bucket.Arn, err)
	}
	// Cancel the evaluation with ctx without the goroutine rego starts per query
	// otherwise.
	evalCtx, done := e.evalContext(ctx)
	defer done()
	cancel := topdown.NewCancel()
	stop := context.AfterFunc(evalCtx, cancel.Cancel)
	defer stop()
	vc := newVirtualCache()
	if cache != nil {
		vc.calls, vc.pure = &cache.calls, e.pure
	}
	rs, err := pq.Eval(evalCtx, rego.EvalParsedInput(val), rego.EvalExternalCancel(cancel),
		rego.EvalMetrics(metrics.NoOp()), rego.EvalGenerateJSON(rawTerm),
		rego.EvalVirtualCache(vc))
	if ev, stopped := e.stoppedEvaluation(ctx, evalCtx, in, err); stopped {
		return ev, nil
	}
	if err != nil {
		return Evaluation{}, fmt.Errorf("bucket %s: evaluate checks: %w", in.Bucket.Arn, err)
	}
	if cache != nil && !cache.frozen {
		cache.calls.add(vc.results)
	}
	if len(rs) != 1 {
		return Evaluation{}, fmt.Errorf("bucket %s: evaluate checks: %d results, want 1", in.Bucket.Arn, len(rs))
	}
	applies, denies, err := e.decode(rs[0].Bindings["results"])
	if err != nil {
		return Evaluation{}, fmt.Errorf("bucket %s: %w", in.Bucket.Arn, err)
	}

	unreadable := map[string]bool{}
	for _, ce := range in.Errors {
		unreadable[ce.Component] = true
	}
	ev := Evaluation{Findings: []report.Finding{}, Outcomes: map[string]string{}}
	for i := range e.checks {
		c := &e.checks[i]
		if !applies[i] {
			continue
		}
		if slices.ContainsFunc(c.Requires, func(r string) bool { return unreadable[r] }) {
			ev.Outcomes[c.ID] = OutcomeError
			continue
		}
		ds := denies[i]
		if len(ds) == 0 {
			ev.Outcomes[c.ID] = OutcomePass
			continue
		}
		status := c.status()
		w, waived := activeWaiver(in.Settings.Waivers, c.ID)
		if waived && status == report.StatusFail {
			status = report.StatusWaived
		}
		ev.Outcomes[c.ID] = status
		for _, d := range ds {
			f := c.finding(in, d, status)
			if status == report.StatusWaived {
				waive(&f, w)
			}
			ev.Findings = append(ev.Findings, f)
		}
	}
	return ev, nil
}

// status is the outcome and finding status of a check that fired.
func (c *check) status() string {
	if c.Severity == report.StatusError {
		return report.StatusError
	}
	return report.StatusFail
}

func (c *check) finding(in Input, d deny, status string) report.Finding {
	resource := d.ResourceARN
	if resource == "" {
		resource = in.Bucket.Arn
	}
	f := report.Finding{
		CheckID:     c.ID,
		Title:       c.Title,
		Severity:    c.Severity,
		Status:      status,
		AccountID:   in.Bucket.AccountID,
		Region:      in.Bucket.Region,
		Bucket:      in.Bucket.Name,
		ResourceARN: resource,
		RuleID:      d.RuleID,
		Destination: d.Destination,
		Message:     d.Msg,
		Evidence:    d.Evidence,
		Remediation: report.Remediation{
			Summary:   c.Remediation,
			Commands:  d.Commands,
			Documents: d.Documents,
			Terraform: d.Terraform,
			Actions:   d.Actions,
		},
	}
	if d.Severity != "" && c.Severity != report.StatusError {
		f.Severity = d.Severity
	}
	f.Compliance = c.Compliance
	f.Fingerprint = report.Fingerprint(c.ID, f.AccountID, f.Bucket, f.RuleID, f.Destination, d.Key)
	return f
}

// deny is one value of a check's deny set.
type deny struct {
	Msg         string `json:"msg"`
	RuleID      string `json:"rule_id"`
	Destination string `json:"destination"`
	ResourceARN string `json:"resource_arn"`
	Key         string `json:"key"`
	// Severity, when set, is this finding's severity in place of the check's
	// (a check may judge one case less severe than its default).
	Severity  string         `json:"severity"`
	Evidence  map[string]any `json:"evidence"`
	Commands  []string       `json:"commands"`
	Documents map[string]any `json:"documents"`
	Terraform string         `json:"terraform"`
	Actions   []report.Action
}

// rawTerm hands the query's result over as it is: decode reads the few values it needs
// from it instead of converting the whole result to Go values first.
func rawTerm(t *ast.Term, _ *rego.EvalContext) (any, error) { return t, nil }

// decode reads the generated rules' results: which checks apply (by index in
// e.checks) and the deny values of each, in the order of the check's deny set.
func (e *Engine) decode(b any) ([]bool, [][]deny, error) {
	t, ok := b.(*ast.Term)
	if !ok {
		return nil, nil, fmt.Errorf("evaluate checks: results is %T, want a term", b)
	}
	results, ok := t.Value.(ast.Set)
	if !ok {
		return nil, nil, fmt.Errorf("evaluate checks: results is %v, want a set", ast.ValueName(t.Value))
	}
	applies := make([]bool, len(e.checks))
	denies := make([][]deny, len(e.checks))
	err := results.Iter(func(r *ast.Term) error {
		pair, ok := r.Value.(*ast.Array)
		if !ok || pair.Len() != 2 {
			return fmt.Errorf("evaluate checks: unexpected result %v", r)
		}
		i, ok := pair.Elem(0).Value.(ast.Number).Int()
		if !ok || i < 0 || i >= len(e.checks) {
			return fmt.Errorf("evaluate checks: unexpected result %v", r)
		}
		c := &e.checks[i]
		applies[i] = true
		var terms []*ast.Term
		switch values := pair.Elem(1).Value.(type) {
		case ast.Set:
			terms = values.Slice() // sorted
		case *ast.Array:
			terms = uniqueSorted(values)
		default:
			return fmt.Errorf("evaluate checks: unexpected result %v", r)
		}
		if len(terms) == 0 {
			return nil
		}
		ds := make([]deny, 0, len(terms))
		for _, v := range terms {
			d, err := decodeDenyTerm(v)
			if err != nil {
				return fmt.Errorf("check %s (%s): %w", c.ID, c.Package, err)
			}
			ds = append(ds, d)
		}
		denies[i] = ds
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return applies, denies, nil
}

// uniqueSorted are the values collected from a deny rule that is not a set, in the
// order and without the repeats of a set (as the values of a deny set come).
func uniqueSorted(values *ast.Array) []*ast.Term {
	if values.Len() == 0 {
		return nil
	}
	sorted := true
	for i := 1; i < values.Len(); i++ {
		if ast.Compare(values.Elem(i-1).Value, values.Elem(i).Value) >= 0 {
			sorted = false
			break
		}
	}
	if sorted {
		terms := make([]*ast.Term, values.Len())
		for i := range terms {
			terms[i] = values.Elem(i)
		}
		return terms
	}
	set := ast.NewSet()
	values.Foreach(set.Add)
	return set.Slice()
}

// decodeDenyTerm is decodeDeny on the Rego value, without converting the parts that
// the finding carries as they are (msg, ids, commands); evidence and documents become
// Go values as before. A value that breaks the contract is decoded by decodeDeny, so
// that the errors stay the same.
func decodeDenyTerm(t *ast.Term) (deny, error) {
	slow := func() (deny, error) {
		v, err := ast.JSON(t.Value)
		if err != nil {
			return deny{}, err
		}
		return decodeDeny(v)
	}
	obj, ok := t.Value.(ast.Object)
	if !ok {
		return slow()
	}
	d := deny{Evidence: map[string]any{}, Commands: []string{}, Documents: map[string]any{}}
	fine := true
	obj.Until(func(k, v *ast.Term) bool {
		key, ok := k.Value.(ast.String)
		if !ok {
			return false // decodeDeny ignores keys it does not know
		}
		if _, null := v.Value.(ast.Null); null {
			return false
		}
		var dst *string
		switch key {
		case "msg":
			dst = &d.Msg
		case "rule_id":
			dst = &d.RuleID
		case "destination":
			dst = &d.Destination
		case "resource_arn":
			dst = &d.ResourceARN
		case "key":
			dst = &d.Key
		case "severity":
			dst = &d.Severity
		case "terraform":
			dst = &d.Terraform
		case "evidence", "documents":
			m, ok := v.Value.(ast.Object)
			if !ok {
				fine = false
				return true
			}
			dst := d.Evidence
			if key == "documents" {
				dst = d.Documents
			}
			err := m.Iter(func(k, v *ast.Term) error {
				ks, ok := k.Value.(ast.String)
				if !ok {
					return errors.New("non-string key")
				}
				x, err := ast.JSON(v.Value)
				if err != nil {
					return err
				}
				dst[string(ks)] = x
				return nil
			})
			if err != nil {
				fine = false
				return true
			}
			return false
		case "actions":
			if list, ok := v.Value.(*ast.Array); ok && list.Len() == 0 {
				return false
			}
			fine = false // decoded (and rendered) by decodeDeny
			return true
		case "commands":
			list, ok := v.Value.(*ast.Array)
			if !ok {
				fine = false
				return true
			}
			for i := range list.Len() {
				s, ok := list.Elem(i).Value.(ast.String)
				if !ok {
					fine = false
					return true
				}
				d.Commands = append(d.Commands, string(s))
			}
			return false
		default:
			return false
		}
		s, ok := v.Value.(ast.String)
		if !ok {
			fine = false
			return true
		}
		*dst = string(s)
		return false
	})
	if !fine || strings.TrimSpace(d.Msg) == "" || !validFindingSeverity(d.Severity) {
		return slow()
	}
	return d, nil
}

// validFindingSeverity: a deny value's own severity is empty (the check's) or one of
// report.Severities().
func validFindingSeverity(s string) bool {
	return s == "" || slices.Contains(report.Severities(), s)
}

// decodeDeny validates one deny value against the check contract.
func decodeDeny(v any) (deny, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return deny{}, fmt.Errorf("deny value must be an object, got %T", v)
	}
	d := deny{Evidence: map[string]any{}, Commands: []string{}, Documents: map[string]any{}}
	str := func(key string, dst *string) error {
		raw, ok := obj[key]
		if !ok || raw == nil {
			return nil
		}
		s, ok := raw.(string)
		if !ok {
			return fmt.Errorf("deny field %q must be a string, got %T", key, raw)
		}
		*dst = s
		return nil
	}
	obj2 := func(key string, dst map[string]any) error {
		raw, ok := obj[key]
		if !ok || raw == nil {
			return nil
		}
		m, ok := raw.(map[string]any)
		if !ok {
			return fmt.Errorf("deny field %q must be an object, got %T", key, raw)
		}
		for k, v := range m {
			dst[k] = v
		}
		return nil
	}
	errs := []error{
		str("msg", &d.Msg), str("rule_id", &d.RuleID), str("destination", &d.Destination),
		str("resource_arn", &d.ResourceARN), str("key", &d.Key), str("terraform", &d.Terraform),
		str("severity", &d.Severity),
		obj2("evidence", d.Evidence), obj2("documents", d.Documents),
	}
	if raw, ok := obj["commands"]; ok && raw != nil {
		list, ok := raw.([]any)
		if !ok {
			errs = append(errs, fmt.Errorf("deny field \"commands\" must be a list of strings, got %T", raw))
		}
		for _, c := range list {
			s, ok := c.(string)
			if !ok {
				errs = append(errs, fmt.Errorf("deny field \"commands\" must be a list of strings, holds %T", c))
				continue
			}
			d.Commands = append(d.Commands, s)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return deny{}, err
	}
	if raw, ok := obj["actions"]; ok && raw != nil {
		if err := decodeActions(raw, &d); err != nil {
			return deny{}, err
		}
	}
	if strings.TrimSpace(d.Msg) == "" {
		return deny{}, errors.New(`deny value has no "msg"`)
	}
	if !validFindingSeverity(d.Severity) {
		return deny{}, fmt.Errorf("deny field \"severity\" %q is not one of %s", d.Severity, strings.Join(report.Severities(), "|"))
	}
	return d, nil
}

// snapshotErrorFinding reports a read that failed above the bucket level (the
// caller's identity, ListBuckets) the way CRR-090 reports a bucket's read errors.
func snapshotErrorFinding(c Check, ce scanner.CollectionError) report.Finding {
	account := accountOf(ce.Resource)
	key := ce.Operation + " " + ce.Resource
	return report.Finding{
		CheckID:     c.ID,
		Title:       c.Title,
		Severity:    c.Severity,
		Status:      report.StatusError,
		AccountID:   account,
		ResourceARN: ce.Resource,
		Message:     errorMessage(ce),
		Evidence: map[string]any{
			"Operation": ce.Operation, "Code": ce.Code, "Message": ce.Message,
			"Resource": ce.Resource, "Component": ce.Component,
		},
		Remediation: report.Remediation{Summary: c.Remediation, Commands: []string{}, Documents: map[string]any{}},
		Fingerprint: report.Fingerprint(c.ID, account, "", "", "", key),
	}
}

// errorMessage is crr.lib.errors.message in Go (a test keeps the two equal).
func errorMessage(ce scanner.CollectionError) string {
	code := ce.Code
	if code == "" {
		code = "an unknown error"
	}
	if ce.Message == "" {
		return fmt.Sprintf("%s on %s failed with %s", ce.Operation, ce.Resource, code)
	}
	return fmt.Sprintf("%s on %s failed with %s: %s", ce.Operation, ce.Resource, code, ce.Message)
}

// accountOf is the account of a resource that is an account id or an ARN with one.
func accountOf(resource string) string {
	if len(resource) == 12 && strings.Trim(resource, "0123456789") == "" {
		return resource
	}
	parts := strings.SplitN(resource, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" {
		return parts[4]
	}
	return ""
}
