package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"github.com/crrscan/crrscan/report"
)

// driftEnv are moto's credentials, with no shared config in the way.
var driftEnv = []string{"AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing", "AWS_REGION=us-east-1",
	"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null"}

// driftPermissions lets a role replicate from src into any of dsts.
func driftPermissions(src string, dsts ...string) string {
	var objs []string
	for _, d := range dsts {
		objs = append(objs, `"arn:aws:s3:::`+d+`/*"`)
	}
	return `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Action":["s3:GetReplicationConfiguration","s3:ListBucket"],"Resource":["arn:aws:s3:::` + src + `"]},` +
		`{"Effect":"Allow","Action":["s3:GetObjectVersionForReplication","s3:GetObjectVersionAcl","s3:GetObjectVersionTagging"],"Resource":["arn:aws:s3:::` + src + `/*"]},` +
		`{"Effect":"Allow","Action":["s3:ReplicateObject","s3:ReplicateDelete","s3:ReplicateTags"],"Resource":[` + strings.Join(objs, ",") + `]}]}`
}

// driftScan scans moto into dir (crrscan.json and crrscan.snapshot.json) with extra
// flags and returns the run and its result.
func driftScan(t *testing.T, dir string, extra ...string) (runResult, report.Result) {
	t.Helper()
	args := append([]string{"scan", "--endpoint-url", moto.URL, "--format", "json,table", "--output-dir", dir,
		"--snapshot-out", filepath.Join(dir, "crrscan.snapshot.json")}, extra...)
	res := runCrrscan(t, driftEnv, args...)
	if res.code != 0 && res.code != 1 {
		t.Fatalf("scan exit %d, want 0 or 1 (complete); stderr:\n%s", res.code, res.stderr)
	}
	return res, readResult(t, filepath.Join(dir, "crrscan.json"))
}

// driftKeys lists drift findings as "CHECK bucket" lines.
func driftKeys(fs []report.DriftFinding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.CheckID+" "+f.Bucket)
	}
	slices.Sort(out)
	return out
}

