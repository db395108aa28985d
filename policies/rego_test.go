package policies

import (
	"context"
	"io/fs"
	"sort"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/loader"
	"github.com/open-policy-agent/opa/v1/tester"
)

// allRegoModules loads every embedded module, tests included.
func allRegoModules(t *testing.T) map[string]*ast.Module {
	t.Helper()
	onlyRego := func(_ string, info fs.FileInfo, _ int) bool {
		return !info.IsDir() && !strings.HasSuffix(info.Name(), ".rego")
	}
	res, err := loader.NewFileLoader().WithFS(embedded).WithProcessAnnotation(true).
		Filtered([]string{"checks", "lib"}, onlyRego)
	if err != nil {
		t.Fatalf("load embedded modules: %v", err)
	}
	return res.ParsedModules()
}

// TestRego runs the Rego unit tests of the checks and the library.
func TestRego(t *testing.T) {
	ctx := context.Background()
	ch, err := tester.NewRunner().SetModules(allRegoModules(t)).RunTests(ctx, nil)
	if err != nil {
		t.Fatalf("run rego tests: %v", err)
	}
	var ran, failed int
	var failures []string
	for r := range ch {
		ran++
		if r.Fail || r.Error != nil {
			failed++
			msg := r.Package + "." + r.Name + " at " + r.Location.String()
			if r.Error != nil {
				msg += ": " + r.Error.Error()
			}
			failures = append(failures, msg)
		}
	}
	sort.Strings(failures)
	for _, f := range failures {
		t.Errorf("rego test failed: %s", f)
	}
	if ran == 0 {
		t.Fatal("no rego tests ran")
	}
	t.Logf("%d rego tests, %d failed", ran, failed)
}
