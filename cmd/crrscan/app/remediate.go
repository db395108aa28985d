package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/crrscan/crrscan/policies"
	"github.com/crrscan/crrscan/remediate"
	"github.com/crrscan/crrscan/remediate/awsclient"
	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

// RemediateConfig is what `crrscan remediate` was asked to do.
type RemediateConfig struct {
	// Snapshot is the snapshot file to plan from; "" scans first with AWS.
	Snapshot string
	// Result is a scan's result (crrscan.json); an incomplete scan is refused
	// (exit 3). Optional with Snapshot.
	Result     string
	ConfigFile string
	PolicyDirs []string
	Options    remediate.Options
	// PlanOut writes the plan as JSON; Format is the plan's form on standard
	// output: table or markdown.
	PlanOut, Format string
	// Apply writes the plan (or PlanFile, a saved plan) after confirmation.
	Apply    bool
	PlanFile string
	// Rollback restores from this journal.
	Rollback string
	Yes      bool
	Force    bool
	// Terminal is true when standard input is a terminal to ask on; Confirm reads
	// the answer.
	Terminal   bool
	Confirm    func(prompt string) (string, error)
	MaxChanges int
	Journal    string
	// AWS access, as the scan takes it.
	Profile, Region, EndpointURL, RoleName, ExternalID string
	Now                                                func() time.Time
	Stdout, Stderr                                     io.Writer
	Logger                                             *slog.Logger
}

// Remediate runs `crrscan remediate` and returns its exit code: plan 0 nothing to
// do, 1 changes pending; apply 0 applied and verified, 1 remediable findings remain,
// 3 actions failed or were skipped; 2 bad input; 3 the scan was incomplete.
func Remediate(ctx context.Context, cfg RemediateConfig) (int, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if err := cfg.Options.Validate(); err != nil {
		return 0, UsageError(err)
	}
	if cfg.Format == "" {
		cfg.Format = "table"
	}
	if cfg.Format != "table" && cfg.Format != "markdown" {
		return 0, UsageError(fmt.Errorf("--format %q: want table or markdown", cfg.Format))
	}
	if cfg.Rollback != "" {
		return rollback(ctx, cfg)
	}
	if (cfg.Apply || cfg.PlanFile != "") && !cfg.Yes && !cfg.Terminal {
		return 0, UsageError(errors.New("apply: standard input is not a terminal to confirm on; pass --yes to apply without asking"))
	}
	engine, err := policies.New(ctx, cfg.PolicyDirs...)
	if err != nil {
		return 0, UsageError(err)
	}
	settings := policies.DefaultSettings()
	if cfg.ConfigFile != "" {
		if settings, err = policies.LoadSettings(cfg.ConfigFile, engine.Checks()); err != nil {
			return 0, UsageError(err)
		}
	}
	ev := remediate.EngineEvaluator{Engine: engine, Settings: settings, Today: cfg.Now().UTC()}

	var plan *remediate.Plan
	var snap *scanner.Snapshot
	if cfg.PlanFile != "" {
		f, err := os.Open(cfg.PlanFile)
		if err != nil {
			return 0, UsageError(err)
		}
		plan, err = remediate.ReadJSON(f)
		f.Close()
		if err != nil {
			return 0, UsageError(fmt.Errorf("%s: %w", cfg.PlanFile, err))
		}
	} else {
		if snap, err = loadOrScan(ctx, cfg); err != nil {
			return 0, err
		}
		if !snap.Complete() {
			fmt.Fprintln(cfg.Stderr, "crrscan: the scan is incomplete (read errors): buckets with CRR-090 are not touched")
		}
		findings, err := ev.Evaluate(ctx, snap)
		if err != nil {
			return 0, fmt.Errorf("evaluate: %w", err)
		}
		if plan, err = remediate.Build(ctx, ev, snap, findings, cfg.Options); err != nil {
			return 0, err
		}
		if err := writePlan(cfg, plan); err != nil {
			return 0, err
		}
		if !cfg.Apply {
			switch {
			case cfg.Result != "" && !resultComplete(cfg.Result):
				return report.ExitIncomplete, nil
			case !snap.Complete():
				return report.ExitIncomplete, nil
			case plan.Refused != "":
				return report.ExitIncomplete, nil
			case plan.Pending():
				return report.ExitViolations, nil
			}
			return 0, nil
		}
	}
	if plan.Refused != "" {
		return report.ExitIncomplete, fmt.Errorf("%w: %s", remediate.ErrRefused, plan.Refused)
	}
	if !plan.Pending() {
		fmt.Fprintln(cfg.Stdout, "Nothing to do.")
		return 0, nil
	}
	if !cfg.Yes {
		answer, err := cfg.Confirm(fmt.Sprintf("Apply %d change(s) to AWS? Only 'yes' applies: ", len(plan.Changes)))
		if err != nil || strings.TrimSpace(answer) != "yes" {
			fmt.Fprintln(cfg.Stderr, "crrscan: not applied")
			return report.ExitUsage, nil
		}
	}
	return apply(ctx, cfg, ev, plan)
}

