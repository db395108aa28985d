// Package app is crrscan's pipeline: discover and collect (or load a snapshot),
// evaluate, build the result, render, and decide the exit code. Commands in
// cmd/crrscan only wire flags into the configs defined here.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/crrscan/crrscan/policies"
	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

// ScanConfig is everything one `crrscan scan` run needs.
type ScanConfig struct {
	// AWS holds the credentials, region, endpoint and account settings for a live
	// scan (AWS.Profile is ignored: see Profiles).
	AWS scanner.Options
	// Profiles are the shared-config profiles to scan, one account each; none
	// scans with the standard credential chain.
	Profiles []string
	// FromSnapshot, when set, evaluates a snapshot file instead of calling AWS.
	FromSnapshot string
	// SnapshotOut, when set, writes what was collected to this file.
	SnapshotOut string
	// Formats are the output formats; "table" goes to Stdout, the rest to OutputDir.
	Formats []string
	// OutputDir receives the report files.
	OutputDir string
	// FailOn is the severity threshold for exit code 1.
	FailOn report.FailOn
	// Baseline, when set, is a previous result to compare with (the result's
	// drift); BaselineSnapshot is its snapshot ("" looks beside it: SnapshotBeside).
	Baseline, BaselineSnapshot string
	// FailOnNew makes exit code 1 count only findings new against Baseline.
	FailOnNew bool
	// Compliance limits the report to the checks that map to this framework.
	Compliance string
	// PolicyDirs are extra directories of custom Rego checks.
	PolicyDirs []string
	// AllowNetworkPolicies lets custom checks call the builtins that reach outside
	// the process (http.send, net.lookup_ip_addr, opa.runtime, ...); without it such
	// a check is refused at load. EvalTimeout bounds one bucket's evaluation (0:
	// policies.DefaultEvalTimeout).
	AllowNetworkPolicies bool
	EvalTimeout          time.Duration
	// SettingsFile is the settings file (crrscan.yaml); "" uses the defaults.
	SettingsFile string
	// Today is the date waiver expiry is judged against; zero means the scan's
	// start date (UTC).
	Today time.Time
	// Version is the tool version recorded in the result.
	Version string
	// Color enables colours in the table.
	Color bool
	// TableWidth is the width the table fits (0: no limit; see TerminalSize).
	TableWidth int
	// TableLimit is the most findings the table lists; 0 lists all, a negative
	// value as many as fit a screen (see TableLimit).
	TableLimit int
	// Now returns the current time (pinned in tests).
	Now func() time.Time
	// Stdout receives the table; Stderr receives logs and the closing lines.
	Stdout, Stderr io.Writer
	// Status, when set (standard error is a terminal), shows the scan's progress
	// on one redrawn line. Stderr and the Logger must write through it.
	Status *StatusLine
	// Logger receives structured logs.
	Logger *slog.Logger
	// MaxInputSize limits the size of each file read: the snapshot, the baseline
	// and its snapshot, the settings, the custom checks (0: inputfile.DefaultMax).
	MaxInputSize int64
}

// UsageError makes err an exit-code-2 error: bad input, nothing was scanned.
func UsageError(err error) error {
	return &report.ExitError{Code: report.ExitUsage, Err: err}
}

