package main

import (
	"context"
	"flag"

	"github.com/crrscan/crrscan/cmd/crrscan/app"
	"github.com/crrscan/crrscan/internal/objstore"
	"github.com/crrscan/crrscan/scanner"
)

// distFlagSet are the flags of sharded scans and S3 outputs.
type distFlagSet struct {
	shard, runID, sseKMSKeyID *string
	shards                    *int
}

// distFlags adds the sharding and S3 flags to a scan's flag set.
func distFlags(fs *flag.FlagSet) distFlagSet {
	return distFlagSet{
		shard:       fs.String("shard", "", "collect only shard `i/n` of the accounts (0 <= i < n, by a stable hash of the account id) for crrscan merge; default: JOB_COMPLETION_INDEX with --shards (Kubernetes Indexed Job), or AWS_BATCH_JOB_ARRAY_INDEX and _SIZE (AWS Batch array job)"),
		shards:      fs.Int("shards", 0, "the `count` of shards, with JOB_COMPLETION_INDEX (the Indexed Job's completions)"),
		runID:       fs.String("run-id", "", "`id` every shard of one run shares (default: CRRSCAN_RUN_ID, the array job of AWS_BATCH_JOB_ID, or GITHUB_RUN_ID-GITHUB_RUN_ATTEMPT); in --snapshot-out and --output-dir {run} becomes it, {shard} the shard's index and {date} today's UTC date"),
		sseKMSKeyID: sseFlag(fs),
	}
}

func sseFlag(fs *flag.FlagSet) *string {
	return fs.String("sse-kms-key-id", "", "encrypt what is written to s3:// with this KMS `key` (default: the bucket's default encryption, SSE-KMS headers included)")
}

const mergeUsage = `Usage: crrscan merge [flags] SNAPSHOT|DIR|s3://bucket/prefix/ ...

Merges the snapshots of the shards of one sharded scan (crrscan scan --shard, or
a Kubernetes Indexed Job, AWS Batch array job or CI matrix running one shard
each), then judges the whole estate once, so that estate-wide checks see every
shard's buckets, and writes the result and reports as crrscan scan does. A
directory or an S3 prefix gives its *.snapshot.json; {date} in a location becomes
today's UTC date. Shards of different runs,
check catalogues or settings, and shards that disagree, are refused (exit 2); a
missing shard makes the scan incomplete (exit 3) and is named.

Examples:
  crrscan merge out/run-42/                     # shard-0.snapshot.json … shard-3.snapshot.json
  crrscan merge s3://audit/crrscan/run-42/ --format json,html --output-dir s3://audit/crrscan/run-42/merged/
  crrscan merge shard-*.snapshot.json --config crrscan.yaml --snapshot-out estate.snapshot.json

Flags:
`

// runMerge is crrscan merge.
func runMerge(ctx context.Context, args []string, s streams) (int, error) {
	fs := flag.NewFlagSet("merge", flag.ContinueOnError)
	var (
		region      = fs.String("region", "", "AWS `region` for s3:// locations (default: from the environment)")
		endpointURL = fs.String("endpoint-url", "", "send S3 calls to this `URL` (an emulator)")
		profile     = fs.String("profile", "", "AWS shared-config `profile` for s3:// locations")
		formats     = fs.String("format", "table", "output `formats`, as for crrscan scan")
		outputDir   = fs.String("output-dir", ".", "`directory` or s3:// prefix for report files")
		failOn      = fs.String("fail-on", "high", "exit 1 when an open finding is at or above this `severity`")
		snapshotOut = fs.String("snapshot-out", "", "write the merged snapshot to this `file` or s3:// location")
		baseline    = fs.String("baseline", "", "compare with this previous result `file` or s3:// location")
		failOnNew   = fs.Bool("fail-on-new", false, "exit 1 only for findings new against --baseline")
		configFile  = fs.String("config", "", "settings `file`: the shards' (scope, requirements, severities, waivers)")
		todayFlag   = fs.String("today", "", "judge waiver expiry as of this `date` (YYYY-MM-DD)")
		logLevel    = fs.String("log-level", "warn", "log `level`: debug|info|warn|error")
		sse         = sseFlag(fs)
		policyDirs  multiFlag
	)
	fs.Var(&policyDirs, "policy-dir", "load extra Rego checks from this `directory` (repeatable; as the shards did)")
	// Flags may follow the inputs: parse what each input leaves.
	var inputs []string
	for {
		if done, err := parseFlagsKeep(fs, args, s.out, mergeUsage); done || err != nil {
			return 0, err
		}
		if fs.NArg() == 0 {
			break
		}
		inputs = append(inputs, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(inputs) == 0 {
		return 0, app.UsageError(errorf("merge: name the shards' snapshots, a directory or an s3:// prefix (see crrscan merge --help)"))
	}
	cfg, err := app.MergeConfig(app.MergeFlags{
		Inputs: inputs, Formats: *formats, OutputDir: *outputDir, FailOn: *failOn, SnapshotOut: *snapshotOut,
		Baseline: *baseline, FailOnNew: *failOnNew, Config: *configFile, Today: *todayFlag, LogLevel: *logLevel,
		PolicyDirs: policyDirs, SSEKMSKeyID: *sse,
	}, s.err)
	if err != nil {
		return 0, err
	}
	cfg.AWS = scanner.Options{Region: *region, EndpointURL: *endpointURL, Profile: *profile}
	cfg.Version, cfg.Color, cfg.Stdout = version, colorWanted(), s.out
	return app.Scan(ctx, cfg)
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
