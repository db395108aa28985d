package remediate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

// Evaluator judges a whole snapshot (policies.Engine with the run's settings does).
type Evaluator interface {
	Evaluate(ctx context.Context, s *scanner.Snapshot) ([]report.Finding, error)
}

// Options select what a plan may fix.
type Options struct {
	// Checks are the check ids to fix; empty: every remediable check.
	Checks []string
	// Buckets are bucket name globs (path.Match); empty: every bucket.
	Buckets []string
	// Accounts are account ids; empty: every account.
	Accounts []string
	// Allow names the classes besides additive that may run: "irreversible",
	// "narrowing". ("create-bucket" is accepted for when bucket creation exists.)
	Allow []string
}

// Allowed reports whether actions of class may run under o.
func (o Options) Allowed(class string) bool {
	switch class {
	case report.ClassAdditive:
		return true
	case report.ClassManual:
		return false
	}
	return slices.Contains(o.Allow, class)
}

// AllowValues are the values --allow takes.
var AllowValues = []string{report.ClassIrreversible, report.ClassNarrowing, "create-bucket"}

// Validate refuses options that name unknown classes or malformed globs.
func (o Options) Validate() error {
	for _, a := range o.Allow {
		if !slices.Contains(AllowValues, a) {
			return fmt.Errorf("--allow %q: want one of %s", a, strings.Join(AllowValues, ", "))
		}
	}
	for _, g := range o.Buckets {
		if _, err := path.Match(g, ""); err != nil {
			return fmt.Errorf("--buckets %q: %w", g, err)
		}
	}
	return nil
}

// selected reports whether a finding is one o asks to fix.
func (o Options) selected(f report.Finding) bool {
	if len(o.Checks) > 0 && !slices.Contains(o.Checks, f.CheckID) {
		return false
	}
	if len(o.Accounts) > 0 && !slices.Contains(o.Accounts, f.AccountID) {
		return false
	}
	if len(o.Buckets) == 0 {
		return true
	}
	for _, g := range o.Buckets {
		if ok, _ := path.Match(g, f.Bucket); ok {
			return true
		}
	}
	return false
}

// FindingRef names a finding in a plan.
type FindingRef struct {
	CheckID     string `json:"check_id"`
	AccountID   string `json:"account_id"`
	Region      string `json:"region"`
	Bucket      string `json:"bucket"`
	Fingerprint string `json:"fingerprint"`
	Message     string `json:"message,omitempty"`
}

func refOf(f report.Finding) FindingRef {
	return FindingRef{CheckID: f.CheckID, AccountID: f.AccountID, Region: f.Region, Bucket: f.Bucket, Fingerprint: f.Fingerprint, Message: f.Message}
}

// Change is one write of a plan: the final action on one resource, the resource's
// state before and after it, and the findings it is predicted to clear.
type Change struct {
	Action report.Action `json:"action"`
	// Resource is ResourceKey(Action).
	Resource string `json:"resource"`
	Before   any    `json:"before"`
	After    any    `json:"after"`
	// Addresses are the findings whose fix wrote this resource.
	Addresses []FindingRef `json:"addresses"`
	// Clears are the findings among Addresses that the proof clears.
	Clears []FindingRef `json:"clears"`
}

// Skipped is a finding the plan leaves, and why.
type Skipped struct {
	Finding FindingRef `json:"finding"`
	Reason  string     `json:"reason"`
}

// Plan is what a remediation would write, in order, and its proof.
type Plan struct {
	SchemaVersion string   `json:"schema_version"`
	Allow         []string `json:"allow"`
	Changes       []Change `json:"changes"`
	// Skipped are the selected findings the plan does not fix (manual, a class not
	// allowed, a bucket with read errors), with the reason.
	Skipped []Skipped `json:"skipped"`
	// Remaining are the remediable findings still open in the simulated post-state.
	Remaining []FindingRef `json:"remaining"`
	// New are findings the simulated post-state has and the snapshot had not: a plan
	// with any is refused.
	New []FindingRef `json:"new"`
	// Refused says why the plan must not be applied ("" when it may).
	Refused string `json:"refused,omitempty"`
}

