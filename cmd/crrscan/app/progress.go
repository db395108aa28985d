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
		for {
			select {
			case <-done:
				return
			case <-t.C:
				status.Set(progressLine(p.Counts(), now().Sub(start)))
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		status.Clear()
	}
}

// progressLine describes the counts after elapsed: accounts, buckets done of
// total, the rate and the time left once every account is listed.
func progressLine(c scanner.ProgressCounts, elapsed time.Duration) string {
	switch {
	case c.AccountsTotal == 0:
		return "crrscan: finding the accounts to scan…"
	case c.AccountsListed < c.AccountsTotal:
		return fmt.Sprintf("crrscan: listing accounts %d/%d · %d buckets so far", c.AccountsListed, c.AccountsTotal, c.BucketsTotal)
	case c.BucketsDone < c.BucketsTotal:
		// Each bucket is read in two passes (its replication configuration, then the
		// rest), so the rate and the time left count passes done of twice the buckets.
		line := fmt.Sprintf("crrscan: accounts %d/%d · buckets %d/%d", c.AccountsDone, c.AccountsTotal, c.BucketsDone, c.BucketsTotal)
		if c.ConfigsRead < c.BucketsTotal {
			line = fmt.Sprintf("crrscan: accounts %d/%d · replication configurations %d/%d", c.AccountsListed, c.AccountsTotal, c.ConfigsRead, c.BucketsTotal)
		}
		done := c.ConfigsRead + c.BucketsDone
		if secs := elapsed.Seconds(); done > 0 && secs > 0 {
			rate := float64(done) / secs
			left := time.Duration(float64(2*c.BucketsTotal-done) / rate * float64(time.Second))
			line += fmt.Sprintf(" · %.1f buckets/s · about %s left", rate/2, left.Round(time.Second))
		}
		return line
	default:
		return fmt.Sprintf("crrscan: accounts %d/%d · buckets %d/%d · destinations and keys %d/%d",
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
