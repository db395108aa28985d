package policies

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// A custom check's deny rule need not be a set: its values are read as the query over
// deny[_] read them (deduplicated, in the order of a set), and an undefined deny
// passes.
func TestEvaluateDenyRulesOfEveryKind(t *testing.T) {
	dir := t.TempDir()
	meta := func(id string) string {
		return "# METADATA\n# title: " + id + "\n# custom:\n#   id: " + id + "\n#   severity: low\n"
	}
	files := map[string]string{
		"complete.rego": meta("ACME-101") + `package crr.checks.acme_complete
deny := {{"msg": "b"}, {"msg": "a"}} if input.bucket.Name == "acme-orders-prod"
`,
		"array.rego": meta("ACME-102") + `package crr.checks.acme_array
deny := [{"msg": "b"}, {"msg": "a"}, {"msg": "b"}]
`,
		"object.rego": meta("ACME-103") + `package crr.checks.acme_object
deny := {"k1": {"msg": "z"}, "k2": {"msg": "y"}}
`,
		"string.rego": meta("ACME-104") + `package crr.checks.acme_string
deny := "not a collection"
`,
		"set.rego": meta("ACME-105") + `package crr.checks.acme_set
deny contains {"msg": "d", "key": "2"}
deny contains {"msg": "c", "key": "1"}
`,
		"applies.rego": meta("ACME-106") + `package crr.checks.acme_applies
applies if input.bucket.Name == "nowhere"
deny contains {"msg": "never judged"}
`,
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e := newEngine(t, dir)
	messages := func(bucket string) (map[string][]string, map[string]string) {
		ev, err := e.Evaluate(context.Background(), demoInput(t, bucket))
		if err != nil {
			t.Fatal(err)
		}
		msgs := map[string][]string{}
		for _, f := range ev.Findings {
			msgs[f.CheckID] = append(msgs[f.CheckID], f.Message)
		}
		return msgs, ev.Outcomes
	}
	msgs, outcomes := messages("acme-orders-prod")
	want := map[string][]string{
		"ACME-101": {"a", "b"},
		"ACME-102": {"a", "b"},
		"ACME-103": {"y", "z"},
		"ACME-105": {"c", "d"},
	}
	for id, w := range want {
		if !slices.Equal(msgs[id], w) {
			t.Errorf("%s findings %v, want %v", id, msgs[id], w)
		}
		if outcomes[id] != OutcomeFail {
			t.Errorf("%s outcome %q, want fail", id, outcomes[id])
		}
	}
	if outcomes["ACME-104"] != OutcomePass || len(msgs["ACME-104"]) != 0 {
		t.Errorf("ACME-104 (deny a string): outcome %q, findings %v; want pass", outcomes["ACME-104"], msgs["ACME-104"])
	}
	if o, ok := outcomes["ACME-106"]; ok {
		t.Errorf("ACME-106 does not apply but has outcome %q", o)
	}
	msgs, outcomes = messages("acme-payments-prod")
	if outcomes["ACME-101"] != OutcomePass || len(msgs["ACME-101"]) != 0 {
		t.Errorf("ACME-101 (deny undefined): outcome %q, findings %v; want pass", outcomes["ACME-101"], msgs["ACME-101"])
	}
}
