package main

import (
	"context"
	"flag"
	"io"
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
SSO, instance roles), of several accounts (--profile, repeated; --accounts with
--role-name) or of a whole AWS Organization (--org --role-name), or evaluates a
snapshot offline with --from-snapshot. Only read-only APIs are called (see the
README for the IAM policy).

Examples:
  crrscan scan                                       # table on standard output
  crrscan scan --profile audit --format table,json --output-dir reports
  crrscan scan --profile prod --profile staging      # each profile's account
  crrscan scan --org --role-name OrganizationAccountAccessRole   # from the management account
  crrscan scan --accounts 111122223333,444455556666 --role-name CrrscanAudit --external-id X
  crrscan scan --org --role-name CrrscanAudit --regions us-east-1,eu-west-1
  crrscan scan --snapshot-out estate.json            # keep the evidence
  crrscan scan --from-snapshot estate.json --format json --fail-on critical
  crrscan scan --baseline prev/crrscan.json --fail-on-new --snapshot-out crrscan.snapshot.json
                                                     # what changed since prev/ (and its
                                                     # crrscan.snapshot.json); fail only on new findings
  crrscan scan --config crrscan.yaml                 # scope, requirements, severities, waivers
  crrscan scan --endpoint-url http://127.0.0.1:5000  # an emulator such as moto

Progress is drawn on standard error when it is a terminal; logs go there too.

