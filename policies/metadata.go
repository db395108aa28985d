package policies

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

// Check is one check as its METADATA describes it.
type Check struct {
	// ID is the stable check id (CRR-001 for embedded checks).
	ID string `json:"id"`
	// Title is the one-line name of the problem.
	Title string `json:"title"`
	// Severity is critical, high, medium, low, info, or error (scan integrity).
	Severity string `json:"severity"`
	// Description explains what the check looks for and why it matters.
	Description string `json:"description"`
	// Guide is the step of the AWS setup guide (or the pitfall) the check encodes.
	Guide string `json:"guide"`
	// Remediation is the fix in prose; findings add the concrete commands.
	Remediation string `json:"remediation"`
	// Package is the Rego package, e.g. crr.checks.crr_001.
	Package string `json:"package"`
	// Requires are the snapshot components (scanner.Component*) the check needs; when
	// a read of one failed, the check is not judged on that bucket.
	Requires []string `json:"requires"`
	// Compliance are the framework controls the check supports (custom.compliance:
	// a mapping of framework to its controls), sorted; empty when none.
	Compliance []report.Control `json:"compliance,omitempty"`
}

// frameworkPattern is what a framework key of custom.compliance looks like
// (aws-securityhub, nist-800-53-r5, pci-dss-v3.2.1).
var frameworkPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*$`)

// complianceOf reads custom.compliance: {framework: [control, ...]}.
func complianceOf(a *ast.Annotations, bad func(string, ...any)) []report.Control {
	raw, ok := a.Custom["compliance"]
	if !ok || raw == nil {
		return nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		bad("METADATA custom.compliance must be a mapping of framework to a list of controls")
		return nil
	}
	var out []report.Control
	for fw, v := range m {
		if !frameworkPattern.MatchString(fw) {
			bad("METADATA custom.compliance: framework %q may hold only lower-case letters, digits, '.' and '-'", fw)
			continue
		}
		list, ok := v.([]any)
		if !ok || len(list) == 0 {
			bad("METADATA custom.compliance.%s must be a non-empty list of controls", fw)
			continue
		}
		for _, c := range list {
			s, ok := c.(string)
			if !ok || strings.TrimSpace(s) == "" {
				bad("METADATA custom.compliance.%s: %v is not a control name", fw, c)
				continue
			}
			out = append(out, report.Control{Framework: fw, Control: strings.TrimSpace(s)})
		}
	}
	report.SortControls(out)
	return out
}

// checkSeverities are the severities a check may declare.
func checkSeverities() []string {
	return []string{"critical", "high", "medium", "low", "info", "error"}
}

// knownComponents are the components a check may require.
func knownComponents() []string {
	return []string{
		scanner.ComponentAccount, scanner.ComponentBucket, scanner.ComponentReplication,
		scanner.ComponentVersioning, scanner.ComponentTags, scanner.ComponentDestination,
		scanner.ComponentRole, scanner.ComponentEncryption, scanner.ComponentObjectLock,
		scanner.ComponentOwnership, scanner.ComponentPublicAccessBlock, scanner.ComponentLifecycle,
		scanner.ComponentRequestPayment, scanner.ComponentPolicy, scanner.ComponentKMS,
		scanner.ComponentObjects, scanner.ComponentNotification,
		scanner.ComponentVerification,
	}
}

var (
	embeddedIDPattern = regexp.MustCompile(`^CRR-\d{3}$`)
	customIDPattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
)

// checksRoot is the package every check lives directly under; libRoot is reserved
// for the built-in library.
var (
	checksRoot = ast.MustParseRef("data.crr.checks")
	libRoot    = ast.MustParseRef("data.crr.lib")
)

// regoFiles is the loader filter: only .rego files that are not tests, and no hidden
// directories below the root.
func regoFiles(_ string, info fs.FileInfo, depth int) bool {
	name := info.Name()
	if info.IsDir() {
		return depth > 0 && strings.HasPrefix(name, ".")
	}
	return !strings.HasSuffix(name, ".rego") || strings.HasSuffix(name, "_test.rego")
}

// module is one loaded Rego file.
type module struct {
	name     string
	raw      []byte
	parsed   *ast.Module
	embedded bool
}

// checkPackage gathers what the modules of one check package declare.
type checkPackage struct {
	name       string // last package segment
	path       string // crr.checks.<name>
	files      []string
	embedded   bool
	meta       []*ast.Annotations
	hasApplies bool
	hasDeny    bool
}

// collectPackages groups the modules under data.crr.checks by package.
func collectPackages(mods []module) (map[string]*checkPackage, []string) {
	var problems []string
	pkgs := map[string]*checkPackage{}
	for _, m := range mods {
		p := m.parsed.Package.Path
		if !m.embedded && p.HasPrefix(libRoot) {
			problems = append(problems, fmt.Sprintf("%s: package %s: data.crr.lib is reserved for the built-in library",
				locate(m.parsed.Package.Location, m.name), strings.TrimPrefix(p.String(), "data.")))
			continue
		}
		if !p.HasPrefix(checksRoot) {
			continue
		}
		if len(p) != len(checksRoot)+1 {
			problems = append(problems, fmt.Sprintf("%s: package %s: a check package must be data.crr.checks.<name>",
				locate(m.parsed.Package.Location, m.name), strings.TrimPrefix(p.String(), "data.")))
			continue
		}
		seg, ok := p[len(p)-1].Value.(ast.String)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: package %s: unexpected package name", m.name, p))
			continue
		}
		cp := pkgs[string(seg)]
		if cp == nil {
			cp = &checkPackage{name: string(seg), path: strings.TrimPrefix(p.String(), "data."), embedded: m.embedded}
			pkgs[string(seg)] = cp
		}
		if cp.embedded && !m.embedded {
			// A custom module would add rules to the built-in check.
			problems = append(problems, fmt.Sprintf("%s: package %s is a built-in check package",
				locate(m.parsed.Package.Location, m.name), cp.path))
			continue
		}
		cp.files = append(cp.files, m.name)
		for _, a := range m.parsed.Annotations {
			if a.Scope == "package" {
				cp.meta = append(cp.meta, a)
			}
		}
		for _, r := range m.parsed.Rules {
			switch ruleName(r) {
			case "applies":
				cp.hasApplies = true
			case "deny":
				cp.hasDeny = true
			}
		}
	}
	return pkgs, problems
}

func ruleName(r *ast.Rule) string {
	ref := r.Head.Ref()
	if len(ref) == 0 {
		return ""
	}
	if v, ok := ref[0].Value.(ast.Var); ok {
		return string(v)
	}
	return ""
}

// checkFromPackage validates a check package's METADATA and turns it into a Check
// and its custom.applies_when (a mask of conditions(); see selection.go).
func checkFromPackage(cp *checkPackage) (Check, uint, []string) {
	where := strings.Join(cp.files, ", ")
	if len(cp.meta) == 0 {
		return Check{}, 0, []string{fmt.Sprintf("%s: package %s has no METADATA block (title, custom.id, custom.severity)", where, cp.path)}
	}
	if len(cp.meta) > 1 {
		return Check{}, 0, []string{fmt.Sprintf("%s: package %s has %d package METADATA blocks, want one", where, cp.path, len(cp.meta))}
	}
	a := cp.meta[0]
	at := locate(a.Location, where)
	var problems []string
	bad := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf("%s: package %s: ", at, cp.path)+fmt.Sprintf(format, args...))
	}
	c := Check{Title: strings.TrimSpace(a.Title), Description: strings.TrimSpace(a.Description), Package: cp.path, Requires: []string{}}
	c.ID = customString(a, "id", bad)
	c.Severity = customString(a, "severity", bad)
	c.Guide = customString(a, "guide", bad)
	c.Remediation = customString(a, "remediation", bad)
	switch {
	case c.ID == "":
		bad("METADATA custom.id is missing")
	case cp.embedded && !embeddedIDPattern.MatchString(c.ID):
		bad("METADATA custom.id %q does not match CRR-NNN", c.ID)
	case !customIDPattern.MatchString(c.ID):
		bad("METADATA custom.id %q may hold only letters, digits, '.', '_' and '-'", c.ID)
	}
	switch {
	case c.Severity == "":
		bad("METADATA custom.severity is missing")
	case !slices.Contains(checkSeverities(), c.Severity):
		bad("METADATA custom.severity %q is not one of %s", c.Severity, strings.Join(checkSeverities(), "|"))
	}
	if c.Title == "" {
		bad("METADATA title is missing")
	}
	if !cp.hasDeny {
		bad("no deny rule")
	}
	if raw, ok := a.Custom["requires"]; ok {
		list, ok := raw.([]any)
		if !ok {
			bad("METADATA custom.requires must be a list of components")
		}
		for _, v := range list {
			s, ok := v.(string)
			if !ok || !slices.Contains(knownComponents(), s) {
				bad("METADATA custom.requires: %v is not one of %s", v, strings.Join(knownComponents(), "|"))
				continue
			}
			if !slices.Contains(c.Requires, s) {
				c.Requires = append(c.Requires, s)
			}
		}
		sort.Strings(c.Requires)
	}
	c.Compliance = complianceOf(a, bad)
	raw, present := a.Custom["applies_when"]
	when := appliesWhenOf(raw, present, bad)
	return c, when, problems
}

func customString(a *ast.Annotations, key string, bad func(string, ...any)) string {
	v, ok := a.Custom[key]
	if !ok || v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		bad("METADATA custom.%s must be a string, not %v", key, v)
		return ""
	}
	return strings.TrimSpace(s)
}

func locate(loc *ast.Location, fallback string) string {
	if loc == nil || loc.File == "" {
		return fallback
	}
	return fmt.Sprintf("%s:%d", loc.File, loc.Row)
}

// Frameworks are the compliance frameworks the checks map to, sorted.
func Frameworks(checks []Check) []string {
	var out []string
	for _, c := range checks {
		for _, ctl := range c.Compliance {
			if !slices.Contains(out, ctl.Framework) {
				out = append(out, ctl.Framework)
			}
		}
	}
	sort.Strings(out)
	return out
}
