package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/crrscan/crrscan/internal/objstore"
	"github.com/crrscan/crrscan/scanner"
)

// ResolveShard decides the shard of a `crrscan scan`: --shard i/n (flag), else
// the scheduler's environment (scanner.ShardFromEnv, with --shards as count); nil
// when neither asks for one. runID (--run-id) overrides the environment's run id;
// a shard without one is an error, since merge must tell runs apart.
func ResolveShard(flag string, count int, runID string, getenv func(string) string) (*scanner.Shard, error) {
	var sh scanner.Shard
	switch {
	case flag != "":
		s, err := scanner.ParseShard(flag)
		if err != nil {
			return nil, err
		}
		if count > 0 && count != s.Count {
			return nil, fmt.Errorf("--shards %d disagrees with --shard %s", count, flag)
		}
		sh = s
		sh.RunID = scanner.RunIDFromEnv(getenv)
	default:
		s, ok, err := scanner.ShardFromEnv(getenv, count)
		if err != nil {
			return nil, err
		}
		if !ok {
			if count > 0 {
				return nil, errors.New("--shards needs the shard index: --shard i/n, or JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array job) in the environment")
			}
			if runID != "" {
				return nil, errors.New("--run-id is used with a sharded scan (--shard, --shards)")
			}
			return nil, nil
		}
		sh = s
	}
	if runID != "" {
		sh.RunID = runID
	}
	if sh.RunID == "" {
		return nil, fmt.Errorf("shard %s needs a run id that every shard of the run shares: --run-id, or CRRSCAN_RUN_ID, AWS_BATCH_JOB_ID (an array job) or GITHUB_RUN_ID in the environment", sh)
	}
	return &sh, nil
}

// ExpandPath replaces placeholders in a path, so that the shards of a run, and
// the merge after them, can share one command line: {date} with the UTC date of
// now (YYYY-MM-DD), and for a shard {shard} with its index and {run} with its run
// id.
func ExpandPath(path string, sh *scanner.Shard, now time.Time) string {
	pairs := []string{"{date}", now.UTC().Format("2006-01-02")}
	if sh != nil {
		pairs = append(pairs, "{shard}", fmt.Sprint(sh.Index), "{run}", sh.RunID)
	}
	return strings.NewReplacer(pairs...).Replace(path)
}

// MergeSuffix ends the names of the shard snapshots merge finds in a directory or
// an S3 prefix.
const MergeSuffix = ".snapshot.json"

// store is the run's Store: cfg.Store, else one with the scan's AWS settings.
func (cfg *ScanConfig) store() *objstore.Store {
	if cfg.Store == nil {
		o := cfg.AWS
		if len(cfg.Profiles) > 0 {
			o.Profile = cfg.Profiles[0]
		}
		cfg.Store = objstore.New(func() (aws.Config, error) { return scanner.LoadAWSConfig(context.Background(), o) },
			objstore.Options{Logger: cfg.Logger, SSEKMSKeyID: cfg.SSEKMSKeyID})
	}
	return cfg.Store
}

// readSnapshotAt reads a snapshot from a file or an S3 location.
func readSnapshotAt(ctx context.Context, st *objstore.Store, loc string, maxSize int64) (*scanner.Snapshot, error) {
	if !objstore.IsS3(loc) {
		return scanner.ReadSnapshotFileMax(loc, maxSize)
	}
	r, err := st.Open(ctx, loc)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", scanner.ErrSnapshot, err)
	}
	defer r.Close()
	s, err := scanner.ReadSnapshot(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", loc, err)
	}
	return s, nil
}

// mergeShards reads the shard snapshots the arguments name (files; directories
// and S3 prefixes give their *.snapshot.json) and merges them. The shards must
// have been judged with the check catalogue of digest and the reads reads.
func mergeShards(ctx context.Context, st *objstore.Store, args []string, digest, reads string) (*scanner.Snapshot, error) {
	var locs []string
	for _, a := range args {
		if isDir(a) || (objstore.IsS3(a) && !strings.HasSuffix(a, ".json")) {
			found, err := st.List(ctx, a, MergeSuffix)
			if err != nil {
				return nil, fmt.Errorf("merge: list %s: %w", a, err)
			}
			if len(found) == 0 {
				return nil, fmt.Errorf("merge: no *%s in %s", MergeSuffix, a)
			}
			locs = append(locs, found...)
			continue
		}
		locs = append(locs, a)
	}
	var named []scanner.NamedSnapshot
	for _, loc := range locs {
		s, err := readSnapshotAt(ctx, st, loc, 0)
		if err != nil {
			return nil, err
		}
		named = append(named, scanner.NamedSnapshot{Name: loc, Snapshot: s})
	}
	for _, n := range named {
		if sh := n.Snapshot.Shard; sh != nil && sh.CheckDigest != digest {
			return nil, fmt.Errorf("%w: %s was judged with checks of digest %s, this merge's checks (with its --policy-dir) have digest %s", scanner.ErrMerge, n.Name, sh.CheckDigest, digest)
		}
		if sh := n.Snapshot.Shard; sh != nil && sh.Reads != reads {
			return nil, fmt.Errorf("%w: %s read %s, this merge's settings need %s: give merge the shards' --config", scanner.ErrMerge, n.Name, sh.Reads, reads)
		}
	}
	return scanner.MergeShards(named)
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// loadBaselineAt is LoadBaseline for files or S3 locations: S3 objects are
// fetched into a temporary directory first, and named by their location.
func loadBaselineAt(ctx context.Context, st *objstore.Store, resultLoc, snapshotLoc string, maxSize int64) (*Baseline, error) {
	if !objstore.IsS3(resultLoc) && !objstore.IsS3(snapshotLoc) {
		return LoadBaseline(resultLoc, snapshotLoc, maxSize)
	}
	dir, err := os.MkdirTemp("", "crrscan-baseline-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	fetch := func(loc, name string, must bool) (string, error) {
		if !objstore.IsS3(loc) {
			return loc, nil
		}
		data, err := st.ReadFile(ctx, loc)
		if err != nil {
			if !must {
				return "", nil
			}
			return "", UsageError(fmt.Errorf("baseline: %w", err))
		}
		p := filepath.Join(dir, name)
		return p, os.WriteFile(p, data, 0o600)
	}
	res, err := fetch(resultLoc, "baseline.json", true)
	if err != nil {
		return nil, err
	}
	snapLoc, explicit := snapshotLoc, snapshotLoc != ""
	if !explicit {
		snapLoc = SnapshotBeside(resultLoc)
	}
	snap, err := fetch(snapLoc, SnapshotBeside("baseline.json"), explicit)
	if err != nil {
		return nil, err
	}
	b, err := LoadBaseline(res, snap, maxSize)
	if err != nil {
		return nil, err
	}
	b.ResultFile = resultLoc
	if b.SnapshotFile != "" {
		b.SnapshotFile = snapLoc
	}
	b.Note = strings.ReplaceAll(b.Note, SnapshotBeside(res), snapLoc)
	return b, nil
}

// usesS3 reports whether any of locs is an s3:// location.
func usesS3(locs ...string) bool {
	for _, l := range locs {
		if objstore.IsS3(l) {
			return true
		}
	}
	return false
}
