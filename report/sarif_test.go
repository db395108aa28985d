package report

import (
	"bytes"
	"cmp"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// sarifSchema compiles the SARIF 2.1.0 JSON schema kept in testdata, with format
// assertions on (uri, uri-reference, date-time).
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(filepath.Join("testdata", "sarif-2.1.0.schema.json"))
	if err != nil {
		t.Fatalf("compile the SARIF schema: %v", err)
	}
	return sch
}

func validateSARIF(t *testing.T, sch *jsonschema.Schema, doc []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("SARIF is not JSON: %v", err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("SARIF does not validate against the 2.1.0 schema: %v", err)
	}
}

// TestSARIFSchema validates the golden file, a hostile result and an empty result
// against the SARIF 2.1.0 schema.
func TestSARIFSchema(t *testing.T) {
	sch := sarifSchema(t)
	t.Run("golden", func(t *testing.T) {
		validateSARIF(t, sch, readGolden(t, goldenFile("sarif")))
	})
	t.Run("hostile", func(t *testing.T) {
		validateSARIF(t, sch, render(t, "sarif", hostileResult()))
	})
	t.Run("empty", func(t *testing.T) {
		validateSARIF(t, sch, render(t, "sarif", NewResult(Tool{}, ScanInfo{Complete: true}, nil, nil, nil)))
	})
	t.Run("zero value", func(t *testing.T) {
		validateSARIF(t, sch, render(t, "sarif", &Result{Findings: []Finding{{CheckID: "X-1", Status: StatusFail}}}))
	})
	// The schema is really applied: a log without its required version fails.
	inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"runs": []}`))
	if sch.Validate(inst) == nil {
		t.Error("the schema accepted a log without version")
	}
}

func readGolden(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "golden", name))
	if err != nil {
		t.Fatalf("read golden (run go test ./report -update to create it): %v", err)
	}
	return b
}

// decodeSARIF decodes a SARIF log into the writer's own types.
func decodeSARIF(t *testing.T, out []byte) sarifLog {
	t.Helper()
	var log sarifLog
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&log); err != nil {
		t.Fatalf("decode SARIF: %v", err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(log.Runs))
	}
	return log
}

func TestSARIFContent(t *testing.T) {
	r := fixtureResult()
	log := decodeSARIF(t, render(t, "sarif", r))
	if log.Version != "2.1.0" || log.Schema == "" {
		t.Errorf("version %q, $schema %q", log.Version, log.Schema)
	}
	run := log.Runs[0]
	d := run.Tool.Driver
	if d.Name != "crrscan" || d.Version != "1.2.3-test" || d.InformationURI == "" {
		t.Errorf("driver = %+v", d)
	}
	if len(d.Rules) != len(r.Summary.Checks) {
		t.Fatalf("%d rules, want one per summary check (%d)", len(d.Rules), len(r.Summary.Checks))
	}
	for i, c := range r.Summary.Checks {
		rule := d.Rules[i]
		if rule.ID != c.CheckID || rule.ShortDescription.Text != c.Title || rule.FullDescription.Text == "" ||
			rule.Help.Text == "" || rule.Help.Markdown == "" || rule.Name == "" || rule.Name == rule.ID {
			t.Errorf("rule %d = %+v for check %+v", i, rule, c)
		}
		if got, want := rule.Properties.SecuritySeverity, securitySeverity[c.Severity]; got != want {
			t.Errorf("%s security-severity = %q, want %q", c.CheckID, got, want)
		}
		// The check's compliance controls follow the fixed tags (fixture_test.go).
		wantTags := map[string]string{
			"CRR-001": "security,aws,s3,compliance/aws-securityhub/S3.7,compliance/nist-800-53-r5/CP-9",
			"CRR-010": "security,aws,s3,compliance/aws-securityhub/S3.7,compliance/custom/=HYPERLINK(\"x\") <b>",
		}
		if got, want := strings.Join(rule.Properties.Tags, ","), cmp.Or(wantTags[c.CheckID], "security,aws,s3"); got != want {
			t.Errorf("%s tags = %q, want %q", c.CheckID, got, want)
		}
	}
	levels := map[string]string{"CRR-001": "error", "CRR-002": "error", "CRR-010": "error", "CRR-034": "note", "CRR-050": "error", "CRR-090": "error"}
	for _, rule := range d.Rules {
		if rule.DefaultConfiguration.Level != levels[rule.ID] {
			t.Errorf("%s default level = %q, want %q", rule.ID, rule.DefaultConfiguration.Level, levels[rule.ID])
		}
	}
	if !strings.Contains(d.Rules[4].Help.Text, "Grant the replication role write access") {
		t.Errorf("CRR-050 help lacks the remediation summary: %q", d.Rules[4].Help.Text)
	}

	if len(run.Results) != len(r.Findings) {
		t.Fatalf("%d results, want one per fail, error and waived finding (%d)", len(run.Results), len(r.Findings))
	}
	for i, res := range run.Results {
		f := r.Findings[i]
		if res.RuleID != f.CheckID || d.Rules[res.RuleIndex].ID != f.CheckID {
			t.Errorf("result %d: ruleId %q ruleIndex %d, want %s", i, res.RuleID, res.RuleIndex, f.CheckID)
		}
		if res.Level != levels[f.CheckID] {
			t.Errorf("result %d (%s) level %q", i, f.CheckID, res.Level)
		}
		if got := res.PartialFingerprints[sarifFingerprintKey]; got != f.Fingerprint {
			t.Errorf("result %d fingerprint %q, want %q", i, got, f.Fingerprint)
		}
		loc := res.Locations[0]
		if want := "aws/" + f.AccountID + "/" + f.Region + "/" + f.Bucket; loc.PhysicalLocation.ArtifactLocation.URI != want || loc.PhysicalLocation.Region.StartLine != 1 {
			t.Errorf("result %d physical location %+v, want %s line 1", i, loc.PhysicalLocation, want)
		}
		if ll := loc.LogicalLocations; len(ll) != 1 || ll[0].FullyQualifiedName != f.ResourceARN || ll[0].Kind != "resource" {
			t.Errorf("result %d logical locations %+v", i, ll)
		}
		waived := f.Status == StatusWaived
		if waived != (len(res.Suppressions) == 1) {
			t.Errorf("result %d (%s) suppressions %+v", i, f.Status, res.Suppressions)
		}
		if waived {
			s := res.Suppressions[0]
			if s.Kind != "external" || s.Justification != "waived (owner platform-team, ticket SEC-1234, expires 2027-01-31)" {
				t.Errorf("suppression %+v", s)
			}
		}
	}
	if run.Invocations[0].ExecutionSuccessful != r.Scan.Complete {
		t.Error("executionSuccessful should say whether the scan was complete")
	}
}

func TestSARIFHostile(t *testing.T) {
	out := render(t, "sarif", hostileResult())
	for _, bad := range []string{"<script>", "\x1b", "\u202e", "\x00", "\x07"} {
		if bytes.Contains(out, []byte(bad)) {
			t.Errorf("SARIF contains raw %q", bad)
		}
	}
	log := decodeSARIF(t, out)
	for _, res := range log.Runs[0].Results {
		uri := res.Locations[0].PhysicalLocation.ArtifactLocation.URI
		if strings.ContainsAny(uri, " <>|`\"\\\n\r\t") || strings.Contains(uri, "/../") {
			t.Errorf("artifact URI %q is not a clean relative path", uri)
		}
	}
}