// PlanSchemaVersion is the version of the plan document.
const PlanSchemaVersion = "1"

// Pending reports whether the plan has changes to apply.
func (p *Plan) Pending() bool { return len(p.Changes) > 0 }

// maxRounds bounds the planner's fix → re-evaluate rounds: each round applies the
// fixes of the findings still open, so fixes that build on one another (a role
// created, then its policy) converge in a few.
const maxRounds = 8

// Build plans the fixes of findings (the judgement of snap) under o: it applies the
// allowed actions of the selected findings to a copy of snap, re-evaluates, and
// repeats while new fixes appear, so that every resource gets one final write that
// serves every finding on it (a role shared by several buckets, one replication
// configuration fixed by several checks). The plan is the last write per resource,
// in dependency order, proven by comparing the findings of the post-state with
// those of snap.
func Build(ctx context.Context, ev Evaluator, snap *scanner.Snapshot, findings []report.Finding, o Options) (*Plan, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	blocked := unreadable(findings)
	plan := &Plan{SchemaVersion: PlanSchemaVersion, Allow: append([]string{}, o.Allow...), Changes: []Change{}, Skipped: []Skipped{}, Remaining: []FindingRef{}, New: []FindingRef{}}
	sort.Strings(plan.Allow)
	post, err := clone(snap)
	if err != nil {
		return nil, fmt.Errorf("copy snapshot: %w", err)
	}
	last := map[string]report.Action{}     // resource → final action
	addresses := map[string][]FindingRef{} // resource → findings whose fix wrote it
	skipped := map[string]Skipped{}        // fingerprint → reason (first round's)
	current := findings
	for round := 0; ; round++ {
		if round == maxRounds {
			return nil, fmt.Errorf("plan: the fixes do not settle after %d rounds", maxRounds)
		}
		wrote := false
		written := map[string]bool{} // one write per resource and round
		for _, f := range current {
			if f.Status != report.StatusFail || !o.selected(f) {
				continue
			}
			if why := skipReason(f, o, blocked); why != "" {
				if _, seen := skipped[f.Fingerprint]; !seen {
					skipped[f.Fingerprint] = Skipped{Finding: refOf(f), Reason: why}
				}
				continue
			}
			for _, a := range f.Remediation.Actions {
				if !o.Allowed(a.Class) {
					continue
				}
				key := ResourceKey(a)
				addresses[key] = appendRef(addresses[key], refOf(f))
				if written[key] {
					continue // this round already wrote it: the next round sees the result
				}
				before, err := State(post, a)
				if err != nil {
					return nil, err
				}
				after, err := Recode[any](after(a))
				if err != nil {
					return nil, err
				}
				if equalJSON(before, after) {
					continue
				}
				if err := Simulate(post, a); err != nil {
					return nil, err
				}
				written[key], wrote = true, true
				last[key] = a
			}
		}
		if !wrote {
			break
		}
		if current, err = ev.Evaluate(ctx, post); err != nil {
			return nil, fmt.Errorf("evaluate the planned state: %w", err)
		}
	}
	for _, s := range skipped {
		plan.Skipped = append(plan.Skipped, s)
	}
	sort.Slice(plan.Skipped, func(i, j int) bool { return lessRef(plan.Skipped[i].Finding, plan.Skipped[j].Finding) })
	if err := plan.prove(snap, post, findings, current, last, addresses, o); err != nil {
		return nil, err
	}
	return plan, nil
}

