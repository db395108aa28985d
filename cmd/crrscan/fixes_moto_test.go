package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/crrscan/crrscan/report"
)

// motoAWSEnv is the aws CLI's environment for moto's default account: a user with a
// default region and no profile.
var motoAWSEnv = []string{"AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing", "AWS_DEFAULT_REGION=us-east-1",
	"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null"}

// shellWords splits a suggested command into words as a POSIX shell would for a plain
// command: blanks separate words, single quotes keep everything up to the next one
// literally, and a backslash outside quotes keeps the next character, so that
//
//	'it'\''s'
//
// is the one word it's (cli.arg quotes hostile names that way). Anything a shell would
// treat specially outside quotes (double quotes, $, `, |, ;, &, redirections, globs,
// comments, parentheses, braces) is refused: a suggested command must be a plain
// command that runs the same whatever the shell.
func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("unterminated single quote at byte %d", i)
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '\\':
			if i+1 >= len(s) || s[i+1] == '\n' {
				return nil, errors.New("backslash at the end of the command")
			}
			cur.WriteByte(s[i+1])
			i++
			inWord = true
		case strings.IndexByte("\"$`|;&<>(){}*?[]#~!\n\r", c) >= 0:
			return nil, fmt.Errorf("unquoted %q at byte %d: not a plain command", c, i)
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

