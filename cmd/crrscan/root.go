package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/crrscan/crrscan/cmd/crrscan/app"
)

type streams struct {
	out, err io.Writer
}

const rootUsage = `crrscan audits AWS S3 Cross-Region Replication (CRR): versioning on both sides,
the replication rules, the destination buckets and the IAM role S3 assumes. It
reports every problem with a concrete fix, and exits non-zero for CI gates.

Usage:
  crrscan scan [flags]            scan the account of your AWS credentials (or a snapshot)
  crrscan checks list [--format]  list the checks (ids, severities, titles)
  crrscan checks explain ID       show one check: what it means and how to fix it
  crrscan diff OLD.json NEW.json  what changed between two scans (findings, configuration)
  crrscan remediate [flags]       plan, prove, apply and roll back fixes (see --help)
  crrscan version                 print the version

Run 'crrscan scan --help' for the scan flags, 'crrscan diff --help' for drift.

Exit codes: 0 no finding at or above --fail-on; 1 findings at or above --fail-on;
2 usage or settings error (nothing scanned); 3 scan incomplete (some reads failed).
`

// run dispatches to a subcommand and returns the exit code (or an error carrying one).
func run(ctx context.Context, args []string, s streams) (int, error) {
	if len(args) == 0 {
		fmt.Fprint(s.err, rootUsage)
		return 0, app.UsageError(errors.New("no command given"))
	}
	switch args[0] {
	case "scan":
		return runScan(ctx, args[1:], s)
	case "checks":
		return runChecks(ctx, args[1:], s)
	case "diff":
		return runDiff(ctx, args[1:], s)
	case "remediate":
		return runRemediate(ctx, args[1:], s)
	case "version", "--version":
		fmt.Fprintf(s.out, "crrscan %s\n", version)
		return 0, nil
	case "help", "-h", "--help", "-help":
		fmt.Fprint(s.out, rootUsage)
		return 0, nil
	default:
		return 0, app.UsageError(fmt.Errorf("unknown command %q (see crrscan --help)", args[0]))
	}
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string { return strings.Join(*m, ",") }

func (m *multiFlag) Set(v string) error {
	*m = append(*m, v)
	return nil
}

// parseFlags parses args with fs; --help prints the usage to out and reports done.
// A bad flag is a one-line usage error.
func parseFlags(fs *flag.FlagSet, args []string, out io.Writer, usage string) (done bool, err error) {
	if done, err := parseFlagsKeep(fs, args, out, usage); done || err != nil {
		return done, err
	}
	if fs.NArg() > 0 {
		return false, app.UsageError(fmt.Errorf("%s: unexpected argument %q (see crrscan %s --help)", fs.Name(), fs.Arg(0), fs.Name()))
	}
	return false, nil
}
