package policies

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/crrscan/crrscan/scanner"
)

// catalogue is CHECKS.md's catalogue (the product contract): ids and default
// severities are stable.
var catalogue = map[string]string{
	"CRR-001": "critical",
	"CRR-002": "critical",
	"CRR-010": "high",
	"CRR-011": "high",
	"CRR-012": "low",
	"CRR-013": "medium",
	"CRR-014": "medium",
	"CRR-015": "low",
	"CRR-016": "low",
	"CRR-017": "info",
	// Added by the project (README's catalogue): configurations S3 refuses.
	"CRR-018": "high",
	"CRR-020": "critical",
	"CRR-021": "high",
	"CRR-022": "high",
	"CRR-023": "high",
	"CRR-024": "low",
	"CRR-025": "high",
	"CRR-026": "medium",
	"CRR-027": "high",
	"CRR-030": "critical",
	"CRR-031": "critical",
	"CRR-032": "high",
	"CRR-033": "medium",
	"CRR-034": "low",
	"CRR-035": "medium",
	"CRR-040": "medium",
	"CRR-041": "medium",
	// Added by the project (README's catalogue): replication failures not monitored.
	"CRR-042": "medium",
	"CRR-050": "critical",
	"CRR-051": "medium",
	"CRR-052": "medium",
	"CRR-060": "high",
	"CRR-061": "high",
	"CRR-062": "high",
	"CRR-063": "critical",
	"CRR-064": "high",
	"CRR-065": "medium",
	"CRR-070": "high",
	"CRR-071": "medium",
	"CRR-072": "low",
	"CRR-073": "info",
	"CRR-080": "high",
	"CRR-081": "medium",
	"CRR-082": "medium",
	"CRR-083": "high",
	"CRR-090": "error",
	"CRR-091": "medium",
	"CRR-092": "high",
}

// implemented reports whether this build must carry a catalogue id: every check from
// CRR-001 to CRR-073, and CRR-090 to CRR-092 (live verification, CRR-08x, comes with a
// later issue).
func implemented(id string) bool {
	var n int
	if _, err := fmt.Sscanf(id, "CRR-%03d", &n); err != nil {
		return false
	}
	return n <= 73 || (n >= 90 && n <= 92)
}

func TestMetadata(t *testing.T) {
	e := newEngine(t)
	checks := e.Checks()
	seen := map[string]bool{}
	var ids []string
	for _, c := range checks {
		ids = append(ids, c.ID)
		if seen[c.ID] {
			t.Errorf("duplicate id %s", c.ID)
		}
		seen[c.ID] = true
		if !embeddedIDPattern.MatchString(c.ID) {
			t.Errorf("%s: id does not match CRR-NNN", c.ID)
		}
		if !slices.Contains(checkSeverities(), c.Severity) {
			t.Errorf("%s: severity %q", c.ID, c.Severity)
		}
		if want, ok := catalogue[c.ID]; ok && c.Severity != want {
			t.Errorf("%s: severity %q, CHECKS.md says %q", c.ID, c.Severity, want)
		}
		for field, v := range map[string]string{"title": c.Title, "description": c.Description, "guide": c.Guide, "remediation": c.Remediation} {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: METADATA %s is empty", c.ID, field)
			}
		}
		if want := "crr.checks." + strings.ToLower(strings.ReplaceAll(c.ID, "-", "_")); c.Package != want {
			t.Errorf("%s: package %s, want %s", c.ID, c.Package, want)
		}
		// CRR-090 reports the reads themselves; CRR-091 judges the settings file's
		// waivers, which no AWS read can make unknown.
		if c.ID != ErrorCheckID && c.ID != WaiverCheckID && len(c.Requires) == 0 {
			t.Errorf("%s: requires no component; a read error would not stop it being judged", c.ID)
		}
	}
	if !slices.IsSorted(ids) {
		t.Errorf("Checks() not sorted by id: %v", ids)
	}
	for id := range catalogue {
		if implemented(id) && !seen[id] {
			t.Errorf("check %s is missing", id)
		}
	}
	for id := range seen {
		if _, ok := catalogue[id]; !ok {
			t.Errorf("check %s is not in CHECKS.md's catalogue", id)
		}
	}
	if c, ok := e.Check("CRR-031"); !ok || c.Title == "" {
		t.Errorf("Check(CRR-031) = %+v, %v", c, ok)
	}
	if _, ok := e.Check("CRR-999"); ok {
		t.Error("Check(CRR-999) found")
	}
}

// Every check package has a _test.rego beside it with at least one test_deny_ and one
// test_allow_ test.
func TestEveryCheckHasDenyAndAllowTests(t *testing.T) {
	e := newEngine(t)
	mods := allRegoModules(t)
	tests := map[string][]string{} // test package → test rule names
	for _, m := range mods {
		pkg := strings.TrimPrefix(m.Package.Path.String(), "data.")
		for _, r := range m.Rules {
			if n := ruleName(r); strings.HasPrefix(n, "test_") {
				tests[pkg] = append(tests[pkg], n)
			}
		}
	}
	for _, c := range e.Checks() {
		names := tests[c.Package+"_test"]
		hasDeny := slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, "test_deny_") })
		hasAllow := slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, "test_allow_") })
		if !hasDeny || !hasAllow {
			t.Errorf("%s (%s): test_deny_ %v, test_allow_ %v in package %s_test", c.ID, c.Package, hasDeny, hasAllow, c.Package)
		}
	}
	// One file per check, its test beside it.
	files, err := fs.Glob(embedded, "checks/*.rego")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.rego") {
			continue
		}
		if !slices.Contains(files, strings.TrimSuffix(f, ".rego")+"_test.rego") {
			t.Errorf("%s has no _test.rego beside it", f)
		}
	}
}

// The Go message of snapshot-level errors is the Rego one of bucket-level errors.
func TestErrorMessageMatchesRego(t *testing.T) {
	ctx := context.Background()
	opts := []func(*rego.Rego){rego.Query("x := data.crr.lib.errors.message(input)")}
	for _, m := range allRegoModules(t) {
		opts = append(opts, rego.ParsedModule(m))
	}
	pq, err := rego.New(opts...).PrepareForEval(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, ce := range []scanner.CollectionError{
		denied("ListBuckets", "arn:aws:iam::444455556666:root", scanner.ComponentAccount),
		{Operation: "GetCallerIdentity", Resource: "", Component: scanner.ComponentAccount},
		{Operation: "HeadBucket", Code: "Forbidden", Resource: "arn:aws:s3:::x", Component: scanner.ComponentDestination},
	} {
		rs, err := pq.Eval(ctx, rego.EvalInput(ce))
		if err != nil || len(rs) != 1 {
			t.Fatalf("eval %+v: %v %v", ce, rs, err)
		}
		if got, want := errorMessage(ce), rs[0].Bindings["x"]; got != want {
			t.Errorf("Go message %q, Rego message %q", got, want)
		}
	}
}

func TestDigest(t *testing.T) {
	a, b := newEngine(t), newEngine(t)
	if a.Digest() != b.Digest() || len(a.Digest()) != 64 {
		t.Errorf("digest %q vs %q", a.Digest(), b.Digest())
	}
}
