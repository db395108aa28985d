package policies

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/crrscan/crrscan/scanner"
)

func TestPolicyDirValidCheckLoadsAndFires(t *testing.T) {
	builtin := newEngine(t)
	e := newEngine(t, filepath.Join("testdata", "policydir", "valid"))
	c, ok := e.Check("ACME-001")
	if !ok {
		t.Fatalf("custom check not loaded; checks: %v", e.Checks())
	}
	if c.Severity != "medium" || c.Package != "crr.checks.acme_owner_tag" || !slices.Equal(c.Requires, []string{scanner.ComponentTags}) {
		t.Errorf("custom check %+v", c)
	}
	if len(e.Checks()) != len(builtin.Checks())+1 {
		t.Errorf("%d checks, want the %d built-in ones plus one", len(e.Checks()), len(builtin.Checks()))
	}
	if e.Digest() == builtin.Digest() {
		t.Error("digest does not change with a custom check")
	}

	s := estate()
	for i := range s.Buckets {
		if s.Buckets[i].Name == "src-ok" {
			s.Buckets[i].Tags = []scanner.Tag{{Key: "owner", Value: "storage"}}
		}
		if s.Buckets[i].Name == "plain" {
			s.Buckets[i].Errors = append(s.Buckets[i].Errors, denied("GetBucketTagging", "arn:aws:s3:::plain", scanner.ComponentTags))
		}
	}
	findings, outcomes, err := e.EvaluateSnapshot(context.Background(), s, 2)
	if err != nil {
		t.Fatal(err)
	}
	var fired []string
	for _, f := range findings {
		if f.CheckID == "ACME-001" {
			fired = append(fired, f.Bucket)
			if f.Message != "Bucket "+f.Bucket+" has no owner tag" || len(f.Remediation.Commands) != 1 {
				t.Errorf("custom finding %+v", f)
			}
		}
	}
	// In scope: src-ok (tagged), plain (tags unreadable: not judged), and four untagged buckets.
	want := []string{"paused", "role-hidden", "src-bad", "denied"}
	slices.Sort(want)
	slices.Sort(fired)
	if !slices.Equal(fired, want) {
		t.Errorf("ACME-001 fired on %v, want %v", fired, want)
	}
	if got := outcomes["ACME-001"]; got["pass"] != 1 || got["fail"] != 4 || got["error"] != 1 {
		t.Errorf("ACME-001 outcomes %v", got)
	}
}

// writeCheck writes files into a fresh policy directory.
func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func customCheck(pkg, custom string) string {
	return "# METADATA\n# title: Custom\n# custom:\n" + custom + "package crr.checks." + pkg + `

deny contains {"msg": "custom"} if input.bucket.Name == "x"
`
}

