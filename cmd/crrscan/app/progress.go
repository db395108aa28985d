package app

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/crrscan/crrscan/scanner"
)

// progressInterval is how often the progress line is redrawn (at most ~4 times a second).
const progressInterval = 250 * time.Millisecond

// StatusLine is a terminal's standard error with one status line at the bottom:
// whatever else is written (log lines, closing lines) clears the status line
// first and redraws it after. It is safe for concurrent use.
type StatusLine struct {
	mu   sync.Mutex
	w    io.Writer
	line string
}

// NewStatusLine wraps w, a terminal.
func NewStatusLine(w io.Writer) *StatusLine { return &StatusLine{w: w} }

// clearLine returns the cursor to the start of the line and erases it.
const clearLine = "\r\x1b[K"

// Write writes p above the status line.
func (s *StatusLine) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.line != "" {
		io.WriteString(s.w, clearLine)
	}
	n, err := s.w.Write(p)
	if s.line != "" && len(p) > 0 && p[len(p)-1] == '\n' {
		io.WriteString(s.w, s.line)
	}
	return n, err
}

// Set draws line as the status line (one line: newlines become spaces).
func (s *StatusLine) Set(line string) {
	line = strings.NewReplacer("\n", " ", "\r", " ").Replace(line)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.line = line
	io.WriteString(s.w, clearLine+line)
}

// Clear erases the status line.
func (s *StatusLine) Clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.line != "" {
		io.WriteString(s.w, clearLine)
		s.line = ""
	}
}

// showProgress redraws p on status every progressInterval until the returned
// function is called, which erases the line.
func showProgress(status *StatusLine, p *scanner.Progress, now func() time.Time) (stop func()) {
	start := now()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(progressInterval)
		defer t.Stop()
		var m monotonic
		for {
			select {
			case <-done:
				return
			case <-t.C:
				status.Set(progressLine(m.next(p.Counts()), now().Sub(start)))
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		status.Clear()
	}
}

// monotonic keeps what the progress line shows from going backwards: each count
// is the largest seen so far (the counts are read one by one while the scan
// updates them).
type monotonic struct {
	last scanner.ProgressCounts
}

// next returns c with every count at least its last value.
func (m *monotonic) next(c scanner.ProgressCounts) scanner.ProgressCounts {
	l := &m.last
	l.AccountsTotal = max(l.AccountsTotal, c.AccountsTotal)
	l.AccountsListed = max(l.AccountsListed, c.AccountsListed)
	l.AccountsDone = max(l.AccountsDone, c.AccountsDone)
	l.BucketsTotal = max(l.BucketsTotal, c.BucketsTotal)
	l.ConfigsRead = max(l.ConfigsRead, c.ConfigsRead)
	l.BucketsDone = max(l.BucketsDone, c.BucketsDone)
	l.LinkedTotal = max(l.LinkedTotal, c.LinkedTotal)
	l.LinkedDone = max(l.LinkedDone, c.LinkedDone)
	return *l
}

// Phases of the progress line, in the order a scan goes through them.
const (
	phaseDiscover = iota
	phaseList
	phaseConfigs
	phaseBuckets
	phaseLinked
)

func phaseOf(c scanner.ProgressCounts) int {
	switch {
	case c.AccountsTotal == 0:
		return phaseDiscover
	case c.AccountsListed < c.AccountsTotal:
		return phaseList
	case c.BucketsDone < c.BucketsTotal && c.ConfigsRead < c.BucketsTotal:
		return phaseConfigs
	case c.BucketsDone < c.BucketsTotal:
		return phaseBuckets
	}
	return phaseLinked
}

// progressLine describes the counts after elapsed: accounts, buckets done of
// total, the rate and the time left once every account is listed. Each phase
// labels its own counts (accounts listed, then accounts done), so that a number
// shown under one label never goes down.
func progressLine(c scanner.ProgressCounts, elapsed time.Duration) string {
	switch phaseOf(c) {
	case phaseDiscover:
		return "crrscan: finding the accounts to scan…"
	case phaseList:
		return fmt.Sprintf("crrscan: listing accounts %d/%d · %d buckets so far", c.AccountsListed, c.AccountsTotal, c.BucketsTotal)
	case phaseConfigs, phaseBuckets:
		// Each bucket is read in two passes (its replication configuration, then the
		// rest), so the rate and the time left count passes done of twice the buckets.
		line := fmt.Sprintf("crrscan: accounts done %d/%d · buckets %d/%d", c.AccountsDone, c.AccountsTotal, c.BucketsDone, c.BucketsTotal)
		if c.ConfigsRead < c.BucketsTotal {
			line = fmt.Sprintf("crrscan: accounts listed %d/%d · replication configurations %d/%d", c.AccountsListed, c.AccountsTotal, c.ConfigsRead, c.BucketsTotal)
		}
		done := c.ConfigsRead + c.BucketsDone
		if secs := elapsed.Seconds(); done > 0 && secs > 0 {
			rate := float64(done) / secs
			left := time.Duration(float64(2*c.BucketsTotal-done) / rate * float64(time.Second))
			line += fmt.Sprintf(" · %.1f buckets/s · about %s left", rate/2, left.Round(time.Second))
		}
		return line
	default:
		return fmt.Sprintf("crrscan: accounts done %d/%d · buckets %d/%d · destinations and keys %d/%d",
			c.AccountsDone, c.AccountsTotal, c.BucketsDone, c.BucketsTotal, c.LinkedDone, c.LinkedTotal)
	}
}

// ParseLogLevel reads a --log-level value.
func ParseLogLevel(v string) (slog.Level, error) {
	switch strings.ToLower(v) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("--log-level wants debug, info, warn or error, got %q", v)
}

// NewLogger returns a logger writing to w in format ("text" or "json") at level.
func NewLogger(w io.Writer, format string, level slog.Level) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: level}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format wants text or json, got %q", format)
}
