package app

import (
	"bytes"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crrscan/crrscan/scanner"
)

func TestStatusLineRedrawsAroundWrites(t *testing.T) {
	var b bytes.Buffer
	s := NewStatusLine(&b)
	s.Write([]byte("before\n"))
	s.Set("scanning 1/2")
	s.Write([]byte("log line\n"))
	s.Set("scanning 2/2\nwith a newline")
	s.Clear()
	s.Write([]byte("after\n"))
	want := "before\n" +
		clearLine + "scanning 1/2" +
		clearLine + "log line\n" + "scanning 1/2" +
		clearLine + "scanning 2/2 with a newline" +
		clearLine +
		"after\n"
	if b.String() != want {
		t.Errorf("terminal got %q\nwant %q", b.String(), want)
	}
}

func TestProgressLine(t *testing.T) {
	tests := []struct {
		c    scanner.ProgressCounts
		want string
	}{
		{scanner.ProgressCounts{}, "finding the accounts"},
		{scanner.ProgressCounts{AccountsTotal: 20, AccountsListed: 5, BucketsTotal: 900}, "listing accounts 5/20 · 900 buckets so far"},
		{scanner.ProgressCounts{AccountsTotal: 20, AccountsListed: 20, BucketsTotal: 1000, ConfigsRead: 250},
			"accounts listed 20/20 · replication configurations 250/1000 · 12.5 buckets/s · about 1m10s left"},
		{scanner.ProgressCounts{AccountsTotal: 20, AccountsListed: 20, AccountsDone: 3, BucketsTotal: 1000, ConfigsRead: 1000, BucketsDone: 250},
			"accounts done 3/20 · buckets 250/1000 · 62.5 buckets/s · about 6s left"},
		{scanner.ProgressCounts{AccountsTotal: 2, AccountsListed: 2, AccountsDone: 2, BucketsTotal: 10, BucketsDone: 10, LinkedTotal: 4, LinkedDone: 1},
			"destinations and keys 1/4"},
	}
	for _, tt := range tests {
		if got := progressLine(tt.c, 10*time.Second); !strings.Contains(got, tt.want) {
			t.Errorf("progressLine(%+v) = %q, want it to contain %q", tt.c, got, tt.want)
		}
	}
}

// TestProgressLineMonotonic: over a scan's counts (read while the scan updates
// them, so a later reading may lag behind an earlier one in some field), no number
// shown under a label ever goes down: the account count used to drop from 20/20
// (listed) to 3/20 (done) when the replication configurations were read.
func TestProgressLineMonotonic(t *testing.T) {
	seq := []scanner.ProgressCounts{
		{},
		{AccountsTotal: 20, AccountsListed: 5, BucketsTotal: 300},
		{AccountsTotal: 20, AccountsListed: 20, BucketsTotal: 1000, ConfigsRead: 100},
		{AccountsTotal: 20, AccountsListed: 20, BucketsTotal: 1000, ConfigsRead: 1000, AccountsDone: 3, BucketsDone: 250},
		// A lagging reading: BucketsDone read before the last update of another field.
		{AccountsTotal: 20, AccountsListed: 20, BucketsTotal: 1000, ConfigsRead: 1000, AccountsDone: 2, BucketsDone: 240},
		{AccountsTotal: 20, AccountsListed: 20, BucketsTotal: 1000, ConfigsRead: 1000, AccountsDone: 20, BucketsDone: 1000, LinkedTotal: 8, LinkedDone: 3},
	}
	pair := regexp.MustCompile(`([a-z][a-z ]*?) (\d+)/(\d+)`)
	seen := map[string]int{}
	var m monotonic
	for _, c := range seq {
		line := progressLine(m.next(c), 10*time.Second)
		for _, g := range pair.FindAllStringSubmatch(line, -1) {
			label := strings.TrimSpace(strings.TrimPrefix(g[1], "crrscan: "))
			n, _ := strconv.Atoi(g[2])
			if prev, ok := seen[label]; ok && n < prev {
				t.Errorf("%q went from %d down to %d: %q", label, prev, n, line)
			}
			seen[label] = n
		}
	}
	if seen["accounts done"] != 20 || seen["destinations and keys"] != 3 {
		t.Errorf("labels seen: %v", seen)
	}
}

