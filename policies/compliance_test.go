package policies

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/crrscan/crrscan/report"
)

// The checks that decide whether a bucket effectively uses cross-Region replication
// map to AWS Security Hub control S3.7 ("S3 general purpose buckets should use
// cross-Region replication") and the requirements AWS lists for it: PCI DSS v3.2.1/2.2
// and NIST.800-53.r5 AU-9(2), CP-10, CP-6, CP-6(1), CP-6(2), CP-9, SC-36(2), SC-5(2),
// SI-13(5) (https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-7).
// AWS lists no CIS control for S3.7.
func TestComplianceMappings(t *testing.T) {
	e := newEngine(t)
	s37 := []string{"CRR-001", "CRR-002", "CRR-010", "CRR-011", "CRR-020", "CRR-021", "CRR-030", "CRR-031", "CRR-032"}
	nist := []string{"AU-9(2)", "CP-10", "CP-6", "CP-6(1)", "CP-6(2)", "CP-9", "SC-36(2)", "SC-5(2)", "SI-13(5)"}
	for _, c := range e.Checks() {
		got := map[string][]string{}
		for _, ctl := range c.Compliance {
			got[ctl.Framework] = append(got[ctl.Framework], ctl.Control)
		}
		if !slices.Contains(s37, c.ID) {
			if slices.Contains(got["aws-securityhub"], "S3.7") {
				t.Errorf("%s maps to S3.7", c.ID)
			}
			continue
		}
		if !slices.Equal(got["aws-securityhub"], []string{"S3.7"}) || !slices.Equal(got["nist-800-53-r5"], nist) ||
			!slices.Equal(got["pci-dss-v3.2.1"], []string{"2.2"}) {
			t.Errorf("%s compliance %v", c.ID, got)
		}
		for fw := range got {
			if strings.HasPrefix(fw, "cis") {
				t.Errorf("%s maps to %s, which AWS does not list for S3.7", c.ID, fw)
			}
		}
	}

	findings, _, err := e.EvaluateSnapshot(context.Background(), estate(), 1)
	if err != nil {
		t.Fatal(err)
	}
	var seen bool
	for _, f := range findings {
		if f.CheckID == "CRR-010" {
			seen = true
			if !report.MapsTo(f.Compliance, "aws-securityhub") || !report.MapsTo(f.Compliance, "nist-800-53-r5") {
				t.Errorf("CRR-010 finding compliance %v", f.Compliance)
			}
		}
		if f.CheckID == "CRR-090" && len(f.Compliance) != 0 {
			t.Errorf("CRR-090 finding maps to %v", f.Compliance)
		}
	}
	if !seen {
		t.Fatal("no CRR-010 finding in the estate")
	}
}

func TestComplianceMetadataRefused(t *testing.T) {
	for name, meta := range map[string]string{
		"not a mapping":     "#   compliance: [S3.7]\n",
		"bad framework":     "#   compliance:\n#     Security Hub: [S3.7]\n",
		"empty controls":    "#   compliance:\n#     aws-securityhub: []\n",
		"control not named": "#   compliance:\n#     aws-securityhub: [\"\"]\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := writeDir(t, map[string]string{"c.rego": "# METADATA\n# title: T\n# custom:\n#   id: ACME-011\n#   severity: low\n" + meta +
				"package crr.checks.comp\n\ndeny contains {\"msg\": \"x\"} if false\n"})
			_, err := New(context.Background(), dir)
			if err == nil || !strings.Contains(err.Error(), "custom.compliance") {
				t.Fatalf("error %v, want one about custom.compliance", err)
			}
		})
	}
}