// TestDriftOnMoto follows the guide on moto, scans, changes the estate with the aws
// CLI (disables a rule, suspends a destination's versioning, retargets a
// destination), scans with --baseline and expects exactly those drifts and the new
// findings they cause; --fail-on-new exits 1, and 0 on the next night when nothing
// new appeared. crrscan diff on the two results and on the two snapshots agrees.
func TestDriftOnMoto(t *testing.T) {
	requireMoto(t)
	a := awsCLI{t: t, endpoint: moto.URL, dir: t.TempDir()}
	a.pair("drift-a-src", "us-east-1", "drift-a-dst", "eu-west-1", "crr-drift-a", guideTrust, "Enabled")
	a.pair("drift-b-src", "us-east-1", "drift-b-dst", "eu-west-1", "crr-drift-b", guideTrust, "Enabled")
	a.pair("drift-c-src", "us-east-1", "drift-c-dst", "eu-west-1", "crr-drift-c", guideTrust, "Enabled")
	// drift-c-src's role may already write to the bucket it will be retargeted to.
	a.bucket("drift-c-new", "ap-southeast-2")
	a.run("s3api", "put-bucket-versioning", "--bucket", "drift-c-new", "--versioning-configuration", "Status=Enabled")
	a.run("iam", "put-role-policy", "--role-name", "crr-drift-c", "--policy-name", "crr-permissions",
		"--policy-document", a.file("crr-drift-c-both.json", driftPermissions("drift-c-src", "drift-c-dst", "drift-c-new")))

	root := t.TempDir()
	night1, night2, night3 := filepath.Join(root, "1"), filepath.Join(root, "2"), filepath.Join(root, "3")
	_, r1 := driftScan(t, night1)
	if !r1.Scan.Complete || r1.Scan.BucketsScanned != 7 || r1.Drift != nil {
		t.Fatalf("night 1: complete=%v buckets=%d drift=%v", r1.Scan.Complete, r1.Scan.BucketsScanned, r1.Drift)
	}

	// The day's changes.
	a.run("s3api", "put-bucket-replication", "--bucket", "drift-a-src",
		"--replication-configuration", a.file("a-off.json", guideReplication("crr-drift-a", "drift-a-dst", "Disabled")))
	a.run("s3api", "put-bucket-versioning", "--bucket", "drift-b-dst", "--versioning-configuration", "Status=Suspended")
	a.run("s3api", "put-bucket-replication", "--bucket", "drift-c-src",
		"--replication-configuration", a.file("c-new.json", guideReplication("crr-drift-c", "drift-c-new", "Enabled")))

	// The baseline's snapshot is found beside it (1/crrscan.snapshot.json).
	res, r2 := driftScan(t, night2, "--baseline", filepath.Join(night1, "crrscan.json"), "--fail-on-new")
	if res.code != 1 {
		t.Fatalf("night 2 with --fail-on-new: exit %d, want 1 (new findings); stderr:\n%s", res.code, res.stderr)
	}
	d := r2.Drift
	if d == nil || d.Findings == nil || d.Configuration == nil {
		t.Fatalf("night 2: no drift, or half of it: %+v", d)
	}
	arn := func(b string) string { return "arn:aws:s3:::" + b }
	wantConfig := []report.BucketDrift{
		{AccountID: motoAccount, Region: "eu-west-1", Bucket: "drift-b-dst", Arn: arn("drift-b-dst"), Changes: []report.Change{
			{Kind: report.ChangeVersioning, Before: "Enabled", After: "Suspended"},
		}},
		{AccountID: motoAccount, Region: "us-east-1", Bucket: "drift-a-src", Arn: arn("drift-a-src"), Changes: []report.Change{
			{Kind: report.ChangeRuleDisabled, RuleID: "crr-all", Destination: arn("drift-a-dst"), Before: "Enabled", After: "Disabled"},
		}},
		{AccountID: motoAccount, Region: "us-east-1", Bucket: "drift-c-src", Arn: arn("drift-c-src"), Changes: []report.Change{
			{Kind: report.ChangeDestinationBucket, RuleID: "crr-all", Destination: arn("drift-c-new"), Before: arn("drift-c-dst"), After: arn("drift-c-new")},
			{Kind: report.ChangeDestinationRegion, RuleID: "crr-all", Destination: arn("drift-c-new"), Before: "eu-west-1", After: "ap-southeast-2"},
		}},
	}
	if !reflect.DeepEqual(d.Configuration.Buckets, wantConfig) {
		t.Errorf("configuration drift:\n got %s\nwant %s", mustJSON(t, d.Configuration.Buckets), mustJSON(t, wantConfig))
	}
	// New: the disabled rule (CRR-011), replication into a bucket whose versioning is
	// suspended (CRR-002), and drift-c-dst and drift-a-dst, no longer replicas (only a
	// disabled rule names drift-a-dst: it receives nothing), now in scope without
	// replication (CRR-010). Resolved: drift-c-new, a replica now, is out of scope.
	if got, want := driftKeys(d.Findings.New), []string{"CRR-002 drift-b-src", "CRR-010 drift-a-dst", "CRR-010 drift-c-dst", "CRR-011 drift-a-src"}; !slices.Equal(got, want) {
		t.Errorf("new findings %v, want %v", got, want)
	}
	if got, want := driftKeys(d.Findings.Resolved), []string{"CRR-010 drift-c-new"}; !slices.Equal(got, want) {
		t.Errorf("resolved findings %v, want %v", got, want)
	}
	// The guide's hardening finding stays open on every source.
	if got, want := driftKeys(d.Findings.StillOpen), []string{"CRR-034 drift-a-src", "CRR-034 drift-b-src", "CRR-034 drift-c-src"}; !slices.Equal(got, want) {
		t.Errorf("still open %v, want %v", got, want)
	}
	if d.Baseline.Result != filepath.Join(night1, "crrscan.json") || d.Baseline.Snapshot != filepath.Join(night1, "crrscan.snapshot.json") {
		t.Errorf("baseline side %+v", d.Baseline)
	}
	for _, want := range []string{"Drift since the baseline", "Findings: 4 new, 1 resolved, 3 still open", "Configuration: 4 changes on 3 buckets", "rule disabled"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, res.stdout)
		}
	}

	// Without --fail-on-new the same scan fails on every open finding at or above high.
	if code := r2.ExitCode(mustFailOn(t, "high")); code != 1 {
		t.Errorf("plain exit code %d", code)
	}

	// crrscan diff of the two results finds the same drift; of the two snapshots, the
	// same configuration drift and no findings.
	diff := runCrrscan(t, nil, "diff", "--format", "json", filepath.Join(night1, "crrscan.json"), filepath.Join(night2, "crrscan.json"))
	if diff.code != 0 {
		t.Fatalf("diff exit %d: %s", diff.code, diff.stderr)
	}
	var doc struct {
		SchemaVersion string        `json:"schema_version"`
		Drift         *report.Drift `json:"drift"`
	}
	if err := json.Unmarshal([]byte(diff.stdout), &doc); err != nil || doc.Drift == nil {
		t.Fatalf("diff output: %v\n%s", err, diff.stdout)
	}
	if !reflect.DeepEqual(doc.Drift.Findings, d.Findings) || !reflect.DeepEqual(doc.Drift.Configuration, d.Configuration) || doc.Drift.Summary != d.Summary {
		t.Errorf("crrscan diff disagrees with scan --baseline:\n%s", diff.stdout)
	}
	gate := runCrrscan(t, nil, "diff", "--fail-on-new", filepath.Join(night1, "crrscan.json"), filepath.Join(night2, "crrscan.json"))
	if gate.code != 1 {
		t.Errorf("diff --fail-on-new exit %d, want 1", gate.code)
	}
	snaps := runCrrscan(t, nil, "diff", "--format", "json", filepath.Join(night1, "crrscan.snapshot.json"), filepath.Join(night2, "crrscan.snapshot.json"))
	doc.Drift = nil
	if err := json.Unmarshal([]byte(snaps.stdout), &doc); err != nil || snaps.code != 0 || doc.Drift == nil {
		t.Fatalf("snapshot diff: exit %d %v\n%s%s", snaps.code, err, snaps.stdout, snaps.stderr)
	}
	if doc.Drift.Findings != nil || !reflect.DeepEqual(doc.Drift.Configuration.Buckets, wantConfig) {
		t.Errorf("snapshot diff:\n%s", snaps.stdout)
	}

	// Night 3: nothing changed. The explicit --baseline-snapshot works too.
	res, r3 := driftScan(t, night3, "--baseline", filepath.Join(night2, "crrscan.json"),
		"--baseline-snapshot", filepath.Join(night2, "crrscan.snapshot.json"), "--fail-on-new")
	if res.code != 0 {
		t.Fatalf("night 3: exit %d, want 0 (nothing new, although high findings are open); stderr:\n%s", res.code, res.stderr)
	}
	if s := r3.Drift.Summary; s != (report.DriftSummary{StillOpenFindings: len(r3.Findings)}) || len(r3.Drift.Configuration.Buckets) != 0 {
		t.Errorf("night 3 drift: %+v %s", s, mustJSON(t, r3.Drift.Configuration))
	}
	if r3.ExitCode(mustFailOn(t, "high")) != 1 {
		t.Error("night 3 has no open high finding: the test proves nothing")
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustFailOn(t *testing.T, s string) report.FailOn {
	t.Helper()
	f, err := report.ParseFailOn(s)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestBaselineBadInputExitsTwo: a baseline of another schema version, a corrupt or
// missing one, a snapshot in its place, and drift flags without a baseline exit 2
// with one clear line, before anything is scanned or written.
func TestBaselineBadInputExitsTwo(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	demo := filepath.Join("..", "..", "fixtures", "demo", "snapshot.json")
	good := filepath.Join(dir, "good")
	if res := runCrrscan(t, nil, "scan", "--from-snapshot", demo, "--format", "json", "--output-dir", good); res.code == 2 {
		t.Fatalf("baseline scan: %s", res.stderr)
	}
	goodResult := filepath.Join(good, "crrscan.json")
	v9 := write("v9.json", `{"schema_version":"9","tool":{"name":"crrscan"},"findings":[]}`)
	corrupt := write("corrupt.json", `{"schema_version":"1","findings":[{"check_id":"CRR-001",`)
	notJSON := write("notes.txt", "last night was fine\n")
	snapV9 := write("snap-v9.json", `{"schema_version":"9","buckets":[]}`)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"other schema version", []string{"--baseline", v9}, `baseline ` + v9 + `: invalid result: schema_version "9", this build reads "1"`},
		{"corrupt", []string{"--baseline", corrupt}, "baseline " + corrupt + ": invalid result: not JSON"},
		{"not JSON", []string{"--baseline", notJSON}, "baseline " + notJSON + ": invalid result: not JSON"},
		{"missing", []string{"--baseline", filepath.Join(dir, "nope.json")}, "nope.json"},
		{"a snapshot as the baseline", []string{"--baseline", demo}, "is a snapshot, not a result"},
		{"baseline snapshot of another schema", []string{"--baseline", goodResult, "--baseline-snapshot", snapV9}, `schema_version "9"`},
		{"a result as the baseline snapshot", []string{"--baseline", goodResult, "--baseline-snapshot", goodResult}, "is a result, not a snapshot"},
		{"fail-on-new without a baseline", []string{"--fail-on-new"}, "--fail-on-new and --baseline-snapshot need --baseline"},
		{"baseline-snapshot without a baseline", []string{"--baseline-snapshot", demo}, "need --baseline"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			snapOut := filepath.Join(out, "snap.json")
			res := runCrrscan(t, nil, append([]string{"scan", "--from-snapshot", demo, "--format", "json", "--output-dir", out, "--snapshot-out", snapOut}, tc.args...)...)
			checkUsageLine(t, res, tc.want)
			if entries, _ := os.ReadDir(out); len(entries) > 0 {
				t.Errorf("bad baseline, yet %d files were written", len(entries))
			}
		})
	}
	diffCases := []struct {
		name string
		args []string
		want string
	}{
		{"other schema version", []string{v9, goodResult}, `schema_version "9"`},
		{"corrupt", []string{goodResult, corrupt}, "corrupt.json"},
		{"neither result nor snapshot", []string{write("other.json", `{"hello":1}`), goodResult}, "neither a crrscan result"},
		{"a result and a snapshot", []string{goodResult, demo}, "compare two results or two snapshots"},
		{"one file", []string{goodResult}, "want two files"},
		{"three files", []string{goodResult, goodResult, goodResult}, "want two files"},
		{"fail-on-new on snapshots", []string{"--fail-on-new", demo, demo}, "snapshots do not carry"},
		{"unknown format", []string{"--format", "html", goodResult, goodResult}, `unknown --format "html"`},
	}
	for _, tc := range diffCases {
		t.Run("diff "+tc.name, func(t *testing.T) {
			checkUsageLine(t, runCrrscan(t, nil, append([]string{"diff"}, tc.args...)...), tc.want)
		})
	}
}

