package remediate

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/crrscan/crrscan/report"
)

// Rollback outcome statuses.
const (
	RollbackRestored = "restored"
	RollbackSkipped  = "skipped"
	RollbackFailed   = "failed"
)

// RollbackOutcome is what happened to one journalled write.
type RollbackOutcome struct {
	Change int           `json:"change"`
	Action report.Action `json:"action"`
	Status string        `json:"status"`
	Reason string        `json:"reason,omitempty"`
	Code   string        `json:"code,omitempty"`
	// Note says plainly what could not be put back as it was (versioning that was
	// never enabled is Suspended now).
	Note string `json:"note,omitempty"`
}

// RollbackOptions shape a rollback.
type RollbackOptions struct {
	// Force overwrites a resource that changed after the apply.
	Force    bool
	Logger   *slog.Logger
	Progress func(done, total int, o RollbackOutcome)
}

// Rollback restores, newest first, every resource a journal says was written (or
// may have been: a pending entry without outcome) to its journalled before-state.
// A resource that no longer holds what the apply wrote is left alone unless Force.
func Rollback(ctx context.Context, entries []JournalEntry, clients Clients, o RollbackOptions) ([]RollbackOutcome, error) {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var writes []JournalEntry
	final := map[int]string{}
	for _, e := range entries {
		switch e.State {
		case StatePending:
			writes = append(writes, e)
		case StateApplied, StateFailed:
			final[e.Change] = e.State
		default:
			return nil, fmt.Errorf("journal: unknown state %q", e.State)
		}
	}
	var out []RollbackOutcome
	for i := len(writes) - 1; i >= 0; i-- {
		e := writes[i]
		a := *e.Action
		r := RollbackOutcome{Change: e.Change, Action: a}
		report := func() {
			out = append(out, r)
			if o.Progress != nil {
				o.Progress(len(out), len(writes), r)
			}
		}
		if final[e.Change] == StateFailed {
			r.Status, r.Reason = RollbackSkipped, "the write failed: nothing to undo"
			report()
			continue
		}
		if a.Op == "s3:PutObjectLockConfiguration" {
			r.Status, r.Reason = RollbackSkipped, "Object Lock cannot be turned off once enabled"
			report()
			continue
		}
		cl, err := clients(ctx, a.AccountID)
		if err != nil {
			r.Status, r.Reason, r.Code = RollbackFailed, err.Error(), ErrorCode(err)
			report()
			continue
		}
		live, err := cl.Read(ctx, a)
		if err != nil {
			r.Status, r.Reason, r.Code = RollbackFailed, "re-read: "+err.Error(), ErrorCode(err)
			report()
			continue
		}
		if !equalJSON(normal(live), normal(after(a))) && !o.Force {
			r.Status, r.Reason = RollbackSkipped, "changed after the apply (--force overwrites it)"
			report()
			continue
		}
		if err := cl.Restore(ctx, a, e.Before); err != nil {
			r.Status, r.Reason, r.Code = RollbackFailed, err.Error(), ErrorCode(err)
			log.Error("remediate rollback", "op", a.Op, "account", a.AccountID, "target", a.Target, "result", "failed", "code", r.Code, "error", err)
			report()
			continue
		}
		r.Status = RollbackRestored
		if a.Op == "s3:PutBucketVersioning" {
			if st := str(asMap(e.Before), "Status"); st != "Enabled" {
				r.Note = "versioning cannot be turned off: it is Suspended now"
			}
		}
		log.Info("remediate rollback", "op", a.Op, "account", a.AccountID, "target", a.Target, "result", "ok")
		report()
	}
	return out, nil
}
