package main

import (
	"os/exec"
	"regexp"
	"testing"
)

// TestOnlyCalledSDKOperationsAreLinked guards the binary's size (README,
// "Build"): of the EC2, IAM, KMS, Organizations, Account and CloudWatch clients only the
// operations the scanner calls are linked. A client stored in an interface
// would bring back all of its operations (EC2's alone were 19.5 MB).
func TestOnlyCalledSDKOperationsAreLinked(t *testing.T) {
	out, err := exec.Command("go", "tool", "nm", binPath).Output()
	if err != nil {
		t.Fatalf("go tool nm: %v", err)
	}
	called := map[string]bool{
		"ec2.DescribeRegions": true,
		"iam.GetRole":         true, "iam.ListRolePolicies": true, "iam.GetRolePolicy": true,
		"iam.ListAttachedRolePolicies": true, "iam.GetPolicy": true, "iam.GetPolicyVersion": true,
		"kms.DescribeKey": true, "kms.GetKeyPolicy": true,
		"organizations.ListAccounts": true,
		"account.ListRegions":        true,
		"cloudwatch.GetMetricData":   true,
		// Remediation's writes (remediate/awsclient).
		"iam.CreateRole": true, "iam.DeleteRole": true, "iam.UpdateAssumeRolePolicy": true,
		"iam.PutRolePolicy": true, "iam.DeleteRolePolicy": true,
	}
	// Exported methods of the clients: their operations.
	op := regexp.MustCompile(`service/(ec2|iam|kms|organizations|account|cloudwatch)\.\(\*Client\)\.([A-Z]\w*)\n`)
	seen := map[string]bool{}
	for _, m := range op.FindAllStringSubmatch(string(out), -1) {
		name := m[1] + "." + m[2]
		if m[2] == "Options" {
			continue
		}
		if !called[name] && !seen[name] {
			t.Errorf("%s is linked, but the scanner never calls it", name)
		}
		seen[name] = true
	}
	if !seen["ec2.DescribeRegions"] || !seen["iam.GetRole"] {
		t.Fatalf("the operations the scanner calls are not in the symbol table; is the test binary stripped?")
	}
}
