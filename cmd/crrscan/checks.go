package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/crrscan/crrscan/cmd/crrscan/app"
)

const checksLong = `Lists the checks crrscan runs (built in, plus custom ones from --policy-dir), or
explains one: what it means, which step of the replication setup it encodes, and how
to fix it.`

// newChecksCmd is `crrscan checks list|explain`.
func newChecksCmd(s streams, action actionFunc) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "checks",
		Short: "List the checks, or explain one",
		Long:  checksLong,
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 && args[0] == "help" {
				return cmd.Help()
			}
			if len(args) > 0 {
				return app.UsageError(fmt.Errorf("checks: unknown subcommand %q (want list or explain)", args[0]))
			}
			_ = cmd.Help()
			return app.UsageError(errorf("checks: want 'list' or 'explain ID'"))
		},
	}
	cmd.AddCommand(newChecksListCmd(s, action), newChecksExplainCmd(s, action))
	return cmd
}

func newChecksListCmd(s streams, action actionFunc) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "list [flags]",
		Short:   "List the checks: ids, severities, titles",
		Long:    checksLong,
		Example: "  crrscan checks list\n  crrscan checks list --format json --policy-dir ./my-checks",
		Args:    noArgs,
	}
	var (
		format     string
		policyDirs []string
	)
	fs := cmd.Flags()
	fs.StringVar(&format, "format", "table", "output `format`: table or json")
	fs.StringArrayVar(&policyDirs, "policy-dir", nil, "load extra Rego checks from this `directory` (repeatable)")
	cmd.RunE = action(func(ctx context.Context, _ []string) (int, error) {
		return 0, app.ListChecks(ctx, s.out, format, policyDirs)
	})
	return cmd
}

func newChecksExplainCmd(s streams, action actionFunc) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "explain CHECK-ID [flags]",
		Short:   "Show one check: what it means and how to fix it",
		Long:    checksLong,
		Example: "  crrscan checks explain CRR-001\n  crrscan checks explain MY-001 --policy-dir ./my-checks",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return app.UsageError(errorf("checks explain: which check? e.g. crrscan checks explain CRR-001"))
			}
			return noArgs(cmd, args[1:])
		},
	}
	var policyDirs []string
	cmd.Flags().StringArrayVar(&policyDirs, "policy-dir", nil, "load extra Rego checks from this `directory` (repeatable)")
	cmd.RunE = action(func(ctx context.Context, args []string) (int, error) {
		return 0, app.ExplainCheck(ctx, s.out, args[0], policyDirs)
	})
	return cmd
}
