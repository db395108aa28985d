package policies

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/sourcegraph/conc"

	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

// Judgement is the evaluation of a whole snapshot.
type Judgement struct {
	// Findings are sorted with report.SortFindings.
	Findings []report.Finding
	// Outcomes counts, per check, the buckets that passed, failed, were waived or
	// could not be judged.
	Outcomes map[string]map[string]int
	// Buckets holds every bucket's outcome per applicable check, when asked for (the
	// JUnit report needs it); nil otherwise.
	Buckets []report.BucketOutcome
	// Stopped are the ARNs of the buckets whose evaluation met the time limit (no
	// check judged; a CRR-090 finding each), in the order they were stopped.
	Stopped []string
}

// judgeQueue is how many inputs may wait for an evaluator before Add blocks: enough
// that the scan's readers rarely wait for evaluation, few enough that a backlog
// never holds a large part of the estate.
const judgeQueue = 1024

// Judger judges buckets as they are handed to it, while the scan still reads the
// others: at most a fixed number of evaluations run at once, and each bucket's
// result is folded into one Judgement as soon as it completes, so no per-bucket
// evaluation outlives it. Add is safe for concurrent use; Finish ends the judging.
type Judger struct {
	e           *Engine
	set         *Settings // nil: Inputs as they are (no settings)
	today       time.Time
	keepBuckets bool
	// cache holds what the run's buckets share (converted roles, destinations and
	// keys; results of pure functions), for every evaluator.
	cache *evalCache

	ctx    context.Context
	cancel context.CancelCauseFunc
	queue  chan Input
	wg     conc.WaitGroup
	close  sync.Once

	mu    sync.Mutex
	added map[string]bool // bucket ARNs handed to Add
	j     *Judgement
}

