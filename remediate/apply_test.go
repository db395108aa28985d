package remediate

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

// fakeAWS is one estate's AWS as a snapshot: reads are State, writes Simulate; fail
// makes a write of op on target fail with an API error.
type fakeAWS struct {
	s      *scanner.Snapshot
	fail   map[string]error // op + " " + target
	writes int
}

type apiError struct{ code string }

func (e apiError) Error() string     { return e.code + ": simulated" }
func (e apiError) ErrorCode() string { return e.code }

func (f *fakeAWS) Read(_ context.Context, a report.Action) (any, error) { return State(f.s, a) }

func (f *fakeAWS) Write(_ context.Context, a report.Action) error {
	f.writes++
	if err := f.fail[a.Op+" "+a.Target]; err != nil {
		return err
	}
	return Simulate(f.s, a)
}

func (f *fakeAWS) Restore(_ context.Context, a report.Action, before any) error {
	f.writes++
	return SimulateRestore(f.s, a, before)
}

func (f *fakeAWS) clients() Clients {
	return func(context.Context, string) (Client, error) { return f, nil }
}

// unversionedEstate is the shared-role estate with src-b's versioning never enabled.
func unversionedEstate() *scanner.Snapshot {
	s := sharedRoleEstate()
	for i := range s.Buckets {
		if s.Buckets[i].Name == "src-b" {
			s.Buckets[i].Versioning = &scanner.Versioning{Status: ""}
		}
	}
	return s
}

