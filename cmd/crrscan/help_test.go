package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// runInProcess runs the command line in this process and returns its exit code,
// standard output and the error run returned.
func runInProcess(t *testing.T, args ...string) (int, string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	code, err := run(context.Background(), args, streams{out: &out, err: &errb})
	return code, out.String(), errb.String(), err
}

// commandPaths lists every command of the tree, root first, as argument lists.
func commandPaths(c *cobra.Command, prefix []string) [][]string {
	paths := [][]string{prefix}
	for _, sub := range c.Commands() {
		if sub.Hidden {
			continue
		}
		paths = append(paths, commandPaths(sub, append(append([]string{}, prefix...), sub.Name()))...)
	}
	return paths
}

// TestHelpGolden pins the --help output of every command (go test -update
// rewrites testdata/help/*.golden): each exits 0, prints on standard output only,
// and lists its flags with two dashes.
func TestHelpGolden(t *testing.T) {
	var code int
	paths := commandPaths(newRootCmd(streams{}, &code), nil)
	var names []string
	for _, p := range paths {
		names = append(names, strings.Join(p, " "))
	}
	for _, want := range []string{"scan", "checks list", "checks explain", "diff", "version", "help", "completion bash"} {
		if !slices.Contains(names, want) {
			t.Fatalf("no %q in the command tree %q", want, names)
		}
	}
	for _, p := range paths {
		name := strings.Join(append([]string{"crrscan"}, p...), "-")
		t.Run(name, func(t *testing.T) {
			code, out, errOut, err := runInProcess(t, append(p, "--help")...)
			if err != nil || code != 0 || errOut != "" {
				t.Fatalf("--help: code %d, err %v, stderr %q", code, err, errOut)
			}
			if !strings.Contains(out, "--help") || strings.Contains(out, "\n  -help") {
				t.Errorf("flags are not listed with two dashes:\n%s", out)
			}
			golden := filepath.Join("testdata", "help", name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./cmd/crrscan -run TestHelpGolden -update)", err)
			}
			if out != string(want) {
				t.Errorf("--help differs from %s (go test -update rewrites it):\n%s", golden, out)
			}
		})
	}
}

// TestHelpForms: `help CMD`, `CMD --help`, `CMD -h` and the one-dash `-help`
// accepted before cobra all print the same text.
func TestHelpForms(t *testing.T) {
	for _, p := range [][]string{{"scan"}, {"diff"}, {"checks", "explain"}, {"checks", "list"}} {
		_, want, _, _ := runInProcess(t, append(p, "--help")...)
		for _, form := range [][]string{
			append([]string{"help"}, p...),
			append(append([]string{}, p...), "-h"),
			append(append([]string{}, p...), "-help"),
		} {
			code, got, _, err := runInProcess(t, form...)
			if code != 0 || err != nil || got != want {
				t.Errorf("%q: code %d, err %v; output equal to --help: %v", form, code, err, got == want)
			}
		}
	}
}

// TestOneDashLongFlags: a long flag with one dash (Go's flag package accepted it
// before crrscan moved to cobra) still works, while an unknown one is an error.
func TestOneDashLongFlags(t *testing.T) {
	demo := filepath.Join("..", "..", "fixtures", "demo", "snapshot.json")
	code, out, _, err := runInProcess(t, "checks", "list", "-format", "json")
	if code != 0 || err != nil || !strings.HasPrefix(out, "[") {
		t.Fatalf("checks list -format json: code %d, err %v, output %.40q", code, err, out)
	}
	_, _, _, err = runInProcess(t, "scan", "-from-snapshot="+demo, "-frobnicate")
	if err == nil || !strings.Contains(err.Error(), "frobnicate") {
		t.Fatalf("an unknown one-dash flag: err %v, want one naming it", err)
	}
	// A value that looks like a one-dash flag stays a value.
	_, _, _, err = runInProcess(t, "scan", "--external-id", "-org")
	if err == nil || !strings.Contains(err.Error(), "--external-id is used with") {
		t.Errorf("--external-id -org: %v, want the external id's own error", err)
	}
	for args, want := range map[string]string{
		"--frob":                       "unknown flag: --frob (see crrscan --help)",
		"scan --frob":                  "scan: unknown flag: --frob (see crrscan scan --help)",
		"checks list --format":         "checks list: flag needs an argument: --format (see crrscan checks list --help)",
		"diff --fail-on-new=maybe a b": `diff: invalid argument "maybe"`,
	} {
		_, _, _, err := runInProcess(t, strings.Fields(args)...)
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("crrscan %s: %v, want %q", args, err, want)
		}
	}
}
