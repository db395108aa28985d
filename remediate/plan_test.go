package remediate

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/crrscan/crrscan/policies"
	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

func evaluator(t *testing.T) EngineEvaluator {
	t.Helper()
	return EngineEvaluator{Engine: newEngine(t), Today: time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC), Concurrency: 2}
}

func plan(t *testing.T, ev Evaluator, s *scanner.Snapshot, o Options) (*Plan, []report.Finding) {
	t.Helper()
	fs, err := ev.Evaluate(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Build(context.Background(), ev, s, fs, o)
	if err != nil {
		t.Fatal(err)
	}
	return p, fs
}

func ops(p *Plan) []string {
	var out []string
	for _, c := range p.Changes {
		out = append(out, c.Action.Op+" "+c.Action.Target)
	}
	return out
}

// A role shared by three buckets: one PutRolePolicy covers all three (additive), the
// guard waits for --allow narrowing; with it, one trust policy too, and nothing of
// CRR-032/034 remains.
func TestPlanSharedRole(t *testing.T) {
	ev := evaluator(t)
	role := "arn:aws:iam::" + sharedAcct + ":role/crr-shared"
	p, _ := plan(t, ev, sharedRoleEstate(), Options{})
	if got := ops(p); !slices.Equal(got, []string{"iam:PutRolePolicy " + role}) {
		t.Fatalf("additive plan: %v", got)
	}
	if n := len(p.Changes[0].Clears); n != 3 {
		t.Errorf("the role policy clears %d findings, want CRR-032 on 3 buckets", n)
	}
	if len(p.Skipped) != 3 || !strings.Contains(p.Skipped[0].Reason, "--allow narrowing") {
		t.Errorf("skipped: %+v", p.Skipped)
	}
	if !equalJSON(p.Changes[0].After, sharedPermissions) {
		t.Errorf("after: %v", p.Changes[0].After)
	}

	p, _ = plan(t, ev, sharedRoleEstate(), Options{Allow: []string{"narrowing"}})
	if got := ops(p); !slices.Equal(got, []string{"iam:UpdateAssumeRolePolicy " + role, "iam:PutRolePolicy " + role}) {
		t.Fatalf("plan with narrowing: %v", got)
	}
	if len(p.Remaining) != 0 || len(p.New) != 0 || p.Refused != "" || len(p.Skipped) != 0 {
		t.Errorf("remaining %v new %v refused %q skipped %v", p.Remaining, p.New, p.Refused, p.Skipped)
	}
	if !equalJSON(p.Changes[0].After, sharedTrust) {
		t.Errorf("trust after: %v", p.Changes[0].After)
	}
}

// The proof: applying the plan's actions to the snapshot clears exactly the findings
// the plan says its changes clear, and causes none.
func TestProofClearsExactlyWhatThePlanNames(t *testing.T) {
	ev := evaluator(t)
	for name, s := range map[string]*scanner.Snapshot{"shared role": sharedRoleEstate(), "demo": demoSnapshot(t)} {
		p, _ := plan(t, ev, s, Options{Allow: []string{"irreversible", "narrowing"}})
		if !p.Pending() {
			t.Fatalf("%s: nothing planned", name)
		}
		var acts []report.Action
		var named []string
		for _, c := range p.Changes {
			acts = append(acts, c.Action)
			for _, r := range c.Clears {
				named = append(named, r.Fingerprint)
			}
		}
		cleared, caused, err := Prove(context.Background(), ev, s, acts)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range cleared {
			if _, isRemaining := find(p.Remaining, r); !isRemaining {
				got = append(got, r.Fingerprint)
			}
		}
		sort.Strings(got)
		sort.Strings(named)
		named = slices.Compact(named)
		// Every finding the plan names is cleared; a cleared finding the plan does not
		// name is one whose fix is another check's (e.g. CRR-031's trust clears CRR-034).
		for _, fp := range named {
			if !slices.Contains(got, fp) {
				t.Errorf("%s: the plan names %s as cleared; the proof leaves it", name, fp)
			}
		}
		if len(caused) > 0 {
			t.Errorf("%s: the plan causes %v", name, caused)
		}
		if err := Verify(context.Background(), ev, s, p); err != nil {
			t.Errorf("%s: verify: %v", name, err)
		}
	}
}

func find(refs []FindingRef, r FindingRef) (int, bool) {
	i := slices.IndexFunc(refs, func(x FindingRef) bool { return x.Fingerprint == r.Fingerprint })
	return i, i >= 0
}

// A deliberately wrong action — a trust policy that lets EC2, not S3, assume the
// replication role — is refused: the proof finds CRR-031 newly open on every bucket.
func TestProofRefusesAWrongAction(t *testing.T) {
	ev := evaluator(t)
	s := sharedRoleEstate()
	p, _ := plan(t, ev, s, Options{Allow: []string{"narrowing"}})
	i := slices.IndexFunc(p.Changes, func(c Change) bool { return c.Action.Op == "iam:UpdateAssumeRolePolicy" })
	if i < 0 {
		t.Fatal("no trust change planned")
	}
	p.Changes[i].Action.Params = map[string]any{"RoleName": "crr-shared", "PolicyDocument": map[string]any{
		"Version": "2012-10-17", "Statement": []any{map[string]any{
			"Effect": "Allow", "Principal": map[string]any{"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole",
		}},
	}}
	err := Verify(context.Background(), ev, s, p)
	if !errors.Is(err, ErrRefused) || strings.Count(err.Error(), "CRR-031") != 3 {
		t.Errorf("verify = %v, want refused with CRR-031 on the 3 buckets", err)
	}
}

func demoSnapshot(t *testing.T) *scanner.Snapshot {
	t.Helper()
	s, err := scanner.ReadSnapshotFile(filepath.Join("..", "fixtures", "demo", "snapshot.json"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// On the demo estate: one write per resource; every bucket with read errors is left
// alone; versioning waits for --allow irreversible.
func TestPlanDemoEstate(t *testing.T) {
	ev := evaluator(t)
	s := demoSnapshot(t)
	p, fs := plan(t, ev, s, Options{})
	seen := map[string]bool{}
	for _, c := range p.Changes {
		if seen[c.Resource] {
			t.Errorf("two writes to %s", c.Resource)
		}
		seen[c.Resource] = true
		if c.Action.Class != report.ClassAdditive {
			t.Errorf("%s is %s without --allow", c.Resource, c.Action.Class)
		}
	}
	blocked := unreadable(fs)
	for _, c := range p.Changes {
		if b := str(c.Action.Params, "Bucket"); b != "" && blocked[c.Action.AccountID+"/"+b] {
			t.Errorf("%s touches a bucket with read errors", c.Resource)
		}
	}
	if len(p.New) != 0 {
		t.Errorf("new findings: %v", p.New)
	}
	var versioning int
	for _, sk := range p.Skipped {
		if sk.Finding.CheckID == "CRR-001" || sk.Finding.CheckID == "CRR-002" {
			versioning++
			if !strings.Contains(sk.Reason, "--allow irreversible") {
				t.Errorf("%s skipped for %q", sk.Finding.CheckID, sk.Reason)
			}
		}
	}
	if versioning == 0 {
		t.Error("no versioning finding skipped for want of --allow irreversible")
	}
	t.Logf("demo: %d changes, %d skipped, %d remaining", len(p.Changes), len(p.Skipped), len(p.Remaining))
}

var _ = policies.ErrorCheckID
