package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
	"github.com/crrscan/crrscan/scanner/scantest"
)

// orgEnv are the management account's credentials (moto's default account).
var orgEnv = []string{"AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing", "AWS_REGION=us-east-1",
	"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null"}

// orgRun is one `crrscan scan --org` through a proxy in front of moto.
type orgRun struct {
	res      runResult
	r        report.Result
	snap     *scanner.Snapshot
	snapPath string
}

func scanOrgCLI(t *testing.T, endpoint string, extra ...string) orgRun {
	t.Helper()
	out := t.TempDir()
	snapPath := filepath.Join(out, "snapshot.json")
	args := append([]string{"scan", "--org", "--role-name", scantest.MemberRole, "--endpoint-url", endpoint,
		"--format", "json", "--output-dir", out, "--snapshot-out", snapPath}, extra...)
	res := runCrrscan(t, orgEnv, args...)
	if res.code != 1 && res.code != 3 {
		t.Fatalf("exit %d; stderr:\n%s", res.code, res.stderr)
	}
	snap, err := scanner.ReadSnapshotFile(snapPath)
	if err != nil {
		t.Fatal(err)
	}
	return orgRun{res: res, r: readResult(t, filepath.Join(out, "crrscan.json")), snap: snap, snapPath: snapPath}
}

// orgProxy is a proxy in front of moto that denies cross-account reads as AWS
// would, plus rules, with faults.
func orgProxy(t *testing.T, e *scantest.OrgEstate, f scantest.Faults, rules ...scantest.Rule) *scantest.Proxy {
	t.Helper()
	p := scantest.NewFaultProxy(moto.URL, f, append(rules, e.CrossAccountRules()...)...)
	p.RegisterKey("testing", e.Management)
	t.Cleanup(p.Close)
	return p
}

// findingKeys are the findings as comparable lines.
func findingKeys(r report.Result) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, fmt.Sprintf("%s %s %s %s %s %s", f.CheckID, f.Status, f.AccountID, f.Bucket, f.Fingerprint, f.Message))
	}
	sort.Strings(out)
	return out
}

func passFail(t *testing.T, r report.Result, id string) (pass, fail int) {
	t.Helper()
	c := checkSummary(t, r, id)
	return c.Pass, c.Fail
}

func noRetryQuotaGiveUp(t *testing.T, run orgRun) {
	t.Helper()
	if strings.Contains(run.res.stderr, "retry quota") {
		t.Errorf("stderr mentions the retry quota:\n%s", run.res.stderr)
	}
	for _, f := range run.r.Findings {
		if strings.Contains(f.Message, "retry quota") {
			t.Errorf("a read gave up on the retry quota: %s", f.Message)
		}
	}
}