func resultComplete(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var r struct {
		Scan struct {
			Complete bool `json:"complete"`
		} `json:"scan"`
	}
	return json.NewDecoder(f).Decode(&r) == nil && r.Scan.Complete
}

func writePlan(cfg RemediateConfig, p *remediate.Plan) error {
	if cfg.PlanOut != "" {
		f, err := os.Create(cfg.PlanOut)
		if err != nil {
			return fmt.Errorf("plan-out: %w", err)
		}
		if err := remediate.WriteJSON(f, p); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("plan-out: %w", err)
		}
	}
	if cfg.Format == "markdown" {
		return remediate.WriteMarkdown(cfg.Stdout, p)
	}
	return remediate.WriteTable(cfg.Stdout, p)
}

func scanOptions(cfg RemediateConfig) scanner.Options {
	return scanner.Options{Profile: cfg.Profile, Region: cfg.Region, EndpointURL: cfg.EndpointURL, Logger: cfg.Logger}
}

// loadOrScan reads the snapshot, or scans the credentials' account.
func loadOrScan(ctx context.Context, cfg RemediateConfig) (*scanner.Snapshot, error) {
	if cfg.Snapshot != "" {
		s, err := scanner.ReadSnapshotFile(cfg.Snapshot)
		if err != nil {
			return nil, UsageError(err)
		}
		return s, nil
	}
	return rescan(ctx, cfg)
}

func rescan(ctx context.Context, cfg RemediateConfig) (*scanner.Snapshot, error) {
	c, err := scanner.NewAWSClients(ctx, scanOptions(cfg))
	if err != nil {
		return nil, UsageError(err)
	}
	s, err := scanner.Scan(ctx, c, scanOptions(cfg))
	if err != nil {
		return nil, fmt.Errorf("scan: %w", err)
	}
	return s, nil
}

// clients hands out each account's remediate client: the credentials' own account
// with them, another through --role-name, as the scan reaches it.
func clients(ctx context.Context, cfg RemediateConfig) (remediate.Clients, error) {
	base, err := scanner.NewAWSClients(ctx, scanOptions(cfg))
	if err != nil {
		return nil, UsageError(err)
	}
	id, err := base.STS().GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	own := ""
	if err == nil && id.Account != nil {
		own = *id.Account
	}
	return func(ctx context.Context, account string) (remediate.Client, error) {
		c := base
		if account != "" && account != own {
			if cfg.RoleName == "" {
				return nil, fmt.Errorf("account %s is not the credentials' own: pass --role-name", account)
			}
			if c, err = base.Assume(ctx, "arn:aws:iam::"+account+":role/"+cfg.RoleName, cfg.ExternalID); err != nil {
				return nil, err
			}
		}
		awsCfg, ok := scanner.ConfigOf(c)
		if !ok {
			return nil, errors.New("no AWS configuration to write with")
		}
		return &awsclient.Client{IAM: awsclient.NewIAM(awsCfg), S3: func(region string) awsclient.S3API {
			s3c, _ := c.S3(region).(awsclient.S3API)
			return s3c
		}}, nil
	}, nil
}

func journalPath(cfg RemediateConfig) string {
	if cfg.Journal != "" {
		return cfg.Journal
	}
	dir := "."
	if cfg.PlanOut != "" {
		dir = filepath.Dir(cfg.PlanOut)
	} else if cfg.PlanFile != "" {
		dir = filepath.Dir(cfg.PlanFile)
	}
	return filepath.Join(dir, "crrscan-journal-"+cfg.Now().UTC().Format("20060102T150405Z")+".jsonl")
}

