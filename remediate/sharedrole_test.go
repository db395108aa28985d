package remediate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crrscan/crrscan/policies"
	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

const sharedAcct = "111122223333"

func ptr[T any](v T) *T { return &v }

// sharedRoleEstate is three source buckets that replicate through one role whose
// trust policy lets S3 assume it without a confused-deputy condition (CRR-034) and
// whose only inline policy grants s3:GetReplicationConfiguration alone (CRR-032).
// AWS: "Setting up permissions for live replication" names the permissions the role
// needs on the source, the source objects and the destination objects, and the
// trust policy with aws:SourceAccount / aws:SourceArn
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html).
func sharedRoleEstate() *scanner.Snapshot {
	s := &scanner.Snapshot{
		SchemaVersion: scanner.SchemaVersion,
		Accounts:      []string{sharedAcct},
		Regions:       []string{"eu-west-1", "us-east-1"},
	}
	role := "arn:aws:iam::" + sharedAcct + ":role/crr-shared"
	for _, n := range []string{"a", "b", "c"} {
		s.Buckets = append(s.Buckets, scanner.Bucket{
			Name: "src-" + n, Arn: "arn:aws:s3:::src-" + n, AccountID: sharedAcct, Region: "eu-west-1",
			Versioning: &scanner.Versioning{Status: "Enabled"},
			ReplicationConfiguration: &scanner.ReplicationConfiguration{Role: role, Rules: []scanner.ReplicationRule{{
				ID: ptr("dr"), Priority: ptr(int32(1)), Filter: &scanner.ReplicationRuleFilter{}, Status: "Enabled",
				DeleteMarkerReplication: &scanner.StatusValue{Status: "Enabled"},
				Destination:             scanner.Destination{Bucket: "arn:aws:s3:::dst-" + n},
			}}},
		})
		s.Destinations = append(s.Destinations, scanner.LinkedBucket{
			Arn: "arn:aws:s3:::dst-" + n, Name: "dst-" + n, AccountID: sharedAcct, Exists: ptr(true),
			Region: "us-east-1", Versioning: &scanner.Versioning{Status: "Enabled"},
		})
	}
	s.Roles = []scanner.Role{{
		Arn: role, RoleName: "crr-shared", AccountID: sharedAcct, Exists: ptr(true),
		AssumeRolePolicyDocument: map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
			"Effect": "Allow", "Principal": map[string]any{"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole",
		}}},
		RolePolicies: []scanner.InlinePolicy{{PolicyName: "crr-replication", PolicyDocument: map[string]any{
			"Version": "2012-10-17", "Statement": []any{map[string]any{
				"Effect": "Allow", "Action": "s3:GetReplicationConfiguration", "Resource": "*",
			}},
		}}},
	}}
	s.Sort()
	return s
}

// sharedPermissions is the guide's least-privilege policy for the three sources:
// what each CRR-032 suggestion must carry, whichever bucket's finding it is.
var sharedPermissions = map[string]any{
	"Version": "2012-10-17",
	"Statement": []any{
		map[string]any{"Effect": "Allow", "Action": "s3:GetReplicationConfiguration", "Resource": "*"},
		map[string]any{"Effect": "Allow", "Action": []any{"s3:GetReplicationConfiguration", "s3:ListBucket"},
			"Resource": []any{"arn:aws:s3:::src-a", "arn:aws:s3:::src-b", "arn:aws:s3:::src-c"}},
		map[string]any{"Effect": "Allow", "Action": []any{"s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"},
			"Resource": []any{"arn:aws:s3:::src-a/*", "arn:aws:s3:::src-b/*", "arn:aws:s3:::src-c/*"}},
		map[string]any{"Effect": "Allow", "Action": []any{"s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"},
			"Resource": []any{"arn:aws:s3:::dst-a/*", "arn:aws:s3:::dst-b/*", "arn:aws:s3:::dst-c/*"}},
	},
}

