package scanner

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func TestOperationActionsCoverTheClientInterfaces(t *testing.T) {
	methods := map[string]bool{}
	for _, iface := range []reflect.Type{
		reflect.TypeFor[S3API](),
		reflect.TypeFor[KMSAPI](),
		reflect.TypeFor[IAMAPI](),
		reflect.TypeFor[STSAPI](),
		reflect.TypeFor[OrganizationsAPI](),
		reflect.TypeFor[AccountAPI](),
		reflect.TypeFor[EC2API](),
	} {
		for i := range iface.NumMethod() {
			name := iface.Method(i).Name
			if methods[name] {
				t.Errorf("%s: operation name %s appears in two interfaces; key the map by service", iface, name)
			}
			methods[name] = true
		}
	}
	actions := operationActions()
	for m := range methods {
		if _, ok := actions[m]; !ok {
			t.Errorf("interface method %s has no IAM action in operationActions", m)
		}
	}
	for op, action := range actions {
		if !methods[op] {
			t.Errorf("operationActions maps %s (%s), which no client interface has", op, action)
		}
	}
}

func TestReadActions(t *testing.T) {
	got := ReadActions()
	want := []string{
		"account:ListRegions", "ec2:DescribeRegions",
		"iam:GetPolicy", "iam:GetPolicyVersion", "iam:GetRole", "iam:GetRolePolicy",
		"iam:ListAttachedRolePolicies", "iam:ListRolePolicies",
		"kms:DescribeKey", "kms:GetKeyPolicy", "organizations:ListAccounts",
		"s3:GetBucketLocation", "s3:GetBucketNotification", "s3:GetBucketObjectLockConfiguration", "s3:GetBucketOwnershipControls",
		"s3:GetBucketPolicy", "s3:GetBucketPublicAccessBlock", "s3:GetBucketRequestPayment",
		"s3:GetBucketTagging", "s3:GetBucketVersioning", "s3:GetEncryptionConfiguration",
		"s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration", "s3:ListAllMyBuckets", "s3:ListBucket",
		"sts:AssumeRole", "sts:GetCallerIdentity",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ReadActions() =\n %q\nwant\n %q", got, want)
	}
}

const (
	policyBegin = "<!-- iam-policy:begin -->"
	policyEnd   = "<!-- iam-policy:end -->"
)

// readmePolicyActions extracts the Action list of the ```json IAM policy between
// the README's iam-policy markers.
func readmePolicyActions(readme string) ([]string, error) {
	_, rest, ok := strings.Cut(readme, policyBegin+"\n")
	if !ok {
		return nil, errorf("no line %q", policyBegin)
	}
	block, _, ok := strings.Cut(rest, policyEnd)
	if !ok {
		return nil, errorf("no line %q after %q", policyEnd, policyBegin)
	}
	block = strings.TrimSpace(block)
	if !strings.HasPrefix(block, "```json\n") || !strings.HasSuffix(block, "```") {
		return nil, errorf("the markers do not enclose exactly one ```json fenced block")
	}
	block = strings.TrimSuffix(strings.TrimPrefix(block, "```json\n"), "```")
	var policy struct {
		Version   string
		Statement []struct {
			Sid       string
			Effect    string
			Action    json.RawMessage
			Resource  json.RawMessage
			Condition json.RawMessage
		}
	}
	dec := json.NewDecoder(strings.NewReader(block))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&policy); err != nil {
		return nil, errorf("the policy is not an IAM policy document: %v", err)
	}
	if len(policy.Statement) == 0 {
		return nil, errorf("the policy has no Statement")
	}
	var actions []string
	for _, st := range policy.Statement {
		if st.Effect != "Allow" {
			return nil, errorf("statement with Effect %q, want Allow", st.Effect)
		}
		var list []string
		if err := json.Unmarshal(st.Action, &list); err != nil {
			var one string
			if err := json.Unmarshal(st.Action, &one); err != nil {
				return nil, errorf("Action is neither a string nor a list of strings: %s", st.Action)
			}
			list = []string{one}
		}
		actions = append(actions, list...)
	}
	sort.Strings(actions)
	return actions, nil
}

func errorf(format string, args ...any) error {
	return fmt.Errorf(format, args...)
}

func TestReadmePolicyListsReadActions(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatalf("README.md must list the scanner's IAM policy between %q and %q: %v", policyBegin, policyEnd, err)
	}
	got, err := readmePolicyActions(string(data))
	if err != nil {
		t.Fatalf("README.md: %v (it must hold the read-only IAM policy as a ```json block between the lines %q and %q)", err, policyBegin, policyEnd)
	}
	if want := ReadActions(); !reflect.DeepEqual(got, want) {
		t.Errorf("README.md policy actions differ from scanner.ReadActions():\n README %q\n  code  %q", got, want)
	}
}

func TestReadmePolicyActionsParser(t *testing.T) {
	wrap := func(body string) string {
		return "# x\n\n" + policyBegin + "\n" + body + "\n" + policyEnd + "\n"
	}
	tests := []struct {
		name    string
		readme  string
		want    []string
		wantErr string
	}{
		{"list and string", wrap("```json\n{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:B\",\"s3:A\"],\"Resource\":\"*\"},{\"Effect\":\"Allow\",\"Action\":\"iam:C\",\"Resource\":\"*\"}]}\n```"),
			[]string{"iam:C", "s3:A", "s3:B"}, ""},
		{"no markers", "# x\n", nil, "no line"},
		{"no end marker", "# x\n" + policyBegin + "\n```json\n{}\n```\n", nil, "no line"},
		{"not fenced", wrap("{}"), nil, "fenced"},
		{"deny statement", wrap("```json\n{\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"s3:A\"}]}\n```"), nil, "Deny"},
		{"not a policy", wrap("```json\n{\"Statements\":[]}\n```"), nil, "not an IAM policy"},
		{"no statement", wrap("```json\n{\"Version\":\"2012-10-17\",\"Statement\":[]}\n```"), nil, "no Statement"},
		{"sid allowed", wrap("```json\n{\"Statement\":[{\"Sid\":\"x\",\"Effect\":\"Allow\",\"Action\":\"s3:A\",\"Resource\":\"*\"}]}\n```"), []string{"s3:A"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readmePolicyActions(tt.readme)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