// Scan runs one scan and returns the exit code the result calls for. Bad input
// (flags, snapshot, policies, settings, output directory) is returned as an
// exit-code-2 error before anything is scanned or written.
func Scan(ctx context.Context, cfg ScanConfig) (int, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	writers := make(map[string]report.Writer, len(cfg.Formats))
	for _, f := range cfg.Formats {
		w, err := report.NewWriter(f, tableOptions(cfg))
		if err != nil {
			return 0, UsageError(err)
		}
		writers[f] = w
	}
	if err := checkOutputs(cfg); err != nil {
		return 0, err
	}
	if err := checkInputs(cfg, cfg.MaxInputSize); err != nil {
		return 0, err
	}
	engine, err := policies.NewWithOptions(ctx, policies.Options{
		PolicyDirs: cfg.PolicyDirs, AllowNetwork: cfg.AllowNetworkPolicies, EvalTimeout: cfg.EvalTimeout,
	})
	if err != nil {
		return 0, UsageError(fmt.Errorf("load policies: %w", err))
	}
	settings := policies.DefaultSettings()
	if cfg.SettingsFile != "" {
		// After the policies: severity overrides and waivers name their checks.
		if settings, err = policies.LoadSettings(cfg.SettingsFile, engine.Checks()); err != nil {
			return 0, UsageError(err)
		}
	}
	if fw := cfg.Compliance; fw != "" && !slices.Contains(policies.Frameworks(engine.Checks()), fw) {
		return 0, UsageError(fmt.Errorf("--compliance %q: the checks map to %s", fw, strings.Join(policies.Frameworks(engine.Checks()), ", ")))
	}
	var baseline *Baseline
	if cfg.Baseline != "" {
		// Before the scan, and before --snapshot-out or a report may overwrite it.
		if baseline, err = LoadBaseline(cfg.Baseline, cfg.BaselineSnapshot, cfg.MaxInputSize); err != nil {
			return 0, err
		}
	}

	started := cfg.Now().UTC()
	today := cfg.Today
	if today.IsZero() {
		today = started
	}
	for _, w := range settings.Lint(today) {
		fmt.Fprintf(cfg.Stderr, "crrscan: warning: %s\n", w)
	}
	cfg.AWS.ReadTags, cfg.AWS.ReadLifecycle, cfg.AWS.ReadAll = readsNeeded(settings, engine.Checks())
	// Evaluation is CPU-bound: more goroutines than cores only hold more results in
	// memory at once (measured by make bench: 295 MB → 237 MB peak at 10,000 buckets).
	evalConcurrency := min(concurrency(cfg.AWS.Concurrency), runtime.GOMAXPROCS(0))
	// Only the JUnit report lists every bucket × check; keep those outcomes for it alone.
	judger := engine.NewJudger(ctx, settings, today, evalConcurrency, slices.Contains(cfg.Formats, "junit"))
	// A live scan hands over each bucket that does not replicate as soon as it is
	// read, so it is judged while the scan goes on; the rest is judged from the snapshot.
	cfg.AWS.Ready = judger.ReadyFunc()
	snap, source, err := collect(ctx, cfg)
	if err == nil {
		err = interrupted(ctx)
	}
	if err != nil {
		judger.Stop()
		return 0, err
	}
	// An output that cannot be written does not stop the others (exit 4).
	var failed outputErrors
	if cfg.SnapshotOut != "" {
		err := writeOutput(ctx, cfg.SnapshotOut, func(w io.Writer) error { return scanner.WriteSnapshot(w, snap) })
		if errors.Is(err, ErrInterrupted) {
			judger.Stop()
			return 0, err
		}
		if err != nil {
			failed.add("snapshot "+cfg.SnapshotOut, err)
		}
	}
	judged, err := judger.Finish(snap)
	if ctx.Err() != nil {
		return 0, ErrInterrupted
	}
	if err != nil {
		return 0, fmt.Errorf("evaluate: %w", err)
	}
	evaluated := cfg.Now().UTC()
	findings, outcomes := judged.Findings, judged.Outcomes
	checks := engine.Checks()
	infos := make([]report.CheckInfo, 0, len(checks))
	for _, c := range checks {
		infos = append(infos, report.CheckInfo{ID: c.ID, Title: c.Title, Severity: settings.SeverityOf(c.ID, c.Severity), Compliance: c.Compliance})
	}
	if cfg.Compliance != "" {
		infos, findings, outcomes = report.LimitToFramework(cfg.Compliance, infos, findings, outcomes)
	}
	res := report.NewResult(
		report.Tool{Name: "crrscan", Version: cfg.Version},
		report.ScanInfo{
			StartedAt:      started,
			FinishedAt:     cfg.Now().UTC(),
			CollectedAt:    snap.CollectedAt.UTC(),
			EvaluatedAt:    evaluated,
			Accounts:       nonNil(snap.Accounts),
			Regions:        nonNil(snap.Regions),
			BucketsScanned: len(snap.Buckets),
			// A bucket whose evaluation met the time limit was not judged.
			Complete:     snap.Complete() && len(judged.Stopped) == 0,
			PolicyDigest: engine.Digest(),
			Source:       source,
			// NewResult sorts copies of both.
			SkippedAccounts: skippedAccounts(snap),
			EnabledRegions:  snap.EnabledRegions,
		},
		infos, findings, outcomes)
	res.Map = ReplicationMap(snap)
	if judged.Buckets != nil {
		res.WithBuckets(judged.Buckets)
	}
	if baseline != nil {
		res.Drift = baseline.Drift(res, snap, cfg.SnapshotOut)
	}

	if err := render(ctx, cfg, writers, res, &failed); err != nil {
		return 0, err
	}
	if !res.Scan.Complete {
		fmt.Fprintln(cfg.Stderr, incompleteLine(snap))
	}
	if err := failed.err(); err != nil {
		return 0, err
	}
	if cfg.FailOnNew {
		return res.ExitCodeNew(cfg.FailOn), nil
	}
	return res.ExitCode(cfg.FailOn), nil
}

