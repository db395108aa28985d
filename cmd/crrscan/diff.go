package main

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/crrscan/crrscan/cmd/crrscan/app"
	"github.com/crrscan/crrscan/report"
)

const diffLong = `Compares two scans and prints what changed, oldest first:

  two results (crrscan.json)   findings new, resolved and still open, matched by
                               fingerprint; and the configuration drift per bucket
                               when each result's snapshot is found (beside it as
                               NAME.snapshot.json, e.g. crrscan.snapshot.json, or
                               given with --old-snapshot and --new-snapshot)
  two snapshots (--snapshot-out files)
                               the configuration drift per bucket only

Configuration drift: rules added, removed, enabled or disabled; destination bucket,
account, region or storage class changed; replication role changed; versioning
changed on either side; RTC or delete-marker replication toggled; KMS keys changed.
What a failed read left unknown is never reported as a change.

Exit codes: 0 (also when something changed); with --fail-on-new, 1 when a finding at
or above --fail-on is open in NEW and was not open in OLD, 3 when NEW is incomplete;
2 for bad input (a missing, corrupt or other-schema file).`

const diffExample = `  crrscan diff prev/crrscan.json crrscan.json
  crrscan diff --format markdown prev/crrscan.json crrscan.json >> "$GITHUB_STEP_SUMMARY"
  crrscan diff --format json monday.snapshot.json tuesday.snapshot.json
  crrscan diff --fail-on-new --fail-on high prev/crrscan.json crrscan.json`

// newDiffCmd is `crrscan diff OLD NEW`; flags may come before or after the files.
func newDiffCmd(s streams, action actionFunc) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "diff [flags] OLD.json NEW.json",
		Short:   "What changed between two scans (findings, configuration)",
		Long:    diffLong,
		Example: diffExample,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 2 {
				return app.UsageError(errorf("diff: want two files, OLD.json NEW.json (see crrscan diff --help), got %d", len(args)))
			}
			return nil
		},
	}
	var cfg app.DiffConfig
	var failOn, format, maxSize string
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.StringVar(&format, "format", "table", "output `format`: "+strings.Join(report.DriftFormats(), "|"))
	fs.StringVar(&cfg.OldSnapshot, "old-snapshot", "", "snapshot `file` of OLD (default: OLD's NAME.snapshot.json when it exists)")
	fs.StringVar(&cfg.NewSnapshot, "new-snapshot", "", "snapshot `file` of NEW (default: NEW's NAME.snapshot.json when it exists)")
	fs.BoolVar(&cfg.FailOnNew, "fail-on-new", false, "exit 1 when a finding at or above --fail-on is new in NEW (results only)")
	fs.StringVar(&failOn, "fail-on", "high", "the `severity` --fail-on-new counts from: critical|high|medium|low|info|none")
	fs.StringVar(&maxSize, "max-input-size", maxInputSizeDefault, maxInputSizeUsage)

	cmd.RunE = action(func(_ context.Context, args []string) (int, error) {
		fo, err := report.ParseFailOn(failOn)
		if err != nil {
			return 0, app.UsageError(err)
		}
		if cfg.MaxInputSize, err = app.ParseMaxInputSize(maxSize); err != nil {
			return 0, app.UsageError(err)
		}
		cfg.Old, cfg.New = args[0], args[1]
		cfg.FailOn = fo
		cfg.Format = strings.ToLower(strings.TrimSpace(format))
		cfg.Color = app.ColorWanted()
		cfg.Stdout = s.out
		return app.Diff(cfg)
	})
	return cmd
}
