package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/crrscan/crrscan/cmd/crrscan/app"
	"github.com/crrscan/crrscan/remediate"
)

const remediateLong = `Plans the fixes of a scan's remediable findings: one write per resource, covering
every bucket that uses it, proven by re-judging the snapshot with the plan applied
(a plan that opens new findings is refused). Without --from or --snapshot it scans
the credentials' account first. Only additive changes run unless --allow says
otherwise; manual ones never run, and the plan says why. Nothing is written without
--apply (or remediate apply PLAN.json) and a typed 'yes' on a terminal or --yes.

Exit codes: plan 0 nothing to do, 1 changes pending; apply 0 applied and verified,
1 remediable findings remain, 3 some actions failed or were skipped (the journal
says which); 2 bad input or not confirmed; 3 scan incomplete.`

const remediateExample = `  crrscan remediate --from out/crrscan.json                 # the plan (read-only)
  crrscan remediate --from out/crrscan.json --format markdown --plan-out plan.json
  crrscan remediate --from out/crrscan.json --allow irreversible,narrowing --apply
  crrscan remediate apply plan.json --yes
  crrscan remediate rollback crrscan-journal-20261207T050000Z.jsonl`

// remediateFlags are the flags of remediate and its subcommands.
type remediateFlags struct {
	cfg                           app.RemediateConfig
	from, checks, accounts, allow string
	logFormat, logLevel           string
	buckets                       []string
}

// awsFlags adds the flags every remediate command needs: AWS access, confirmation
// and logs.
func (f *remediateFlags) awsFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&f.cfg.Yes, "yes", false, "do not ask for confirmation")
	fs.StringVar(&f.cfg.Profile, "profile", "", "AWS shared-config `profile`")
	fs.StringVar(&f.cfg.Region, "region", "", "AWS `region` for global calls")
	fs.StringVar(&f.cfg.EndpointURL, "endpoint-url", "", "send every AWS call to this `URL` (an emulator)")
	fs.StringVar(&f.cfg.RoleName, "role-name", "", "role `name` to assume in accounts other than the credentials' own")
	fs.StringVar(&f.cfg.ExternalID, "external-id", "", "external `id` for AssumeRole with --role-name")
	fs.StringVar(&f.logFormat, "log-format", "text", "log `format` on standard error: text|json")
	fs.StringVar(&f.logLevel, "log-level", "info", "log `level`: debug|info|warn|error")
}

// writeFlags adds the flags of the commands that write a plan.
func (f *remediateFlags) writeFlags(fs *pflag.FlagSet) {
	fs.StringVar(&f.cfg.Journal, "journal", "", "journal `file` (default: beside the plan)")
	fs.IntVar(&f.cfg.MaxChanges, "max-changes", 0, "stop before more than `N` writes (0: no limit)")
	f.awsFlags(fs)
}

// run completes the configuration and runs it.
func (f *remediateFlags) run(ctx context.Context, s streams) (int, error) {
	cfg := f.cfg
	cfg.Options = remediate.Options{Checks: split(f.checks), Buckets: f.buckets, Accounts: split(f.accounts), Allow: split(f.allow)}
	cfg.Result = f.from
	if cfg.Snapshot == "" && cfg.Result != "" {
		cfg.Snapshot = strings.TrimSuffix(cfg.Result, ".json") + ".snapshot.json"
	}
	cfg.Now, cfg.Stdout, cfg.Stderr = time.Now, s.out, s.err
	// A real terminal, not merely a character device such as /dev/null.
	cfg.Terminal = term.IsTerminal(int(os.Stdin.Fd()))
	cfg.Confirm = func(prompt string) (string, error) {
		fmt.Fprint(s.err, prompt)
		return bufio.NewReader(os.Stdin).ReadString('\n')
	}
	level, err := app.ParseLogLevel(f.logLevel)
	if err != nil {
		return 0, app.UsageError(err)
	}
	if cfg.Logger, err = app.NewLogger(s.err, f.logFormat, level); err != nil {
		return 0, app.UsageError(err)
	}
	return app.Remediate(ctx, cfg)
}

// newRemediateCmd is `crrscan remediate` with its apply and rollback subcommands.
func newRemediateCmd(s streams, action actionFunc) *cobra.Command {
	var f remediateFlags
	cmd := &cobra.Command{
		Use:     "remediate [flags]",
		Short:   "Plan, prove, apply and roll back fixes",
		Long:    remediateLong,
		Example: remediateExample,
		Args:    noArgs,
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.StringVar(&f.from, "from", "", "a scan's result `file` (crrscan.json); its snapshot is NAME.snapshot.json beside it unless --snapshot")
	fs.StringVar(&f.cfg.Snapshot, "snapshot", "", "the snapshot `file` to plan from")
	fs.StringVar(&f.cfg.ConfigFile, "config", "", "settings `file` (crrscan.yaml), as the scan used")
	fs.StringSliceVar(&f.cfg.PolicyDirs, "policy-dir", nil, "load extra Rego checks from this `directory` (repeatable)")
	fs.StringVar(&f.checks, "checks", "", "fix only these check `ids` (comma-separated)")
	fs.StringArrayVar(&f.buckets, "buckets", nil, "fix only buckets matching this `glob` (repeatable)")
	fs.StringVar(&f.accounts, "accounts", "", "fix only buckets of these account `ids` (comma-separated)")
	fs.StringVar(&f.allow, "allow", "", "also run these `classes`: "+strings.Join(remediate.AllowValues, ","))
	fs.StringVar(&f.cfg.PlanOut, "plan-out", "", "write the plan to this JSON `file`")
	fs.StringVar(&f.cfg.Format, "format", "table", "plan `format` on standard output: table|markdown")
	fs.BoolVar(&f.cfg.Apply, "apply", false, "apply the plan (asks for 'yes' unless --yes)")
	f.writeFlags(fs)
	cmd.RunE = action(func(ctx context.Context, _ []string) (int, error) { return f.run(ctx, s) })

	var af remediateFlags
	apply := &cobra.Command{
		Use:   "apply [flags] PLAN.json",
		Short: "Apply a saved plan (--plan-out)",
		Args:  oneFile("apply", "PLAN.json"),
	}
	af.writeFlags(apply.Flags())
	apply.RunE = action(func(ctx context.Context, args []string) (int, error) {
		af.cfg.PlanFile = args[0]
		return af.run(ctx, s)
	})

	var rf remediateFlags
	rollback := &cobra.Command{
		Use:   "rollback [flags] JOURNAL",
		Short: "Restore what an apply changed, from its journal",
		Args:  oneFile("rollback", "JOURNAL"),
	}
	rf.awsFlags(rollback.Flags())
	rollback.Flags().BoolVar(&rf.cfg.Force, "force", false, "overwrite resources that changed after the apply")
	rollback.RunE = action(func(ctx context.Context, args []string) (int, error) {
		rf.cfg.Rollback = args[0]
		return rf.run(ctx, s)
	})
	cmd.AddCommand(apply, rollback)
	return cmd
}

func oneFile(name, what string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != 1 {
			return app.UsageError(fmt.Errorf("remediate %s: want one file, %s (see crrscan remediate %s --help), got %d", name, what, name, len(args)))
		}
		return nil
	}
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
