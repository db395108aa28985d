package app

import (
	"fmt"
	"io"
	"time"

	"github.com/crrscan/crrscan/report"
)

// MergeFlags are the values of `crrscan merge`'s flags and arguments.
type MergeFlags struct {
	// Inputs are the shard snapshots: files, directories or s3:// prefixes.
	Inputs                                  []string
	Formats, OutputDir, FailOn, SnapshotOut string
	Baseline                                string
	FailOnNew                               bool
	Config, Today, LogLevel                 string
	PolicyDirs                              []string
	SSEKMSKeyID                             string
}

// MergeConfig checks a merge's flags and returns the ScanConfig that merges the
// shards and judges the estate (Scan with Merge set); its AWS settings are only
// those of S3 locations. Logs go to stderr. A bad flag is a usage error.
func MergeConfig(f MergeFlags, stderr io.Writer) (ScanConfig, error) {
	fo, err := report.ParseFailOn(f.FailOn)
	if err != nil {
		return ScanConfig{}, UsageError(err)
	}
	formats, err := ParseFormatList(f.Formats)
	if err != nil {
		return ScanConfig{}, UsageError(err)
	}
	var today time.Time
	if f.Today != "" {
		if today, err = time.Parse("2006-01-02", f.Today); err != nil {
			return ScanConfig{}, UsageError(fmt.Errorf("--today wants a date YYYY-MM-DD, got %q", f.Today))
		}
	}
	if f.FailOnNew && f.Baseline == "" {
		return ScanConfig{}, UsageError(fmt.Errorf("--fail-on-new needs --baseline: the previous scan's crrscan.json"))
	}
	level, err := ParseLogLevel(f.LogLevel)
	if err != nil {
		return ScanConfig{}, UsageError(err)
	}
	logger, err := NewLogger(stderr, "text", level)
	if err != nil {
		return ScanConfig{}, UsageError(err)
	}
	return ScanConfig{
		Merge: f.Inputs, Formats: formats, OutputDir: f.OutputDir, FailOn: fo, SnapshotOut: f.SnapshotOut,
		Baseline: f.Baseline, FailOnNew: f.FailOnNew, SettingsFile: f.Config, Today: today,
		PolicyDirs: f.PolicyDirs, SSEKMSKeyID: f.SSEKMSKeyID, Stderr: stderr, Logger: logger,
	}, nil
}
