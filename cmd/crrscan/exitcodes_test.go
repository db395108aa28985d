package main

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/crrscan/crrscan/cmd/crrscan/app"
	"github.com/crrscan/crrscan/scanner/scantest"
)

// noCredentialsEnv is a machine with no AWS credentials anywhere: no keys in the
// environment, no shared files, no instance role (IMDS off, so that the test
// does not depend on the network it runs on).
func noCredentialsEnv(t *testing.T) []string {
	home := t.TempDir()
	return []string{"HOME=" + home, "AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AWS_SESSION_TOKEN=",
		"AWS_PROFILE=", "AWS_DEFAULT_PROFILE=", "AWS_CONFIG_FILE=" + filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"), "AWS_WEB_IDENTITY_TOKEN_FILE=",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=", "AWS_CONTAINER_CREDENTIALS_FULL_URI=", "AWS_EC2_METADATA_DISABLED=true"}
}

// countingEndpoint is an AWS endpoint that counts the calls it gets and
// answers none of them usefully: a pre-check that passes would show as calls.
func countingEndpoint(t *testing.T) (string, *atomic.Int64) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &calls
}

// oneLine fails unless stderr is exactly one line containing every want.
func oneLine(t *testing.T, stderr string, want ...string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	if len(lines) != 1 {
		t.Fatalf("want one line on stderr, got %d:\n%s", len(lines), stderr)
	}
	for _, w := range want {
		if !strings.Contains(lines[0], w) {
			t.Errorf("stderr %q lacks %q", lines[0], w)
		}
	}
}

// TestNoCredentialsExitsTwo: without credentials nothing is scanned, the exit
// code is 2 (a configuration error, not an incomplete scan), the one line says
// which chain was tried and how to configure it, and the SDK's own warnings stay
// out of sight unless --log-level debug.
func TestNoCredentialsExitsTwo(t *testing.T) {
	env := noCredentialsEnv(t)
	out := filepath.Join(t.TempDir(), "out")
	res := runCrrscan(t, env, "scan", "--format", "json", "--output-dir", out)
	if res.code != 2 {
		t.Fatalf("exit %d, want 2; stderr:\n%s", res.code, res.stderr)
	}
	oneLine(t, res.stderr, "no AWS credentials", "standard chain", "aws configure")
	if entries, _ := os.ReadDir(out); len(entries) > 0 {
		t.Errorf("wrote %d files without credentials", len(entries))
	}

	res = runCrrscan(t, env, "scan", "--profile", "audit")
	if res.code != 2 || !strings.Contains(res.stderr, "audit") {
		t.Errorf("unknown profile: exit %d, stderr %q; want 2 naming the profile", res.code, res.stderr)
	}

	res = runCrrscan(t, env, "scan", "--log-level", "debug")
	if res.code != 2 || !strings.Contains(res.stderr, "level=DEBUG") || !strings.Contains(res.stderr, "no AWS credentials") {
		t.Errorf("--log-level debug: exit %d, want 2 with the SDK's reason logged; stderr:\n%s", res.code, res.stderr)
	}
}

// TestConfigErrorsFoundBeforeScanning: an invalid endpoint and output paths
// that cannot be written exit 2 before a single AWS call.
func TestConfigErrorsFoundBeforeScanning(t *testing.T) {
	endpoint, calls := countingEndpoint(t)
	dir := t.TempDir()
	aFile := filepath.Join(dir, "a-file")
	if err := os.WriteFile(aFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"endpoint without scheme", []string{"--endpoint-url", "127.0.0.1:5000"}, "--endpoint-url"},
		{"endpoint of another scheme", []string{"--endpoint-url", "ftp://example.com"}, "--endpoint-url"},
		{"output dir under a file", []string{"--endpoint-url", endpoint, "--format", "json", "--output-dir", filepath.Join(aFile, "out")}, "--output-dir"},
		{"snapshot in a missing directory", []string{"--endpoint-url", endpoint, "--snapshot-out", filepath.Join(dir, "missing", "s.json")}, "--snapshot-out"},
		{"snapshot onto a directory", []string{"--endpoint-url", endpoint, "--snapshot-out", dir}, "is a directory"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := runCrrscan(t, motoEnv, append([]string{"scan"}, tc.args...)...)
			if res.code != 2 {
				t.Fatalf("exit %d, want 2; stderr:\n%s", res.code, res.stderr)
			}
			oneLine(t, res.stderr, tc.want)
		})
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("%d AWS calls were made before the configuration errors were found", n)
	}
}

