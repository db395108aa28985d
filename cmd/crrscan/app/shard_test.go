package app

import (
	"strings"
	"testing"
	"time"

	"github.com/crrscan/crrscan/scanner"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// TestResolveShard: the shard comes from --shard, else from a Kubernetes Indexed
// Job's JOB_COMPLETION_INDEX with --shards, else from an AWS Batch array job's
// AWS_BATCH_JOB_ARRAY_INDEX and _SIZE ("AWS Batch job environment variables",
// AWS Batch User Guide; "Indexed Job for parallel processing", Kubernetes
// documentation); a shard needs a run id.
func TestResolveShard(t *testing.T) {
	for _, tc := range []struct {
		name   string
		flag   string
		count  int
		runID  string
		env    map[string]string
		want   *scanner.Shard
		errHas string
	}{
		{"none", "", 0, "", nil, nil, ""},
		{"flag", "2/4", 0, "r1", nil, &scanner.Shard{Index: 2, Count: 4, RunID: "r1"}, ""},
		{"flag and env run id", "0/2", 2, "", map[string]string{"CRRSCAN_RUN_ID": "nightly"}, &scanner.Shard{Index: 0, Count: 2, RunID: "nightly"}, ""},
		{"kubernetes", "", 4, "", map[string]string{"JOB_COMPLETION_INDEX": "3", "CRRSCAN_RUN_ID": "crrscan-29"}, &scanner.Shard{Index: 3, Count: 4, RunID: "crrscan-29"}, ""},
		{"batch", "", 0, "", map[string]string{"AWS_BATCH_JOB_ARRAY_INDEX": "1", "AWS_BATCH_JOB_ARRAY_SIZE": "8", "AWS_BATCH_JOB_ID": "5d1c:1"}, &scanner.Shard{Index: 1, Count: 8, RunID: "5d1c"}, ""},
		{"github", "1/3", 0, "", map[string]string{"GITHUB_RUN_ID": "77", "GITHUB_RUN_ATTEMPT": "2"}, &scanner.Shard{Index: 1, Count: 3, RunID: "77-2"}, ""},
		{"index out of range", "4/4", 0, "r", nil, nil, "index from 0 to n-1"},
		{"not i/n", "3", 0, "r", nil, nil, "want i/n"},
		{"count disagrees", "1/4", 3, "r", nil, nil, "disagrees"},
		{"kubernetes without --shards", "", 0, "r", map[string]string{"JOB_COMPLETION_INDEX": "0"}, nil, "--shards"},
		{"batch size disagrees", "", 4, "r", map[string]string{"AWS_BATCH_JOB_ARRAY_INDEX": "0", "AWS_BATCH_JOB_ARRAY_SIZE": "8"}, nil, "disagrees"},
		{"--shards alone", "", 4, "r", nil, nil, "shard index"},
		{"no run id", "0/2", 0, "", nil, nil, "run id"},
		{"run id alone", "", 0, "r", nil, nil, "--run-id is used with"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ResolveShard(tc.flag, tc.count, tc.runID, env(tc.env))
			if tc.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errHas) {
					t.Fatalf("error %v, want one saying %q", err, tc.errHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (got == nil) != (tc.want == nil) || (got != nil && *got != *tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestExpandPath(t *testing.T) {
	now := time.Date(2026, 12, 7, 23, 30, 0, 0, time.FixedZone("x", -2*3600))
	sh := &scanner.Shard{Index: 3, Count: 4, RunID: "run-9"}
	if got := ExpandPath("s3://b/{date}/{run}/shard-{shard}.snapshot.json", sh, now); got != "s3://b/2026-12-08/run-9/shard-3.snapshot.json" {
		t.Errorf("got %s", got)
	}
	if got := ExpandPath("out/{shard}", nil, now); got != "out/{shard}" {
		t.Errorf("without a shard: %s", got)
	}
}