// readsNeeded says which optional reads the scan makes (scanner.Options): tags
// when the settings' scope filters by tags or a custom check requires them;
// destinations' lifecycle when some bucket's settings require min_retention_days
// (CRR-026) or a custom check requires it; everything when a custom check requires
// another setting the built-in checks read only for themselves.
func readsNeeded(s *policies.Settings, checks []policies.Check) (tags, lifecycle, all bool) {
	tags = len(s.Scope.Tags) > 0
	lifecycle = s.Requirements.MinRetentionDays > 0
	for _, o := range s.Overrides {
		if o.Requirements.MinRetentionDays != nil && *o.Requirements.MinRetentionDays > 0 {
			lifecycle = true
		}
	}
	for _, c := range checks {
		if strings.HasPrefix(c.ID, "CRR-") {
			continue
		}
		for _, r := range c.Requires {
			switch r {
			case scanner.ComponentTags:
				tags = true
			case scanner.ComponentLifecycle:
				lifecycle = true
			case scanner.ComponentPolicy, scanner.ComponentOwnership, scanner.ComponentPublicAccessBlock,
				scanner.ComponentRequestPayment, scanner.ComponentEncryption, scanner.ComponentObjectLock:
				all = true
			}
		}
	}
	return tags, lifecycle, all
}

func collect(ctx context.Context, cfg ScanConfig) (*scanner.Snapshot, string, error) {
	if cfg.FromSnapshot != "" {
		s, err := scanner.ReadSnapshotFileMax(cfg.FromSnapshot, cfg.MaxInputSize)
		if err != nil {
			return nil, "", UsageError(err)
		}
		return s, "snapshot:" + filepath.Base(cfg.FromSnapshot), nil
	}
	opts := cfg.AWS
	opts.Logger = cfg.Logger
	profiles := cfg.Profiles
	if len(profiles) == 0 {
		profiles = []string{""} // the standard chain
	}
	sources := make([]scanner.Clients, 0, len(profiles))
	for _, p := range profiles {
		opts.Profile = p
		if err := scanner.CheckCredentials(ctx, opts); err != nil {
			if ctx.Err() != nil {
				return nil, "", ErrInterrupted
			}
			return nil, "", UsageError(err)
		}
		clients, err := scanner.NewAWSClients(ctx, opts)
		if err != nil {
			return nil, "", UsageError(fmt.Errorf("aws configuration: %w", err))
		}
		sources = append(sources, clients)
	}
	opts.Profile = ""
	if cfg.Status != nil {
		opts.Progress = &scanner.Progress{}
		stop := showProgress(cfg.Status, opts.Progress, cfg.Now)
		defer stop()
	}
	s, err := scanner.ScanEach(ctx, sources, opts)
	if errors.Is(err, scanner.ErrOptions) {
		return nil, "", UsageError(err)
	}
	if err != nil {
		return nil, "", fmt.Errorf("scan: %w", err)
	}
	return s, "aws", nil
}

// tableOptions are the writers' options for cfg: colours, and the table's width,
// limit and pointer to the full report.
func tableOptions(cfg ScanConfig) report.Options {
	limit := cfg.TableLimit
	if limit < 0 {
		limit = TableLimit(0)
	}
	return report.Options{Color: cfg.Color, Width: cfg.TableWidth, Limit: limit, FullReport: fullReport(cfg.Formats, cfg.OutputDir)}
}

// contextWriter is a writer that stops when its context is done (the table).
type contextWriter interface {
	WriteContext(ctx context.Context, w io.Writer, r *report.Result) error
}

