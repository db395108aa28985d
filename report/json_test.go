package report

import (
	"bytes"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// keysOf returns the sorted keys of a JSON object.
func keysOf(t *testing.T, v any) []string {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%T is not a JSON object", v)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sorted(s ...string) []string {
	sort.Strings(s)
	return s
}

// TestJSONFieldSet pins the field names of CHECKS.md "JSON result".
func TestJSONFieldSet(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(render(t, "json", fixtureResult()), &doc); err != nil {
		t.Fatal(err)
	}
	check := func(what string, v any, want []string) {
		t.Helper()
		if got := keysOf(t, v); !slices.Equal(got, want) {
			t.Errorf("%s keys = %v, want %v", what, got, want)
		}
	}
	check("top level", doc, sorted("schema_version", "tool", "scan", "summary", "findings"))
	check("tool", doc["tool"], sorted("name", "version"))
	scanKeys := []string{"started_at", "finished_at", "accounts", "regions", "buckets_scanned", "complete", "policy_digest", "source"}
	check("scan", doc["scan"], sorted(append(slices.Clone(scanKeys), "skipped_accounts", "enabled_regions", "collected_at", "evaluated_at")...))
	scan := doc["scan"].(map[string]any)
	check("scan.skipped_accounts[0]", scan["skipped_accounts"].([]any)[0], sorted("id", "name", "state"))
	check("scan.enabled_regions", scan["enabled_regions"], sorted("111111111111", "222222222222"))
	check("summary", doc["summary"], sorted("by_status", "by_severity", "checks"))
	check("summary.checks[0]", doc["summary"].(map[string]any)["checks"].([]any)[0],
		sorted("check_id", "title", "severity", "pass", "fail", "error", "waived"))

	findings := doc["findings"].([]any)
	base := []string{"check_id", "title", "severity", "status", "account_id", "region", "bucket",
		"resource_arn", "message", "evidence", "remediation", "fingerprint"}
	// Findings are sorted: [2] is CRR-050 with a rule and destination, [0] is CRR-001 without.
	// [0] is CRR-001, which maps to compliance controls; [2] (CRR-050) maps to none.
	check("finding without rule", findings[0], sorted(append(slices.Clone(base), "compliance")...))
	check("compliance[0]", findings[0].(map[string]any)["compliance"].([]any)[0], sorted("framework", "control"))
	check("finding with rule", findings[2], sorted(append(slices.Clone(base), "rule_id", "destination")...))
	check("remediation", findings[0].(map[string]any)["remediation"], sorted("summary", "commands", "documents"))

	// The coverage fields and the collection and evaluation times are optional: a scan
	// that recorded none has the contract's keys only.
	r := fixtureResult()
	r.Scan.SkippedAccounts, r.Scan.EnabledRegions = nil, nil
	r.Scan.CollectedAt, r.Scan.EvaluatedAt = time.Time{}, time.Time{}
	var plain map[string]any
	if err := json.Unmarshal(render(t, "json", r), &plain); err != nil {
		t.Fatal(err)
	}
	check("scan without coverage", plain["scan"], sorted(scanKeys...))
}

func TestJSONEscapesHostileText(t *testing.T) {
	out := render(t, "json", fixtureResult())
	for _, bad := range []string{"<script>", "\x1b", "\u202e", "\u202c", "\x07", "\x00"} {
		if bytes.Contains(out, []byte(bad)) {
			t.Errorf("JSON output contains raw %q", bad)
		}
	}
	for _, want := range []string{`\u003cscript\u003e`, `\u001b[31m`, `\u202e`} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("JSON output lacks the escape %s", want)
		}
	}
	// The escapes decode back to the original text: data is preserved, not altered.
	var back Result
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, f := range back.Findings {
		found = found || f.Message == hostileMessage
	}
	if !found {
		t.Error("no finding decodes back to the hostile message")
	}
}

func TestEscapeInvisible(t *testing.T) {
	in := []byte("{\"a\": \"x\u0085y\u009bz\u2066w\u00e9\u2028\"}")
	got := string(escapeInvisible(in))
	want := `{"a": "x\u0085y\u009bz\u2066wé` + "\u2028" + `"}`
	if got != want {
		t.Errorf("escapeInvisible = %q, want %q", got, want)
	}
	if !utf8.ValidString(got) {
		t.Error("escapeInvisible produced invalid UTF-8")
	}
}

func TestJSONFormatting(t *testing.T) {
	out := string(render(t, "json", fixtureResult()))
	if !strings.HasSuffix(out, "}\n") || strings.HasSuffix(out, "\n\n") {
		t.Errorf("JSON should end in exactly one newline, ends with %q", out[len(out)-3:])
	}
	if !strings.HasPrefix(out, "{\n  \"schema_version\": \"1\",\n  \"tool\": {\n    \"name\"") {
		t.Errorf("JSON is not indented by two spaces: %.60q", out)
	}
}

func TestJSONEmptyCollections(t *testing.T) {
	tests := map[string]*Result{
		"NewResult":  NewResult(Tool{}, ScanInfo{Complete: true}, nil, nil, nil),
		"zero value": {},
		"nil inside": {Findings: []Finding{{CheckID: "CRR-001"}}},
	}
	for name, r := range tests {
		t.Run(name, func(t *testing.T) {
			out := string(render(t, "json", r))
			if strings.Contains(out, "null") {
				t.Errorf("JSON contains null:\n%s", out)
			}
		})
	}
	if out := string(render(t, "json", tests["NewResult"])); !strings.Contains(out, `"findings": []`) {
		t.Errorf("JSON lacks \"findings\": []:\n%s", out)
	}
}

func TestWritersRejectNilResult(t *testing.T) {
	for _, f := range Formats() {
		w, err := NewWriter(f, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(&bytes.Buffer{}, nil); err == nil {
			t.Errorf("%s: Write(nil) returned no error", f)
		}
	}
}