// NewJudger starts concurrency evaluators (GOMAXPROCS when concurrency < 1). Each
// input gets facts.in_scope from set's scope and input.settings resolved for the
// scan date today (see InputsWith); a nil set leaves the inputs as Inputs builds
// them. With keepBuckets the judgement keeps every bucket's outcome per check.
// Finish (or Stop) must be called to release the evaluators.
func (e *Engine) NewJudger(ctx context.Context, set *Settings, today time.Time, concurrency int, keepBuckets bool) *Judger {
	if concurrency < 1 {
		concurrency = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	jd := &Judger{
		e: e, set: set, today: today, keepBuckets: keepBuckets,
		cache: e.newEvalCache(),
		ctx:   ctx, cancel: cancel,
		queue: make(chan Input, judgeQueue),
		added: map[string]bool{},
		j:     &Judgement{Findings: []report.Finding{}, Outcomes: make(map[string]map[string]int, len(e.checks))},
	}
	for _, c := range e.checks {
		jd.j.Outcomes[c.ID] = map[string]int{OutcomePass: 0, OutcomeFail: 0, OutcomeError: 0}
	}
	for range concurrency {
		jd.wg.Go(jd.evaluate)
	}
	return jd
}

// evaluate judges queued inputs until the queue closes or the judging fails.
func (jd *Judger) evaluate() {
	for in := range jd.queue {
		if jd.ctx.Err() != nil {
			continue // drain: Add may still be sending
		}
		ev, err := jd.e.evaluateWith(jd.ctx, in, jd.cache)
		if err != nil {
			jd.cancel(err)
			continue
		}
		jd.fold(in, ev)
	}
}

func (jd *Judger) fold(in Input, ev Evaluation) {
	jd.mu.Lock()
	defer jd.mu.Unlock()
	jd.j.Findings = append(jd.j.Findings, ev.Findings...)
	if ev.Stopped {
		jd.j.Stopped = append(jd.j.Stopped, in.Bucket.Arn)
	}
	for id, o := range ev.Outcomes {
		jd.j.Outcomes[id][o]++
	}
	if jd.keepBuckets {
		jd.j.Buckets = append(jd.j.Buckets, report.BucketOutcome{
			AccountID: in.Bucket.AccountID, Region: in.Bucket.Region, Bucket: in.Bucket.Name, Checks: ev.Outcomes,
		})
	}
}

// Add hands one bucket's input over for judging (with the judger's settings
// applied). It blocks while the queue is full, and returns at once once the judging
// has failed or its context ended. A bucket is judged once: Finish skips the
// snapshot's buckets that were added.
func (jd *Judger) Add(in Input) {
	if jd.set != nil {
		in.Facts.InScope = jd.set.InScope(&in.Bucket, in.Facts.IsReplica)
		in.Settings = jd.set.Resolve(in.Bucket.Name, jd.today)
	}
	jd.mu.Lock()
	jd.added[in.Bucket.Arn] = true
	jd.mu.Unlock()
	select {
	case jd.queue <- in:
	case <-jd.ctx.Done():
	}
}

// AddBucket judges a bucket as soon as everything its judgement needs is read, with
// what scanner.Options.Ready hands over: the estate's replication graph (complete)
// and, for a bucket that replicates, its role and destinations as the snapshot will
// hold them. A bucket that names a KMS key needs the keys, which the snapshot holds:
// Finish judges it.
func (jd *Judger) AddBucket(b scanner.Bucket, l scanner.Linked) error {
	dests := make(map[string]*scanner.LinkedBucket, len(l.Destinations))
	for i := range l.Destinations {
		dests[l.Destinations[i].Arn] = &l.Destinations[i]
	}
	roles := map[string]*scanner.Role{}
	if l.Role != nil {
		roles[l.Role.Arn] = l.Role
	}
	in := newInput(&b, l.Graph, dests, roles, map[string]*scanner.KmsKey{})
	if len(b.KMSKeyRefs()) > 0 {
		return fmt.Errorf("bucket %s: a bucket that names a KMS key is judged from the snapshot", b.Arn)
	}
	jd.Add(in)
	return nil
}

// ReadyFunc is AddBucket in the shape of scanner.Options.Ready; an error fails the
// judging (Finish returns it).
func (jd *Judger) ReadyFunc() func(scanner.Bucket, scanner.Linked) {
	return func(b scanner.Bucket, l scanner.Linked) {
		if err := jd.AddBucket(b, l); err != nil {
			jd.cancel(err)
		}
	}
}

// Stop ends the judging without a result: it waits for the evaluations in flight.
func (jd *Judger) Stop() {
	jd.cancel(context.Canceled)
	jd.close.Do(func() { close(jd.queue) })
	jd.wg.Wait()
}

// Finish judges every bucket of s that was not added, waits for every evaluation,
// and returns the judgement: findings sorted with report.SortFindings (with the
// settings' severity overrides), snapshot-level read errors (s.Errors) as CRR-090
// findings with no bucket (they are not bucket outcomes and are not counted). The
// first evaluation error, or the context's, fails it.
func (jd *Judger) Finish(s *scanner.Snapshot) (*Judgement, error) {
	if s == nil {
		jd.Stop()
		return nil, errors.New("evaluate: no snapshot")
	}
	jd.mu.Lock()
	added := jd.added
	jd.mu.Unlock()
	for in := range Inputs(s) {
		if jd.ctx.Err() != nil {
			break
		}
		if !added[in.Bucket.Arn] {
			jd.Add(in)
		}
	}
	jd.close.Do(func() { close(jd.queue) })
	jd.wg.Wait()
	if err := context.Cause(jd.ctx); err != nil {
		return nil, err
	}
	jd.cancel(nil)
	j := jd.j
	if len(s.Errors) > 0 {
		c, _ := jd.e.Check(ErrorCheckID)
		for _, ce := range s.Errors {
			j.Findings = append(j.Findings, snapshotErrorFinding(c, ce))
		}
	}
	if jd.set != nil {
		for i := range j.Findings {
			// An override replaces the check's default severity, not the lower one a
			// check gave a finding of its own.
			f := &j.Findings[i]
			if c, ok := jd.e.Check(f.CheckID); !ok || f.Severity == c.Severity {
				f.Severity = jd.set.SeverityOf(f.CheckID, f.Severity)
			}
		}
	}
	report.SortFindings(j.Findings)
	return j, nil
}

// EvaluateSnapshot judges every bucket of s with at most concurrency evaluations at
// a time (GOMAXPROCS when concurrency < 1), without settings (Inputs). It returns
// the findings sorted with report.SortFindings, and per check the number of buckets
// that passed, failed or could not be judged. Snapshot-level read errors (s.Errors)
// become CRR-090 findings with no bucket; they are not bucket outcomes and are not
// counted.
func (e *Engine) EvaluateSnapshot(ctx context.Context, s *scanner.Snapshot, concurrency int) ([]report.Finding, map[string]map[string]int, error) {
	j, err := e.NewJudger(ctx, nil, time.Time{}, concurrency, false).Finish(s)
	if err != nil {
		return nil, nil, err
	}
	return j.Findings, j.Outcomes, nil
}
