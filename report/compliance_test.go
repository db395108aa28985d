package report

import (
	"slices"
	"testing"
)

func TestLimitToFramework(t *testing.T) {
	s37 := []Control{{Framework: "aws-securityhub", Control: "S3.7"}, {Framework: "nist-800-53-r5", Control: "CP-9"}}
	checks := []CheckInfo{
		{ID: "CRR-010", Severity: "high", Compliance: s37},
		{ID: "CRR-034", Severity: "low"},
		{ID: "CRR-090", Severity: "error"},
	}
	findings := []Finding{
		{CheckID: "CRR-010", Status: StatusFail, Compliance: s37},
		{CheckID: "CRR-034", Status: StatusFail},
		{CheckID: "CRR-090", Status: StatusError},
	}
	outcomes := map[string]map[string]int{"CRR-010": {"fail": 1}, "CRR-034": {"fail": 1}, "CRR-090": {"error": 1}}
	cs, fs, os := LimitToFramework("nist-800-53-r5", checks, findings, outcomes)
	if len(os) != 2 || os["CRR-034"] != nil {
		t.Errorf("outcomes %v, want CRR-010's and CRR-090's", os)
	}
	var ids []string
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	var fids []string
	for _, f := range fs {
		fids = append(fids, f.CheckID)
	}
	if !slices.Equal(ids, []string{"CRR-010", "CRR-090"}) || !slices.Equal(fids, []string{"CRR-010", "CRR-090"}) {
		t.Errorf("checks %v findings %v, want CRR-010 and the scan-integrity CRR-090", ids, fids)
	}
	if _, fs, _ := LimitToFramework("cis-aws-foundations", checks, findings, outcomes); len(fs) != 1 || fs[0].CheckID != "CRR-090" {
		t.Errorf("findings %v, want only CRR-090", fs)
	}
	if got := Frameworks(findings); !slices.Equal(got, []string{"aws-securityhub", "nist-800-53-r5"}) {
		t.Errorf("Frameworks = %v", got)
	}
}