// TestOrgScanOnMoto scans a moto organisation of three active accounts and a
// suspended one with `crrscan scan --org`, the cross-account pairs judged from
// both sides, then the same organisation under 30 % throttling and resets, with
// denied reads, and with an account whose role cannot be assumed.
func TestOrgScanOnMoto(t *testing.T) {
	requireMoto(t)
	e, err := scantest.SeedOrgEstate(context.Background(), moto.URL)
	if err != nil {
		t.Fatal(err)
	}
	alpha, beta, gamma := e.Members["alpha"], e.Members["beta"], e.Members["gamma"]

	clean := scanOrgCLI(t, orgProxy(t, e, scantest.Faults{}).URL)

	if clean.res.code != 1 || !clean.r.Scan.Complete {
		t.Fatalf("exit %d complete %v, want 1 and complete; stderr:\n%s", clean.res.code, clean.r.Scan.Complete, clean.res.stderr)
	}
	var buckets []string
	for _, b := range clean.snap.Buckets {
		buckets = append(buckets, b.Name)
	}
	sort.Strings(buckets)
	if want := e.AllBuckets(); strings.Join(buckets, ",") != strings.Join(want, ",") || clean.r.Scan.BucketsScanned != len(want) {
		t.Errorf("buckets = %q (%d scanned), want every bucket of every active account %q", buckets, clean.r.Scan.BucketsScanned, want)
	}
	if len(clean.r.Scan.Accounts) != 3 || len(clean.r.Scan.Regions) != 3 {
		t.Errorf("accounts %q regions %q, want 3 of each", clean.r.Scan.Accounts, clean.r.Scan.Regions)
	}
	if !strings.Contains(clean.res.stderr, gamma) || !strings.Contains(clean.res.stderr, "SUSPENDED") {
		t.Errorf("no warning about the suspended account %s:\n%s", gamma, clean.res.stderr)
	}
	// The live scan judged each bucket as soon as it was read; judging the snapshot
	// it wrote afterwards gives the same findings.
	offline := t.TempDir()
	if res := runCrrscan(t, orgEnv, "scan", "--from-snapshot", clean.snapPath, "--format", "json", "--output-dir", offline); res.code != 1 {
		t.Fatalf("--from-snapshot: exit %d, want 1; stderr:\n%s", res.code, res.stderr)
	}
	if live, off := findingKeys(clean.r), findingKeys(readResult(t, filepath.Join(offline, "crrscan.json"))); strings.Join(live, "\n") != strings.Join(off, "\n") || len(live) == 0 {
		t.Errorf("the live scan's findings differ from the snapshot's:\nlive:\n%s\nsnapshot:\n%s", strings.Join(live, "\n"), strings.Join(off, "\n"))
	}
	if len(clean.snap.SkippedAccounts) != 1 || clean.snap.SkippedAccounts[0].ID != gamma {
		t.Errorf("skipped accounts = %+v", clean.snap.SkippedAccounts)
	}
	// The JSON result says which account was not scanned and why (scan.skipped_accounts),
	// and which regions were enabled in each scanned one (scan.enabled_regions).
	if want := []report.SkippedAccount{{ID: gamma, Name: "gamma", State: "SUSPENDED"}}; !reflect.DeepEqual(clean.r.Scan.SkippedAccounts, want) {
		t.Errorf("scan.skipped_accounts = %+v, want %+v", clean.r.Scan.SkippedAccounts, want)
	}
	for _, id := range clean.r.Scan.Accounts {
		if regions := clean.r.Scan.EnabledRegions[id]; !slices.Contains(regions, "eu-west-1") || !slices.IsSorted(regions) {
			t.Errorf("scan.enabled_regions[%s] = %q, want sorted and with eu-west-1", id, regions)
		}
	}
	if _, ok := clean.r.Scan.EnabledRegions[gamma]; ok || len(clean.r.Scan.EnabledRegions) != len(clean.r.Scan.Accounts) {
		t.Errorf("scan.enabled_regions = %v, want the %d scanned accounts only", clean.r.Scan.EnabledRegions, len(clean.r.Scan.Accounts))
	}
	if strings.Contains(clean.res.stderr, "\r") {
		t.Errorf("a progress line was drawn although standard error is not a terminal:\n%q", clean.res.stderr)
	}
	// The pairs see both sides: beta's versioning and bucket policy, read with beta's
	// credentials (the proxy denies alpha's), judge alpha's buckets.
	got := findingsOn(clean.r)
	for _, id := range []string{"CRR-002", "CRR-050"} {
		f, ok := got["org-alpha-bad"][id]
		if !ok || f.Status != report.StatusFail || f.AccountID != alpha {
			t.Errorf("org-alpha-bad: want %s failing, got %v", id, keys(got["org-alpha-bad"]))
		}
		if _, ok := got["org-alpha-src"][id]; ok {
			t.Errorf("org-alpha-src: unexpected %s", id)
		}
		if pass, fail := passFail(t, clean.r, id); pass < 1 || fail != 1 {
			t.Errorf("%s: pass %d fail %d, want the good pair judged (pass) and the bad one failing", id, pass, fail)
		}
	}
	if f := got["org-alpha-bad"]["CRR-050"]; !strings.Contains(f.Message, beta) || !strings.Contains(f.Message, e.Role) {
		t.Errorf("CRR-050 message lacks the destination account or the role: %s", f.Message)
	}
	if pass, fail := passFail(t, clean.r, "CRR-051"); pass < 1 || fail != 1 {
		// org-beta-dst enforces bucket-owner ownership; org-beta-nogrant does not.
		t.Errorf("CRR-051: pass %d fail %d", pass, fail)
	}
	for b, fs := range got {
		if _, ok := fs["CRR-090"]; ok {
			t.Errorf("%s: unexpected CRR-090 in a clean scan", b)
		}
	}

	t.Run("30% throttling, resets and latency", func(t *testing.T) {
		p := orgProxy(t, e, scantest.Faults{Seed: 41, Rate: 0.3, ResetShare: 0.2, Latency: 30 * time.Millisecond})
		run := scanOrgCLI(t, p.URL)
		noRetryQuotaGiveUp(t, run)
		if run.res.code != 1 || !run.r.Scan.Complete || run.r.Scan.BucketsScanned != len(e.AllBuckets()) {
			t.Fatalf("exit %d complete %v buckets %d; stderr:\n%s", run.res.code, run.r.Scan.Complete, run.r.Scan.BucketsScanned, run.res.stderr)
		}
		if got, want := findingKeys(run.r), findingKeys(clean.r); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("findings under faults differ:\n got %q\nwant %q", got, want)
		}
		counts := p.FaultCounts()
		if counts["s3 "+scantest.FaultThrottle] == 0 || counts["s3 "+scantest.FaultReset] == 0 {
			t.Errorf("faults %v: throttling and resets were not both exercised", counts)
		}
		t.Logf("%d requests, faults %v", p.Requests(), counts)
	})

	t.Run("denied reads", func(t *testing.T) {
		p := orgProxy(t, e, scantest.Faults{Seed: 7, Rate: 0.3, ResetShare: 0.2},
			scantest.Rule{Account: beta, Query: "replication", Message: "Access Denied"})
		run := scanOrgCLI(t, p.URL)
		noRetryQuotaGiveUp(t, run)
		if run.res.code != 3 || run.r.Scan.Complete || run.r.Scan.BucketsScanned != len(e.AllBuckets()) {
			t.Fatalf("exit %d complete %v buckets %d, want 3, incomplete, every bucket; stderr:\n%s",
				run.res.code, run.r.Scan.Complete, run.r.Scan.BucketsScanned, run.res.stderr)
		}
		fs := findingsOn(run.r)
		for _, b := range e.Buckets[beta] {
			f, ok := fs[b]["CRR-090"]
			if !ok || f.Status != report.StatusError || !strings.Contains(f.Message, "GetBucketReplication") || !strings.Contains(f.Message, "AccessDenied") {
				t.Errorf("%s: CRR-090 = %+v", b, f)
			}
		}
		for _, b := range append(e.Buckets[alpha], e.Buckets[e.Management]...) {
			if _, ok := fs[b]["CRR-090"]; ok {
				t.Errorf("%s: CRR-090 although its reads were allowed", b)
			}
		}
		// The pair checks do not need the destinations' own configurations: still judged.
		if _, ok := fs["org-alpha-bad"]["CRR-050"]; !ok {
			t.Errorf("CRR-050 no longer judged on org-alpha-bad")
		}
		want := fmt.Sprintf("scan incomplete: 2 of %d buckets and 1 of 3 accounts were not fully read", len(e.AllBuckets()))
		if !strings.Contains(run.res.stderr, want) {
			t.Errorf("closing line: want %q in\n%s", want, run.res.stderr)
		}
	})

	t.Run("role cannot be assumed", func(t *testing.T) {
		p := orgProxy(t, e, scantest.Faults{},
			scantest.Rule{RoleAccount: alpha, Action: "AssumeRole", Message: "not authorized to perform sts:AssumeRole"})
		run := scanOrgCLI(t, p.URL)
		if run.res.code != 3 || run.r.Scan.Complete {
			t.Fatalf("exit %d complete %v, want 3 and incomplete; stderr:\n%s", run.res.code, run.r.Scan.Complete, run.res.stderr)
		}
		var accountErr *report.Finding
		for i, f := range run.r.Findings {
			if f.CheckID == "CRR-090" && f.AccountID == alpha {
				accountErr = &run.r.Findings[i]
			}
		}
		if accountErr == nil || !strings.Contains(accountErr.Message, "AssumeRole") || !strings.Contains(accountErr.Message, "AccessDenied") ||
			!strings.Contains(accountErr.Message, alpha) {
			t.Errorf("account-level CRR-090 = %+v", accountErr)
		}
		if want := "could not be reached: " + alpha; !strings.Contains(run.res.stderr, want) {
			t.Errorf("closing line lacks %q:\n%s", want, run.res.stderr)
		}
		if got, want := run.r.Scan.BucketsScanned, len(e.AllBuckets())-len(e.Buckets[alpha]); got != want {
			t.Errorf("%d buckets scanned, want %d (all but alpha's)", got, want)
		}
		evidence, _ := json.Marshal(accountErr.Evidence)
		if !strings.Contains(string(evidence), `"Operation":"AssumeRole"`) {
			t.Errorf("evidence = %s", evidence)
		}
	})
}

