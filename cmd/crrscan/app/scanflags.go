package app

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/crrscan/crrscan/internal/inputfile"
	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

// ScanFlags are the values of `crrscan scan`'s flags. Config holds the flags
// that go into the scan as they are (a command binds them straight to its
// fields); the strings below are checked and converted by Resolve.
type ScanFlags struct {
	// Config receives the flags that need no conversion.
	Config ScanConfig
	// FailOn is --fail-on: critical|high|medium|low|info|none.
	FailOn string
	// Formats is --format: comma-separated format names, or all.
	Formats string
	// Accounts and Regions are --accounts and --regions: comma-separated lists.
	Accounts, Regions string
	// Today is --today: YYYY-MM-DD.
	Today string
	// LogFormat and LogLevel are --log-format and --log-level.
	LogFormat, LogLevel string
	// MaxInputSize is --max-input-size: a size such as 1GiB.
	MaxInputSize string
}

// Resolve checks the flags and returns the scan's configuration, with its
// output streams, progress line and logger; every problem is a usage error.
func (f *ScanFlags) Resolve(stdout, stderr io.Writer) (ScanConfig, error) {
	cfg := f.Config
	var err error
	if cfg.FailOn, err = report.ParseFailOn(f.FailOn); err != nil {
		return cfg, UsageError(err)
	}
	if cfg.Formats, err = ParseFormatList(f.Formats); err != nil {
		return cfg, UsageError(err)
	}
	if err := checkEndpoint(cfg.AWS.EndpointURL); err != nil {
		return cfg, UsageError(err)
	}
	if cfg.AWS.Concurrency < 1 {
		return cfg, UsageError(fmt.Errorf("--concurrency must be at least 1, got %d", cfg.AWS.Concurrency))
	}
	if f.Today != "" {
		if cfg.Today, err = time.Parse("2006-01-02", f.Today); err != nil {
			return cfg, UsageError(fmt.Errorf("--today wants a date YYYY-MM-DD, got %q", f.Today))
		}
	}
	if cfg.MaxInputSize, err = ParseMaxInputSize(f.MaxInputSize); err != nil {
		return cfg, UsageError(err)
	}
	level, err := ParseLogLevel(f.LogLevel)
	if err != nil {
		return cfg, UsageError(err)
	}
	if cfg.AWS.Accounts, err = ParseList(f.Accounts, "--accounts", "an account id (12 digits)", scanner.ValidAccountID); err != nil {
		return cfg, UsageError(err)
	}
	if cfg.AWS.Regions, err = ParseList(f.Regions, "--regions", "a region name such as eu-west-1", scanner.ValidRegion); err != nil {
		return cfg, UsageError(err)
	}
	if err := CheckAccountFlags(cfg.AWS.Org, cfg.AWS.Accounts, cfg.AWS.RoleName, cfg.AWS.ExternalID, cfg.Profiles); err != nil {
		return cfg, UsageError(err)
	}
	if (cfg.FailOnNew || cfg.BaselineSnapshot != "") && cfg.Baseline == "" {
		return cfg, UsageError(fmt.Errorf("--fail-on-new and --baseline-snapshot need --baseline: the previous scan's crrscan.json"))
	}
	if cfg.FromSnapshot != "" && (len(cfg.Profiles) > 0 || cfg.AWS.EndpointURL != "" || cfg.AWS.Org || len(cfg.AWS.Accounts) > 0 || len(cfg.AWS.Regions) > 0) {
		return cfg, UsageError(fmt.Errorf("--from-snapshot evaluates a file offline; it cannot be combined with --profile, --endpoint-url, --org, --accounts or --regions"))
	}

	// Progress is drawn only on a terminal; log lines then clear and redraw it.
	cfg.Stdout, cfg.Stderr = stdout, stderr
	if IsTerminal(stderr) {
		cfg.Status = NewStatusLine(stderr)
		cfg.Stderr = cfg.Status
	}
	if cfg.Logger, err = NewLogger(cfg.Stderr, f.LogFormat, level); err != nil {
		return cfg, UsageError(err)
	}
	cfg.Color = ColorWanted()
	// The table fits the terminal (COLUMNS and LINES, else its size).
	var height int
	cfg.TableWidth, height = TerminalSize(stdout, os.Getenv)
	if cfg.TableLimit < 0 {
		cfg.TableLimit = TableLimit(height)
	}
	return cfg, nil
}

