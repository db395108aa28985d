package awsclient

import (
	"encoding/json"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func TestOperationActionsCoverTheInterfaces(t *testing.T) {
	methods := map[string]bool{}
	for _, iface := range []reflect.Type{reflect.TypeFor[S3API](), reflect.TypeFor[IAMAPI]()} {
		for i := range iface.NumMethod() {
			methods[iface.Method(i).Name] = true
			if _, ok := operationActions[iface.Method(i).Name]; !ok {
				t.Errorf("%s.%s has no IAM action", iface, iface.Method(i).Name)
			}
		}
	}
	for m := range operationActions {
		if !methods[m] {
			t.Errorf("operationActions maps %s, which no interface has", m)
		}
	}
}

// The README's remediation policy lists exactly the actions the code can call.
func TestReadmeRemediationPolicy(t *testing.T) {
	const begin, end = "<!-- remediation-policy:begin -->", "<!-- remediation-policy:end -->"
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok1 := strings.Cut(string(data), begin)
	block, _, ok2 := strings.Cut(rest, end)
	if !ok1 || !ok2 {
		t.Fatalf("README.md has no policy between %q and %q", begin, end)
	}
	block = strings.TrimSpace(block)
	block = strings.TrimSuffix(strings.TrimPrefix(block, "```json"), "```")
	var policy struct {
		Statement []struct {
			Effect string
			Action []string
		}
	}
	if err := json.Unmarshal([]byte(block), &policy); err != nil {
		t.Fatalf("README remediation policy: %v", err)
	}
	var got []string
	for _, s := range policy.Statement {
		if s.Effect != "Allow" {
			t.Errorf("statement with Effect %q", s.Effect)
		}
		got = append(got, s.Action...)
	}
	sort.Strings(got)
	if want := WriteActions(); !reflect.DeepEqual(got, want) {
		t.Errorf("README remediation policy:\n %q\nwant (WriteActions)\n %q", got, want)
	}
}