func journal(t *testing.T) (*Journal, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := CreateJournal(path, func() time.Time { return time.Unix(0, 0) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j, path
}

func readJournal(t *testing.T, path string) []JournalEntry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	es, err := ReadJournal(f)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func snapJSON(t *testing.T, s *scanner.Snapshot) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var allowAll = Options{Allow: []string{"irreversible", "narrowing"}}

// Apply then plan again: nothing left, and the second apply writes nothing; the
// rollback puts every resource back, versioning aside (Suspended, said plainly).
func TestApplyThenRollback(t *testing.T) {
	ctx := context.Background()
	ev := evaluator(t)
	aws := &fakeAWS{s: unversionedEstate()}
	original := snapJSON(t, aws.s)
	p, _ := plan(t, ev, aws.s, allowAll)
	if len(p.Changes) != 3 {
		t.Fatalf("plan: %v", ops(p))
	}
	j, path := journal(t)
	res, err := Apply(ctx, p, aws.clients(), ApplyOptions{Journal: j})
	if err != nil || !res.Complete() || res.Writes != 3 {
		t.Fatalf("apply: %v %+v", err, res)
	}
	again, _ := plan(t, ev, aws.s, allowAll)
	if again.Pending() {
		t.Fatalf("after the apply the plan still has %v", ops(again))
	}
	before := aws.writes
	j2, _ := journal(t)
	res2, err := Apply(ctx, again, aws.clients(), ApplyOptions{Journal: j2})
	if err != nil || len(res2.Outcomes) != 0 || res2.Writes != 0 || aws.writes != before {
		t.Errorf("second apply: %v %+v, %d writes", err, res2, aws.writes-before)
	}

	entries := readJournal(t, path)
	if len(entries) != 6 {
		t.Fatalf("journal has %d entries, want a pending and an applied one per change", len(entries))
	}
	outs, err := Rollback(ctx, entries, aws.clients(), RollbackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var notes []string
	for _, o := range outs {
		if o.Status != RollbackRestored {
			t.Errorf("rollback of %s: %s %s", o.Action.Op, o.Status, o.Reason)
		}
		if o.Note != "" {
			notes = append(notes, o.Note)
		}
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "Suspended") {
		t.Errorf("notes: %v", notes)
	}
	// Field by field: the estate as it was, but src-b's versioning Suspended.
	want := unversionedEstate()
	for i := range want.Buckets {
		if want.Buckets[i].Name == "src-b" {
			want.Buckets[i].Versioning = &scanner.Versioning{Status: "Suspended"}
		}
	}
	if got := snapJSON(t, aws.s); got != snapJSON(t, want) {
		t.Errorf("after rollback:\n%s\nwant\n%s", got, snapJSON(t, want))
	}
	if snapJSON(t, want) == original {
		t.Fatal("the test's expectation is the original")
	}
}

// A resource changed between plan and apply is skipped and named; a failing write
// leaves the others applied, skips what depends on it, and the journal says which.
func TestApplyChangedAndFailing(t *testing.T) {
	ctx := context.Background()
	ev := evaluator(t)
	role := "arn:aws:iam::" + sharedAcct + ":role/crr-shared"
	aws := &fakeAWS{s: unversionedEstate(), fail: map[string]error{"iam:PutRolePolicy " + role: apiError{"AccessDenied"}}}
	p, _ := plan(t, ev, aws.s, allowAll)
	// Someone edits the trust policy after the plan.
	aws.s.Roles[0].AssumeRolePolicyDocument = map[string]any{"Version": "2012-10-17", "Statement": []any{}}
	j, path := journal(t)
	res, err := Apply(ctx, p, aws.clients(), ApplyOptions{Journal: j})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, o := range res.Outcomes {
		got[o.Change.Action.Op] = o.Status + " " + o.Code + " " + o.Reason
	}
	if !strings.HasPrefix(got["s3:PutBucketVersioning"], "applied") ||
		got["iam:UpdateAssumeRolePolicy"] != "skipped  changed since plan" ||
		!strings.HasPrefix(got["iam:PutRolePolicy"], "failed AccessDenied") {
		t.Errorf("outcomes: %v", got)
	}
	if res.Complete() {
		t.Error("complete despite a failure")
	}
	entries := readJournal(t, path)
	states := []string{}
	for _, e := range entries {
		states = append(states, e.State)
	}
	if strings.Join(states, ",") != "pending,applied,pending,failed" {
		t.Errorf("journal: %v", states)
	}
	// The partial apply rolls back: versioning Suspended, the failed write untouched.
	outs, err := Rollback(ctx, entries, aws.clients(), RollbackOptions{})
	if err != nil || len(outs) != 2 || outs[0].Status != RollbackSkipped || outs[1].Status != RollbackRestored {
		t.Errorf("rollback: %v %+v", err, outs)
	}
}

// Dependent changes are skipped after a failure; --max-changes stops the writes.
func TestApplyDependenciesAndMaxChanges(t *testing.T) {
	ctx := context.Background()
	ev := evaluator(t)
	s := mergeEstate()
	for i := range s.Buckets {
		if s.Buckets[i].Name == "src" {
			s.Buckets[i].Versioning = &scanner.Versioning{Status: "Suspended"}
		}
	}
	aws := &fakeAWS{s: s, fail: map[string]error{"s3:PutBucketVersioning arn:aws:s3:::src": apiError{"AccessDenied"}}}
	p, _ := plan(t, ev, aws.s, allowAll)
	j, _ := journal(t)
	res, err := Apply(ctx, p, aws.clients(), ApplyOptions{Journal: j})
	if err != nil {
		t.Fatal(err)
	}
	var replication *Outcome
	for i, o := range res.Outcomes {
		if o.Change.Action.Op == "s3:PutBucketReplication" && o.Change.Action.Target == "arn:aws:s3:::src" {
			replication = &res.Outcomes[i]
		}
	}
	if replication == nil || replication.Status != OutcomeSkipped || !strings.Contains(replication.Reason, "depends on change") {
		t.Errorf("replication of src after its versioning failed: %+v", replication)
	}

	aws = &fakeAWS{s: unversionedEstate()}
	p, _ = plan(t, ev, aws.s, allowAll)
	j, _ = journal(t)
	res, err = Apply(ctx, p, aws.clients(), ApplyOptions{Journal: j, MaxChanges: 1})
	if err != nil || res.Writes != 1 || aws.writes != 1 {
		t.Fatalf("max-changes 1: %v, %d writes", err, aws.writes)
	}
	if o := res.Outcomes[len(res.Outcomes)-1]; o.Status != OutcomeSkipped || !strings.Contains(o.Reason, "--max-changes 1") {
		t.Errorf("last outcome: %+v", o)
	}
}

// A refused plan is never applied.
func TestApplyRefusedPlan(t *testing.T) {
	j, _ := journal(t)
	_, err := Apply(context.Background(), &Plan{Refused: "worse"}, nil, ApplyOptions{Journal: j})
	if !errors.Is(err, ErrRefused) {
		t.Errorf("err = %v", err)
	}
}