func TestShellWords(t *testing.T) {
	good := map[string][]string{
		"aws s3api put-bucket-versioning --bucket b --versioning-configuration Status=Enabled": {
			"aws", "s3api", "put-bucket-versioning", "--bucket", "b", "--versioning-configuration", "Status=Enabled"},
		`aws iam create-role --role-name 'it'\''s a role'  --path /x/`: {"aws", "iam", "create-role", "--role-name", "it's a role", "--path", "/x/"},
		`a 'b;c|d$e' f\ g ''`: {"a", "b;c|d$e", "f g", ""},
		"  ":                  nil,
	}
	for in, want := range good {
		got, err := shellWords(in)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("shellWords(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"a 'b", `a b\`, "a; rm -rf x", "a $(b)", `a "b"`, "a > f", "a *", "a `b`", "a && b", "a # c"} {
		if got, err := shellWords(bad); err == nil {
			t.Errorf("shellWords(%q) = %q, want an error", bad, got)
		}
	}
}

// placeholder matches the upper-case stand-ins a fix uses for values the scanner did
// not know (DESTINATION-BUCKET, REPLICA-KEY-ID, NEW-KEY-ID, ...).
var placeholder = regexp.MustCompile(`\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b`)

// fileArg finds the file:// arguments of a command.
var fileArg = regexp.MustCompile(`^file://(.+)$`)

// applyFix carries out a finding's remediation as a user would: its documents are
// written to a fresh directory under their names, and each command is split into
// words (no shell) and run there with the aws CLI against moto, with the given
// environment (credentials of the account the fix must be run in).
func applyFix(t *testing.T, f report.Finding, env []string) {
	t.Helper()
	rem := f.Remediation
	if len(rem.Commands) == 0 {
		t.Fatalf("%s on %s: the remediation has no commands", f.CheckID, f.Bucket)
	}
	dir := t.TempDir()
	for name, doc := range rem.Documents {
		if name != filepath.Base(name) || strings.HasPrefix(name, ".") {
			t.Fatalf("%s: document name %q is not a plain file name", f.CheckID, name)
		}
		data, ok := doc.(string)
		if !ok {
			b, err := json.MarshalIndent(doc, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			data = string(b)
		}
		if ph := placeholder.FindAllString(data, -1); len(ph) > 0 {
			t.Errorf("%s on %s: document %s has placeholders %v although the scanner knew the names:\n%s", f.CheckID, f.Bucket, name, ph, data)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s on %s: wrote %s:\n%s", f.CheckID, f.Bucket, name, data)
	}
	used := map[string]bool{}
	for _, line := range rem.Commands {
		if ph := placeholder.FindAllString(line, -1); len(ph) > 0 {
			t.Errorf("%s on %s: command has placeholders %v although the scanner knew the names: %s", f.CheckID, f.Bucket, ph, line)
		}
		words, err := shellWords(line)
		if err != nil {
			t.Fatalf("%s on %s: command %q: %v", f.CheckID, f.Bucket, line, err)
		}
		if len(words) < 3 || words[0] != "aws" {
			t.Fatalf("%s on %s: not an aws CLI command: %q", f.CheckID, f.Bucket, line)
		}
		for _, w := range words {
			if m := fileArg.FindStringSubmatch(w); m != nil {
				if _, ok := rem.Documents[m[1]]; !ok {
					t.Fatalf("%s on %s: command %q reads file://%s, which is not among the documents %v", f.CheckID, f.Bucket, line, m[1], keys(rem.Documents))
				}
				used[m[1]] = true
			}
		}
		cmd := exec.Command("aws", append([]string{"--endpoint-url", moto.URL}, words[1:]...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s on %s: %s: %v\n%s", f.CheckID, f.Bucket, line, err, out)
		}
		t.Logf("%s on %s: ran %s", f.CheckID, f.Bucket, line)
	}
	for name := range rem.Documents {
		if !used[name] {
			t.Errorf("%s on %s: document %s is not used by any command", f.CheckID, f.Bucket, name)
		}
	}
}

// serious is a finding the fix of another must not bring: medium or above, or a read
// error.
func serious(f report.Finding) bool {
	return f.Status == report.StatusError || report.SeverityRank(f.Severity) >= report.SeverityRank("medium")
}

// checkFixed asserts that, from the scan before to the scan after the fix, the finding
// is gone (by fingerprint) and no serious finding appeared on its bucket.
func checkFixed(t *testing.T, before, after report.Result, fixed report.Finding) {
	t.Helper()
	was := map[string]bool{}
	for _, f := range before.Findings {
		was[f.Fingerprint] = true
	}
	for _, f := range after.Findings {
		if f.Fingerprint == fixed.Fingerprint {
			t.Errorf("%s on %s is still there after its fix: %s", fixed.CheckID, fixed.Bucket, f.Message)
		}
		if f.Bucket == fixed.Bucket && !was[f.Fingerprint] && serious(f) {
			t.Errorf("the fix of %s on %s brought %s (%s): %s", fixed.CheckID, fixed.Bucket, f.CheckID, f.Severity, f.Message)
		}
	}
}

// checkPassing asserts that each fixed finding's check now passes where it failed: per
// check, the failures dropped by the number fixed and the passes rose at least as
// much, so no finding vanished by its check no longer being judged.
func checkPassing(t *testing.T, before, after report.Result, fixed []report.Finding) {
	t.Helper()
	n := map[string]int{}
	for _, f := range fixed {
		n[f.CheckID]++
	}
	// A fix may put a bucket out of scope: re-enabling a paused rule makes its
	// destination a replica again (CRR-010 on it resolves), and a check judging every
	// in-scope bucket then passes one bucket fewer.
	left := 0
	for _, f := range before.Findings {
		if f.CheckID == "CRR-010" && len(findingsOf(after, "CRR-010", f.Bucket)) == 0 {
			left++
		}
	}
	for id, k := range n {
		b, a := checkSummary(t, before, id), checkSummary(t, after, id)
		if a.Fail != b.Fail-k || a.Pass < b.Pass+k-left || a.Error != 0 {
			t.Errorf("%s after %d fix(es): pass %d→%d, fail %d→%d, error %d; want the fixed buckets judged and passing",
				id, k, b.Pass, a.Pass, b.Fail, a.Fail, a.Error)
		}
	}
}

// onlyFinding returns the one finding of a check on a bucket.
func onlyFinding(t *testing.T, r report.Result, id, bucket string) (report.Finding, bool) {
	t.Helper()
	fs := findingsOf(r, id, bucket)
	if len(fs) != 1 {
		t.Errorf("want one %s on %s, got %d; findings there: %v", id, bucket, len(fs), keys(findingsOn(r)[bucket]))
		return report.Finding{}, false
	}
	return fs[0], true
}

// TestFixesWorkOnMoto breaks the guide's setup one way per check, takes each finding's
// suggested fix from the JSON result, runs its aws CLI commands against moto exactly
// as given (only --endpoint-url added), scans again and expects the finding gone and
// nothing serious in its place. The cross-account CRR-050 is TestCrossAccountOnMoto's.
func TestFixesWorkOnMoto(t *testing.T) {
	requireMoto(t)
	a := awsCLI{t: t, endpoint: moto.URL, dir: t.TempDir()}

	// CRR-001: source versioning suspended after the configuration was written.
	a.pair("suspended-src", "us-east-1", "suspended-dst", "eu-west-1", "crr-suspended", guideTrust, "Enabled")
	a.run("s3api", "put-bucket-versioning", "--bucket", "suspended-src", "--versioning-configuration", "Status=Suspended")
	// CRR-002: destination versioning suspended.
	a.pair("unver-src", "us-east-1", "unver-dst", "eu-west-1", "crr-unver", guideTrust, "Enabled")
	a.run("s3api", "put-bucket-versioning", "--bucket", "unver-dst", "--versioning-configuration", "Status=Suspended")
	// CRR-011: the only rule is disabled; it also names a storage class, which the
	// fix (a whole configuration written back) must keep.
	a.pairWith("paused-src", "paused-dst", "crr-paused", guidePermissions("paused-src", "paused-dst"),
		replicationOf("crr-paused", strings.Replace(guideRule("paused-dst", `,"StorageClass":"STANDARD_IA"`, ""),
			`"Status":"Enabled"`, `"Status":"Disabled"`, 1)))
	// CRR-030: the role was deleted.
	a.pair("norole-src", "us-east-1", "norole-dst", "eu-west-1", "crr-gone", guideTrust, "Enabled")
	a.run("iam", "delete-role-policy", "--role-name", "crr-gone", "--policy-name", "crr-permissions")
	a.run("iam", "delete-role", "--role-name", "crr-gone")
	// CRR-031: the role trusts EC2, not S3.
	a.pair("trust-src", "us-east-1", "trust-dst", "eu-west-1", "crr-ec2", ec2Trust, "Enabled")
	// CRR-032: the role lacks s3:ReplicateDelete.
	a.pairWith("nodel-src", "nodel-dst", "crr-nodel",
		strings.Replace(guidePermissions("nodel-src", "nodel-dst"), `"s3:ReplicateDelete",`, "", 1),
		replicationOf("crr-nodel", guideRule("nodel-dst", "", "")))

	before := scanMoto(t)
	cases := []struct{ id, bucket string }{
		{"CRR-001", "suspended-src"},
		{"CRR-002", "unver-src"},
		{"CRR-011", "paused-src"},
		{"CRR-030", "norole-src"},
		{"CRR-031", "trust-src"},
		{"CRR-032", "nodel-src"},
	}
	var fixed []report.Finding
	for _, c := range cases {
		f, ok := onlyFinding(t, before, c.id, c.bucket)
		if !ok {
			continue
		}
		applyFix(t, f, motoAWSEnv)
		fixed = append(fixed, f)
	}
	if t.Failed() {
		t.FailNow()
	}
	// The fixes touch disjoint buckets and roles: one scan judges them all.
	after := scanMoto(t)
	for _, f := range fixed {
		checkFixed(t, before, after, f)
	}
	checkPassing(t, before, after, fixed)
	// CRR-011's fix enabled the rule and kept the rest of it.
	cfg, _ := a.out("s3api", "get-bucket-replication", "--bucket", "paused-src")["ReplicationConfiguration"].(map[string]any)
	if rules, _ := cfg["Rules"].([]any); len(rules) != 1 {
		t.Errorf("paused-src after the fix: rules %v", cfg["Rules"])
	} else {
		rule, _ := rules[0].(map[string]any)
		dest, _ := rule["Destination"].(map[string]any)
		if rule["Status"] != "Enabled" || rule["ID"] != "crr-all" || dest["StorageClass"] != "STANDARD_IA" ||
			dest["Bucket"] != "arn:aws:s3:::paused-dst" || cfg["Role"] != "arn:aws:iam::"+motoAccount+":role/crr-paused" {
			t.Errorf("paused-src after the fix: %v", cfg)
		}
	}
	// The guide's setup with a fixed role is back to at most the CRR-034 hardening
	// finding; CRR-030's and CRR-031's trust policies carry the aws:SourceAccount
	// condition, so those pairs are clean.
	got := findingsOn(after)
	for _, c := range cases {
		for id, f := range got[c.bucket] {
			if !hardening[id] {
				t.Errorf("%s after the fix of %s: %s (%s): %s", c.bucket, c.id, id, f.Severity, f.Message)
			}
		}
	}
	for _, b := range []string{"norole-src", "trust-src"} {
		if _, ok := got[b]["CRR-034"]; ok {
			t.Errorf("%s: the fix's trust policy should carry the aws:SourceAccount condition (CRR-034 still fires)", b)
		}
	}
}
