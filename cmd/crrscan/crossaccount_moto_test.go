package main

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/crrscan/crrscan/report"
)

// orgRole is the role AWS Organizations creates in every account it creates, which
// the management account may assume (moto does the same).
const orgRole = "OrganizationAccountAccessRole"

// multiAccountScan reports whether the built crrscan scans several accounts: --org
// and --role-name (issue 4, "Scan a whole AWS Organization", in progress).
func multiAccountScan(t *testing.T) bool {
	t.Helper()
	res := runCrrscan(t, nil, "scan", "--help")
	help := res.stdout + res.stderr
	return strings.Contains(help, "-org") && strings.Contains(help, "-role-name")
}

// accountCLI runs the aws CLI against moto with the credentials of one account.
type accountCLI struct {
	awsCLI
	env []string
}

func (a accountCLI) run(args ...string) {
	a.t.Helper()
	cmd := exec.Command("aws", append([]string{"--endpoint-url", a.endpoint, "--output", "json"}, args...)...)
	cmd.Env = append(os.Environ(), a.env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		a.t.Fatalf("aws %s (as another account): %v\n%s", strings.Join(args, " "), err, out)
	}
}

// memberAccount creates an organisation (moto's default account is its management
// account) with one member account, and returns the member's id and the aws CLI
// environment of its OrganizationAccountAccessRole, as a user would get with
// sts assume-role.
func memberAccount(a awsCLI, name string) (string, []string) {
	a.t.Helper()
	a.run("organizations", "create-organization", "--feature-set", "ALL")
	status, _ := a.out("organizations", "create-account", "--email", name+"@example.com", "--account-name", name)["CreateAccountStatus"].(map[string]any)
	id, _ := status["AccountId"].(string)
	if id == "" || id == motoAccount {
		a.t.Fatalf("organizations create-account: no new account id in %v", status)
	}
	creds, _ := a.out("sts", "assume-role", "--role-arn", "arn:aws:iam::"+id+":role/"+orgRole,
		"--role-session-name", "crrscan-test")["Credentials"].(map[string]any)
	key, _ := creds["AccessKeyId"].(string)
	secret, _ := creds["SecretAccessKey"].(string)
	token, _ := creds["SessionToken"].(string)
	if key == "" || secret == "" {
		a.t.Fatalf("sts assume-role into %s: no credentials", id)
	}
	return id, []string{"AWS_ACCESS_KEY_ID=" + key, "AWS_SECRET_ACCESS_KEY=" + secret, "AWS_SESSION_TOKEN=" + token,
		"AWS_DEFAULT_REGION=us-east-1", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null"}
}

// TestCrossAccountOnMoto: a source in the management account replicates to a bucket
// of a member account whose bucket policy does not grant the source's replication
// role (CRR-050). One scan of the organisation sees both sides; the finding's fix,
// run with the destination account's credentials, clears it.
//
// It needs multi-account scanning (crrscan scan --org --role-name), which is being
// added under issue 4; until the built binary has those flags the test skips, saying
// so. It is deliberately not run as a one-account scan: moto does not enforce
// cross-account access, so the management account alone can read the member's bucket
// and CRR-050 fires, but on AWS that read is denied and the destination is judged
// only when the scan holds the destination account's credentials.
func TestCrossAccountOnMoto(t *testing.T) {
	requireMoto(t)
	if !multiAccountScan(t) {
		t.Skip("pending: crrscan scan has no --org/--role-name yet (multi-account scanning, issue 4, is in progress); " +
			"CRR-050 and its fix need both accounts in one scan")
	}
	a := awsCLI{t: t, endpoint: moto.URL, dir: t.TempDir()}
	member, memberEnv := memberAccount(a, "replicas")
	m := accountCLI{awsCLI: a, env: memberEnv}

	// The destination, in the member account: versioned, and owned by its account
	// (BucketOwnerEnforced, so CRR-051 stays quiet), with no bucket policy.
	m.run("s3api", "create-bucket", "--bucket", "xacct-dst", "--region", "eu-west-1",
		"--create-bucket-configuration", "LocationConstraint=eu-west-1")
	m.run("s3api", "put-bucket-versioning", "--bucket", "xacct-dst", "--versioning-configuration", "Status=Enabled")
	m.run("s3api", "put-bucket-ownership-controls", "--bucket", "xacct-dst",
		"--ownership-controls", "Rules=[{ObjectOwnership=BucketOwnerEnforced}]")
	// The source, in the management account, as the guide says, with the destination
	// account in the rule.
	a.run("s3api", "create-bucket", "--bucket", "xacct-src", "--region", "us-east-1")
	a.run("s3api", "put-bucket-versioning", "--bucket", "xacct-src", "--versioning-configuration", "Status=Enabled")
	a.run("iam", "create-role", "--role-name", "crr-xacct", "--assume-role-policy-document", a.file("crr-xacct-trust.json", guideTrust))
	a.run("iam", "put-role-policy", "--role-name", "crr-xacct", "--policy-name", "crr-permissions",
		"--policy-document", a.file("crr-xacct-perms.json", guidePermissions("xacct-src", "xacct-dst")))
	a.run("s3api", "put-bucket-replication", "--bucket", "xacct-src", "--replication-configuration",
		a.file("xacct-replication.json", replicationOf("crr-xacct", guideRule("xacct-dst", `,"Account":"`+member+`"`, ""))))

	before := scanMoto(t, "--org", "--role-name", orgRole)
	if !slices.Contains(before.Scan.Accounts, motoAccount) || !slices.Contains(before.Scan.Accounts, member) || before.Scan.BucketsScanned != 2 {
		t.Fatalf("the organisation scan covered accounts %v and %d buckets, want %s and %s and both buckets",
			before.Scan.Accounts, before.Scan.BucketsScanned, motoAccount, member)
	}
	f, ok := onlyFinding(t, before, "CRR-050", "xacct-src")
	if !ok {
		t.FailNow()
	}
	if f.Destination != "arn:aws:s3:::xacct-dst" || !strings.Contains(f.Message, member) ||
		!strings.Contains(f.Message, "s3:ReplicateObject") || !strings.Contains(f.Message, "s3:ReplicateDelete") {
		t.Errorf("CRR-050: destination %q, message %s", f.Destination, f.Message)
	}
	for id, g := range findingsOn(before)["xacct-src"] {
		if id != "CRR-050" && !hardening[id] {
			t.Errorf("xacct-src: unexpected %s (%s): %s", id, g.Severity, g.Message)
		}
	}
	if fs := findingsOn(before)["xacct-dst"]; len(fs) != 0 {
		t.Errorf("the replica xacct-dst is out of scope, got %v", keys(fs))
	}

	// The fix is the destination account's to run.
	applyFix(t, f, memberEnv)
	after := scanMoto(t, "--org", "--role-name", orgRole)
	checkFixed(t, before, after, f)
	checkPassing(t, before, after, []report.Finding{f})
}
