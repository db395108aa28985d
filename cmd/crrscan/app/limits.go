package app

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/crrscan/crrscan/internal/inputfile"
	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

// checkInputs refuses at once, before the checks are compiled, an input file of
// the scan larger than max bytes, and a snapshot or baseline that does not start
// like a JSON object. (The snapshot, baseline and results are also limited
// while they are read.)
func checkInputs(cfg ScanConfig, max int64) error {
	if err := checkJSON(cfg.FromSnapshot, max); err != nil {
		return UsageError(inputfile.Wrap(cfg.FromSnapshot, scanner.ErrSnapshot, err))
	}
	if err := checkJSON(cfg.Baseline, max); err != nil {
		return UsageError(fmt.Errorf("baseline %w", inputfile.Wrap(cfg.Baseline, report.ErrResult, err)))
	}
	if err := checkJSON(cfg.BaselineSnapshot, max); err != nil {
		return UsageError(fmt.Errorf("baseline snapshot %w", inputfile.Wrap(cfg.BaselineSnapshot, scanner.ErrSnapshot, err)))
	}
	return checkConfigInputs(cfg.SettingsFile, cfg.PolicyDirs, max)
}

// checkJSON opens path ("" is no file) as inputfile.OpenJSON does, and closes
// it. A pipe is left alone: what this read would be lost to the real read.
func checkJSON(path string, max int64) error {
	if path == "" {
		return nil
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode()&(fs.ModeNamedPipe|fs.ModeSocket) != 0 {
		return nil
	}
	f, err := inputfile.OpenJSON(path, max)
	if err != nil {
		return err
	}
	return f.Close()
}

// checkConfigInputs refuses a settings file or a file of a --policy-dir larger
// than max bytes, before they are parsed.
func checkConfigInputs(settingsFile string, policyDirs []string, max int64) error {
	if settingsFile != "" {
		if err := inputfile.Check(settingsFile, max); err != nil {
			return UsageError(fmt.Errorf("settings %w", inputfile.Wrap(settingsFile, errors.New("not read"), err)))
		}
	}
	for _, dir := range policyDirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return err
			}
			if err := inputfile.Check(path, max); err != nil {
				return inputfile.Wrap(path, errors.New("not read"), err)
			}
			return nil
		})
		if err != nil {
			return UsageError(fmt.Errorf("load policies: %w", err))
		}
	}
	return nil
}

// readResultMax reads a result file of at most max bytes (inputfile.OpenJSON).
func readResultMax(path string, max int64) (*report.Result, error) {
	f, err := inputfile.OpenJSON(path, max)
	if err != nil {
		return nil, inputfile.Wrap(path, report.ErrResult, err)
	}
	defer f.Close()
	// Syntax is checked while reading: garbage fails at once, not after a ReadAll.
	data, err := inputfile.ReadJSON(f)
	if err != nil {
		return nil, inputfile.Wrap(path, report.ErrResult, err)
	}
	res, err := report.ReadResult(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return res, nil
}
