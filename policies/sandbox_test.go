package policies

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crrscan/crrscan/report"
)

// TestNetworkChecksRefused: custom checks that call http.send, net.lookup_ip_addr or
// opa.runtime are refused at load by default, each call named by file and line.
func TestNetworkChecksRefused(t *testing.T) {
	dir := filepath.Join("testdata", "policydir", "network")
	_, err := New(context.Background(), dir)
	if err == nil {
		t.Fatal("custom checks calling http.send loaded without --allow-network-policies")
	}
	abs, _ := filepath.Abs(dir)
	for _, want := range []string{
		filepath.Join(abs, "exfiltrate.rego") + ":9: calls http.send, which sends HTTP requests",
		filepath.Join(abs, "lookup.rego") + ":9: calls net.lookup_ip_addr, which sends DNS queries",
		filepath.Join(abs, "lookup.rego") + ":10: calls opa.runtime, which reads the environment",
		"--allow-network-policies",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestNetworkChecksAllowed(t *testing.T) {
	e, err := NewWithOptions(context.Background(), Options{
		PolicyDirs:   []string{filepath.Join("testdata", "policydir", "network")},
		AllowNetwork: true,
	})
	if err != nil {
		t.Fatalf("with AllowNetwork: %v", err)
	}
	if _, ok := e.Check("ACME-NET-1"); !ok {
		t.Error("ACME-NET-1 not loaded with AllowNetwork")
	}
}

// TestBuiltinChecksNeedNoSandboxedBuiltin: the built-in checks load under the
// restricted capabilities (New uses them), and none calls a sandboxed builtin.
func TestBuiltinChecksNeedNoSandboxedBuiltin(t *testing.T) {
	mods, err := loadModules(nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range mods {
		mods[i].embedded = false // judge them as if they were custom
	}
	if ps := sandboxProblems(mods); len(ps) > 0 {
		t.Errorf("built-in modules call sandboxed builtins:\n%s", strings.Join(ps, "\n"))
	}
}

// TestRunawayCheckStopped: a custom check that would run for hours is stopped by the
// evaluation time limit on every bucket it applies to; each such bucket gets one
// CRR-090 error finding naming the limit, and the judging finishes.
func TestRunawayCheckStopped(t *testing.T) {
	e, err := NewWithOptions(context.Background(), Options{
		PolicyDirs:  []string{filepath.Join("testdata", "policydir", "loop")},
		EvalTimeout: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	s := estate()
	j, err := e.Judge(context.Background(), s, nil, time.Time{}, 2, false)
	if err != nil {
		t.Fatalf("Judge: %v", err)
	}
	if len(j.Stopped) == 0 {
		t.Fatal("no bucket's evaluation was stopped")
	}
	stopped := map[string]bool{}
	for _, arn := range j.Stopped {
		stopped[arn] = true
	}
	timeouts := 0
	for _, f := range j.Findings {
		if f.CheckID == "ACME-LOOP" {
			t.Errorf("the runaway check produced a finding: %+v", f)
		}
		if f.CheckID != ErrorCheckID || f.Evidence["Code"] != "EvaluationTimeLimit" {
			continue
		}
		timeouts++
		if f.Status != report.StatusError || !stopped[f.ResourceARN] || !strings.Contains(f.Message, "took longer than 200ms") {
			t.Errorf("time-limit finding %+v", f)
		}
	}
	if timeouts != len(j.Stopped) {
		t.Errorf("%d time-limit findings for %d stopped buckets", timeouts, len(j.Stopped))
	}
	if o := j.Outcomes["ACME-LOOP"]; o[OutcomePass]+o[OutcomeFail] != 0 {
		t.Errorf("the runaway check was judged somewhere: %v", o)
	}
}

// TestEvalTimeoutLeavesCancellationAlone: a cancelled run is an error, not a
// time-limit finding.
func TestEvalTimeoutLeavesCancellationAlone(t *testing.T) {
	e, err := NewWithOptions(context.Background(), Options{
		PolicyDirs:  []string{filepath.Join("testdata", "policydir", "loop")},
		EvalTimeout: time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	for in := range Inputs(estate()) {
		in.Facts.InScope = true
		if _, err := e.Evaluate(ctx, in); err == nil {
			t.Fatal("Evaluate under a cancelled context succeeded")
		}
		break
	}
}