func checkUsageLine(t *testing.T, res runResult, want string) {
	t.Helper()
	if res.code != 2 {
		t.Fatalf("exit %d, want 2; stderr:\n%s", res.code, res.stderr)
	}
	lines := strings.Split(strings.TrimRight(res.stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], want) {
		t.Fatalf("want one line containing %q on stderr, got:\n%s", want, res.stderr)
	}
}

// TestDiffFingerprintsSurviveRewording: the same estate judged by a check whose
// message was reworded (and findings in another order) is the same set of findings:
// crrscan diff reports nothing new and nothing resolved.
func TestDiffFingerprintsSurviveRewording(t *testing.T) {
	demo := filepath.Join("..", "..", "fixtures", "demo", "snapshot.json")
	check := func(wording string) string {
		dir := t.TempDir()
		rego := `# METADATA
# title: Replicating bucket
# description: Every replicating bucket, once per rule (a test check).
# custom:
#   id: TEST-001
#   severity: low
#   guide: "none"
#   remediation: Nothing to do.
#   requires: [replication]
package crr.checks.test_001

deny contains f if {
	some r in input.bucket.ReplicationConfiguration.Rules
	f := {"msg": sprintf("` + wording + `", [input.bucket.Name, object.get(r, "ID", "")]), "rule_id": object.get(r, "ID", ""),
		"destination": r.Destination.Bucket}
}
`
		if err := os.WriteFile(filepath.Join(dir, "test_001.rego"), []byte(rego), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	scan := func(policyDir string) string {
		out := t.TempDir()
		res := runCrrscan(t, nil, "scan", "--from-snapshot", demo, "--policy-dir", policyDir, "--format", "json", "--output-dir", out)
		if res.code == 2 {
			t.Fatalf("scan: %s", res.stderr)
		}
		return filepath.Join(out, "crrscan.json")
	}
	before := scan(check("bucket %s replicates with rule %s"))
	after := scan(check("Reworded: rule %[2]s of %[1]s copies objects elsewhere"))
	// Reorder the findings of the second result by hand as well.
	var raw map[string]any
	data, _ := os.ReadFile(after)
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	fs := raw["findings"].([]any)
	slices.Reverse(fs)
	data, _ = json.Marshal(raw)
	if err := os.WriteFile(after, data, 0o644); err != nil {
		t.Fatal(err)
	}
	res := runCrrscan(t, nil, "diff", "--format", "json", before, after)
	if res.code != 0 {
		t.Fatalf("diff exit %d: %s", res.code, res.stderr)
	}
	var doc struct{ Drift report.Drift }
	if err := json.Unmarshal([]byte(res.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Drift.Summary
	reworded := 0
	for _, f := range doc.Drift.Findings.StillOpen {
		if strings.HasPrefix(f.Message, "Reworded: ") {
			reworded++
		}
	}
	if s.NewFindings != 0 || s.ResolvedFindings != 0 || s.StillOpenFindings == 0 || reworded < 5 {
		t.Errorf("reworded check: %+v, %d reworded still-open findings", s, reworded)
	}
}

// TestNightlyRecipe keeps the Kubernetes manifest honest and runs its script: the
// ConfigMap's nightly.sh is fixtures/nightly/nightly.sh byte for byte, the CronJob
// runs it, its settings file and flags are ones crrscan accepts; and two nights on
// moto with a change in between publish exactly that change (drift.json, drift.md,
// the webhook) and rotate the baseline.
func TestNightlyRecipe(t *testing.T) {
	script, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "nightly", "nightly.sh"))
	if err != nil {
		t.Fatal(err)
	}
	manifest, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "nightly", "cronjob.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]map[string]any{}
	dec := yaml.NewDecoder(bytes.NewReader(manifest))
	for {
		var doc map[string]any
		if err := dec.Decode(&doc); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("cronjob.yaml: %v", err)
		}
		kinds[doc["kind"].(string)] = doc
	}
	cm, cron := kinds["ConfigMap"], kinds["CronJob"]
	if cm == nil || cron == nil || kinds["PersistentVolumeClaim"] == nil || kinds["ServiceAccount"] == nil {
		t.Fatalf("cronjob.yaml kinds: %v", slices.Collect(func(yield func(string) bool) {
			for k := range kinds {
				if !yield(k) {
					return
				}
			}
		}))
	}
	data := cm["data"].(map[string]any)
	if data["nightly.sh"] != string(script) {
		t.Error("the ConfigMap's nightly.sh differs from fixtures/nightly/nightly.sh")
	}
	spec := cron["spec"].(map[string]any)
	if spec["concurrencyPolicy"] != "Forbid" || spec["schedule"] == nil {
		t.Errorf("CronJob spec: %v", spec)
	}
	pod := spec["jobTemplate"].(map[string]any)["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)
	container := pod["containers"].([]any)[0].(map[string]any)
	if cmd := container["command"].([]any); len(cmd) != 2 || cmd[1] != "/etc/crrscan/nightly.sh" {
		t.Errorf("container command %v", cmd)
	}
	var scanFlags string
	for _, e := range container["env"].([]any) {
		if e.(map[string]any)["name"] == "CRRSCAN_SCAN_FLAGS" {
			scanFlags = e.(map[string]any)["value"].(string)
		}
	}
	help := runCrrscan(t, nil, "scan", "--help").stdout
	for _, f := range append(strings.Fields(scanFlags), "--baseline", "--fail-on-new", "--snapshot-out", "--output-dir", "--fail-on") {
		if strings.HasPrefix(f, "--") && !strings.Contains(help, "  "+f+" ") {
			t.Errorf("the recipe uses %s, which crrscan scan does not know", f)
		}
	}
	settings := filepath.Join(t.TempDir(), "crrscan.yaml")
	if err := os.WriteFile(settings, []byte(data["crrscan.yaml"].(string)), 0o644); err != nil {
		t.Fatal(err)
	}
	demo := filepath.Join("..", "..", "fixtures", "demo", "snapshot.json")
	if res := runCrrscan(t, nil, "scan", "--from-snapshot", demo, "--config", settings, "--format", "json", "--output-dir", t.TempDir()); res.code == 2 {
		t.Errorf("the recipe's crrscan.yaml is refused: %s", res.stderr)
	}

	// Two nights on moto.
	requireMoto(t)
	a := awsCLI{t: t, endpoint: moto.URL, dir: t.TempDir()}
	a.pair("nightly-src", "us-east-1", "nightly-dst", "eu-west-1", "crr-nightly", guideTrust, "Enabled")
	var (
		mu    sync.Mutex
		posts [][]byte
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		if r.Method == http.MethodPost && r.Header.Get("Content-Type") == "application/json" {
			posts = append(posts, body)
		}
		mu.Unlock()
	}))
	defer hook.Close()
	state := t.TempDir()
	night := func() (int, string) {
		cmd := exec.Command("sh", filepath.Join("..", "..", "fixtures", "nightly", "nightly.sh"))
		cmd.Env = append(os.Environ(), driftEnv...)
		cmd.Env = append(cmd.Env, "PATH="+filepath.Dir(binPath)+string(os.PathListSeparator)+os.Getenv("PATH"),
			"CRRSCAN_STATE_DIR="+state, "CRRSCAN_SCAN_FLAGS=--endpoint-url "+moto.URL, "CRRSCAN_WEBHOOK_URL="+hook.URL)
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, string(out)
	}
	if code, out := night(); code != 0 {
		// The guide's setup has only a low finding: nothing at or above high.
		t.Fatalf("night 1: exit %d\n%s", code, out)
	}
	for _, f := range []string{"crrscan.json", "crrscan.snapshot.json"} {
		if _, err := os.Stat(filepath.Join(state, "previous", f)); err != nil {
			t.Fatalf("night 1 kept no baseline: %v", err)
		}
	}
	a.run("s3api", "put-bucket-versioning", "--bucket", "nightly-dst", "--versioning-configuration", "Status=Suspended")
	code, out := night()
	if code != 1 {
		t.Fatalf("night 2: exit %d, want 1 (a new critical finding)\n%s", code, out)
	}
	if !strings.Contains(out, "versioning changed") || !strings.Contains(out, "Findings: 1 new, 0 resolved") {
		t.Errorf("night 2 log lacks the drift table:\n%s", out)
	}
	runs, _ := filepath.Glob(filepath.Join(state, "runs", "*", "drift.json"))
	if len(runs) != 1 {
		t.Fatalf("drift.json files: %v", runs)
	}
	published, _ := os.ReadFile(runs[0])
	mu.Lock()
	defer mu.Unlock()
	if len(posts) != 1 || !bytes.Equal(posts[0], published) {
		t.Fatalf("webhook got %d posts; want the drift.json once", len(posts))
	}
	var doc struct{ Drift report.Drift }
	if err := json.Unmarshal(published, &doc); err != nil {
		t.Fatal(err)
	}
	wantConfig := []report.BucketDrift{{AccountID: motoAccount, Region: "eu-west-1", Bucket: "nightly-dst", Arn: "arn:aws:s3:::nightly-dst",
		Changes: []report.Change{{Kind: report.ChangeVersioning, Before: "Enabled", After: "Suspended"}}}}
	if !reflect.DeepEqual(doc.Drift.Configuration.Buckets, wantConfig) || !slices.Equal(driftKeys(doc.Drift.Findings.New), []string{"CRR-002 nightly-src"}) {
		t.Errorf("published drift:\n%s", published)
	}
	if md, err := os.ReadFile(filepath.Join(filepath.Dir(runs[0]), "drift.md")); err != nil || !strings.Contains(string(md), "| nightly-dst |") {
		t.Errorf("drift.md: %v\n%s", err, md)
	}
	// Night 2 is the baseline now.
	r := readResult(t, filepath.Join(state, "previous", "crrscan.json"))
	if r.Drift == nil || r.Drift.Summary.NewFindings != 1 {
		t.Errorf("the baseline is not night 2's result: %+v", r.Drift)
	}
}

