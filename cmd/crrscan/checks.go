package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/crrscan/crrscan/cmd/crrscan/app"
)

const checksUsage = `Usage:
  crrscan checks list [--format table|json] [--policy-dir DIR]...
  crrscan checks explain CHECK-ID [--policy-dir DIR]...

Lists the checks crrscan runs (built in, plus custom ones from --policy-dir), or
explains one: what it means, which step of the replication setup it encodes, and how
to fix it.

Flags:
`

func runChecks(ctx context.Context, args []string, s streams) (int, error) {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(s.out, checksUsage)
		if len(args) == 0 {
			return 0, app.UsageError(errorf("checks: want 'list' or 'explain ID'"))
		}
		return 0, nil
	}
	sub, rest := args[0], args[1:]
	fs := flag.NewFlagSet("checks", flag.ContinueOnError)
	format := fs.String("format", "table", "output `format`: table or json")
	var policyDirs multiFlag
	fs.Var(&policyDirs, "policy-dir", "load extra Rego checks from this `directory` (repeatable)")
	switch sub {
	case "list":
		if done, err := parseFlags(fs, rest, s.out, checksUsage); done || err != nil {
			return 0, err
		}
		return 0, app.ListChecks(ctx, s.out, *format, policyDirs)
	case "explain":
		if len(rest) == 0 {
			return 0, app.UsageError(errorf("checks explain: which check? e.g. crrscan checks explain CRR-001"))
		}
		id := rest[0]
		if done, err := parseFlags(fs, rest[1:], s.out, checksUsage); done || err != nil {
			return 0, err
		}
		return 0, app.ExplainCheck(ctx, s.out, id, policyDirs)
	default:
		return 0, app.UsageError(fmt.Errorf("checks: unknown subcommand %q (want list or explain)", sub))
	}
}
