package report

import (
	"slices"
	"sort"
	"strings"
)

// Control is one control of a compliance framework that a check supports, as the
// check's METADATA maps it (custom.compliance): e.g. {aws-securityhub, S3.7}.
type Control struct {
	Framework string `json:"framework"`
	Control   string `json:"control"`
}

// String is "framework control", as the CSV report and SARIF tags show it.
func (c Control) String() string { return c.Framework + " " + c.Control }

// SortControls orders controls by framework, then control.
func SortControls(cs []Control) {
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].Framework != cs[j].Framework {
			return cs[i].Framework < cs[j].Framework
		}
		return cs[i].Control < cs[j].Control
	})
}

// Frameworks are the distinct frameworks of the findings' controls, sorted.
func Frameworks(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		for _, c := range f.Compliance {
			if !slices.Contains(out, c.Framework) {
				out = append(out, c.Framework)
			}
		}
	}
	sort.Strings(out)
	return out
}

// ComplianceText joins a finding's controls for a single cell: "framework control; ...".
func ComplianceText(cs []Control) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.String()
	}
	return strings.Join(parts, "; ")
}

// MapsTo reports whether cs holds a control of framework.
func MapsTo(cs []Control, framework string) bool {
	return slices.ContainsFunc(cs, func(c Control) bool { return c.Framework == framework })
}

// LimitToFramework keeps the checks that map to framework and their findings, for a
// report limited to one framework's checks. Scan-integrity checks (severity error,
// CRR-090) and their findings stay: what could not be read is part of every report.
// Outcomes (NewResult's per-check counts) are limited to the same checks.
func LimitToFramework(framework string, checks []CheckInfo, findings []Finding, outcomes map[string]map[string]int) ([]CheckInfo, []Finding, map[string]map[string]int) {
	keep := map[string]bool{}
	var cs []CheckInfo
	for _, c := range checks {
		if c.Severity == StatusError || MapsTo(c.Compliance, framework) {
			keep[c.ID] = true
			cs = append(cs, c)
		}
	}
	var fs []Finding
	for _, f := range findings {
		if keep[f.CheckID] || f.Status == StatusError {
			fs = append(fs, f)
		}
	}
	os := map[string]map[string]int{}
	for id, o := range outcomes {
		if keep[id] {
			os[id] = o
		}
	}
	return cs, fs, os
}
