package main

import (
	"context"
	"flag"
	"log/slog"
	"time"

	"github.com/crrscan/crrscan/cmd/crrscan/app"
	"github.com/crrscan/crrscan/scanner"
)

const verifyUsage = `Usage: crrscan verify canary --bucket BUCKET [flags]

WRITES to S3. Puts a small object tagged crrscan-canary=true under a dedicated
prefix (the rule's prefix + crrscan-canary/) for each destination of the bucket's
enabled replication rules, polls the destination with HeadObject until the replica
appears or --canary-timeout passes, prints the time it took and the source
version's replication status, then deletes the source version and the replica
version it created (by version id, nothing else). A version it could not delete
is printed with its key and version id. The permissions it needs are in the
README (Live verification).

Exit codes: 0 every canary replicated; 1 a canary did not (timeout, FAILED, no
enabled rule); 2 usage error; 3 a read or write failed.

Flags:
`

func runVerify(ctx context.Context, args []string, s streams) (int, error) {
	if len(args) == 0 || args[0] != "canary" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			s.out.Write([]byte(verifyUsage))
			return 0, nil
		}
		return 0, app.UsageError(errorf("verify: want the canary subcommand: crrscan verify canary --bucket BUCKET (see crrscan verify --help)"))
	}
	fs := flag.NewFlagSet("verify canary", flag.ContinueOnError)
	var (
		bucket      = fs.String("bucket", "", "the source `bucket` to send canaries through (required)")
		profile     = fs.String("profile", "", "AWS shared-config `profile` (default: the standard chain)")
		region      = fs.String("region", "", "AWS `region` for the first call (default: from the environment, else us-east-1)")
		endpointURL = fs.String("endpoint-url", "", "send every AWS call to this `URL` (an emulator); S3 uses path-style addressing")
		timeout     = fs.Duration("canary-timeout", scanner.DefaultCanaryTimeout, "how long to wait for each replica")
		poll        = fs.Duration("poll", 5*time.Second, "pause between two HeadObject polls of the destination")
		asJSON      = fs.Bool("json", false, "print the bucket and its canary evidence as JSON")
	)
	if done, err := parseFlags(fs, args[1:], s.out, verifyUsage); done || err != nil {
		return 0, err
	}
	switch {
	case *bucket == "":
		return 0, app.UsageError(errorf("verify canary: --bucket is required"))
	case *timeout <= 0 || *poll <= 0:
		return 0, app.UsageError(errorf("verify canary: --canary-timeout and --poll must be positive"))
	}
	// Every write (the canary's PutObject and DeleteObject) is logged on standard error.
	logger, err := app.NewLogger(s.err, "text", slog.LevelInfo)
	if err != nil {
		return 0, err
	}
	return app.VerifyCanary(ctx, app.CanaryConfig{
		AWS: scanner.Options{Profile: *profile, Region: *region, EndpointURL: *endpointURL, Logger: logger,
			Verify: scanner.VerifyOptions{Canary: true, CanaryTimeout: *timeout, CanaryPoll: *poll}},
		Bucket: *bucket, JSON: *asJSON, Stdout: s.out,
	})
}