Flags:
`

func runScan(ctx context.Context, args []string, s streams) (int, error) {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	var (
		region       = fs.String("region", "", "AWS `region` for global calls (default: from the environment, else us-east-1)")
		endpointURL  = fs.String("endpoint-url", "", "send every AWS call to this `URL` (an emulator); S3 uses path-style addressing")
		org          = fs.Bool("org", false, "scan every ACTIVE account of the AWS Organization the credentials manage (needs --role-name)")
		accounts     = fs.String("accounts", "", "scan these account `ids` (comma-separated) through --role-name")
		roleName     = fs.String("role-name", "", "`name` of the role to assume in each account of --org or --accounts")
		externalID   = fs.String("external-id", "", "external `id` to pass to AssumeRole with --role-name")
		regions      = fs.String("regions", "", "scan only the buckets in these `regions` (comma-separated; default: every region)")
		formats      = fs.String("format", "table", "output `formats`, comma-separated: "+strings.Join(report.Formats(), ",")+", or all")
		outputDir    = fs.String("output-dir", ".", "`directory` for report files (crrscan.json, ...)")
		failOn       = fs.String("fail-on", "high", "exit 1 when an open finding is at or above this `severity`: critical|high|medium|low|info|none")
		snapshotOut  = fs.String("snapshot-out", "", "write what was collected to this snapshot `file` (JSON)")
		fromSnapshot = fs.String("from-snapshot", "", "evaluate this snapshot `file` instead of calling AWS (no credentials needed)")
		baseline     = fs.String("baseline", "", "compare with this previous result `file` (crrscan.json): new, resolved and still-open findings, and configuration drift from its snapshot")
		baselineSnap = fs.String("baseline-snapshot", "", "the baseline's snapshot `file` (default: NAME.snapshot.json beside --baseline, when it exists)")
		failOnNew    = fs.Bool("fail-on-new", false, "exit 1 only for findings at or above --fail-on that are new against --baseline")
		concurrency  = fs.Int("concurrency", scanner.DefaultConcurrency, "maximum concurrent AWS reads and evaluations")
		configFile   = fs.String("config", "", "settings `file` (crrscan.yaml): scope, requirements, severity overrides, waivers")
		todayFlag    = fs.String("today", "", "judge waiver expiry as of this `date` (YYYY-MM-DD, UTC; default: the scan's start date)")
		logFormat    = fs.String("log-format", "text", "log `format` on standard error: text|json")
		logLevel     = fs.String("log-level", "warn", "log `level`: debug|info|warn|error")
		profiles     multiFlag
		policyDirs   multiFlag
	)
	fs.Var(&profiles, "profile", "AWS shared-config `profile` to scan the account of (repeatable: one account each; default: the standard chain)")
	fs.Var(&policyDirs, "policy-dir", "load extra Rego checks from this `directory` (repeatable)")
	dist := distFlags(fs) // sharding and s3:// outputs (dist.go)
	if done, err := parseFlags(fs, args, s.out, scanUsage); done || err != nil {
		return 0, err
	}
	shard, err := app.ResolveShard(*dist.shard, *dist.shards, *dist.runID, os.Getenv)
	if err != nil {
		return 0, app.UsageError(err)
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
	level, err := app.ParseLogLevel(*logLevel)
	if err != nil {
		return 0, app.UsageError(err)
	}
	accountIDs, err := parseList(*accounts, "--accounts", "an account id (12 digits)", scanner.ValidAccountID)
	if err != nil {
		return 0, app.UsageError(err)
	}
	regionNames, err := parseList(*regions, "--regions", "a region name such as eu-west-1", scanner.ValidRegion)
	if err != nil {
		return 0, app.UsageError(err)
	}
	if err := checkAccountFlags(*org, accountIDs, *roleName, *externalID, profiles); err != nil {
		return 0, app.UsageError(err)
	}
	if (*failOnNew || *baselineSnap != "") && *baseline == "" {
		return 0, app.UsageError(errorf("--fail-on-new and --baseline-snapshot need --baseline: the previous scan's crrscan.json"))
	}
	// With s3:// locations, the profile and endpoint serve S3 (dist.go).
	if *fromSnapshot != "" && ((len(profiles) > 0 || *endpointURL != "") && !usesS3(*fromSnapshot, *outputDir, *snapshotOut, *baseline) || *org || len(accountIDs) > 0 || len(regionNames) > 0) {
		return 0, app.UsageError(errorf("--from-snapshot evaluates a file offline; it cannot be combined with --profile, --endpoint-url, --org, --accounts or --regions"))
	}

	// Progress is drawn only on a terminal; log lines then clear and redraw it.
	stderr := s.err
	var status *app.StatusLine
	if isTerminal(s.err) {
		status = app.NewStatusLine(s.err)
		stderr = status
	}
	logger, err := app.NewLogger(stderr, *logFormat, level)
	if err != nil {
		return 0, app.UsageError(err)
	}
	return app.Scan(ctx, app.ScanConfig{
		AWS: scanner.Options{
			Region:      *region,
			EndpointURL: *endpointURL,
			Concurrency: *concurrency,
			Org:         *org,
			Accounts:    accountIDs,
			RoleName:    *roleName,
			ExternalID:  *externalID,
			Regions:     regionNames,
			Shard:       shard,
		},
		Profiles:     profiles,
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
		Stderr:       stderr,
		Status:       status,
		Logger:       logger,
		SSEKMSKeyID:  *dist.sseKMSKeyID,

		// Drift against a previous scan.
		Baseline:         *baseline,
		BaselineSnapshot: *baselineSnap,
		FailOnNew:        *failOnNew,
	})
}

// checkAccountFlags rejects combinations of the account flags that name no scan.
func checkAccountFlags(org bool, accounts []string, roleName, externalID string, profiles []string) error {
	switch {
	case org && len(accounts) > 0:
		return errorf("--org scans every account of the organisation; it cannot be combined with --accounts")
	case org && roleName == "":
		return errorf("--org needs --role-name: the role crrscan assumes in each member account (e.g. OrganizationAccountAccessRole, or a read-only audit role you created in every account)")
	case len(accounts) > 0 && roleName == "":
		return errorf("--accounts needs --role-name: the role crrscan assumes in each listed account")
	case (org || len(accounts) > 0) && len(profiles) > 1:
		return errorf("--org and --accounts assume roles from one set of credentials; give at most one --profile")
	case !org && len(accounts) == 0 && roleName != "":
		return errorf("--role-name is used with --org or --accounts")
	case !org && len(accounts) == 0 && externalID != "":
		return errorf("--external-id is used with --org or --accounts and --role-name")
	case strings.ContainsAny(roleName, ":*"):
		return errorf("--role-name wants the role's name (e.g. OrganizationAccountAccessRole), not an ARN: got %q", roleName)
	}
	seen := map[string]bool{}
	for _, p := range profiles {
		if p == "" {
			return errorf("--profile wants a profile name")
		}
		if seen[p] {
			return errorf("--profile %q is given twice", p)
		}
		seen[p] = true
	}
	return nil
}

// parseList splits a comma-separated flag value, trimming spaces and dropping
// duplicates; every item must pass valid.
func parseList(v, flagName, what string, valid func(string) bool) ([]string, error) {
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	var out []string
	seen := map[string]bool{}
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if !valid(item) {
			return nil, errorf("%s wants a comma-separated list, each %s: got %q", flagName, what, item)
		}
		if !seen[item] {
			seen[item] = true
			out = append(out, item)
		}
	}
	return out, nil
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
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