func TestSARIFArtifactURI(t *testing.T) {
	tests := []struct {
		f    Finding
		want string
	}{
		{Finding{AccountID: "111111111111", Region: "us-east-1", Bucket: "logs-prod"}, "aws/111111111111/us-east-1/logs-prod"},
		{Finding{AccountID: "111111111111", Region: "eu-west-1", Bucket: "a.b.c"}, "aws/111111111111/eu-west-1/a.b.c"},
		{Finding{AccountID: "111111111111"}, "aws/111111111111/global"},
		{Finding{}, "aws/unknown-account/global"},
		{Finding{AccountID: "1", Region: "r", Bucket: ".."}, "aws/1/r/%2E%2E"},
		{Finding{AccountID: "1", Region: "r", Bucket: "a/b c?#"}, "aws/1/r/a%2Fb%20c%3F%23"},
	}
	for _, tt := range tests {
		if got := sarifArtifactURI(tt.f); got != tt.want {
			t.Errorf("sarifArtifactURI(%+v) = %q, want %q", tt.f, got, tt.want)
		}
	}
}

func TestSARIFLevels(t *testing.T) {
	tests := []struct{ check, sev, want string }{
		{"CRR-001", "critical", "error"},
		{"CRR-010", "high", "error"},
		{"CRR-013", "medium", "warning"},
		{"CRR-012", "low", "note"},
		{"CRR-017", "info", "note"},
		{"CRR-090", "error", "error"},
		{"CRR-090", "low", "error"},
		{"ACME-1", "weird", "warning"},
	}
	for _, tt := range tests {
		if got := sarifLevel(tt.check, tt.sev); got != tt.want {
			t.Errorf("sarifLevel(%s, %s) = %s, want %s", tt.check, tt.sev, got, tt.want)
		}
	}
}