// TestIntentOnMoto: the guide's pair on moto, judged against declared intent
// (crrscan.yaml): as declared, no CRR-092; declared elsewhere and with RTC, one
// CRR-092 (high) on the rule naming both differences; a declared bucket without
// replication, CRR-092 too.
func TestIntentOnMoto(t *testing.T) {
	requireMoto(t)
	a := awsCLI{t: t, endpoint: moto.URL, dir: t.TempDir()}
	a.pair("intent-src", "us-east-1", "intent-dst", "eu-west-1", "crr-intent", guideTrust, "Enabled")
	a.bucket("intent-lonely", "us-east-1")
	a.run("s3api", "put-bucket-versioning", "--bucket", "intent-lonely", "--versioning-configuration", "Status=Enabled")
	dir := t.TempDir()
	snap := filepath.Join(dir, "crrscan.snapshot.json")
	driftScan(t, dir)
	judge := func(settings string) map[string]report.Finding {
		t.Helper()
		cfg := filepath.Join(t.TempDir(), "crrscan.yaml")
		if err := os.WriteFile(cfg, []byte(settings), 0o644); err != nil {
			t.Fatal(err)
		}
		out := t.TempDir()
		res := runCrrscan(t, nil, "scan", "--from-snapshot", snap, "--config", cfg, "--format", "json", "--output-dir", out)
		if res.code == 2 {
			t.Fatalf("scan: %s", res.stderr)
		}
		got := map[string]report.Finding{}
		for _, f := range readResult(t, filepath.Join(out, "crrscan.json")).Findings {
			if f.CheckID == "CRR-092" {
				got[f.Bucket] = f
			}
		}
		return got
	}
	asDeclared := judge("intent:\n  - buckets: [intent-src]\n    destination_region: eu-west-1\n    destination_account: \"" + motoAccount + "\"\n    destination_bucket: intent-dst\n    rtc: false\n")
	if len(asDeclared) != 0 {
		t.Errorf("estate as declared, yet CRR-092: %v", asDeclared)
	}
	drifted := judge("intent:\n  - buckets: [\"intent-*\"]\n    destination_region: ap-southeast-2\n    rtc: true\n  - buckets: [intent-dst]\n    rtc: false\n")
	f, ok := drifted["intent-src"]
	if !ok || f.Severity != "high" || f.Status != report.StatusFail || f.RuleID != "crr-all" ||
		f.Message != `Bucket intent-src: rule "crr-all" differs from the declared replication: destination region is eu-west-1, declared ap-southeast-2; Replication Time Control is off, declared on` {
		t.Errorf("CRR-092 on intent-src: %+v", f)
	}
	if f, ok := drifted["intent-lonely"]; !ok || !strings.Contains(f.Message, "it has no replication configuration") {
		t.Errorf("CRR-092 on intent-lonely: %+v", f)
	}
	if f, ok := drifted["intent-dst"]; !ok || f.Message != "Bucket intent-dst is declared to replicate into region ap-southeast-2, without Replication Time Control, but it has no replication configuration" {
		t.Errorf("CRR-092 on intent-dst (later entries win for the keys they set): %+v", f)
	}
	if len(drifted) != 3 {
		t.Errorf("CRR-092 on %v", keys(drifted))
	}
}
