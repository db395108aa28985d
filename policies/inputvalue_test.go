package policies

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/crrscan/crrscan/scanner"
)

// jsonValue must make of a document exactly what ast.ValueFromReader makes of it.
func TestJSONValueIsValueFromReader(t *testing.T) {
	docs := []string{
		`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `1`, `512`, `513`, `-1`, `1.50`, `1e3`, `-2.5E-3`,
		`12345678901234567890123`, `""`, `"plain"`, `"esc\"aped\\ \/ \b\f\n\r\t"`, `"\u00e9\u003c\u0026\ud83d\ude00"`,
		`"héllo ☃"`, "\"bad \xff utf-8\"", ` { "a" : [ 1 , { "b" : null } , [ ] , { } ] , "c" : "d" } `,
		`{"Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}`,
		`[[[[]]],{"":""},{"a":{"a":{"a":1}}}]`,
	}
	for _, d := range docs {
		want, err := ast.ValueFromReader(bytes.NewReader([]byte(d)))
		if err != nil {
			t.Fatalf("ValueFromReader(%s): %v", d, err)
		}
		got, err := jsonValue([]byte(d))
		if err != nil {
			t.Errorf("jsonValue(%s): %v", d, err)
			continue
		}
		if got.Compare(want) != 0 || got.String() != want.String() {
			t.Errorf("jsonValue(%s) = %v, want %v", d, got, want)
		}
	}
	for _, bad := range []string{``, `{`, `[1,]`, `{"a"}`, `{"a":1,}`, `tru`, `"open`, "\"ctl \x01\"", `{} x`, `{1:2}`, `01x`} {
		if v, err := jsonValue([]byte(bad)); err == nil {
			t.Errorf("jsonValue(%q) = %v, want an error", bad, v)
		}
	}
}

// Every input of the demo and hostile estates, with and without settings, converts
// to the value the JSON round trip through encoding/json made of it.
func TestJSONValueOfEstateInputs(t *testing.T) {
	e := newEngine(t)
	today := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	n := 0
	for _, snap := range []string{"demo", "hostile"} {
		s, err := scanner.ReadSnapshotFile(filepath.Join("..", "fixtures", snap, "snapshot.json"))
		if err != nil {
			t.Fatal(err)
		}
		set, err := LoadSettings(filepath.Join("..", "fixtures", "demo", "crrscan.yaml"), e.Checks())
		if err != nil {
			t.Fatal(err)
		}
		for _, inputs := range []func(func(Input) bool){Inputs(s), InputsWith(s, set, today)} {
			for in := range inputs {
				doc, err := json.Marshal(in)
				if err != nil {
					t.Fatal(err)
				}
				want, err := ast.ValueFromReader(bytes.NewReader(doc))
				if err != nil {
					t.Fatal(err)
				}
				got, err := jsonValue(doc)
				if err != nil {
					t.Fatalf("%s: %v", in.Bucket.Arn, err)
				}
				if got.Compare(want) != 0 {
					t.Errorf("%s: jsonValue differs from ValueFromReader", in.Bucket.Arn)
				}
				n++
			}
		}
	}
	if n < 50 {
		t.Fatalf("only %d inputs", n)
	}
}