// TestOutputsNotWrittenExitsFour: when one report cannot be written after the
// scan, the others still are, the closing line names the one that failed, and
// the exit code is app.ExitOutputs.
func TestOutputsNotWrittenExitsFour(t *testing.T) {
	demo := filepath.Join("..", "..", "fixtures", "demo", "snapshot.json")
	out := t.TempDir()
	// A directory where crrscan.json should go: the rename into place fails.
	if err := os.Mkdir(filepath.Join(out, "crrscan.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	res := runCrrscan(t, nil, "scan", "--from-snapshot", demo, "--format", "json,csv,html", "--output-dir", out)
	if res.code != app.ExitOutputs {
		t.Fatalf("exit %d, want %d; stderr:\n%s", res.code, app.ExitOutputs, res.stderr)
	}
	for _, name := range []string{"crrscan.csv", "crrscan.html"} {
		if fi, err := os.Stat(filepath.Join(out, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s was not written after the JSON report failed: %v", name, err)
		}
	}
	if !strings.Contains(res.stderr, "some outputs were not written: json report") {
		t.Errorf("stderr does not name the JSON report:\n%s", res.stderr)
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

// TestSignalMidScan: SIGINT and SIGTERM in the middle of a scan of moto (slowed
// down by a proxy so that the scan is surely under way) stop crrscan promptly
// with 130 and 143, one line on stderr, and no output file at all.
func TestSignalMidScan(t *testing.T) {
	requireMoto(t)
	a := awsCLI{t: t, endpoint: moto.URL, dir: t.TempDir()}
	for _, b := range []string{"sig-a", "sig-b", "sig-c", "sig-d"} {
		a.bucket(b, "us-east-1")
	}
	proxy := scantest.NewFaultProxy(moto.URL, scantest.Faults{Latency: 3 * time.Second})
	defer proxy.Close()
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
		word string
	}{{syscall.SIGINT, 130, "SIGINT"}, {syscall.SIGTERM, 143, "SIGTERM"}} {
		t.Run(tc.word, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			snap := filepath.Join(out, "estate.snapshot.json")
			cmd := exec.Command(binPath, "scan", "--endpoint-url", proxy.URL, "--format", "json,csv,html",
				"--output-dir", out, "--snapshot-out", snap)
			cmd.Env = append(os.Environ(), motoEnv...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			before := proxy.Requests()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(60 * time.Second)
			for proxy.Requests() < before+2 && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			if proxy.Requests() < before+2 {
				cmd.Process.Kill()
				t.Fatal("the scan made no AWS calls through the proxy in 60 s")
			}
			sent := time.Now()
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			took := time.Since(sent)
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != tc.code {
				t.Fatalf("exit %v, want %d; stderr:\n%s", err, tc.code, stderr.String())
			}
			t.Logf("%s: exit %d %v after the signal", tc.word, ee.ExitCode(), took.Round(time.Millisecond))
			if took > 3*time.Second {
				t.Errorf("took %v to stop after %s", took, tc.word)
			}
			oneLine(t, stderr.String(), tc.word, "half-written")
			entries, _ := os.ReadDir(out)
			for _, e := range entries {
				t.Errorf("left %s in the output directory", e.Name())
			}
		})
	}
}

// TestCrashNeverExitsTwo: a Go runtime crash (here the goroutine dump SIGQUIT
// asks for) ends the process with SIGABRT, never with exit status 2, crrscan's
// usage error.
func TestCrashNeverExitsTwo(t *testing.T) {
	// A scan that waits on an endpoint that never answers.
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-hang }))
	defer srv.Close()
	defer close(hang)
	cmd := exec.Command(binPath, "scan", "--endpoint-url", srv.URL)
	cmd.Env = append(os.Environ(), append(motoEnv, "GOTRACEBACK=")...)
	cmd.Dir = t.TempDir() // where a core file would go, if core dumps are on
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	if err := cmd.Process.Signal(syscall.SIGQUIT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("crrscan did not fail: %v", err)
	}
	ws, _ := ee.Sys().(syscall.WaitStatus)
	if ee.ExitCode() == 2 || !ws.Signaled() || ws.Signal() != syscall.SIGABRT {
		t.Fatalf("exit code %d (signal %v), want death by SIGABRT; stderr:\n%.2000s", ee.ExitCode(), ws.Signal(), stderr.String())
	}
	if !strings.Contains(stderr.String(), "goroutine") {
		t.Errorf("no goroutine dump on stderr")
	}
}
