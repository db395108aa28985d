package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/crrscan/crrscan/internal/inputfile"
	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

// SnapshotBeside is where a result's snapshot is kept by convention: beside the
// result, with ".snapshot.json" in place of ".json" (crrscan.json →
// crrscan.snapshot.json, 2026-11-24.json → 2026-11-24.snapshot.json).
func SnapshotBeside(resultFile string) string {
	return strings.TrimSuffix(resultFile, ".json") + ".snapshot.json"
}

// Baseline is a previous scan to compare with: its result and, when one is
// available, the snapshot it was made from.
type Baseline struct {
	ResultFile   string
	Result       *report.Result
	SnapshotFile string            // "" when no snapshot was found
	Snapshot     *scanner.Snapshot // nil when no snapshot was found
	// Note says why there is no snapshot (configuration drift is then not computed).
	Note string
}

// LoadBaseline reads a baseline result and its snapshot: snapshotFile when given
// (it must be readable), else the file SnapshotBeside names, when it exists. Any
// problem with a file that is there is a usage error (exit 2) naming the file.
func LoadBaseline(resultFile, snapshotFile string, maxSize int64) (*Baseline, error) {
	res, err := readResultFile(resultFile, maxSize)
	if err != nil {
		return nil, UsageError(fmt.Errorf("baseline %w", err))
	}
	b := &Baseline{ResultFile: resultFile, Result: res}
	explicit := snapshotFile != ""
	if !explicit {
		snapshotFile = SnapshotBeside(resultFile)
		if _, err := os.Stat(snapshotFile); errors.Is(err, os.ErrNotExist) {
			b.Note = fmt.Sprintf("configuration drift not computed: no baseline snapshot (keep the previous scan's --snapshot-out as %s, or give --baseline-snapshot)", snapshotFile)
			return b, nil
		}
	}
	snap, err := readSnapshotFile(snapshotFile, maxSize)
	if err != nil {
		return nil, UsageError(fmt.Errorf("baseline snapshot %w", err))
	}
	b.SnapshotFile, b.Snapshot = snapshotFile, snap
	return b, nil
}

// Drift compares the baseline with a scan: findings by fingerprint, and the
// configuration of the two snapshots when the baseline has one. snapshotOut is the
// current snapshot's file, if it was written.
func (b *Baseline) Drift(res *report.Result, snap *scanner.Snapshot, snapshotOut string) *report.Drift {
	base := report.DriftSide{Result: b.ResultFile, Snapshot: b.SnapshotFile, ScannedAt: scannedAt(b.Result, b.Snapshot)}
	cur := report.DriftSide{Snapshot: snapshotOut, ScannedAt: scannedAt(res, snap)}
	var notes []string
	var config *report.ConfigurationDrift
	if b.Snapshot != nil && snap != nil {
		config = report.DiffSnapshots(b.Snapshot, snap)
	} else if b.Note != "" {
		notes = append(notes, b.Note)
	}
	return report.NewDrift(base, cur, report.DiffFindings(b.Result.Findings, res.Findings), config, notes)
}

// scannedAt is when a side was scanned: the result's start, else the snapshot's collection time.
func scannedAt(r *report.Result, s *scanner.Snapshot) *time.Time {
	var t time.Time
	switch {
	case r != nil && !r.Scan.StartedAt.IsZero():
		t = r.Scan.StartedAt.UTC()
	case s != nil && !s.CollectedAt.IsZero():
		t = s.CollectedAt.UTC()
	default:
		return nil
	}
	return &t
}

// DiffConfig is everything one `crrscan diff` run needs.
type DiffConfig struct {
	// Old and New are the files to compare: two results, or two snapshots.
	Old, New string
	// OldSnapshot and NewSnapshot are the results' snapshots; "" looks beside each
	// result (SnapshotBeside).
	OldSnapshot, NewSnapshot string
	// Format is one of report.DriftFormats.
	Format string
	// FailOnNew makes the exit code count the findings new since Old (needs results).
	FailOnNew bool
	// FailOn is the severity threshold for FailOnNew.
	FailOn report.FailOn
	// Color enables colours in the table.
	Color bool
	// Stdout receives the drift.
	Stdout io.Writer
	// MaxInputSize limits the size of each file read (0: inputfile.DefaultMax).
	MaxInputSize int64
}

