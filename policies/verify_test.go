package policies

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

// verifiedSnapshot is a pair whose source carries object evidence (sampled), and
// a bucket whose verification read failed.
func verifiedSnapshot(objects *scanner.ObjectEvidence, errs ...scanner.CollectionError) *scanner.Snapshot {
	src := bucket("src", "eu-west-1", "Enabled", config("crr-role", enabledRule("all", "arn:aws:s3:::dst")), errs...)
	src.Verification = &scanner.Verification{Objects: objects}
	return &scanner.Snapshot{
		SchemaVersion: scanner.SchemaVersion, Accounts: []string{acct}, Regions: []string{"eu-west-1"},
		Buckets:      []scanner.Bucket{src},
		Destinations: []scanner.LinkedBucket{linked("dst", "us-east-1", ptr(true), "Enabled")},
		Roles:        []scanner.Role{role("crr-role", ptr(true), s3Trust)},
	}
}

func evaluateOne(t *testing.T, e *Engine, s *scanner.Snapshot) Evaluation {
	t.Helper()
	for in := range Inputs(s) {
		ev, err := e.Evaluate(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	t.Fatal("no input")
	return Evaluation{}
}

func findingOf(ev Evaluation, id string) (report.Finding, bool) {
	for _, f := range ev.Findings {
		if f.CheckID == id {
			return f, true
		}
	}
	return report.Finding{}, false
}

func sampled(none, failed int) *scanner.ObjectEvidence {
	return &scanner.ObjectEvidence{Source: "sample", Listed: 9, Headed: 9, Rules: []scanner.RuleObjects{{
		RuleID: "all", Destination: "arn:aws:s3:::dst", PendingThresholdMinutes: 60,
		Versions: 9, Completed: 9 - none - failed, Failed: failed, None: none,
	}}}
}

// A failed verification read leaves CRR-080..082 not judged (error), never passed.
func TestVerificationChecksNotJudgedOnReadError(t *testing.T) {
	e := newEngine(t)
	ev := evaluateOne(t, e, verifiedSnapshot(sampled(0, 0), denied("HeadObject", "arn:aws:s3:::src/k", scanner.ComponentVerification)))
	for _, id := range []string{"CRR-080", "CRR-081", "CRR-082"} {
		if ev.Outcomes[id] != OutcomeError {
			t.Errorf("%s outcome %q, want error", id, ev.Outcomes[id])
		}
	}
	f, ok := findingOf(ev, ErrorCheckID)
	if !ok || !strings.Contains(f.Message, "HeadObject") {
		t.Errorf("CRR-090 = %+v, want one naming HeadObject", f)
	}
	ev = evaluateOne(t, e, verifiedSnapshot(sampled(0, 0)))
	for _, id := range []string{"CRR-080", "CRR-081", "CRR-082"} {
		if ev.Outcomes[id] != OutcomePass {
			t.Errorf("all COMPLETED: %s outcome %q, want pass", id, ev.Outcomes[id])
		}
	}
}

// The Batch Replication fix of CRR-082 runs as written with the aws CLI: every
// command's parameters, and the job document given to --cli-input-json, pass the
// CLI's own validation against its service model (botocore validates before it
// sends; the endpoint is a closed port, so nothing leaves the machine).
func TestBatchReplicationCommandsMatchTheCLIModel(t *testing.T) {
	awsCLI, err := exec.LookPath("aws")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the aws CLI is not on PATH: %v", err)
		}
		t.Skipf("the aws CLI is not on PATH: %v", err)
	}
	e := newEngine(t)
	ev := evaluateOne(t, e, verifiedSnapshot(sampled(4, 2)))
	for _, id := range []string{"CRR-082", "CRR-080"} {
		f, ok := findingOf(ev, id)
		if !ok {
			t.Fatalf("%s did not fire: %+v", id, ev.Findings)
		}
		if len(f.Remediation.Commands) != 3 {
			t.Fatalf("%s commands = %q, want the two role changes and the job", id, f.Remediation.Commands)
		}
		dir := t.TempDir()
		for name, doc := range f.Remediation.Documents {
			data, err := json.MarshalIndent(doc, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range f.Remediation.Commands {
			if !strings.HasPrefix(c, "aws ") {
				t.Fatalf("%s: command %q does not start with aws", id, c)
			}
			cmd := exec.Command("sh", "-c", awsCLI+strings.TrimPrefix(c, "aws")+
				" --endpoint-url http://127.0.0.1:9 --cli-connect-timeout 1 --cli-read-timeout 1")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing",
				"AWS_DEFAULT_REGION=us-east-1", "AWS_MAX_ATTEMPTS=1", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
			out, _ := cmd.CombinedOutput()
			// Valid parameters reach the (closed) endpoint; invalid ones stop at validation.
			if !strings.Contains(string(out), "Could not connect to the endpoint URL") {
				t.Errorf("%s: %s\nwas refused by the CLI before it was sent:\n%s", id, c, out)
			}
		}
		job := f.Remediation.Documents["batch-replication-job.json"].(map[string]any)
		filter := job["ManifestGenerator"].(map[string]any)["S3JobManifestGenerator"].(map[string]any)["Filter"].(map[string]any)
		want := map[string]string{"CRR-082": "NONE", "CRR-080": "FAILED"}[id]
		if filter["EligibleForReplication"] != true || filter["ObjectReplicationStatuses"].([]any)[0] != want {
			t.Errorf("%s job filter = %v, want EligibleForReplication and %s", id, filter, want)
		}
	}
}

// The CLI check itself: a document the model does not know is refused before it
// is sent, so the test above can fail.
func TestCLIModelRefusesAnUnknownJobField(t *testing.T) {
	awsCLI, err := exec.LookPath("aws")
	if err != nil {
		t.Skipf("the aws CLI is not on PATH: %v", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "job.json"), []byte(`{"AccountId":"111122223333","Operation":{"S3ReplicateObject":{}},"Priority":10,"RoleArn":"arn:aws:iam::111122223333:role/r","Report":{"Enabled":false},"ManifestGenerator":{"S3JobManifestGenerator":{"SourceBucket":"arn:aws:s3:::b","EnableManifestOutput":false,"Filter":{"EligibleForReplication":true,"ReplicationStatus":["NONE"]}}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(awsCLI, "s3control", "create-job", "--region", "us-east-1", "--cli-input-json", "file://job.json",
		"--endpoint-url", "http://127.0.0.1:9", "--cli-connect-timeout", "1")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
	out, _ := cmd.CombinedOutput()
	if strings.Contains(string(out), "Could not connect") || !strings.Contains(string(out), "ReplicationStatus") {
		t.Errorf("an unknown Filter field was not refused:\n%s", out)
	}
}
