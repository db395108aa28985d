package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crrscan/crrscan/report"
)

// motoEnv is the environment of a crrscan scan of moto's default account.
var motoEnv = []string{"AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing", "AWS_REGION=us-east-1",
	"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null"}

// out runs the aws CLI like run and returns its JSON output decoded.
func (a awsCLI) out(args ...string) map[string]any {
	a.t.Helper()
	full := append([]string{"--endpoint-url", a.endpoint, "--output", "json"}, args...)
	cmd := exec.Command("aws", full...)
	cmd.Env = append(os.Environ(), motoAWSEnv...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	data, err := cmd.Output()
	if err != nil {
		a.t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		a.t.Fatalf("aws %s: output is not JSON: %v\n%s", strings.Join(args, " "), err, data)
	}
	return v
}

// kmsKey creates a symmetric KMS key in region and returns its ARN.
func (a awsCLI) kmsKey(region, description string) string {
	a.t.Helper()
	md, _ := a.out("kms", "create-key", "--region", region, "--description", description)["KeyMetadata"].(map[string]any)
	arn, _ := md["Arn"].(string)
	if arn == "" {
		a.t.Fatalf("kms create-key in %s returned no ARN: %v", region, md)
	}
	return arn
}

// disableKey disables a key the way a user does: moto's disable-key takes the key
// id (the last part of the ARN) and the key's region.
func (a awsCLI) disableKey(arn string) {
	a.t.Helper()
	parts := strings.Split(arn, ":")
	a.run("kms", "disable-key", "--region", parts[3], "--key-id", strings.TrimPrefix(parts[5], "key/"))
}

// pairWith follows the guide's steps like pair (source in us-east-1, destination in
// eu-west-1, each pair with its own role), with the role's permissions policy and the
// replication configuration given; srcCreate are extra create-bucket arguments for
// the source.
func (a awsCLI) pairWith(src, dst, role, perms, replication string, srcCreate ...string) {
	a.t.Helper()
	a.run(append([]string{"s3api", "create-bucket", "--bucket", src, "--region", "us-east-1"}, srcCreate...)...)
	a.bucket(dst, "eu-west-1")
	a.run("s3api", "put-bucket-versioning", "--bucket", src, "--versioning-configuration", "Status=Enabled")
	a.run("s3api", "put-bucket-versioning", "--bucket", dst, "--versioning-configuration", "Status=Enabled")
	a.run("iam", "create-role", "--role-name", role, "--assume-role-policy-document", a.file(role+"-trust.json", guideTrust))
	a.run("iam", "put-role-policy", "--role-name", role, "--policy-name", "crr-permissions",
		"--policy-document", a.file(role+"-perms.json", perms))
	a.run("s3api", "put-bucket-replication", "--bucket", src,
		"--replication-configuration", a.file(src+"-replication.json", replication))
}

// kmsDefault gives a bucket default encryption with SSE-KMS and the key.
func (a awsCLI) kmsDefault(bucket, keyArn string) {
	a.t.Helper()
	a.run("s3api", "put-bucket-encryption", "--bucket", bucket, "--server-side-encryption-configuration",
		a.file(bucket+"-sse.json", `{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"`+keyArn+`"}}]}`))
}

// scanMoto scans moto's default account with the built binary and returns the JSON
// result; a scan of moto must be complete (exit 0 or 1).
func scanMoto(t *testing.T, extra ...string) report.Result {
	t.Helper()
	out := t.TempDir()
	res := runCrrscan(t, motoEnv, append([]string{"scan", "--endpoint-url", moto.URL, "--format", "json", "--output-dir", out}, extra...)...)
	if res.code != 0 && res.code != 1 {
		t.Fatalf("scan exit %d, want 0 or 1 (a complete scan); stderr:\n%s", res.code, res.stderr)
	}
	r := readResult(t, filepath.Join(out, "crrscan.json"))
	if !r.Scan.Complete {
		t.Fatalf("scan of moto incomplete; stderr:\n%s", res.stderr)
	}
	return r
}

// guideRule is one rule of the guide's step 3 configuration to dst, with extra
// Destination fields and rule fields (JSON members, comma-led) spliced in.
func guideRule(dst, destExtra, ruleExtra string) string {
	return `{"ID":"crr-all","Status":"Enabled","Priority":1,"DeleteMarkerReplication":{"Status":"Disabled"},"Filter":{"Prefix":""}` +
		ruleExtra + `,"Destination":{"Bucket":"arn:aws:s3:::` + dst + `"` + destExtra + `}}`
}

// replicationOf is a replication configuration of moto's account with the role and rules.
func replicationOf(role string, rules ...string) string {
	return `{"Role":"arn:aws:iam::` + motoAccount + `:role/` + role + `","Rules":[` + strings.Join(rules, ",") + `]}`
}

// TestGuidePitfallsOnMoto seeds moto with the aws CLI, one pair per pitfall of the
// guide next to the guide's own correct pair, scans it with the built binary and
// expects each pitfall's check on its pair, and only what the pitfall implies.
func TestGuidePitfallsOnMoto(t *testing.T) {
	requireMoto(t)
	a := awsCLI{t: t, endpoint: moto.URL, dir: t.TempDir()}

	// The guide's own setup: only the CRR-034 hardening finding.
	a.pairWith("guide-src", "guide-dst", "crr-guide", guidePermissions("guide-src", "guide-dst"),
		replicationOf("crr-guide", guideRule("guide-dst", "", "")))

	// CRR-032: the guide's permissions without s3:ReplicateDelete.
	noDelete := strings.Replace(guidePermissions("nodel-src", "nodel-dst"), `"s3:ReplicateDelete",`, "", 1)
	if strings.Contains(noDelete, "ReplicateDelete") {
		t.Fatal("could not take s3:ReplicateDelete out of the guide's policy")
	}
	a.pairWith("nodel-src", "nodel-dst", "crr-nodel", noDelete,
		replicationOf("crr-nodel", guideRule("nodel-dst", "", "")))

	// CRR-033: a role allowed s3:* on everything (it lacks nothing, so no CRR-032).
	a.pairWith("star-src", "star-dst", "crr-star",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`,
		replicationOf("crr-star", guideRule("star-dst", "", "")))

	// CRR-060: default SSE-KMS on the source, and the guide's rule, which does not
	// select SseKmsEncryptedObjects.
	sseKey := a.kmsKey("us-east-1", "sse-src default key")
	a.pairWith("sse-src", "sse-dst", "crr-sse", guidePermissions("sse-src", "sse-dst"),
		replicationOf("crr-sse", guideRule("sse-dst", "", "")))
	a.kmsDefault("sse-src", sseKey)

	// CRR-063 (source): the source's default key is disabled.
	offKey := a.kmsKey("us-east-1", "keyoff-src default key, disabled")
	a.pairWith("keyoff-src", "keyoff-dst", "crr-keyoff", guidePermissions("keyoff-src", "keyoff-dst"),
		replicationOf("crr-keyoff", guideRule("keyoff-dst", "", "")))
	a.kmsDefault("keyoff-src", offKey)
	a.disableKey(offKey)

	// CRR-063 (replica): the rule's ReplicaKmsKeyID, in the destination's region, is
	// disabled. The rule selects SSE-KMS objects as the guide says; moto drops
	// SourceSelectionCriteria on GetBucketReplication, so the scan sees only the key.
	replicaKey := a.kmsKey("eu-west-1", "replkey-dst replica key, disabled")
	a.pairWith("replkey-src", "replkey-dst", "crr-replkey", guidePermissions("replkey-src", "replkey-dst"),
		replicationOf("crr-replkey", guideRule("replkey-dst",
			`,"EncryptionConfiguration":{"ReplicaKmsKeyID":"`+replicaKey+`"}`,
			`,"SourceSelectionCriteria":{"SseKmsEncryptedObjects":{"Status":"Enabled"}}`)))
	a.disableKey(replicaKey)

	// CRR-070: Object Lock on the source (enabled at creation), none on the destination.
	a.pairWith("lock-src", "lock-dst", "crr-lock", guidePermissions("lock-src", "lock-dst"),
		replicationOf("crr-lock", guideRule("lock-dst", "", "")), "--object-lock-enabled-for-bucket")

	r := scanMoto(t)
	got := findingsOn(r)
	for b, fs := range got {
		for id, f := range fs {
			t.Logf("%s %s (%s): %s", b, id, f.Severity, f.Message)

		}
	}

	// want are the checks each source must carry; also lists what else may fire there
	// and why. CRR-034 (low) fires on every pair: the guide's trust policy has no
	// aws:SourceAccount condition.
	cases := []struct {
		bucket string
		want   []string
		also   []string
	}{
		{"guide-src", nil, nil},
		{"nodel-src", []string{"CRR-032"}, nil},
		{"star-src", []string{"CRR-033"}, nil},
		{"sse-src", []string{"CRR-060"}, nil},
		// The disabled default key is also an SSE-KMS default the rule does not select.
		{"keyoff-src", []string{"CRR-063"}, []string{"CRR-060"}},
		{"replkey-src", []string{"CRR-063"}, nil},
		// The guide's role lacks s3:GetObjectRetention and s3:GetObjectLegalHold,
		// which an Object Lock source needs too (CRR-071, medium).
		{"lock-src", []string{"CRR-070"}, []string{"CRR-071"}},
	}
	for _, c := range cases {
		fs := got[c.bucket]
		allowed := map[string]bool{"CRR-034": true}
		for _, id := range append(append([]string{}, c.want...), c.also...) {
			allowed[id] = true
		}
		for _, id := range c.want {
			f, ok := fs[id]
			if !ok {
				t.Errorf("%s: want %s, got %v", c.bucket, id, keys(fs))
				continue
			}
			if f.Status != report.StatusFail || f.AccountID != motoAccount || f.Remediation.Summary == "" || len(f.Remediation.Commands) == 0 {
				t.Errorf("%s %s: status %q account %q summary %q commands %v", c.bucket, id, f.Status, f.AccountID, f.Remediation.Summary, f.Remediation.Commands)
			}
		}
		for id, f := range fs {
			if !allowed[id] {
				t.Errorf("%s: unexpected %s (%s): %s", c.bucket, id, f.Severity, f.Message)
			}
		}
		if _, ok := fs["CRR-034"]; !ok {
			t.Errorf("%s: the guide's trust policy should carry CRR-034", c.bucket)
		}
	}

	// CRR-032 names the action that is missing, on the destination's objects, and
	// only that one.
	if f, ok := got["nodel-src"]["CRR-032"]; ok {
		if !strings.Contains(f.Message, "s3:ReplicateDelete") || !strings.Contains(f.Message, "arn:aws:s3:::nodel-dst/*") {
			t.Errorf("CRR-032 does not name s3:ReplicateDelete on arn:aws:s3:::nodel-dst/*: %s", f.Message)
		}
		for _, other := range []string{"s3:ReplicateObject", "s3:ReplicateTags", "s3:GetReplicationConfiguration"} {
			if strings.Contains(f.Message, other) {
				t.Errorf("CRR-032 names %s, which the role has: %s", other, f.Message)
			}
		}
	}
	if f, ok := got["star-src"]["CRR-033"]; ok && !strings.Contains(f.Message, "s3:*") {
		t.Errorf("CRR-033 does not name s3:*: %s", f.Message)
	}
	if f, ok := got["sse-src"]["CRR-060"]; ok && !strings.Contains(f.Message, "aws:kms") {
		t.Errorf("CRR-060 does not name aws:kms: %s", f.Message)
	}
	// Each CRR-063 names its key, disabled, and what it is used as.
	for bucket, key := range map[string]string{"keyoff-src": offKey, "replkey-src": replicaKey} {
		fs := findingsOf(r, "CRR-063", bucket)
		if len(fs) != 1 {
			t.Errorf("%s: want one CRR-063, got %d", bucket, len(fs))
			continue
		}
		if fs[0].ResourceARN != key || !strings.Contains(fs[0].Message, "disabled") {
			t.Errorf("%s CRR-063: resource %q (want %s), message %s", bucket, fs[0].ResourceARN, key, fs[0].Message)
		}
		if want := "aws kms enable-key"; !strings.Contains(strings.Join(fs[0].Remediation.Commands, "\n"), want) {
			t.Errorf("%s CRR-063: the fix does not %s: %v", bucket, want, fs[0].Remediation.Commands)
		}
	}
	if f, ok := got["lock-src"]["CRR-070"]; ok && f.Destination != "arn:aws:s3:::lock-dst" {
		t.Errorf("CRR-070 destination %q, want arn:aws:s3:::lock-dst", f.Destination)
	}
	// Replicas are out of scope: no finding on a destination.
	for _, c := range cases {
		dst := strings.TrimSuffix(c.bucket, "-src") + "-dst"
		if len(got[dst]) != 0 {
			t.Errorf("replica %s: unexpected findings %v", dst, keys(got[dst]))
		}
	}

	// The fixes of these pitfalls that moto can carry out, run as given: CRR-033
	// (least-privilege policy, broad one deleted), CRR-070 (Object Lock on the
	// existing, empty, versioned destination) and CRR-071 (the retention reads).
	var fixed []report.Finding
	for _, c := range []struct{ id, bucket string }{{"CRR-033", "star-src"}, {"CRR-070", "lock-src"}, {"CRR-071", "lock-src"}} {
		if f, ok := onlyFinding(t, r, c.id, c.bucket); ok {
			applyFix(t, f, motoAWSEnv)
			fixed = append(fixed, f)
		}
	}
	// Not run here, each for a moto gap:
	//  - CRR-063's fix is "aws kms enable-key --key-id <key ARN> --region <key's region>",
	//    right for AWS (EnableKey takes a key id or a key ARN); moto 5.2.1 validates the
	//    ARN and then looks the key up by the ARN itself, answering 500 (its EnableKey
	//    and DisableKey work only with the bare key id). The command's shape is asserted
	//    above.
	//  - CRR-060's fix writes the rule back with SseKmsEncryptedObjects Enabled, which
	//    moto's GetBucketReplication drops again, so a rescan would still report it.
	t.Log("moto gap: kms enable-key with a key ARN answers 500 on moto 5.2.1 (it needs the bare key id), so CRR-063's fix " +
		"(enable-key --key-id <ARN>, as AWS accepts) is not run here; CRR-060's fix is not run either: moto drops " +
		"SourceSelectionCriteria on GetBucketReplication, so its effect cannot be read back")
	after := scanMoto(t)
	for _, f := range fixed {
		checkFixed(t, r, after, f)
	}
	checkPassing(t, r, after, fixed)
	for _, b := range []string{"star-src", "lock-src"} {
		for id, f := range findingsOn(after)[b] {
			if !hardening[id] {
				t.Errorf("%s after its fixes: %s (%s): %s", b, id, f.Severity, f.Message)
			}
		}
	}

	// A rule that selects SSE-KMS objects cannot be represented on moto: its
	// GetBucketReplication drops SourceSelectionCriteria, so the quiet side of
	// CRR-060 (and CRR-061, CRR-062) is proven by the Rego tests and snapshot fixtures.
	t.Log("moto gap: GetBucketReplication drops SourceSelectionCriteria; a rule that selects SSE-KMS objects " +
		"reads back as one that does not, so only CRR-060's deny case is shown on moto")
}