// render writes every format; one that fails is added to failed and the others
// are still written. It stops (ErrInterrupted) when ctx is cancelled.
func render(ctx context.Context, cfg ScanConfig, writers map[string]report.Writer, res *report.Result, failed *outputErrors) error {
	for _, f := range cfg.Formats {
		if err := interrupted(ctx); err != nil {
			return err
		}
		w := writers[f]
		name := report.FileName(f)
		if name == "" {
			write := w.Write
			if cw, ok := w.(contextWriter); ok {
				write = func(out io.Writer, r *report.Result) error { return cw.WriteContext(ctx, out, r) }
			}
			if err := write(cfg.Stdout, res); err != nil {
				if ierr := interrupted(ctx); ierr != nil {
					return ierr
				}
				failed.add(f+" on standard output", err)
			}
			continue
		}
		path := filepath.Join(cfg.OutputDir, name)
		if err := writeOutput(ctx, path, func(out io.Writer) error { return w.Write(out, res) }); err != nil {
			if errors.Is(err, ErrInterrupted) {
				return err
			}
			failed.add(f+" report "+path, err)
			continue
		}
		fmt.Fprintf(cfg.Stderr, "wrote %s\n", path)
	}
	return nil
}

// writeFileAtomic writes through a temporary file in the same directory and renames
// it into place, so a failure never leaves a partial report behind.
func writeFileAtomic(path string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("chmod %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename %s: %w", path, err)
	}
	return nil
}

func needsDir(formats []string) bool {
	for _, f := range formats {
		if report.FileName(f) != "" {
			return true
		}
	}
	return false
}

func concurrency(n int) int {
	if n <= 0 {
		return 16
	}
	return n
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// incompleteLine says how much of the estate was not fully read: buckets with
// read errors, accounts with read errors (on a bucket or account-level), and how
// many accounts could not be reached at all.
func incompleteLine(s *scanner.Snapshot) string {
	buckets := 0
	accounts := map[string]bool{}
	for _, b := range s.Buckets {
		if len(b.Errors) > 0 {
			buckets++
			accounts[b.AccountID] = true
		}
	}
	unreachedSet := map[string]bool{}
	for _, e := range s.Errors {
		id := accountOf(e.Resource)
		if id == "" {
			continue
		}
		if e.Operation == "AssumeRole" {
			unreachedSet[id] = true
		}
		accounts[id] = true
	}
	unreached := make([]string, 0, len(unreachedSet))
	for id := range unreachedSet {
		unreached = append(unreached, id)
	}
	linked := 0
	for _, d := range s.Destinations {
		if len(d.Errors) > 0 {
			linked++
		}
	}
	for _, r := range s.Roles {
		if len(r.Errors) > 0 {
			linked++
		}
	}
	for _, k := range s.KmsKeys {
		if len(k.Errors) > 0 {
			linked++
		}
	}
	line := fmt.Sprintf("scan incomplete: %d of %d buckets and %d of %d accounts were not fully read",
		buckets, len(s.Buckets), len(accounts), max(len(s.Accounts), len(accounts)))
	if len(unreached) > 0 {
		sort.Strings(unreached)
		line += fmt.Sprintf(" (%d could not be reached: %s)", len(unreached), strings.Join(unreached, ", "))
	}
	if linked > 0 {
		line += fmt.Sprintf("; %d linked resources (destinations, roles, KMS keys) were not fully read", linked)
	}
	switch n := len(s.Errors); {
	case n == 1:
		line += "; 1 account-level read failed, so buckets may be missing"
	case n > 1:
		line += fmt.Sprintf("; %d account-level reads failed, so buckets may be missing", n)
	}
	return line + "; see the CRR-090 findings"
}

// accountOf is the account of a resource that is an account id or an ARN with one.
func accountOf(resource string) string {
	if scanner.ValidAccountID(resource) {
		return resource
	}
	parts := strings.SplitN(resource, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" && scanner.ValidAccountID(parts[4]) {
		return parts[4]
	}
	return ""
}

// IsUsage reports whether err is an exit-code-2 error.
func IsUsage(err error) bool {
	var ee *report.ExitError
	return errors.As(err, &ee) && ee.Code == report.ExitUsage
}