// prove fills the plan's changes (with before and after states) and its prediction
// from the findings before (of snap) and after (of post).
func (p *Plan) prove(snap, post *scanner.Snapshot, before, after []report.Finding, last map[string]report.Action, addresses map[string][]FindingRef, o Options) error {
	open := map[string]report.Finding{}
	for _, f := range after {
		if f.Status == report.StatusFail {
			open[f.Fingerprint] = f
		}
	}
	had := map[string]bool{}
	for _, f := range before {
		if f.Status == report.StatusFail {
			had[f.Fingerprint] = true
		}
		if f.Status == report.StatusFail && o.selected(f) && len(f.Remediation.Actions) > 0 {
			if _, still := open[f.Fingerprint]; still {
				p.Remaining = append(p.Remaining, refOf(f))
			}
		}
	}
	for _, f := range after {
		if f.Status == report.StatusFail && !had[f.Fingerprint] {
			p.New = append(p.New, refOf(f))
		}
	}
	for key, a := range last {
		b, err := State(snap, a)
		if err != nil {
			return err
		}
		aft, err := State(post, a)
		if err != nil {
			return err
		}
		c := Change{Action: a, Resource: key, Before: b, After: aft, Addresses: addresses[key], Clears: []FindingRef{}}
		for _, r := range c.Addresses {
			if _, still := open[r.Fingerprint]; !still && had[r.Fingerprint] {
				c.Clears = append(c.Clears, r)
			}
		}
		p.Changes = append(p.Changes, c)
	}
	g := scanner.GraphOf(snap)
	sort.Slice(p.Changes, func(i, j int) bool { return lessChange(g, p.Changes[i], p.Changes[j]) })
	if len(p.New) > 0 {
		p.Refused = fmt.Sprintf("the plan would open %d new finding(s): %s", len(p.New), refsText(p.New))
	}
	return nil
}

// Prove applies actions, in order, to a copy of snap and judges the result: the
// findings of snap that it clears, and the open findings it newly causes. It is the
// planner's proof on its own, for a plan that comes from elsewhere (a saved file).
func Prove(ctx context.Context, ev Evaluator, snap *scanner.Snapshot, actions []report.Action) (cleared, caused []FindingRef, err error) {
	before, err := ev.Evaluate(ctx, snap)
	if err != nil {
		return nil, nil, err
	}
	post, err := clone(snap)
	if err != nil {
		return nil, nil, err
	}
	for _, a := range actions {
		if err := Simulate(post, a); err != nil {
			return nil, nil, err
		}
	}
	after, err := ev.Evaluate(ctx, post)
	if err != nil {
		return nil, nil, err
	}
	open, had := map[string]bool{}, map[string]bool{}
	for _, f := range after {
		if f.Status == report.StatusFail {
			open[f.Fingerprint] = true
		}
	}
	for _, f := range before {
		if f.Status != report.StatusFail {
			continue
		}
		had[f.Fingerprint] = true
		if !open[f.Fingerprint] {
			cleared = append(cleared, refOf(f))
		}
	}
	for _, f := range after {
		if f.Status == report.StatusFail && !had[f.Fingerprint] {
			caused = append(caused, refOf(f))
		}
	}
	return cleared, caused, nil
}

// ErrRefused is returned for a plan that would make things worse.
var ErrRefused = errors.New("plan refused")

