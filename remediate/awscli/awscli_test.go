package awscli

import (
	"reflect"
	"strings"
	"testing"

	"github.com/crrscan/crrscan/report"
)

func TestArgQuotesOnlyUnsafeValues(t *testing.T) {
	for in, want := range map[string]string{
		"my-bucket.example":    "my-bucket.example",
		"a b":                  "'a b'",
		"x'; rm -rf ~; echo '": `'x'\''; rm -rf ~; echo '\'''`,
		"":                     "''",
	} {
		if got := Arg(in); got != want {
			t.Errorf("Arg(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRender(t *testing.T) {
	doc := map[string]any{"Version": "2012-10-17"}
	cmds, docs, err := Render([]report.Action{
		{Op: "s3:PutBucketVersioning", Region: "eu-west-1", Params: map[string]any{"Bucket": "src", "VersioningConfiguration": map[string]any{"Status": "Enabled"}}},
		{Op: "iam:PutRolePolicy", Params: map[string]any{"RoleName": "r", "PolicyName": "p q", "PolicyDocument": doc}, Document: "p.json"},
		{Op: "iam:CreateRole", Params: map[string]any{"RoleName": "r", "Path": "/svc/", "AssumeRolePolicyDocument": doc}, Document: "trust.json"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"aws s3api put-bucket-versioning --bucket src --versioning-configuration Status=Enabled --region eu-west-1",
		"aws iam put-role-policy --role-name r --policy-name 'p q' --policy-document file://p.json",
		"aws iam create-role --role-name r --path /svc/ --assume-role-policy-document file://trust.json",
	}
	if !reflect.DeepEqual(cmds, want) {
		t.Errorf("commands %q\nwant %q", cmds, want)
	}
	if !reflect.DeepEqual(docs, map[string]any{"p.json": doc, "trust.json": doc}) {
		t.Errorf("documents %v", docs)
	}
}

func TestRenderRefuses(t *testing.T) {
	for name, acts := range map[string][]report.Action{
		"unknown operation": {{Op: "s3:DeleteBucket", Params: map[string]any{"Bucket": "b"}}},
		"no file name":      {{Op: "s3:PutBucketPolicy", Params: map[string]any{"Bucket": "b", "Policy": map[string]any{}}}},
		"a path as name":    {{Op: "s3:PutBucketPolicy", Params: map[string]any{"Bucket": "b", "Policy": map[string]any{}}, Document: "../x.json"}},
		"two documents, one name": {
			{Op: "s3:PutBucketPolicy", Params: map[string]any{"Bucket": "a", "Policy": map[string]any{"a": 1}}, Document: "p.json"},
			{Op: "s3:PutBucketPolicy", Params: map[string]any{"Bucket": "b", "Policy": map[string]any{"b": 1}}, Document: "p.json"},
		},
	} {
		if _, _, err := Render(acts); err == nil || !strings.Contains(err.Error(), acts[0].Op) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