func TestRuleName(t *testing.T) {
	tests := []struct{ title, id, want string }{
		{"Source bucket versioning is not enabled", "CRR-001", "SourceBucketVersioningIsNotEnabled"},
		{"Trust policy has no confused-deputy condition", "CRR-034", "TrustPolicyHasNoConfusedDeputyCondition"},
		{"Destination is in the source's own region", "CRR-021", "DestinationIsInTheSourcesOwnRegion"},
		{"Replication role lacks a permission replication needs", "CRR-032", "ReplicationRoleLacksPermissionReplicationNeeds"},
		{"SSE-KMS objects are not replicated", "CRR-060", "SseKmsObjectsAreNotReplicated"},
		{"Destination blocks SSE-C, so SSE-C replicas are refused", "CRR-065", "DestinationBlocksSsecSoSsecReplicasAreRefused"},
		{"A waiver has expired", "CRR-091", "WaiverHasExpired"},
		{"Replication role cannot be assumed by S3 (V1 rule)", "X", "ReplicationRoleCannotBeAssumedByS3V1Rule"},
		{"", "CRR-001", "CheckCrr001"},
		{"2 rules overlap", "CRR-016", "Check2RulesOverlap"},
		{"<script>", "X", "Script"},
		{"A→B→C", "X-1", "CheckX1"},
	}
	pascal := regexp.MustCompile(`^([A-Z][a-z0-9]+)+$`)
	for _, tt := range tests {
		got := ruleName(tt.title, tt.id)
		if got != tt.want {
			t.Errorf("ruleName(%q, %q) = %q, want %q", tt.title, tt.id, got, tt.want)
		}
		if !pascal.MatchString(got) {
			t.Errorf("ruleName(%q) = %q is not Pascal case (two capitals meet)", tt.title, got)
		}
	}
}

func TestSARIFToolVersion(t *testing.T) {
	for in, want := range map[string]string{
		"1.2.3": "1.2.3", "1.2.3-test": "1.2.3-test", "0.9": "0.9",
		"dev": "0.0.0-dev", "": "0.0.0-unknown", "my build!": "0.0.0-my-build", "v1.2.3": "1.2.3", "v1.2.3-4-gabc-dirty": "1.2.3-4-gabc-dirty", "vx": "0.0.0-vx",
	} {
		if got := sarifToolVersion(in); got != want {
			t.Errorf("sarifToolVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWaiverJustification(t *testing.T) {
	f := Finding{Message: "msg"}
	if got := waiverJustification(f); got != "msg" {
		t.Errorf("no waiver evidence: %q", got)
	}
	f.Evidence = map[string]any{"waiver": map[string]any{"reason": "accepted risk", "owner": "team", "expires": "2027-01-31"}}
	if got := waiverJustification(f); got != "accepted risk (owner team, expires 2027-01-31)" {
		t.Errorf("waiver evidence: %q", got)
	}
}
