package main

import (
	"context"
	"errors"
	"strings"

	"github.com/spf13/cobra"

	"github.com/crrscan/crrscan/cmd/crrscan/app"
	"github.com/crrscan/crrscan/report"
)

const mergeLong = `Merges the snapshots of the shards of one sharded scan (crrscan scan --shard, or
a Kubernetes Indexed Job, AWS Batch array job or CI matrix running one shard
each), then judges the whole estate once, so that estate-wide checks see every
shard's buckets, and writes the result and reports as crrscan scan does. A
directory or an S3 prefix gives its *.snapshot.json; {date} in a location becomes
today's UTC date. Shards of different runs, check catalogues or settings, and
shards that disagree, are refused (exit 2); a missing shard makes the scan
incomplete (exit 3) and is named.`

const mergeExample = `  crrscan merge out/run-42/                     # shard-0.snapshot.json … shard-3.snapshot.json
  crrscan merge s3://audit/crrscan/run-42/ --format json,html --output-dir s3://audit/crrscan/run-42/merged/
  crrscan merge shard-*.snapshot.json --config crrscan.yaml --snapshot-out estate.snapshot.json`

// newMergeCmd is `crrscan merge`.
func newMergeCmd(s streams, action actionFunc) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "merge SNAPSHOT|DIR|s3://bucket/prefix/ ...",
		Short:   "Merge the shards of a sharded scan (scan --shard) and judge the estate",
		Long:    mergeLong,
		Example: mergeExample,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return app.UsageError(errors.New("merge: name the shards' snapshots, a directory or an s3:// prefix (see crrscan merge --help)"))
			}
			return nil
		},
	}
	var f app.MergeFlags
	var region, endpointURL, profile string
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.StringVar(&region, "region", "", "AWS `region` for s3:// locations (default: from the environment)")
	fs.StringVar(&endpointURL, "endpoint-url", "", "send S3 calls to this `URL` (an emulator)")
	fs.StringVar(&profile, "profile", "", "AWS shared-config `profile` for s3:// locations")
	fs.StringVar(&f.Formats, "format", "table", "output `formats`, comma-separated: "+strings.Join(report.Formats(), ",")+", or all")
	fs.StringVar(&f.OutputDir, "output-dir", ".", "`directory` or s3:// prefix for report files")
	fs.StringVar(&f.FailOn, "fail-on", "high", "exit 1 when an open finding is at or above this `severity`: critical|high|medium|low|info|none")
	fs.StringVar(&f.SnapshotOut, "snapshot-out", "", "write the merged snapshot to this `file` or s3:// location")
	fs.StringVar(&f.Baseline, "baseline", "", "compare with this previous result `file` or s3:// location")
	fs.BoolVar(&f.FailOnNew, "fail-on-new", false, "exit 1 only for findings new against --baseline")
	fs.StringVar(&f.Config, "config", "", "settings `file`: the shards' (scope, requirements, severities, waivers)")
	fs.StringArrayVar(&f.PolicyDirs, "policy-dir", nil, "load extra Rego checks from this `directory` (repeatable; as the shards did)")
	fs.StringVar(&f.Today, "today", "", "judge waiver expiry as of this `date` (YYYY-MM-DD, UTC)")
	fs.StringVar(&f.LogLevel, "log-level", "warn", "log `level`: debug|info|warn|error")
	fs.StringVar(&f.SSEKMSKeyID, "sse-kms-key-id", "", "encrypt what is written to s3:// with this KMS `key`")

	cmd.RunE = action(func(ctx context.Context, args []string) (int, error) {
		f.Inputs = args
		cfg, err := app.MergeConfig(f, s.err)
		if err != nil {
			return 0, err
		}
		cfg.AWS.Region, cfg.AWS.EndpointURL, cfg.AWS.Profile = region, endpointURL, profile
		cfg.Version, cfg.Color, cfg.Stdout = version, app.ColorWanted(), s.out
		return app.Scan(ctx, cfg)
	})
	return cmd
}
