package policies

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/crrscan/crrscan/scanner"
)

// TestDemoEstate evaluates the bundled demo snapshot and holds it to the tables of
// fixtures/demo/README.md.
func TestDemoEstate(t *testing.T) {
	s, err := scanner.ReadSnapshotFile(filepath.Join("..", "fixtures", "demo", "snapshot.json"))
	if err != nil {
		t.Fatalf("read demo snapshot: %v", err)
	}
	e := newEngine(t)
	findings, _, err := e.EvaluateSnapshot(context.Background(), s, 2)
	if err != nil {
		t.Fatal(err)
	}
	fails := map[string][]string{}
	for _, f := range findings {
		fails[f.CheckID] = append(fails[f.CheckID], f.Bucket)
	}
	want := map[string][]string{
		"CRR-001": {"acme-marketing-assets-prod", "acme-tmp-exports-prod"},
		"CRR-002": {"acme-media-uploads-prod"},
		"CRR-010": {"acme-data-lake-raw-prod", "acme-dr-terraform-state", "acme-marketing-assets-prod", "acme-tmp-exports-prod"},
		"CRR-011": {"acme-analytics-prod"},
		"CRR-020": {"acme-customer-docs-prod"},
		"CRR-021": {"acme-clickstream-prod"},
		"CRR-030": {"acme-hr-records-prod"},
		"CRR-031": {"acme-ml-datasets-prod"},
		"CRR-090": {"acme-dr-restore-staging"},
	}
	for id := range fails {
		if _, ok := want[id]; !ok {
			delete(fails, id) // checks the demo's README does not describe yet
			continue
		}
		slices.Sort(fails[id])
	}
	if fmt.Sprint(fails) != fmt.Sprint(want) {
		t.Errorf("findings by check:\n got %v\nwant %v", fails, want)
	}

	outcomes := map[string]map[string]string{}
	for in := range Inputs(s) {
		ev, err := e.Evaluate(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		outcomes[in.Bucket.Name] = ev.Outcomes
	}
	cases := []struct {
		bucket, check, want string // want "" = the check does not apply
	}{
		{"acme-dr-restore-staging", "CRR-001", "pass"},
		{"acme-dr-restore-staging", "CRR-010", "error"},
		{"acme-dr-restore-staging", "CRR-011", "error"},
		{"acme-dr-restore-staging", "CRR-030", "error"},
		{"acme-dr-restore-staging", "CRR-090", "error"},
		{"acme-audit-logs-prod", "CRR-002", ""}, // destination versioning unknown
		{"acme-audit-logs-prod", "CRR-021", "pass"},
		{"acme-customer-docs-prod", "CRR-002", ""}, // the only destination is gone
		{"acme-customer-docs-prod", "CRR-021", ""}, // its region is unknown
		{"acme-hr-records-prod", "CRR-031", ""},    // the role does not exist
		{"acme-analytics-prod", "CRR-002", ""},     // no enabled rule
		{"acme-media-uploads-replica-eu", "CRR-001", ""},
		{"acme-media-uploads-replica-eu", "CRR-090", "pass"},
		{"acme-invoices-prod", "CRR-031", "pass"},
	}
	for _, c := range cases {
		got, ok := outcomes[c.bucket][c.check]
		if !ok {
			got = ""
		}
		if got != c.want {
			t.Errorf("%s on %s: outcome %q, want %q", c.check, c.bucket, got, c.want)
		}
	}
}

// TestHostileEstate evaluates fixtures/hostile: the checks its README expects fire, and
// no suggested command carries a hostile name unquoted.
func TestHostileEstate(t *testing.T) {
	s, err := scanner.ReadSnapshotFile(filepath.Join("..", "fixtures", "hostile", "snapshot.json"))
	if err != nil {
		t.Fatalf("read hostile snapshot: %v", err)
	}
	e := newEngine(t)
	findings, _, err := e.EvaluateSnapshot(context.Background(), s, 2)
	if err != nil {
		t.Fatal(err)
	}
	const name = `hostile-"name"&<img src=x onerror=alert(1)>`
	got := map[string][]string{}
	for _, f := range findings {
		got[f.Bucket] = append(got[f.Bucket], f.CheckID)
		for _, c := range f.Remediation.Commands {
			if r, ok := unquotedMeta(c); ok {
				t.Errorf("%s on %q: command %q holds %q outside single quotes", f.CheckID, f.Bucket, c, r)
			}
		}
	}
	want := map[string][]string{
		"hostile-errors": {"CRR-090"},
		"hostile-rules":  {"CRR-002", "CRR-012", "CRR-020", "CRR-021", "CRR-031", "CRR-032"},
		"hostile-tags":   {"CRR-010"},
		name:             {"CRR-001", "CRR-010"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("findings by bucket:\n got %v\nwant %v", got, want)
	}
}

// unquotedMeta finds a shell metacharacter outside single quotes.
func unquotedMeta(cmd string) (rune, bool) {
	quoted := false
	for _, r := range cmd {
		switch {
		case r == '\'':
			quoted = !quoted
		case !quoted && strings.ContainsRune("&;|<>$`\"\\()*?[]{}~#!\n\r\t", r):
			return r, true
		}
	}
	return 0, quoted
}