// checkEndpoint accepts "" or an absolute http(s) URL with a host.
func checkEndpoint(v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--endpoint-url wants an http:// or https:// URL such as http://127.0.0.1:5000, got %q", v)
	}
	return nil
}

// ParseMaxInputSize parses --max-input-size ("" is the default).
func ParseMaxInputSize(v string) (int64, error) {
	if v == "" {
		return inputfile.DefaultMax, nil
	}
	n, err := inputfile.ParseSize(v)
	if err != nil {
		return 0, fmt.Errorf("--max-input-size: %w", err)
	}
	return n, nil
}

// CheckAccountFlags rejects combinations of the account flags that name no scan.
func CheckAccountFlags(org bool, accounts []string, roleName, externalID string, profiles []string) error {
	switch {
	case org && len(accounts) > 0:
		return fmt.Errorf("--org scans every account of the organisation; it cannot be combined with --accounts")
	case org && roleName == "":
		return fmt.Errorf("--org needs --role-name: the role crrscan assumes in each member account (e.g. OrganizationAccountAccessRole, or a read-only audit role you created in every account)")
	case len(accounts) > 0 && roleName == "":
		return fmt.Errorf("--accounts needs --role-name: the role crrscan assumes in each listed account")
	case (org || len(accounts) > 0) && len(profiles) > 1:
		return fmt.Errorf("--org and --accounts assume roles from one set of credentials; give at most one --profile")
	case !org && len(accounts) == 0 && roleName != "":
		return fmt.Errorf("--role-name is used with --org or --accounts")
	case !org && len(accounts) == 0 && externalID != "":
		return fmt.Errorf("--external-id is used with --org or --accounts and --role-name")
	case strings.ContainsAny(roleName, ":*"):
		return fmt.Errorf("--role-name wants the role's name (e.g. OrganizationAccountAccessRole), not an ARN: got %q", roleName)
	}
	seen := map[string]bool{}
	for _, p := range profiles {
		if p == "" {
			return fmt.Errorf("--profile wants a profile name")
		}
		if seen[p] {
			return fmt.Errorf("--profile %q is given twice", p)
		}
		seen[p] = true
	}
	return nil
}

// ParseList splits a comma-separated flag value, trimming spaces and dropping
// duplicates; every item must pass valid.
func ParseList(v, flagName, what string, valid func(string) bool) ([]string, error) {
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	var out []string
	seen := map[string]bool{}
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if !valid(item) {
			return nil, fmt.Errorf("%s wants a comma-separated list, each %s: got %q", flagName, what, item)
		}
		if !seen[item] {
			seen[item] = true
			out = append(out, item)
		}
	}
	return out, nil
}

// ParseFormatList accepts report.ParseFormats' syntax (names in any case,
// duplicates dropped) plus "all" (in any case, alone or beside valid names).
func ParseFormatList(v string) ([]string, error) {
	var others []string
	all := false
	for _, part := range strings.Split(v, ",") {
		if strings.EqualFold(strings.TrimSpace(part), "all") {
			all = true
			continue
		}
		others = append(others, part)
	}
	if !all {
		return report.ParseFormats(v)
	}
	if len(others) > 0 {
		if _, err := report.ParseFormats(strings.Join(others, ",")); err != nil {
			return nil, err
		}
	}
	return report.Formats(), nil
}

// IsTerminal reports whether w is a terminal (a character device).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// ColorWanted reports whether standard output is a terminal and NO_COLOR is unset.
func ColorWanted() bool {
	if _, ok := os.LookupEnv("NO_COLOR"); ok {
		return false
	}
	return IsTerminal(os.Stdout)
}
