package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/crrscan/crrscan/cmd/crrscan/app"
	"github.com/crrscan/crrscan/report"
)

const diffUsage = `Usage: crrscan diff [flags] OLD.json NEW.json

Compares two scans and prints what changed, oldest first:

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
2 for bad input (a missing, corrupt or other-schema file).

Examples:
  crrscan diff prev/crrscan.json crrscan.json
  crrscan diff --format markdown prev/crrscan.json crrscan.json >> "$GITHUB_STEP_SUMMARY"
  crrscan diff --format json monday.snapshot.json tuesday.snapshot.json
  crrscan diff --fail-on-new --fail-on high prev/crrscan.json crrscan.json

Flags:
`

func runDiff(_ context.Context, args []string, s streams) (int, error) {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	var (
		format      = fs.String("format", "table", "output `format`: "+strings.Join(report.DriftFormats(), "|"))
		oldSnapshot = fs.String("old-snapshot", "", "snapshot `file` of OLD (default: OLD's NAME.snapshot.json when it exists)")
		newSnapshot = fs.String("new-snapshot", "", "snapshot `file` of NEW (default: NEW's NAME.snapshot.json when it exists)")
		failOnNew   = fs.Bool("fail-on-new", false, "exit 1 when a finding at or above --fail-on is new in NEW (results only)")
		failOn      = fs.String("fail-on", "high", "the `severity` --fail-on-new counts from: critical|high|medium|low|info|none")
	)
	// Flags may come before or after the two files.
	var files []string
	rest := args
	for {
		if done, err := parseFlagsKeep(fs, rest, s.out, diffUsage); done || err != nil {
			return 0, err
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(files) != 2 {
		return 0, app.UsageError(errorf("diff: want two files, OLD.json NEW.json (see crrscan diff --help), got %d", len(files)))
	}
	fo, err := report.ParseFailOn(*failOn)
	if err != nil {
		return 0, app.UsageError(err)
	}
	return app.Diff(app.DiffConfig{
		Old: files[0], New: files[1],
		OldSnapshot: *oldSnapshot, NewSnapshot: *newSnapshot,
		Format:    strings.ToLower(strings.TrimSpace(*format)),
		FailOnNew: *failOnNew, FailOn: fo,
		Color:  colorWanted(),
		Stdout: s.out,
	})
}

// parseFlagsKeep is parseFlags that leaves positional arguments in fs.Args().
func parseFlagsKeep(fs *flag.FlagSet, args []string, out io.Writer, usage string) (bool, error) {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(out, usage)
			fs.SetOutput(out)
			fs.PrintDefaults()
			return true, nil
		}
		return false, app.UsageError(fmt.Errorf("%s: %v (see crrscan %s --help)", fs.Name(), err, fs.Name()))
	}
	return false, nil
}