// sharedTrust is the trust policy with the confused-deputy guard for all three.
var sharedTrust = map[string]any{
	"Version": "2012-10-17",
	"Statement": []any{map[string]any{
		"Effect": "Allow", "Principal": map[string]any{"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole",
		"Condition": map[string]any{
			"StringEquals": map[string]any{"aws:SourceAccount": sharedAcct},
			"ArnLike":      map[string]any{"aws:SourceArn": []any{"arn:aws:s3:::src-a", "arn:aws:s3:::src-b", "arn:aws:s3:::src-c"}},
		},
	}},
}

func newEngine(t *testing.T) *policies.Engine {
	t.Helper()
	e, err := policies.New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func judge(t *testing.T, e *policies.Engine, s *scanner.Snapshot) []report.Finding {
	t.Helper()
	fs, _, err := e.EvaluateSnapshot(context.Background(), s, 2)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func byCheck(fs []report.Finding, ids ...string) []report.Finding {
	var out []report.Finding
	for _, f := range fs {
		if slices.Contains(ids, f.CheckID) && f.Status == report.StatusFail {
			out = append(out, f)
		}
	}
	return out
}

func asJSON(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func prettyT(t *testing.T, v any) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return strings.TrimRight(buf.String(), "\n")
}

// TestSharedRoleSuggestionsCoverEveryBucket: each of the three buckets' CRR-032 and
// CRR-034 findings suggests the one trust policy and the one inline policy that
// cover all three, in every report format that shows documents, and the same
// commands in those that show commands only.
func TestSharedRoleSuggestionsCoverEveryBucket(t *testing.T) {
	e := newEngine(t)
	fs := judge(t, e, sharedRoleEstate())
	perms, trust := byCheck(fs, "CRR-032"), byCheck(fs, "CRR-034")
	if len(perms) != 3 || len(trust) != 3 {
		t.Fatalf("want CRR-032 and CRR-034 on each of the 3 buckets, got %d and %d: %v", len(perms), len(trust), fs)
	}
	want := map[string]any{"CRR-032": asJSON(t, sharedPermissions), "CRR-034": asJSON(t, sharedTrust)}
	file := map[string]string{"CRR-032": "crr-permissions.json", "CRR-034": "trust-policy.json"}
	for _, f := range append(perms, trust...) {
		got := asJSON(t, f.Remediation.Documents[file[f.CheckID]])
		if !reflect.DeepEqual(got, want[f.CheckID]) {
			t.Errorf("%s on %s suggests %s\n%s\nwant\n%s", f.CheckID, f.Bucket, file[f.CheckID], prettyT(t, got), prettyT(t, want[f.CheckID]))
		}
	}

	res := report.NewResult(report.Tool{Name: "crrscan", Version: "test"},
		report.ScanInfo{StartedAt: time.Unix(0, 0).UTC(), FinishedAt: time.Unix(0, 0).UTC(), Complete: true},
		nil, fs, nil)
	render := func(w report.Writer) string {
		var buf bytes.Buffer
		if err := w.Write(&buf, res); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	// JSON: the documents of every finding, as above, through the writer.
	var doc struct {
		Findings []report.Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(render(&report.JSON{})), &doc); err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, f := range doc.Findings {
		if w, ok := want[f.CheckID]; ok {
			seen++
			if !reflect.DeepEqual(f.Remediation.Documents[file[f.CheckID]], w) {
				t.Errorf("json: %s on %s suggests another document", f.CheckID, f.Bucket)
			}
		}
	}
	if seen != 6 {
		t.Errorf("json: %d CRR-032/034 findings, want 6", seen)
	}
	// Markdown and HTML show each finding's documents as indented JSON.
	md, page := render(&report.Markdown{}), render(&report.HTML{})
	for id, w := range want {
		body := prettyT(t, w)
		if n := strings.Count(md, body); n != 3 {
			t.Errorf("markdown shows the shared %s document %d times, want 3 (one per bucket)", id, n)
		}
		if n := strings.Count(page, template.HTMLEscapeString(body)); n != 3 {
			t.Errorf("html shows the shared %s document %d times, want 3 (one per bucket)", id, n)
		}
	}
	// CSV and JUnit show the commands: the same ones for every bucket of the role.
	for _, id := range []string{"CRR-032", "CRR-034"} {
		group := byCheck(fs, id)
		for _, f := range group[1:] {
			if !reflect.DeepEqual(f.Remediation.Commands, group[0].Remediation.Commands) {
				t.Errorf("%s: %s suggests %q, %s suggests %q", id, f.Bucket, f.Remediation.Commands, group[0].Bucket, group[0].Remediation.Commands)
			}
		}
		for name, out := range map[string]string{"csv": render(&report.CSV{}), "junit": render(&report.JUnit{})} {
			for _, c := range group[0].Remediation.Commands {
				if n := strings.Count(out, template.HTMLEscapeString(c)); n < 3 && name == "junit" {
					t.Errorf("%s shows %q %d times, want 3", name, c, n)
				}
				if n := strings.Count(out, c); n < 3 && name == "csv" {
					t.Errorf("%s shows %q %d times, want 3", name, c, n)
				}
			}
		}
	}
}

// applyCommand applies one suggested aws CLI command to the snapshot's role, reading
// the file:// documents from docs: the two IAM commands the CRR-032 and CRR-034 fixes
// use (update-assume-role-policy replaces the trust policy; put-role-policy replaces
// or adds the named inline policy, as IAM does).
func applyCommand(t *testing.T, s *scanner.Snapshot, cmd string, docs map[string]any) {
	t.Helper()
	args := strings.Fields(cmd)
	flag := func(name string) string {
		i := slices.Index(args, name)
		if i < 0 || i+1 >= len(args) {
			t.Fatalf("%q has no %s", cmd, name)
		}
		return args[i+1]
	}
	docOf := func() any {
		d, ok := docs[strings.TrimPrefix(flag("--policy-document"), "file://")]
		if !ok {
			t.Fatalf("%q reads a document the fix does not carry", cmd)
		}
		return asJSON(t, d)
	}
	i := slices.IndexFunc(s.Roles, func(r scanner.Role) bool { return r.RoleName == flag("--role-name") })
	if i < 0 {
		t.Fatalf("%q names an unknown role", cmd)
	}
	r := &s.Roles[i]
	switch {
	case strings.HasPrefix(cmd, "aws iam update-assume-role-policy "):
		r.AssumeRolePolicyDocument = docOf()
	case strings.HasPrefix(cmd, "aws iam put-role-policy "):
		p := scanner.InlinePolicy{PolicyName: flag("--policy-name"), PolicyDocument: docOf()}
		j := slices.IndexFunc(r.RolePolicies, func(x scanner.InlinePolicy) bool { return x.PolicyName == p.PolicyName })
		if j < 0 {
			r.RolePolicies = append(r.RolePolicies, p)
		} else {
			r.RolePolicies[j] = p
		}
	default:
		t.Fatalf("unexpected command %q", cmd)
	}
}

// permutations calls f with every order of n items.
func permutations(n int, f func([]int)) {
	var rec func(k int, p []int)
	rec = func(k int, p []int) {
		if k == n {
			f(p)
			return
		}
		for i := k; i < n; i++ {
			p[k], p[i] = p[i], p[k]
			rec(k+1, p)
			p[k], p[i] = p[i], p[k]
		}
	}
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	rec(0, p)
}

// TestSharedRoleSuggestionsInAnyOrder applies the suggested commands of the six
// findings in every order: each order leaves all three buckets replicating through
// the role (no CRR-030/031/032/034 on a re-evaluation), and the trust policy's
// conditions admit each of the three buckets.
func TestSharedRoleSuggestionsInAnyOrder(t *testing.T) {
	e := newEngine(t)
	before := sharedRoleEstate()
	fixes := byCheck(judge(t, e, before), "CRR-032", "CRR-034")
	if len(fixes) != 6 {
		t.Fatalf("want 6 findings, got %d", len(fixes))
	}
	states := map[string]bool{}
	permutations(len(fixes), func(order []int) {
		s := sharedRoleEstate()
		for _, i := range order {
			for _, c := range fixes[i].Remediation.Commands {
				applyCommand(t, s, c, fixes[i].Remediation.Documents)
			}
		}
		b, err := json.Marshal(s.Roles)
		if err != nil {
			t.Fatal(err)
		}
		states[string(b)] = true
	})
	if len(states) != 1 {
		t.Errorf("the order of the fixes matters: %d different roles", len(states))
	}
	for state := range states {
		s := sharedRoleEstate()
		if err := json.Unmarshal([]byte(state), &s.Roles); err != nil {
			t.Fatal(err)
		}
		if left := byCheck(judge(t, e, s), "CRR-030", "CRR-031", "CRR-032", "CRR-034"); len(left) > 0 {
			t.Errorf("after the fixes: %v", left)
		}
		trust := fmt.Sprint(s.Roles[0].AssumeRolePolicyDocument)
		for _, b := range s.Buckets {
			if !strings.Contains(trust, b.Arn+" ") && !strings.Contains(trust, b.Arn+"]") {
				t.Errorf("the trust policy's aws:SourceArn leaves %s out: %s", b.Arn, trust)
			}
		}
	}
}
