package main

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/crrscan/crrscan/cmd/crrscan/app"
	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

const scanLong = `Scans every S3 bucket of the account your AWS credentials belong to (the standard
chain: AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, ~/.aws/config and credentials,
SSO, instance roles), of several accounts (--profile, repeated; --accounts with
--role-name) or of a whole AWS Organization (--org --role-name), or evaluates a
snapshot offline with --from-snapshot. Only read-only APIs are called (see the
README for the IAM policy).

Progress is drawn on standard error when it is a terminal; logs go there too.`

const scanExample = `  crrscan scan                                       # table on standard output
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
  crrscan scan --endpoint-url http://127.0.0.1:5000  # an emulator such as moto`

// newScanCmd is `crrscan scan`. To add a flag, add one line to the block below:
// bound to a field of f.Config (app.ScanConfig) when the value needs no checking,
// else to a string of app.ScanFlags that Resolve checks.
func newScanCmd(s streams, action actionFunc) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "scan [flags]",
		Short:   "Scan the account of your AWS credentials (or a snapshot)",
		Long:    scanLong,
		Example: scanExample,
		Args:    noArgs,
	}
	f := &app.ScanFlags{}
	c := &f.Config
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.StringVar(&c.AWS.Region, "region", "", "AWS `region` for global calls (default: from the environment, else us-east-1)")
	fs.StringVar(&c.AWS.EndpointURL, "endpoint-url", "", "send every AWS call to this `URL` (an emulator); S3 uses path-style addressing")
	fs.StringArrayVar(&c.Profiles, "profile", nil, "AWS shared-config `profile` to scan the account of (repeatable: one account each; default: the standard chain)")
	fs.BoolVar(&c.AWS.Org, "org", false, "scan every ACTIVE account of the AWS Organization the credentials manage (needs --role-name)")
	fs.StringVar(&f.Accounts, "accounts", "", "scan these account `ids` (comma-separated) through --role-name")
	fs.StringVar(&c.AWS.RoleName, "role-name", "", "`name` of the role to assume in each account of --org or --accounts")
	fs.StringVar(&c.AWS.ExternalID, "external-id", "", "external `id` to pass to AssumeRole with --role-name")
	fs.StringVar(&f.Regions, "regions", "", "scan only the buckets in these `regions` (comma-separated; default: every region)")
	fs.StringVar(&f.Formats, "format", "table", "output `formats`, comma-separated: "+strings.Join(report.Formats(), ",")+", or all")
	fs.StringVar(&c.OutputDir, "output-dir", ".", "`directory` for report files (crrscan.json, ...)")
	fs.StringVar(&f.FailOn, "fail-on", "high", "exit 1 when an open finding is at or above this `severity`: critical|high|medium|low|info|none")
	fs.StringVar(&c.SnapshotOut, "snapshot-out", "", "write what was collected to this snapshot `file` (JSON)")
	fs.StringVar(&c.FromSnapshot, "from-snapshot", "", "evaluate this snapshot `file` instead of calling AWS (no credentials needed)")
	fs.StringVar(&c.Baseline, "baseline", "", "compare with this previous result `file` (crrscan.json): new, resolved and still-open findings, and configuration drift from its snapshot")
	fs.StringVar(&c.BaselineSnapshot, "baseline-snapshot", "", "the baseline's snapshot `file` (default: NAME.snapshot.json beside --baseline, when it exists)")
	fs.BoolVar(&c.FailOnNew, "fail-on-new", false, "exit 1 only for findings at or above --fail-on that are new against --baseline")
	fs.IntVar(&c.AWS.Concurrency, "concurrency", scanner.DefaultConcurrency, "maximum concurrent AWS reads and evaluations")
	fs.StringVar(&c.SettingsFile, "config", "", "settings `file` (crrscan.yaml): scope, requirements, severity overrides, waivers")
	fs.StringArrayVar(&c.PolicyDirs, "policy-dir", nil, "load extra Rego checks from this `directory` (repeatable)")
	fs.StringVar(&f.Today, "today", "", "judge waiver expiry as of this `date` (YYYY-MM-DD, UTC; default: the scan's start date)")
	fs.StringVar(&f.LogFormat, "log-format", "text", "log `format` on standard error: text|json")
	fs.StringVar(&f.LogLevel, "log-level", "warn", "log `level`: debug|info|warn|error")
	fs.IntVar(&c.TableLimit, "table-limit", -1, "list at most `N` findings in the table, the most severe first (0: all; -1: what fits the terminal's height, or 15)")
	fs.BoolVar(&c.AllowNetworkPolicies, "allow-network-policies", false, "let custom checks (--policy-dir) call http.send, net.lookup_ip_addr, opa.runtime and other builtins that reach outside crrscan")
	fs.StringVar(&f.MaxInputSize, "max-input-size", maxInputSizeDefault, maxInputSizeUsage)
	fs.StringVar(&c.Compliance, "compliance", "", "limit the report to the checks that map to this compliance `framework` (aws-securityhub, nist-800-53-r5, pci-dss-v3.2.1); read errors are always reported")

	cmd.RunE = action(func(ctx context.Context, _ []string) (int, error) {
		cfg, err := f.Resolve(s.out, s.err)
		if err != nil {
			return 0, err
		}
		cfg.Version = version
		return app.Scan(ctx, cfg)
	})
	return cmd
}