func apply(ctx context.Context, cfg RemediateConfig, ev remediate.EngineEvaluator, plan *remediate.Plan) (int, error) {
	cls, err := clients(ctx, cfg)
	if err != nil {
		return 0, err
	}
	path := journalPath(cfg)
	j, err := remediate.CreateJournal(path, cfg.Now)
	if err != nil {
		return 0, UsageError(err)
	}
	defer j.Close()
	fmt.Fprintf(cfg.Stderr, "Journal: %s\n", path)
	res, err := remediate.Apply(ctx, plan, cls, remediate.ApplyOptions{
		MaxChanges: cfg.MaxChanges, Journal: j, Logger: cfg.Logger,
		Progress: func(done, total int, o remediate.Outcome) {
			line := fmt.Sprintf("[%d/%d] %s %s %s: %s", done, total, o.Change.Action.Op, report.TerminalText(o.Change.Action.Target), o.Status, report.TerminalText(o.Reason))
			fmt.Fprintln(cfg.Stderr, strings.TrimSuffix(line, ": "))
		},
	})
	if err != nil {
		return report.ExitIncomplete, err
	}
	fmt.Fprintf(cfg.Stdout, "%d write(s) sent.\n", res.Writes)
	// Verify: a fresh scan, judged as the plan was.
	after, err := rescan(ctx, cfg)
	if err != nil {
		return report.ExitIncomplete, err
	}
	fs, err := ev.Evaluate(ctx, after)
	if err != nil {
		return report.ExitIncomplete, err
	}
	open := map[string]report.Finding{}
	for _, f := range fs {
		if f.Status == report.StatusFail {
			open[f.Fingerprint] = f
		}
	}
	var cleared, left int
	for _, c := range plan.Changes {
		for _, r := range c.Clears {
			if _, still := open[r.Fingerprint]; still {
				left++
				fmt.Fprintf(cfg.Stdout, "still open: %s on %s\n", r.CheckID, report.TerminalText(r.Bucket))
			} else {
				cleared++
			}
		}
	}
	fmt.Fprintf(cfg.Stdout, "Verified: %d finding(s) cleared, %d the plan meant to clear still open.\n", cleared, left)
	remaining := 0
	for _, f := range open {
		if len(f.Remediation.Actions) > 0 && hasRunnable(f, cfg.Options) {
			remaining++
		}
	}
	switch {
	case !res.Complete():
		return report.ExitIncomplete, nil
	case remaining > 0:
		return report.ExitViolations, nil
	}
	return 0, nil
}

func hasRunnable(f report.Finding, o remediate.Options) bool {
	for _, a := range f.Remediation.Actions {
		if o.Allowed(a.Class) {
			return true
		}
	}
	return false
}

func rollback(ctx context.Context, cfg RemediateConfig) (int, error) {
	f, err := os.Open(cfg.Rollback)
	if err != nil {
		return 0, UsageError(err)
	}
	entries, err := remediate.ReadJournal(f)
	f.Close()
	if err != nil {
		return 0, UsageError(fmt.Errorf("%s: %w", cfg.Rollback, err))
	}
	if !cfg.Yes {
		if !cfg.Terminal {
			return 0, UsageError(errors.New("rollback: standard input is not a terminal to confirm on; pass --yes"))
		}
		answer, err := cfg.Confirm("Restore every resource the journal changed? Only 'yes' restores: ")
		if err != nil || strings.TrimSpace(answer) != "yes" {
			fmt.Fprintln(cfg.Stderr, "crrscan: not rolled back")
			return report.ExitUsage, nil
		}
	}
	cls, err := clients(ctx, cfg)
	if err != nil {
		return 0, err
	}
	outs, err := remediate.Rollback(ctx, entries, cls, remediate.RollbackOptions{Force: cfg.Force, Logger: cfg.Logger,
		Progress: func(done, total int, o remediate.RollbackOutcome) {
			fmt.Fprintf(cfg.Stderr, "[%d/%d] %s %s %s %s %s\n", done, total, o.Action.Op, report.TerminalText(o.Action.Target), o.Status, report.TerminalText(o.Reason), o.Note)
		}})
	if err != nil {
		return report.ExitIncomplete, err
	}
	for _, o := range outs {
		if o.Status == remediate.RollbackFailed || (o.Status == remediate.RollbackSkipped && o.Reason != "the write failed: nothing to undo") {
			return report.ExitIncomplete, nil
		}
	}
	return 0, nil
}