// Diff compares two results (findings by fingerprint, and configuration drift
// from their snapshots) or two snapshots (configuration drift only), writes the
// drift, and returns 0, or with FailOnNew the exit code ExitCodeNew gives the new
// result. Bad input is a usage error (exit 2) naming the file.
func Diff(cfg DiffConfig) (int, error) {
	if !slices.Contains(report.DriftFormats(), cfg.Format) {
		return 0, UsageError(fmt.Errorf("diff: unknown --format %q (want %s)", cfg.Format, strings.Join(report.DriftFormats(), ", ")))
	}
	oldKind, err := fileKind(cfg.Old, cfg.MaxInputSize)
	if err != nil {
		return 0, UsageError(err)
	}
	newKind, err := fileKind(cfg.New, cfg.MaxInputSize)
	if err != nil {
		return 0, UsageError(err)
	}
	if oldKind != newKind {
		return 0, UsageError(fmt.Errorf("diff: %s is a %s and %s is a %s; compare two results or two snapshots", cfg.Old, oldKind, cfg.New, newKind))
	}
	var d *report.Drift
	var cur *report.Result
	switch oldKind {
	case kindSnapshot:
		if cfg.FailOnNew {
			return 0, UsageError(errors.New("diff: --fail-on-new compares findings, which snapshots do not carry; diff the result files"))
		}
		if cfg.OldSnapshot != "" || cfg.NewSnapshot != "" {
			return 0, UsageError(errors.New("diff: --old-snapshot and --new-snapshot go with two result files"))
		}
		o, err := readSnapshotFile(cfg.Old, cfg.MaxInputSize)
		if err != nil {
			return 0, UsageError(err)
		}
		n, err := readSnapshotFile(cfg.New, cfg.MaxInputSize)
		if err != nil {
			return 0, UsageError(err)
		}
		d = report.NewDrift(
			report.DriftSide{Snapshot: cfg.Old, ScannedAt: scannedAt(nil, o)},
			report.DriftSide{Snapshot: cfg.New, ScannedAt: scannedAt(nil, n)},
			nil, report.DiffSnapshots(o, n),
			[]string{"findings not compared: snapshots carry no findings (diff the two scans' result files for new and resolved findings)"})
	default:
		base, err := LoadBaseline(cfg.Old, cfg.OldSnapshot, cfg.MaxInputSize)
		if err != nil {
			return 0, err
		}
		cur, err = readResultFile(cfg.New, cfg.MaxInputSize)
		if err != nil {
			return 0, UsageError(err)
		}
		var snap *scanner.Snapshot
		snapFile := cfg.NewSnapshot
		if snapFile == "" {
			if _, err := os.Stat(SnapshotBeside(cfg.New)); err == nil {
				snapFile = SnapshotBeside(cfg.New)
			}
		}
		if snapFile != "" {
			if snap, err = readSnapshotFile(snapFile, cfg.MaxInputSize); err != nil {
				return 0, UsageError(err)
			}
		}
		d = base.Drift(cur, snap, snapFile)
		d.Current.Result = cfg.New
		if snap == nil && base.Snapshot != nil {
			d.Notes = append(d.Notes, fmt.Sprintf("configuration drift not computed: no snapshot for %s (keep it as %s, or give --new-snapshot)", cfg.New, SnapshotBeside(cfg.New)))
		}
	}
	if err := report.WriteDrift(cfg.Stdout, cfg.Format, d, report.Options{Color: cfg.Color}); err != nil {
		return 0, fmt.Errorf("write drift: %w", err)
	}
	if cfg.FailOnNew {
		cur.Drift = d
		return cur.ExitCodeNew(cfg.FailOn), nil
	}
	return report.ExitOK, nil
}

// File kinds crrscan diff compares.
const (
	kindResult   = "crrscan result"
	kindSnapshot = "crrscan snapshot"
)

// errNeither is the kind of a file diff cannot read.
var errNeither = errors.New("neither a crrscan result nor a snapshot")

// fileKind tells a result (it has findings) from a snapshot (it has buckets).
func fileKind(path string, maxSize int64) (string, error) {
	f, err := inputfile.OpenJSON(path, maxSize)
	if err != nil {
		return "", fmt.Errorf("diff: %w", inputfile.Wrap(path, errNeither, err))
	}
	defer f.Close()
	var probe map[string]json.RawMessage
	if err := json.NewDecoder(f).Decode(&probe); err != nil {
		return "", fmt.Errorf("diff: %s: neither a crrscan result nor a snapshot: not a JSON object: %v", path, err)
	}
	_, findings := probe["findings"]
	_, buckets := probe["buckets"]
	switch {
	case findings:
		return kindResult, nil
	case buckets:
		return kindSnapshot, nil
	}
	return "", fmt.Errorf("diff: %s: neither a crrscan result (no findings) nor a snapshot (no buckets)", path)
}

// readResultFile reads a result, and says so when the file is a snapshot instead.
func readResultFile(path string, maxSize int64) (*report.Result, error) {
	res, err := readResultMax(path, maxSize)
	if err != nil && looksLikeSnapshot(path, maxSize) {
		return nil, fmt.Errorf("%s is a snapshot, not a result: give the previous scan's crrscan.json as --baseline and this file as --baseline-snapshot", path)
	}
	return res, err
}

func looksLikeSnapshot(path string, maxSize int64) bool {
	k, err := fileKind(path, maxSize)
	return err == nil && k == kindSnapshot
}

// readSnapshotFile reads a snapshot, and says so when the file is a result instead.
func readSnapshotFile(path string, maxSize int64) (*scanner.Snapshot, error) {
	s, err := scanner.ReadSnapshotFileMax(path, maxSize)
	if err != nil {
		if k, kerr := fileKind(path, maxSize); kerr == nil && k == kindResult {
			return nil, fmt.Errorf("%s is a result, not a snapshot: give the file --snapshot-out wrote", path)
		}
	}
	return s, err
}
