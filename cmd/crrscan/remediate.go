package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/crrscan/crrscan/cmd/crrscan/app"
	"github.com/crrscan/crrscan/remediate"
)

const remediateUsage = `Usage:
  crrscan remediate [--from RESULT.json | --snapshot FILE] [flags]   plan (read-only)
  crrscan remediate ... --apply [--yes] [--max-changes N] [--journal FILE]
  crrscan remediate apply PLAN.json [--yes]
  crrscan remediate rollback JOURNAL [--yes] [--force]

Plans the fixes of a scan's remediable findings: one write per resource, covering
every bucket that uses it, proven by re-judging the snapshot with the plan applied
(a plan that opens new findings is refused). Without --from or --snapshot it scans
the credentials' account first. Only additive changes run unless --allow says
otherwise; manual ones never run, and the plan says why. Nothing is written without
--apply (or apply PLAN.json) and a typed 'yes' on a terminal or --yes.

Exit codes: plan 0 nothing to do, 1 changes pending; apply 0 applied and verified,
1 remediable findings remain, 3 some actions failed or were skipped (the journal
says which); 2 bad input or not confirmed; 3 scan incomplete.

Flags:
`

func runRemediate(ctx context.Context, args []string, s streams) (int, error) {
	mode, file := "", ""
	if len(args) > 0 && (args[0] == "apply" || args[0] == "rollback") {
		mode, args = args[0], args[1:]
		if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
			file, args = args[0], args[1:]
		}
	}
	fs := flag.NewFlagSet("remediate", flag.ContinueOnError)
	var (
		from        = fs.String("from", "", "a scan's result `file` (crrscan.json); its snapshot is NAME.snapshot.json beside it unless --snapshot")
		snapshot    = fs.String("snapshot", "", "the snapshot `file` to plan from")
		configFile  = fs.String("config", "", "settings `file` (crrscan.yaml), as the scan used")
		checks      = fs.String("checks", "", "fix only these check `ids` (comma-separated)")
		accounts    = fs.String("accounts", "", "fix only buckets of these account `ids` (comma-separated)")
		allow       = fs.String("allow", "", "also run these `classes`: "+strings.Join(remediate.AllowValues, ","))
		planOut     = fs.String("plan-out", "", "write the plan to this JSON `file`")
		format      = fs.String("format", "table", "plan `format` on standard output: table|markdown")
		doApply     = fs.Bool("apply", false, "apply the plan (asks for 'yes' unless --yes)")
		yes         = fs.Bool("yes", false, "do not ask for confirmation")
		force       = fs.Bool("force", false, "rollback: overwrite resources that changed after the apply")
		maxChanges  = fs.Int("max-changes", 0, "stop before more than `N` writes (0: no limit)")
		journal     = fs.String("journal", "", "journal `file` (default: beside the plan)")
		profile     = fs.String("profile", "", "AWS shared-config `profile`")
		region      = fs.String("region", "", "AWS `region` for global calls")
		endpointURL = fs.String("endpoint-url", "", "send every AWS call to this `URL` (an emulator)")
		roleName    = fs.String("role-name", "", "role `name` to assume in accounts other than the credentials' own")
		externalID  = fs.String("external-id", "", "external `id` for AssumeRole with --role-name")
		logFormat   = fs.String("log-format", "text", "log `format` on standard error: text|json")
		logLevel    = fs.String("log-level", "info", "log `level`: debug|info|warn|error")
		buckets     multiFlag
		policyDirs  multiFlag
	)
	fs.Var(&buckets, "buckets", "fix only buckets matching this `glob` (repeatable)")
	fs.Var(&policyDirs, "policy-dir", "load extra Rego checks from this `directory` (repeatable)")
	if done, err := parseFlagsKeep(fs, args, s.out, remediateUsage); done || err != nil {
		return 0, err
	}
	cfg := app.RemediateConfig{
		Snapshot: *snapshot, Result: *from, ConfigFile: *configFile, PolicyDirs: policyDirs,
		Options: remediate.Options{Checks: split(*checks), Buckets: buckets, Accounts: split(*accounts), Allow: split(*allow)},
		PlanOut: *planOut, Format: *format, Apply: *doApply, Yes: *yes, Force: *force,
		MaxChanges: *maxChanges, Journal: *journal,
		Profile: *profile, Region: *region, EndpointURL: *endpointURL, RoleName: *roleName, ExternalID: *externalID,
		Now: time.Now, Stdout: s.out, Stderr: s.err,
		// A real terminal, not merely a character device such as /dev/null.
		Terminal: term.IsTerminal(int(os.Stdin.Fd())),
		Confirm: func(prompt string) (string, error) {
			fmt.Fprint(s.err, prompt)
			return bufio.NewReader(os.Stdin).ReadString('\n')
		},
	}
	switch {
	case fs.NArg() > 0:
		return 0, app.UsageError(fmt.Errorf("remediate: unexpected argument %q", fs.Arg(0)))
	case mode != "" && file == "":
		return 0, app.UsageError(fmt.Errorf("remediate %s takes one file (see crrscan remediate --help)", mode))
	case mode == "apply":
		cfg.PlanFile = file
	case mode == "rollback":
		cfg.Rollback = file
	}
	if cfg.Snapshot == "" && cfg.Result != "" {
		cfg.Snapshot = strings.TrimSuffix(cfg.Result, ".json") + ".snapshot.json"
	}
	level, err := app.ParseLogLevel(*logLevel)
	if err != nil {
		return 0, app.UsageError(err)
	}
	if cfg.Logger, err = app.NewLogger(s.err, *logFormat, level); err != nil {
		return 0, app.UsageError(err)
	}
	return app.Remediate(ctx, cfg)
}

func split(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
