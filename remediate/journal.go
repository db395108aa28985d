package remediate

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/crrscan/crrscan/report"
)

// The journal is JSON Lines: a header, then for every write an entry with the
// resource's state read just before it ("pending", written and fsynced before the
// write is sent), then one with its outcome ("applied" or "failed"). A crash between
// the two leaves a pending entry: rollback treats the write as made.

// JournalKind is the header's kind.
const JournalKind = "crrscan-remediation-journal"

// JournalEntry is one line of a journal.
type JournalEntry struct {
	Kind   string `json:"kind,omitempty"` // header only
	Time   string `json:"time,omitempty"`
	Change int    `json:"change,omitempty"` // 1-based index in the plan
	State  string `json:"state,omitempty"`  // pending, applied, failed
	// Action is the write (pending entries).
	Action *report.Action `json:"action,omitempty"`
	// Before is the resource as read just before the write (pending entries); null:
	// it did not exist / was not set.
	Before any    `json:"before"`
	Error  string `json:"error,omitempty"`
}

// Journal states.
const (
	StatePending = "pending"
	StateApplied = "applied"
	StateFailed  = "failed"
)

// Journal appends entries to a file, each fsynced before Append returns.
type Journal struct {
	f   *os.File
	now func() time.Time
}

// CreateJournal creates path (refusing to overwrite one) and writes its header.
func CreateJournal(path string, now func() time.Time) (*Journal, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create journal: %w", err)
	}
	j := &Journal{f: f, now: now}
	if err := j.Append(JournalEntry{Kind: JournalKind}); err != nil {
		f.Close()
		return nil, err
	}
	return j, nil
}

// Append writes one entry and syncs it to disk.
func (j *Journal) Append(e JournalEntry) error {
	e.Time = j.now().UTC().Format(time.RFC3339Nano)
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if _, err := j.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return nil
}

// Close closes the file.
func (j *Journal) Close() error { return j.f.Close() }

// ReadJournal reads a journal's entries after the header.
func ReadJournal(r io.Reader) ([]JournalEntry, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 64*1024*1024)
	var out []JournalEntry
	line := 0
	for sc.Scan() {
		line++
		var e JournalEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("journal line %d: %w", line, err)
		}
		if line == 1 {
			if e.Kind != JournalKind {
				return nil, errors.New("journal: not a crrscan remediation journal")
			}
			continue
		}
		if e.State == StatePending && e.Action == nil {
			return nil, fmt.Errorf("journal line %d: a pending entry without its action", line)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if line == 0 {
		return nil, errors.New("journal: empty")
	}
	return out, nil
}