// TestShowProgressDrawsAndErases: the line is redrawn while the scan runs, at
// most four times a second, and erased at the end.
func TestShowProgressDrawsAndErases(t *testing.T) {
	var b syncBuffer
	s := NewStatusLine(&b)
	p := &scanner.Progress{}
	stop := showProgress(s, p, time.Now)
	time.Sleep(600 * time.Millisecond)
	stop()
	out := b.String()
	draws := strings.Count(out, "crrscan: finding the accounts")
	if draws < 1 || draws > 3 {
		t.Errorf("%d redraws in 0.6s, want 1 to 3: %q", draws, out)
	}
	if !strings.HasSuffix(out, clearLine) {
		t.Errorf("the line was not erased at the end: %q", out)
	}
}

// syncBuffer is written only through a StatusLine, which serialises writes, and
// read once the writer has stopped.
type syncBuffer struct{ buf bytes.Buffer }

func (s *syncBuffer) Write(p []byte) (int, error) { return s.buf.Write(p) }

func (s *syncBuffer) String() string { return s.buf.String() }

func TestLoggerFlags(t *testing.T) {
	for _, v := range []string{"debug", "info", "warn", "error", "WARN"} {
		if _, err := ParseLogLevel(v); err != nil {
			t.Errorf("ParseLogLevel(%q): %v", v, err)
		}
	}
	if _, err := ParseLogLevel("loud"); err == nil {
		t.Error("ParseLogLevel accepted loud")
	}
	var b bytes.Buffer
	l, err := NewLogger(&b, "json", slog.LevelInfo)
	if err != nil {
		t.Fatal(err)
	}
	l.Debug("hidden")
	l.Info("shown", "account", "111122223333")
	if strings.Contains(b.String(), "hidden") || !strings.HasPrefix(b.String(), `{"time":`) || !strings.Contains(b.String(), `"account":"111122223333"`) {
		t.Errorf("json log = %q", b.String())
	}
	if _, err := NewLogger(&b, "xml", slog.LevelInfo); err == nil {
		t.Error("NewLogger accepted xml")
	}
}

func TestIncompleteLine(t *testing.T) {
	const a, b, c = "111122223333", "444455556666", "777788889999"
	s := &scanner.Snapshot{
		Accounts: []string{a, b, c},
		Buckets: []scanner.Bucket{
			{Name: "x", AccountID: a, Errors: []scanner.CollectionError{{Operation: "GetBucketTagging"}}},
			{Name: "y", AccountID: a, Errors: []scanner.CollectionError{{Operation: "GetBucketVersioning"}}},
			{Name: "z", AccountID: b},
		},
		Roles:   []scanner.Role{{Arn: "r", Errors: []scanner.CollectionError{{Operation: "GetRole"}}}},
		KmsKeys: []scanner.KmsKey{{Ref: "k", Errors: []scanner.CollectionError{{Operation: "DescribeKey"}}}},
		Errors: []scanner.CollectionError{
			{Operation: "AssumeRole", Resource: "arn:aws:iam::" + c + ":role/Audit"},
		},
	}
	want := "scan incomplete: 2 of 3 buckets and 2 of 3 accounts were not fully read (1 could not be reached: " + c +
		"); 2 linked resources (destinations, roles, KMS keys) were not fully read; 1 account-level read failed, so buckets may be missing; see the CRR-090 findings"
	if got := incompleteLine(s); got != want {
		t.Errorf("incompleteLine =\n %q\nwant\n %q", got, want)
	}
}
