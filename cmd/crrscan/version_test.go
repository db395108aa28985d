package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// TestVersion: `version`, `--version` and `-v` print the same lines: version,
// commit, build date, Go and OPA versions, and the checks' digest, which is the
// policy_digest a scan of the built-in checks records.
func TestVersion(t *testing.T) {
	code, out, _, err := runInProcess(t, "version")
	if code != 0 || err != nil {
		t.Fatalf("version: code %d, err %v", code, err)
	}
	for _, want := range []string{"crrscan dev\n", "commit:", "built:", "go:            " + runtime.Version(), "opa:           v1.", "checks digest:"} {
		if !strings.Contains(out, want) {
			t.Errorf("version output lacks %q:\n%s", want, out)
		}
	}
	for _, form := range []string{"--version", "-v"} {
		if _, got, _, err := runInProcess(t, form); err != nil || got != out {
			t.Errorf("%s differs from version (err %v):\n%s", form, err, got)
		}
	}
	digest := regexp.MustCompile(`checks digest: ([0-9a-f]{64})\n`).FindStringSubmatch(out)
	if digest == nil {
		t.Fatalf("no sha256 digest in:\n%s", out)
	}
	dir := t.TempDir()
	demo := filepath.Join("..", "..", "fixtures", "demo", "snapshot.json")
	runCrrscan(t, nil, "scan", "--from-snapshot", demo, "--format", "json", "--output-dir", dir)
	if r := readResult(t, filepath.Join(dir, "crrscan.json")); r.Scan.PolicyDigest != digest[1] {
		t.Errorf("version's digest %s, a scan's policy_digest %s", digest[1], r.Scan.PolicyDigest)
	}
}

// TestCompletion: the bash completion script loads in bash and registers a
// completion for crrscan; zsh and fish scripts are generated; and the
// completions it asks crrscan for list the scan flags.
func TestCompletion(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatalf("bash is needed: %v", err)
	}
	cmd := exec.Command("bash", "-c", `source <("$CRRSCAN" completion bash) && complete -p crrscan`)
	cmd.Env = append(os.Environ(), "CRRSCAN="+binPath)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "crrscan") || !strings.Contains(string(out), "-F __start_crrscan") {
		t.Fatalf("bash completion did not load: %v\n%s", err, out)
	}
	for shell, want := range map[string]string{"zsh": "#compdef crrscan", "fish": "complete -c crrscan"} {
		res := runCrrscan(t, nil, "completion", shell)
		if res.code != 0 || !strings.Contains(res.stdout, want) {
			t.Errorf("completion %s: exit %d, no %q in its script", shell, res.code, want)
		}
	}
	res := runCrrscan(t, nil, "__complete", "scan", "--fail")
	for _, want := range []string{"--fail-on", "--fail-on-new"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("completing `scan --fail` does not offer %s:\n%s", want, res.stdout)
		}
	}
}

// TestManPages: gen-docs (make man) writes a man page for every command, from
// the command definitions: the scan page lists the scan flags.
func TestManPages(t *testing.T) {
	dir := t.TempDir()
	res := runCrrscan(t, nil, "gen-docs", "--man", dir, "--markdown", filepath.Join(dir, "md"))
	if res.code != 0 {
		t.Fatalf("gen-docs: exit %d\n%s", res.code, res.stderr)
	}
	for _, page := range []string{"crrscan.1", "crrscan-scan.1", "crrscan-diff.1", "crrscan-checks-explain.1", "crrscan-version.1", "crrscan-completion-bash.1"} {
		data, err := os.ReadFile(filepath.Join(dir, page))
		if err != nil {
			t.Errorf("no man page %s: %v", page, err)
			continue
		}
		if !strings.HasPrefix(string(data), ".nh\n.TH \"CRRSCAN\" \"1\"") {
			t.Errorf("%s is not a section-1 man page: %.60q", page, data)
		}
	}
	scan, _ := os.ReadFile(filepath.Join(dir, "crrscan-scan.1"))
	for _, flag := range []string{`\fB--from-snapshot\fP`, `\fB--max-input-size\fP`, `\fB--fail-on\fP`} {
		if !strings.Contains(string(scan), flag) {
			t.Errorf("crrscan-scan.1 lacks %s", flag)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "md", "crrscan_scan.md")); err != nil {
		t.Errorf("no Markdown reference for scan: %v", err)
	}
}