// TestScanAccountFlagsAreUsageErrors: combinations that name no scan exit 2 with one line.
func TestScanAccountFlagsAreUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--org"}, "--org needs --role-name"},
		{[]string{"--accounts", "111122223333"}, "--accounts needs --role-name"},
		{[]string{"--org", "--accounts", "111122223333", "--role-name", "r"}, "cannot be combined with --accounts"},
		{[]string{"--role-name", "r"}, "--role-name is used with --org or --accounts"},
		{[]string{"--accounts", "1111,222", "--role-name", "r"}, `"1111"`},
		{[]string{"--regions", "Europe"}, `"Europe"`},
		{[]string{"--org", "--role-name", "arn:aws:iam::1:role/r"}, "not an ARN"},
		{[]string{"--org", "--role-name", "r", "--profile", "a", "--profile", "b"}, "at most one --profile"},
		{[]string{"--log-level", "loud"}, "loud"},
		{[]string{"--log-format", "xml"}, "xml"},
		{[]string{"--from-snapshot", "x.json", "--org", "--role-name", "r"}, "--from-snapshot"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			res := runCrrscan(t, orgEnv, append([]string{"scan", "--output-dir", t.TempDir()}, tc.args...)...)
			lines := strings.Split(strings.TrimRight(res.stderr, "\n"), "\n")
			if res.code != 2 || len(lines) != 1 || !strings.Contains(lines[0], tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and one line with %q", res.code, res.stderr, tc.want)
			}
		})
	}
}

// TestScanJSONLogs: --log-format json --log-level info writes JSON lines.
func TestScanJSONLogs(t *testing.T) {
	requireMoto(t)
	res := runCrrscan(t, orgEnv, "scan", "--endpoint-url", moto.URL, "--format", "json", "--output-dir", t.TempDir(),
		"--log-format", "json", "--log-level", "info")
	if res.code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", res.code, res.stderr)
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(res.stderr), "\n") {
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("not a JSON log line: %q", line)
			continue
		}
		if rec["level"] == nil || rec["msg"] == nil {
			t.Errorf("log record lacks level or msg: %q", line)
		}
		if strings.Contains(line, "testing") && strings.Contains(strings.ToLower(line), "secret") {
			t.Errorf("a log line carries credentials: %q", line)
		}
		n++
	}
	if n == 0 {
		t.Errorf("no JSON log line at level info:\n%s", res.stderr)
	}
}
