package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/crrscan/crrscan/cmd/crrscan/app"
)

// streams are the standard output and error of one run.
type streams struct {
	out, err io.Writer
}

const rootLong = `crrscan audits AWS S3 Cross-Region Replication (CRR): versioning on both sides,
the replication rules, the destination buckets and the IAM role S3 assumes. It
reports every problem with a concrete fix, and exits non-zero for CI gates.

Exit codes: 0 no finding at or above --fail-on; 1 findings at or above --fail-on;
2 usage or settings error (nothing scanned); 3 scan incomplete (some reads failed).`

// run executes the command line args and returns the exit code (or an error
// carrying one: a *report.ExitError).
func run(ctx context.Context, args []string, s streams) (int, error) {
	var code int
	root := newRootCmd(s, &code)
	root.SetArgs(longFlags(root, args))
	if err := root.ExecuteContext(ctx); err != nil {
		return 0, err
	}
	return code, nil
}

// newRootCmd builds the command tree. Each subcommand lives in its own file and
// only wires flags into cmd/crrscan/app; the exit code its action returns is
// stored in *code.
func newRootCmd(s streams, code *int) *cobra.Command {
	root := &cobra.Command{
		Use:           "crrscan",
		Short:         "Audit AWS S3 Cross-Region Replication",
		Long:          rootLong,
		SilenceErrors: true, // main prints the error, in one line
		SilenceUsage:  true,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return app.UsageError(fmt.Errorf("unknown command %q (see crrscan --help)", args[0]))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			if v, _ := cmd.Flags().GetBool("version"); v {
				return app.WriteVersion(cmd.Context(), s.out, build())
			}
			cmd.SetOut(s.err)
			_ = cmd.Help()
			return app.UsageError(errors.New("no command given"))
		},
	}
	root.SetOut(s.out)
	root.SetErr(s.err)
	root.SetUsageFunc(usage)
	root.Flags().BoolP("version", "v", false, "print the version (as crrscan version does)")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		err = fmt.Errorf("%v (see %s --help)", err, c.CommandPath())
		if c.HasParent() { // "scan: ...", "checks list: ..."; main says "crrscan: " already
			err = fmt.Errorf("%s: %w", strings.TrimPrefix(c.CommandPath(), root.Name()+" "), err)
		}
		return app.UsageError(err)
	})
	// action adapts an app entry point (exit code, error) to cobra.
	var action actionFunc = func(fn func(ctx context.Context, args []string) (int, error)) func(*cobra.Command, []string) error {
		return func(cmd *cobra.Command, args []string) error {
			n, err := fn(cmd.Context(), args)
			*code = n
			return err
		}
	}
	root.AddCommand(
		newScanCmd(s, action),
		newChecksCmd(s, action),
		newDiffCmd(s, action),
		newVerifyCmd(s, action),
		newMergeCmd(s, action),
		newRemediateCmd(s, action),
		newVersionCmd(s, action),
		newGenDocsCmd(s),
	)
	// Added now rather than on execution, so that the tree is complete for the
	// help tests and the generated docs.
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	return root
}

// --max-input-size, shared by the commands that read files.
const (
	maxInputSizeDefault = "1GiB"
	maxInputSizeUsage   = "refuse an input file (snapshot, result, baseline, settings, custom check) larger than this `size` (KiB, MiB, GiB; KB, MB, GB; bytes)"
)

// actionFunc is how a subcommand hands its action to the root (see newRootCmd).
type actionFunc func(fn func(ctx context.Context, args []string) (int, error)) func(*cobra.Command, []string) error

// noArgs rejects positional arguments with the command's name.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return app.UsageError(fmt.Errorf("%s: unexpected argument %q (see %s --help)", cmd.Name(), args[0], cmd.CommandPath()))
	}
	return nil
}

// longFlags rewrites a long flag given with one dash (-format json, accepted
// before crrscan moved to cobra) to its two-dash form, so that existing command
// lines keep working. Only names the command defines are rewritten.
func longFlags(root *cobra.Command, args []string) []string {
	cmd, _, err := root.Find(args)
	if err != nil || cmd == nil {
		cmd = root
	}
	lookup := func(name string) *pflag.Flag {
		if f := cmd.Flags().Lookup(name); f != nil {
			return f
		}
		return cmd.InheritedFlags().Lookup(name)
	}
	out := make([]string, len(args))
	copy(out, args)
	takesValue := false // the previous argument is a flag that wants this one as its value
	for i, a := range out {
		if a == "--" {
			break
		}
		if takesValue || !strings.HasPrefix(a, "-") || a == "-" {
			takesValue = false
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := lookup(name)
		takesValue = f != nil && !hasValue && f.NoOptDefVal == ""
		if !strings.HasPrefix(a, "--") && len(a) > 2 && (name == "help" || (name == "version" && cmd == root) || f != nil) {
			out[i] = "-" + a
		}
	}
	return out
}
