package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/crrscan/crrscan/cmd/crrscan/app"
	"github.com/crrscan/crrscan/scanner"
)

const verifyCanaryLong = `WRITES to S3. Puts a small object tagged crrscan-canary=true under a dedicated
prefix (the rule's prefix + crrscan-canary/) for each destination of the bucket's
enabled replication rules, polls the destination with HeadObject until the replica
appears or --canary-timeout passes, prints the time it took and the source
version's replication status, then deletes the canary versions it created, at the
source and in every destination (by version id, nothing else). A version it could
not delete is printed with its key and version id; every write is logged on
standard error. The permissions it needs are in the README (Live verification).

Exit codes: 0 every canary replicated; 1 a canary did not (timeout, FAILED, no
enabled rule); 2 usage error; 3 a read or write failed.`

// newVerifyCmd is `crrscan verify`, whose one subcommand is the canary.
func newVerifyCmd(s streams, action actionFunc) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check that replication works (the write-enabled canary)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return app.UsageError(errorf("verify: want the canary subcommand: crrscan verify canary --bucket BUCKET (see crrscan verify --help)"))
		},
	}
	cmd.AddCommand(newVerifyCanaryCmd(s, action))
	return cmd
}

func newVerifyCanaryCmd(s streams, action actionFunc) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "canary --bucket BUCKET [flags]",
		Short:   "WRITES: send a canary object through a bucket's replication and time it",
		Long:    verifyCanaryLong,
		Example: "  crrscan verify canary --bucket acme-invoices-prod --canary-timeout 20m",
		Args:    noArgs,
	}
	var cfg app.CanaryConfig
	o := &cfg.AWS
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.StringVar(&cfg.Bucket, "bucket", "", "the source `bucket` to send canaries through (required)")
	fs.StringVar(&o.Profile, "profile", "", "AWS shared-config `profile` (default: the standard chain)")
	fs.StringVar(&o.Region, "region", "", "AWS `region` for the first call (default: from the environment, else us-east-1)")
	fs.StringVar(&o.EndpointURL, "endpoint-url", "", "send every AWS call to this `URL` (an emulator); S3 uses path-style addressing")
	fs.DurationVar(&o.Verify.CanaryTimeout, "canary-timeout", scanner.DefaultCanaryTimeout, "wait this `duration` for each replica")
	fs.DurationVar(&o.Verify.CanaryPoll, "poll", 5*time.Second, "pause this `duration` between two HeadObject polls of the destination")
	fs.BoolVar(&cfg.JSON, "json", false, "print the bucket and its canary evidence as JSON")

	cmd.RunE = action(func(ctx context.Context, _ []string) (int, error) {
		switch {
		case cfg.Bucket == "":
			return 0, app.UsageError(errorf("verify canary: --bucket is required"))
		case o.Verify.CanaryTimeout <= 0 || o.Verify.CanaryPoll <= 0:
			return 0, app.UsageError(errorf("verify canary: --canary-timeout and --poll must be positive"))
		}
		logger, err := app.NewLogger(s.err, "text", slog.LevelInfo)
		if err != nil {
			return 0, err
		}
		o.Logger = logger
		o.Verify.Canary = true
		cfg.Stdout = s.out
		return app.VerifyCanary(ctx, cfg)
	})
	return cmd
}
