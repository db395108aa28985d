package remediate

import (
	"context"
	"time"

	"github.com/crrscan/crrscan/policies"
	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

// EngineEvaluator judges snapshots with the checks and the run's settings, as the
// scan does.
type EngineEvaluator struct {
	Engine   *policies.Engine
	Settings *policies.Settings // nil: the defaults
	Today    time.Time
	// Concurrency is how many buckets are judged at once (GOMAXPROCS when < 1).
	Concurrency int
}

// Evaluate judges s.
func (e EngineEvaluator) Evaluate(ctx context.Context, s *scanner.Snapshot) ([]report.Finding, error) {
	fs, _, err := e.Engine.EvaluateSnapshotWith(ctx, s, e.Settings, e.Today, e.Concurrency)
	return fs, err
}
