package main

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/crrscan/crrscan/cmd/crrscan/app"
	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

const scanUsage = `Usage: crrscan scan [flags]

Scans every S3 bucket of the account your AWS credentials belong to (the standard
chain: AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, ~/.aws/config and credentials,
SSO, instance roles), or evaluates a snapshot offline with --from-snapshot.
Only read-only APIs are called (see the README for the IAM policy).

Examples:
  crrscan scan                                       # table on standard output
  crrscan scan --profile audit --format table,json --output-dir reports
  crrscan scan --snapshot-out estate.json            # keep the evidence
  crrscan scan --from-snapshot estate.json --format json --fail-on critical
  crrscan scan --config crrscan.yaml                 # scope, requirements, severities, waivers
  crrscan scan --endpoint-url http://127.0.0.1:5000  # an emulator such as moto

Flags:
`

func runScan(ctx context.Context, args []string, s streams) (int, error) {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	var (
		profile      = fs.String("profile", "", "AWS shared-config `profile` to use (default: the standard chain)")
		region       = fs.String("region", "", "AWS `region` for global calls (default: from the environment, else us-east-1)")
		endpointURL  = fs.String("endpoint-url", "", "send every AWS call to this `URL` (an emulator); S3 uses path-style addressing")
		formats      = fs.String("format", "table", "output `formats`, comma-separated: "+strings.Join(report.Formats(), ",")+", or all")
		outputDir    = fs.String("output-dir", ".", "`directory` for report files (crrscan.json, ...)")
		failOn       = fs.String("fail-on", "high", "exit 1 when an open finding is at or above this `severity`: critical|high|medium|low|info|none")
		snapshotOut  = fs.String("snapshot-out", "", "write what was collected to this snapshot `file` (JSON)")
		fromSnapshot = fs.String("from-snapshot", "", "evaluate this snapshot `file` instead of calling AWS (no credentials needed)")
		concurrency  = fs.Int("concurrency", 16, "maximum concurrent AWS reads and evaluations")
		configFile   = fs.String("config", "", "settings `file` (crrscan.yaml): scope, requirements, severity overrides, waivers")
		todayFlag    = fs.String("today", "", "judge waiver expiry as of this `date` (YYYY-MM-DD, UTC; default: the scan's start date)")
		policyDirs   multiFlag
	)
	fs.Var(&policyDirs, "policy-dir", "load extra Rego checks from this `directory` (repeatable)")
	if done, err := parseFlags(fs, args, s.out, scanUsage); done || err != nil {
		return 0, err
	}
	fo, err := report.ParseFailOn(*failOn)
	if err != nil {
		return 0, app.UsageError(err)
	}
	fmts, err := parseFormatList(*formats)
	if err != nil {
		return 0, app.UsageError(err)
	}
	if *concurrency < 1 {
		return 0, app.UsageError(errorf("--concurrency must be at least 1, got %d", *concurrency))
	}
	var today time.Time
	if *todayFlag != "" {
		if today, err = time.Parse("2006-01-02", *todayFlag); err != nil {
			return 0, app.UsageError(errorf("--today wants a date YYYY-MM-DD, got %q", *todayFlag))
		}
	}
	if *fromSnapshot != "" && (*profile != "" || *endpointURL != "") {
		return 0, app.UsageError(errorf("--from-snapshot evaluates a file offline; it cannot be combined with --profile or --endpoint-url"))
	}
	return app.Scan(ctx, app.ScanConfig{
		AWS: scanner.Options{
			Profile:     *profile,
			Region:      *region,
			EndpointURL: *endpointURL,
			Concurrency: *concurrency,
		},
		FromSnapshot: *fromSnapshot,
		SnapshotOut:  *snapshotOut,
		Formats:      fmts,
		OutputDir:    *outputDir,
		FailOn:       fo,
		PolicyDirs:   policyDirs,
		SettingsFile: *configFile,
		Today:        today,
		Version:      version,
		Color:        colorWanted(),
		Stdout:       s.out,
		Stderr:       s.err,
		Logger:       slog.New(slog.NewTextHandler(s.err, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
}

// parseFormatList accepts report.ParseFormats' syntax plus "all".
func parseFormatList(v string) ([]string, error) {
	if strings.TrimSpace(v) == "all" {
		return report.Formats(), nil
	}
	return report.ParseFormats(v)
}

// colorWanted reports whether standard output is a terminal and NO_COLOR is unset.
func colorWanted() bool {
	if _, ok := os.LookupEnv("NO_COLOR"); ok {
		return false
	}
	fi, err := os.Stdout.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
