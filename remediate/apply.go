package remediate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

// Client reads and writes the resources of one account. Read returns what State
// returns for a snapshot (nil: not set, or a role that does not exist); Write sends
// the action's request; Restore puts a resource back to a state Read returned (nil:
// delete it, or for versioning suspend it).
type Client interface {
	Read(ctx context.Context, a report.Action) (any, error)
	Write(ctx context.Context, a report.Action) error
	Restore(ctx context.Context, a report.Action, before any) error
}

// Clients hands out the client of an account (its own credentials, as the scan
// uses them).
type Clients func(ctx context.Context, account string) (Client, error)

// Outcome statuses of a change.
const (
	OutcomeApplied = "applied"
	OutcomeFailed  = "failed"
	OutcomeSkipped = "skipped"
)

// Outcome is what happened to one change of a plan.
type Outcome struct {
	Change Change `json:"change"`
	Status string `json:"status"`
	// Reason says why a change was skipped or failed (with the AWS error code).
	Reason string `json:"reason,omitempty"`
	Code   string `json:"code,omitempty"`
}

// ApplyOptions shape an apply.
type ApplyOptions struct {
	// MaxChanges stops before more than this many writes (0: no limit).
	MaxChanges int
	// Journal receives each before-state before its write.
	Journal *Journal
	Logger  *slog.Logger
	// Progress is called after each change (may be nil).
	Progress func(done, total int, o Outcome)
}

// ApplyResult is the outcome of every change, in plan order.
type ApplyResult struct {
	Outcomes []Outcome `json:"outcomes"`
	// Writes counts the write calls sent.
	Writes int `json:"writes"`
}

// Complete reports whether every change was applied.
func (r *ApplyResult) Complete() bool {
	return !slices.ContainsFunc(r.Outcomes, func(o Outcome) bool { return o.Status != OutcomeApplied })
}

// ErrorCode is the AWS error code of err ("" when it has none).
func ErrorCode(err error) string {
	var coded interface{ ErrorCode() string }
	if errors.As(err, &coded) {
		return coded.ErrorCode()
	}
	return ""
}

// Apply writes the plan's changes in order with each account's client: it re-reads
// each resource first and skips it when it no longer holds the plan's before-state
// ("changed since plan"), journals the state read (fsynced) before the write, and
// goes on after a failed write with the changes that do not depend on it. A journal
// failure stops the apply: nothing is written that the journal does not hold.
func Apply(ctx context.Context, p *Plan, clients Clients, o ApplyOptions) (*ApplyResult, error) {
	if p.Refused != "" {
		return nil, fmt.Errorf("%w: %s", ErrRefused, p.Refused)
	}
	if o.Journal == nil {
		return nil, errors.New("apply: no journal")
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	res := &ApplyResult{Outcomes: make([]Outcome, 0, len(p.Changes))}
	for i, c := range p.Changes {
		out := Outcome{Change: c}
		done := func() {
			res.Outcomes = append(res.Outcomes, out)
			if o.Progress != nil {
				o.Progress(i+1, len(p.Changes), out)
			}
		}
		if ctx.Err() != nil {
			out.Status, out.Reason = OutcomeSkipped, "interrupted"
			done()
			continue
		}
		if dep := failedDependency(res.Outcomes, c); dep != "" {
			out.Status, out.Reason = OutcomeSkipped, "depends on "+dep+", which was not applied"
			done()
			continue
		}
		if o.MaxChanges > 0 && res.Writes >= o.MaxChanges {
			out.Status, out.Reason = OutcomeSkipped, fmt.Sprintf("--max-changes %d reached", o.MaxChanges)
			done()
			continue
		}
		cl, err := clients(ctx, c.Action.AccountID)
		if err != nil {
			out.Status, out.Reason, out.Code = OutcomeFailed, err.Error(), ErrorCode(err)
			done()
			continue
		}
		live, err := cl.Read(ctx, c.Action)
		if err != nil {
			out.Status, out.Reason, out.Code = OutcomeFailed, "re-read: "+err.Error(), ErrorCode(err)
			done()
			continue
		}
		if !equalJSON(normal(live), normal(c.Before)) {
			out.Status, out.Reason = OutcomeSkipped, "changed since plan"
			log.Warn("remediate skip", "op", c.Action.Op, "target", c.Action.Target, "reason", out.Reason)
			done()
			continue
		}
		act := c.Action
		if err := o.Journal.Append(JournalEntry{Change: i + 1, State: StatePending, Action: &act, Before: live}); err != nil {
			return res, err
		}
		res.Writes++
		err = cl.Write(ctx, c.Action)
		entry := JournalEntry{Change: i + 1, State: StateApplied}
		if err != nil {
			out.Status, out.Reason, out.Code = OutcomeFailed, err.Error(), ErrorCode(err)
			entry.State, entry.Error = StateFailed, err.Error()
			log.Error("remediate write", "op", c.Action.Op, "account", c.Action.AccountID, "target", c.Action.Target, "result", "failed", "code", out.Code, "error", err)
		} else {
			out.Status = OutcomeApplied
			log.Info("remediate write", "op", c.Action.Op, "account", c.Action.AccountID, "target", c.Action.Target, "result", "ok")
		}
		if jerr := o.Journal.Append(entry); jerr != nil {
			done()
			return res, jerr
		}
		done()
	}
	return res, nil
}

// normal re-encodes a state so that states read live and states from a plan file
// compare by value.
func normal(v any) any {
	n, err := Recode[any](v)
	if err != nil {
		return v
	}
	return n
}

// failedDependency names an earlier change that c depends on and that was not
// applied: one on the same resource, the creation of the role c writes to, or one on
// a resource c's request needs (a replication configuration's bucket, role and
// destination buckets).
func failedDependency(done []Outcome, c Change) string {
	refs := referenced(c.Action)
	for i, o := range done {
		if o.Status == OutcomeApplied {
			continue
		}
		e := o.Change.Action
		if o.Change.Resource == c.Resource || (e.Op == "iam:CreateRole" && e.Target == c.Action.Target) || refs[e.Target] {
			return fmt.Sprintf("change %d (%s %s)", i+1, e.Op, e.Target)
		}
	}
	return ""
}

func referenced(a report.Action) map[string]bool {
	refs := map[string]bool{}
	if a.Op != "s3:PutBucketReplication" {
		return refs
	}
	cfg, err := Recode[scanner.ReplicationConfiguration](a.Params["ReplicationConfiguration"])
	if err != nil {
		return refs
	}
	refs[a.Target], refs[cfg.Role] = true, true
	for _, r := range cfg.Rules {
		refs[r.Destination.Bucket] = true
	}
	return refs
}
