package remediate

import (
	"bytes"
	"strings"
	"testing"
)

func TestLineDiff(t *testing.T) {
	got := lineDiff("a\nb\nc", "a\nx\nc\nd")
	want := "  a\n+ x\n- b\n  c\n+ d"
	if got != want {
		t.Errorf("lineDiff:\n%s\nwant\n%s", got, want)
	}
}

// The plan in every form: the table names each change and what it clears, the
// Markdown shows the before/after diff and the CLI, the JSON reads back equal.
func TestPlanOutputs(t *testing.T) {
	ev := evaluator(t)
	p, _ := plan(t, ev, sharedRoleEstate(), Options{})
	var table, md, js bytes.Buffer
	if err := WriteTable(&table, p); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"iam:PutRolePolicy", "CRR-032 ×3", "1 change(s) pending", "CRR-034 on src-a", "--allow narrowing"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
	if err := WriteMarkdown(&md, p); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"+       \"Resource\": [\n+         \"arn:aws:s3:::src-a\",",
		"aws iam put-role-policy --role-name crr-shared --policy-name crr-replication --policy-document file://crr-permissions.json",
		"  \"Resource\": \"*\"\n+     },",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	if err := WriteJSON(&js, p); err != nil {
		t.Fatal(err)
	}
	back, err := ReadJSON(bytes.NewReader(js.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := WriteJSON(&again, back); err != nil {
		t.Fatal(err)
	}
	if again.String() != js.String() {
		t.Error("the plan does not read back equal")
	}
	bad := strings.Replace(js.String(), `"class": "additive"`, `"class": "manual"`, 1)
	if _, err := ReadJSON(strings.NewReader(bad)); err == nil {
		t.Error("a plan with a manual action was read")
	}
}