func TestPolicyDirRefused(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  []string // substrings of the error
	}{
		{
			name:  "invalid rego names file and line",
			files: map[string]string{"bad.rego": "package crr.checks.bad\n\ndeny contains f if {\n\tf := \n}\n"},
			want:  []string{"bad.rego:5", "rego_parse_error"},
		},
		{
			name: "compile error names file and line",
			files: map[string]string{"undef.rego": customCheck("undef", "#   id: ACME-002\n#   severity: low\n") +
				"\nother if data.crr.lib.nothing.here(1)\n"},
			want: []string{"undef.rego:10", "compile policies"},
		},
		{
			name:  "no id",
			files: map[string]string{"noid.rego": customCheck("noid", "#   severity: low\n")},
			want:  []string{"noid.rego:1", "custom.id is missing"},
		},
		{
			name:  "no severity",
			files: map[string]string{"nosev.rego": customCheck("nosev", "#   id: ACME-003\n")},
			want:  []string{"nosev.rego:1", "custom.severity is missing"},
		},
		{
			name:  "unknown severity",
			files: map[string]string{"sev.rego": customCheck("sev", "#   id: ACME-004\n#   severity: urgent\n")},
			want:  []string{`custom.severity "urgent" is not one of critical|high|medium|low|info|error`},
		},
		{
			name:  "no metadata",
			files: map[string]string{"nometa.rego": "package crr.checks.nometa\n\ndeny contains {\"msg\": \"x\"} if false\n"},
			want:  []string{"nometa.rego", "has no METADATA block"},
		},
		{
			name:  "no title",
			files: map[string]string{"notitle.rego": "# METADATA\n# custom:\n#   id: ACME-005\n#   severity: low\npackage crr.checks.notitle\n\ndeny contains {\"msg\": \"x\"} if false\n"},
			want:  []string{"METADATA title is missing"},
		},
		{
			name:  "id colliding with a built-in check",
			files: map[string]string{"dup.rego": customCheck("dup", "#   id: CRR-001\n#   severity: low\n")},
			want:  []string{"dup.rego", "check id CRR-001 is already used by package crr.checks.crr_001"},
		},
		{
			name:  "id collision blamed on the custom check whatever its name",
			files: map[string]string{"aaa.rego": customCheck("aaa", "#   id: CRR-001\n#   severity: low\n")},
			want:  []string{"aaa.rego", "check id CRR-001 is already used by package crr.checks.crr_001"},
		},
		{
			name:  "custom module inside a built-in check package",
			files: map[string]string{"extend.rego": "package crr.checks.crr_001\n\ndeny contains {\"msg\": \"more\"} if true\n"},
			want:  []string{"extend.rego:1", "package crr.checks.crr_001 is a built-in check package"},
		},
		{
			name:  "custom module inside the built-in library",
			files: map[string]string{"lib.rego": "package crr.lib.iam\n\nallows(_, _, _) if true\n"},
			want:  []string{"lib.rego:1", "data.crr.lib is reserved"},
		},
		{
			name: "two custom checks with one id",
			files: map[string]string{
				"a.rego": customCheck("a", "#   id: ACME-006\n#   severity: low\n"),
				"b.rego": customCheck("b", "#   id: ACME-006\n#   severity: low\n"),
			},
			want: []string{"check id ACME-006 is already used by package crr.checks.a"},
		},
		{
			name:  "unknown required component",
			files: map[string]string{"req.rego": customCheck("req", "#   id: ACME-007\n#   severity: low\n#   requires: [telepathy]\n")},
			want:  []string{"custom.requires: telepathy is not one of"},
		},
		{
			name:  "nested check package",
			files: map[string]string{"nested.rego": "package crr.checks.team.nested\n\ndeny contains {\"msg\": \"x\"} if false\n"},
			want:  []string{"nested.rego:1", "a check package must be data.crr.checks.<name>"},
		},
		{
			name:  "no deny rule",
			files: map[string]string{"nodeny.rego": "# METADATA\n# title: T\n# custom:\n#   id: ACME-008\n#   severity: low\npackage crr.checks.nodeny\n\nviolation contains \"x\" if false\n"},
			want:  []string{"no deny rule"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeDir(t, tc.files)
			e, err := New(context.Background(), dir)
			if err == nil {
				t.Fatalf("New accepted the directory; checks %v", e.Checks())
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestPolicyDirMissing(t *testing.T) {
	_, err := New(context.Background(), filepath.Join(t.TempDir(), "nope"))
	if err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("error %v, want one naming the missing directory", err)
	}
}

func TestCustomDenyContract(t *testing.T) {
	dir := writeDir(t, map[string]string{"shape.rego": "# METADATA\n# title: T\n# custom:\n#   id: ACME-009\n#   severity: low\npackage crr.checks.shape\n\ndeny contains {\"msg\": 42} if true\n"})
	e := newEngine(t, dir)
	var in Input
	for i := range Inputs(estate()) {
		in = i
		break
	}
	_, err := e.Evaluate(context.Background(), in)
	if err == nil || !strings.Contains(err.Error(), `ACME-009`) || !strings.Contains(err.Error(), `"msg" must be a string`) {
		t.Fatalf("error %v, want one naming the check and the bad field", err)
	}
}