// Verify proves a plan again against snap (a saved plan, or one that may have been
// edited): its actions, applied in order, must cause no new finding and clear every
// finding the plan says they clear.
func Verify(ctx context.Context, ev Evaluator, snap *scanner.Snapshot, p *Plan) error {
	if p.Refused != "" {
		return fmt.Errorf("%w: %s", ErrRefused, p.Refused)
	}
	actions := make([]report.Action, 0, len(p.Changes))
	for _, c := range p.Changes {
		actions = append(actions, c.Action)
	}
	cleared, caused, err := Prove(ctx, ev, snap, actions)
	if err != nil {
		return err
	}
	if len(caused) > 0 {
		return fmt.Errorf("%w: it would open %d new finding(s): %s", ErrRefused, len(caused), refsText(caused))
	}
	got := map[string]bool{}
	for _, r := range cleared {
		got[r.Fingerprint] = true
	}
	var missing []FindingRef
	for _, c := range p.Changes {
		for _, r := range c.Clears {
			if !got[r.Fingerprint] {
				missing = append(missing, r)
			}
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: it would not clear %s", ErrRefused, refsText(missing))
	}
	return nil
}

// skipReason is why the plan leaves a selected finding ("" when it fixes it).
func skipReason(f report.Finding, o Options, blocked map[string]bool) string {
	if blocked[f.AccountID+"/"+f.Bucket] {
		return "the bucket has read errors (CRR-090): it is not touched"
	}
	if len(f.Remediation.Actions) == 0 {
		return "manual: the check has no automatic fix; see its commands"
	}
	var classes []string
	runs := false
	for _, a := range f.Remediation.Actions {
		if o.Allowed(a.Class) {
			runs = true
			if !Simulated(a.Op) {
				return fmt.Sprintf("manual: %s cannot be planned", a.Op)
			}
		} else if !slices.Contains(classes, a.Class) {
			classes = append(classes, a.Class)
		}
	}
	if runs {
		return ""
	}
	sort.Strings(classes)
	var why []string
	for _, c := range classes {
		if c == report.ClassManual {
			why = append(why, "manual: it needs a person's decision")
		} else {
			why = append(why, fmt.Sprintf("%s: needs --allow %s", c, c))
		}
	}
	return strings.Join(why, "; ")
}

// unreadable are the account/bucket pairs with a CRR-090 read error.
func unreadable(fs []report.Finding) map[string]bool {
	out := map[string]bool{}
	for _, f := range fs {
		if f.CheckID == "CRR-090" && f.Bucket != "" {
			out[f.AccountID+"/"+f.Bucket] = true
		}
	}
	return out
}

// after is the state an action leaves its resource in, as State reads it.
func after(a report.Action) any {
	p := a.Params
	switch a.Op {
	case "s3:PutBucketVersioning":
		return p["VersioningConfiguration"]
	case "s3:PutBucketReplication":
		return p["ReplicationConfiguration"]
	case "s3:PutBucketPolicy":
		return p["Policy"]
	case "s3:PutBucketOwnershipControls":
		return p["OwnershipControls"]
	case "s3:PutObjectLockConfiguration":
		return p["ObjectLockConfiguration"]
	case "iam:CreateRole":
		return map[string]any{"RoleName": p["RoleName"]}
	}
	return p["PolicyDocument"]
}

func equalJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

func appendRef(refs []FindingRef, r FindingRef) []FindingRef {
	for _, x := range refs {
		if x.Fingerprint == r.Fingerprint {
			return refs
		}
	}
	refs = append(refs, r)
	sort.Slice(refs, func(i, j int) bool { return lessRef(refs[i], refs[j]) })
	return refs
}

func lessRef(a, b FindingRef) bool {
	return strings.Join([]string{a.AccountID, a.Region, a.Bucket, a.CheckID, a.Fingerprint}, "\x00") <
		strings.Join([]string{b.AccountID, b.Region, b.Bucket, b.CheckID, b.Fingerprint}, "\x00")
}

func refsText(refs []FindingRef) string {
	parts := make([]string, 0, len(refs))
	for _, r := range refs {
		parts = append(parts, r.CheckID+" on "+r.Bucket)
	}
	return strings.Join(parts, ", ")
}

// rank orders writes by dependency: destination versioning, source versioning, the
// role and its policies, destination bucket policy and ownership, Object Lock, and
// the replication configuration last (S3 checks the role, versioning and
// destination when it is put).
func rank(g *scanner.Graph, a report.Action) int {
	switch a.Op {
	case "s3:PutBucketVersioning":
		if g.IsReplica(a.Target) {
			return 0
		}
		return 1
	case "iam:CreateRole":
		return 2
	case "iam:UpdateAssumeRolePolicy":
		return 3
	case "iam:PutRolePolicy":
		return 4
	case "s3:PutBucketPolicy":
		return 5
	case "s3:PutBucketOwnershipControls":
		return 6
	case "s3:PutObjectLockConfiguration":
		return 7
	case "s3:PutBucketReplication":
		return 9
	}
	return 8
}

func lessChange(g *scanner.Graph, x, y Change) bool {
	rx, ry := rank(g, x.Action), rank(g, y.Action)
	if rx != ry {
		return rx < ry
	}
	ax, ay := x.Action, y.Action
	return strings.Join([]string{ax.AccountID, ax.Region, x.Resource}, "\x00") < strings.Join([]string{ay.AccountID, ay.Region, y.Resource}, "\x00")
}
