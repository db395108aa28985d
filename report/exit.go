package report

import (
	"fmt"
	"strings"
)

// Exit codes of crrscan (CHECKS.md).
const (
	ExitOK         = 0
	ExitViolations = 1
	ExitUsage      = 2
	ExitIncomplete = 3
)

// Severities from most to least severe. "error" is the severity of CRR-090.
var severityRank = map[string]int{
	"critical": 5,
	"high":     4,
	"medium":   3,
	"low":      2,
	"info":     1,
}

// Severities lists the check severities, most severe first.
func Severities() []string { return []string{"critical", "high", "medium", "low", "info"} }

// SeverityRank returns how severe s is (higher is more severe; 0 for unknown values).
func SeverityRank(s string) int { return severityRank[s] }

// FailOn is the --fail-on threshold: findings at or above it fail the run.
// The zero value means "none": no finding fails the run.
type FailOn struct{ rank int }

// ParseFailOn parses critical|high|medium|low|info|none.
func ParseFailOn(s string) (FailOn, error) {
	if s == "none" {
		return FailOn{}, nil
	}
	r, ok := severityRank[s]
	if !ok {
		return FailOn{}, fmt.Errorf("unknown --fail-on %q (want %s|none)", s, strings.Join(Severities(), "|"))
	}
	return FailOn{rank: r}, nil
}

// ExitCode applies the exit-code rule: 3 when the scan is incomplete (it takes
// precedence), 1 when an open finding (status fail) is at or above the threshold,
// otherwise 0.
func (r *Result) ExitCode(t FailOn) int {
	if !r.Scan.Complete {
		return ExitIncomplete
	}
	if t.rank == 0 {
		return ExitOK
	}
	for _, f := range r.Findings {
		if f.Status == StatusFail && severityRank[f.Severity] >= t.rank {
			return ExitViolations
		}
	}
	return ExitOK
}

// ExitError carries an exit code to main, the only place that turns it into os.Exit.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }
