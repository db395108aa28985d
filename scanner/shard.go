package scanner

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Shard selects the accounts one process of a sharded scan collects: those whose
// ShardOf is Index. Indices count from 0, as Kubernetes' JOB_COMPLETION_INDEX and
// AWS Batch's AWS_BATCH_JOB_ARRAY_INDEX do.
type Shard struct {
	Index, Count int
	// RunID names the run every shard of one scan belongs to; merge refuses shards
	// of different runs.
	RunID string
}

// String is "i/n".
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// ShardOf is the shard (0 … n-1) of an account: FNV-1a (64 bits) of its id,
// modulo n. It depends on the id alone, so every shard of a run, and every run
// with the same n, agrees on it.
func ShardOf(accountID string, n int) int {
	if n <= 1 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(accountID))
	return int(h.Sum64() % uint64(n))
}

// ErrShard marks a shard that cannot be told: a malformed --shard or environment.
var ErrShard = errors.New("invalid shard")

// ParseShard reads "i/n" (0 <= i < n).
func ParseShard(v string) (Shard, error) {
	i, n, ok := strings.Cut(v, "/")
	if !ok {
		return Shard{}, fmt.Errorf("%w: want i/n (such as 0/4), got %q", ErrShard, v)
	}
	return shardOf(i, n, "--shard "+v)
}

func shardOf(index, count, what string) (Shard, error) {
	i, err1 := strconv.Atoi(strings.TrimSpace(index))
	n, err2 := strconv.Atoi(strings.TrimSpace(count))
	if err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return Shard{}, fmt.Errorf("%w: %s: want an index from 0 to n-1 and a count n of at least 1", ErrShard, what)
	}
	return Shard{Index: i, Count: n}, nil
}

// ShardFromEnv finds the shard of a process that a scheduler started: Kubernetes
// Indexed Jobs set JOB_COMPLETION_INDEX (the count is the job's completions, given
// as count, i.e. --shards); AWS Batch array jobs set AWS_BATCH_JOB_ARRAY_INDEX and
// AWS_BATCH_JOB_ARRAY_SIZE (count, when not 0, must agree). ok is false when
// neither is set. The run id is CRRSCAN_RUN_ID, else the array job's id (the part
// of AWS_BATCH_JOB_ID before ':'), else GITHUB_RUN_ID-GITHUB_RUN_ATTEMPT.
func ShardFromEnv(getenv func(string) string, count int) (s Shard, ok bool, err error) {
	switch {
	case getenv("JOB_COMPLETION_INDEX") != "":
		if count < 1 {
			return Shard{}, false, fmt.Errorf("%w: JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job): give the job's completions as --shards", ErrShard)
		}
		s, err = shardOf(getenv("JOB_COMPLETION_INDEX"), strconv.Itoa(count), "JOB_COMPLETION_INDEX="+getenv("JOB_COMPLETION_INDEX"))
	case getenv("AWS_BATCH_JOB_ARRAY_INDEX") != "":
		size := getenv("AWS_BATCH_JOB_ARRAY_SIZE")
		if size == "" {
			size = strconv.Itoa(count)
		} else if count > 0 && size != strconv.Itoa(count) {
			return Shard{}, false, fmt.Errorf("%w: --shards %d disagrees with AWS_BATCH_JOB_ARRAY_SIZE=%s", ErrShard, count, size)
		}
		s, err = shardOf(getenv("AWS_BATCH_JOB_ARRAY_INDEX"), size, "AWS_BATCH_JOB_ARRAY_INDEX="+getenv("AWS_BATCH_JOB_ARRAY_INDEX")+", AWS_BATCH_JOB_ARRAY_SIZE="+size)
	default:
		return Shard{}, false, nil
	}
	if err != nil {
		return Shard{}, false, err
	}
	s.RunID = RunIDFromEnv(getenv)
	return s, true, nil
}

// RunIDFromEnv is the run id the environment gives (see ShardFromEnv), "" if none.
func RunIDFromEnv(getenv func(string) string) string {
	if id := getenv("CRRSCAN_RUN_ID"); id != "" {
		return id
	}
	if id := getenv("AWS_BATCH_JOB_ID"); id != "" {
		parent, _, _ := strings.Cut(id, ":")
		return parent
	}
	if id := getenv("GITHUB_RUN_ID"); id != "" {
		if a := getenv("GITHUB_RUN_ATTEMPT"); a != "" {
			return id + "-" + a
		}
		return id
	}
	return ""
}

// ShardInfo is recorded on a shard's snapshot: what merge needs to check that the
// shards belong together and to tell which are missing. An unsharded snapshot has
// none.
type ShardInfo struct {
	Index int    `json:"index"`
	Count int    `json:"count"`
	RunID string `json:"run_id"`
	// Estate is every account the run's discovery found (all shards'), sorted;
	// this shard collected those whose ShardOf is Index.
	Estate []string `json:"estate"`
	// Reads says which optional reads the shard made (ReadsKey) and Regions the
	// regions it was limited to; the shards of one run must agree.
	Reads   string   `json:"reads"`
	Regions []string `json:"regions,omitempty"`
	// Listed are the destinations (ARNs, sorted) that a scanned account listed but
	// that are not among the shard's buckets (another shard's, or left out by the
	// regions filter): read with their owners' credentials.
	Listed []string `json:"listed,omitempty"`
	// CheckDigest is the check catalogue's digest, set by the caller that judges
	// the snapshot; the shards of one run must agree.
	CheckDigest string `json:"check_digest,omitempty"`
}

// ReadsKey describes the optional reads a scan makes (Options.ReadTags,
// ReadLifecycle, ReadAll), so that shards that read differently, or a merge run
// with other settings, are told apart.
func ReadsKey(tags, lifecycle, all bool) string {
	return fmt.Sprintf("tags=%t lifecycle=%t all=%t", tags, lifecycle, all)
}

// shardInfo describes the shard o.Shard of a run whose discovery found all.
func (col *collector) shardInfo(all []*scanAccount) *ShardInfo {
	estate := make([]string, 0, len(all))
	for _, a := range all {
		estate = append(estate, a.id)
	}
	sort.Strings(estate)
	return &ShardInfo{
		Index: col.opts.Shard.Index, Count: col.opts.Shard.Count, RunID: col.opts.Shard.RunID,
		Estate: estate, Reads: ReadsKey(col.opts.ReadTags, col.opts.ReadLifecycle, col.opts.ReadAll),
		Regions: sortedUnique(col.opts.Regions),
	}
}

// readForeignDestination reads, with its owner's credentials, a destination that
// another shard's account listed: as readOwnedDestination does, with every
// setting, after finding its region when the listing did not give it.
func (col *collector) readForeignDestination(ctx context.Context, lb *listedBucket, arn string) LinkedBucket {
	if lb.listedRegion == "" {
		region, ce := col.bucketRegion(ctx, lb.account.clients, lb.bucket.Name, arn)
		if ce != nil {
			ce.Component = ComponentDestination
			return LinkedBucket{Arn: arn, Name: lb.bucket.Name, AccountID: lb.account.id, Exists: aws.Bool(true), Errors: []CollectionError{*ce}}
		}
		lb.listedRegion = region
	}
	owned := *lb
	b := *lb.bucket
	b.Region = lb.listedRegion
	owned.bucket = &b
	return col.readOwnedDestination(ctx, &owned, arn, everything)
}

// listedElsewhere are the destinations of dests that an account of the estate
// listed but that are not in the snapshot (ShardInfo.Listed).
func (col *collector) listedElsewhere(dests []LinkedBucket) []string {
	var out []string
	for _, d := range dests {
		if name, ok := bucketNameOf(d.Arn); ok {
			if lb := col.listed[name]; lb != nil && (lb.foreign || lb.excluded) {
				out = append(out, d.Arn)
			}
		}
	}
	sort.Strings(out)
	return out
}
