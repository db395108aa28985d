package main

import (
	"path/filepath"
	"testing"

	"github.com/crrscan/crrscan/report"
)

// TestVerdictsOnMoto builds the peers' disputed cases with the aws CLI and scans them.
//
//   - An extra same-region rule beside a cross-region one that selects the same
//     objects: the bucket does reach another region (Cross-Region Replication copies
//     objects "across different AWS Regions",
//     https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html), so no
//     high finding; CRR-021 notes the same-region copy at info.
//   - A malformed role ARN ("arn:aws:iam"): S3 can never assume it (the Role must be
//     an IAM role ARN, https://docs.aws.amazon.com/AmazonS3/latest/API/API_ReplicationConfiguration.html),
//     a failure (CRR-030, exit 1), not a failed read (CRR-090, exit 3).
func TestVerdictsOnMoto(t *testing.T) {
	requireMoto(t)
	a := awsCLI{t: t, endpoint: moto.URL, dir: t.TempDir()}

	a.pair("dual-src", "us-east-1", "dual-far", "eu-west-1", "crr-dual", guideTrust, "Enabled")
	a.bucket("dual-near", "us-east-1")
	a.run("s3api", "put-bucket-versioning", "--bucket", "dual-near", "--versioning-configuration", "Status=Enabled")
	a.run("iam", "put-role-policy", "--role-name", "crr-dual", "--policy-name", "crr-near",
		"--policy-document", a.file("near-perms.json", guidePermissions("dual-src", "dual-near")))
	a.run("s3api", "put-bucket-replication", "--bucket", "dual-src", "--replication-configuration", a.file("dual.json",
		`{"Role":"arn:aws:iam::`+motoAccount+`:role/crr-dual","Rules":[`+
			`{"ID":"to-eu","Status":"Enabled","Priority":1,"DeleteMarkerReplication":{"Status":"Disabled"},"Filter":{"Prefix":""},"Destination":{"Bucket":"arn:aws:s3:::dual-far"}},`+
			`{"ID":"local-copy","Status":"Enabled","Priority":2,"DeleteMarkerReplication":{"Status":"Disabled"},"Filter":{"Prefix":""},"Destination":{"Bucket":"arn:aws:s3:::dual-near"}}]}`))

	scan := func(t *testing.T) (runResult, report.Result) {
		t.Helper()
		out := t.TempDir()
		res := runCrrscan(t, motoEnv, "scan", "--endpoint-url", moto.URL, "--format", "json", "--output-dir", out)
		return res, readResult(t, filepath.Join(out, "crrscan.json"))
	}

	t.Run("extra same-region rule", func(t *testing.T) {
		res, r := scan(t)
		if res.code != 0 {
			t.Fatalf("exit %d, want 0 (no finding at or above high); stderr:\n%s", res.code, res.stderr)
		}
		got := findingsOn(r)
		for id, f := range got["dual-src"] {
			if report.SeverityRank(f.Severity) >= report.SeverityRank("high") {
				t.Errorf("dual-src: %s at %s: %s", id, f.Severity, f.Message)
			}
		}
		if f, ok := got["dual-src"]["CRR-021"]; !ok || f.Severity != "info" || f.Destination != "arn:aws:s3:::dual-near" {
			t.Errorf("dual-src CRR-021 = %+v, want an info finding on dual-near", f)
		}
	})

	a.pair("badrole-src", "us-east-1", "badrole-dst", "eu-west-1", "crr-badrole", guideTrust, "Enabled")
	a.run("s3api", "put-bucket-replication", "--bucket", "badrole-src", "--replication-configuration",
		a.file("badrole.json",
			`{"Role":"arn:aws:iam","Rules":[{"ID":"crr-all","Status":"Enabled","Priority":1,"DeleteMarkerReplication":{"Status":"Disabled"},"Filter":{"Prefix":""},"Destination":{"Bucket":"arn:aws:s3:::badrole-dst"}}]}`))

	t.Run("malformed role ARN", func(t *testing.T) {
		res, r := scan(t)
		if res.code != 1 {
			t.Fatalf("exit %d, want 1 (a failure, scan complete); stderr:\n%s", res.code, res.stderr)
		}
		if !r.Scan.Complete {
			t.Error("scan incomplete")
		}
		got := findingsOn(r)["badrole-src"]
		if f, ok := got["CRR-030"]; !ok || f.Status != report.StatusFail || f.Severity != "critical" {
			t.Errorf("badrole-src CRR-030 = %+v, want a critical failure; findings %v", f, keys(got))
		}
		if f, ok := got["CRR-090"]; ok {
			t.Errorf("badrole-src: CRR-090 %s", f.Message)
		}
	})

	// Replication metrics on: S3 publishes failure events, which reach only the
	// bucket's notification targets (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-metrics-events.html).
	metered := func(src, dst, role string) string {
		return `{"Role":"arn:aws:iam::` + motoAccount + `:role/` + role + `","Rules":[{"ID":"crr-all","Status":"Enabled","Priority":1,` +
			`"DeleteMarkerReplication":{"Status":"Disabled"},"Filter":{"Prefix":""},"Destination":{"Bucket":"arn:aws:s3:::` + dst + `",` +
			`"Metrics":{"Status":"Enabled","EventThreshold":{"Minutes":15}}}}]}`
	}
	for _, p := range [][3]string{{"unheard-src", "unheard-dst", "crr-unheard"}, {"heard-src", "heard-dst", "crr-heard"}} {
		a.pair(p[0], "us-east-1", p[1], "eu-west-1", p[2], guideTrust, "Enabled")
		a.run("s3api", "put-bucket-replication", "--bucket", p[0], "--replication-configuration", a.file(p[0]+"-metered.json", metered(p[0], p[1], p[2])))
	}
	a.run("s3api", "put-bucket-notification-configuration", "--bucket", "heard-src", "--notification-configuration",
		`{"TopicConfigurations":[{"TopicArn":"arn:aws:sns:us-east-1:`+motoAccount+`:ops","Events":["s3:Replication:OperationFailedReplication"]}]}`)

	t.Run("replication failures monitored", func(t *testing.T) {
		_, r := scan(t)
		got := findingsOn(r)
		if f, ok := got["unheard-src"]["CRR-042"]; !ok || f.Severity != "medium" {
			t.Errorf("unheard-src: CRR-042 = %+v; findings %v", f, keys(got["unheard-src"]))
		}
		if f, ok := got["heard-src"]["CRR-042"]; ok {
			t.Errorf("heard-src: CRR-042 %s", f.Message)
		}
		for _, b := range []string{"unheard-src", "heard-src", "dual-src"} {
			if f, ok := got[b]["CRR-090"]; ok {
				t.Errorf("%s: CRR-090 %s", b, f.Message)
			}
		}
	})
}
