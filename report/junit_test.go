package report

import (
	"bytes"
	"encoding/xml"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// junitDoc is what a CI reads from a JUnit report.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Body    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Body    string `xml:",chardata"`
			} `xml:"error"`
			Skipped *struct {
				Message string `xml:"message,attr"`
				Body    string `xml:",chardata"`
			} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func (d junitDoc) caseNames() []string {
	var out []string
	for _, s := range d.Suites {
		for _, c := range s.Cases {
			state := "pass"
			switch {
			case c.Failure != nil:
				state = "failure"
			case c.Error != nil:
				state = "error"
			case c.Skipped != nil:
				state = "skipped"
			}
			out = append(out, s.Name+" | "+c.Classname+" | "+c.Name+" | "+state)
		}
	}
	return out
}

func decodeJUnit(t *testing.T, out []byte) junitDoc {
	t.Helper()
	if !bytes.HasPrefix(out, []byte(xml.Header)) {
		t.Errorf("JUnit report does not start with the XML declaration: %.40q", out)
	}
	var d junitDoc
	if err := xml.Unmarshal(out, &d); err != nil {
		t.Fatalf("JUnit report is not XML: %v\n%s", err, out)
	}
	return d
}

// checkJUnitCounts checks every count attribute against the test cases.
func checkJUnitCounts(t *testing.T, d junitDoc) {
	t.Helper()
	var tests, failures, errs, skipped int
	for _, s := range d.Suites {
		var f, e, sk int
		for _, c := range s.Cases {
			if c.Failure != nil {
				f++
			}
			if c.Error != nil {
				e++
			}
			if c.Skipped != nil {
				sk++
			}
		}
		if s.Tests != len(s.Cases) || s.Failures != f || s.Errors != e || s.Skipped != sk {
			t.Errorf("suite %s counts tests=%d failures=%d errors=%d skipped=%d, cases say %d/%d/%d/%d",
				s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, len(s.Cases), f, e, sk)
		}
		tests, failures, errs, skipped = tests+len(s.Cases), failures+f, errs+e, skipped+sk
	}
	if d.Tests != tests || d.Failures != failures || d.Errors != errs || d.Skipped != skipped {
		t.Errorf("testsuites counts %d/%d/%d/%d, suites add up to %d/%d/%d/%d", d.Tests, d.Failures, d.Errors, d.Skipped, tests, failures, errs, skipped)
	}
}

// TestJUnitFindingsOnly: without per-bucket outcomes, a test case per finding.
func TestJUnitFindingsOnly(t *testing.T) {
	d := decodeJUnit(t, render(t, "junit", fixtureResult()))
	checkJUnitCounts(t, d)
	want := []string{
		"111111111111/us-east-1 | logs-prod | CRR-001 Source bucket versioning is not enabled | failure",
		"111111111111/us-east-1 | payments-prod | CRR-034 Trust policy has no confused-deputy condition | skipped",
		"111111111111/us-east-1 | payments-prod | CRR-050 Destination bucket policy does not grant the replication role (rule to-dr, destination arn:aws:s3:::payments-dr) | failure",
		"222222222222/eu-west-1 | archive-eu | CRR-090 Configuration could not be read | error",
		"222222222222/us-east-1 | media-uploads | CRR-010 Bucket in scope does not replicate | failure",
	}
	if got := d.caseNames(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("test cases:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	c := d.Suites[0].Cases[2]
	if c.Failure.Type != "critical" || !strings.HasPrefix(c.Failure.Message, "destination payments-dr in account") ||
		!strings.Contains(c.Failure.Body, "\n  aws s3api put-bucket-policy --bucket payments-dr") {
		t.Errorf("CRR-050 failure = %+v", c.Failure)
	}
	if s := d.Suites[0].Cases[1].Skipped; s == nil || s.Message != "waived (owner platform-team, ticket SEC-1234, expires 2027-01-31)" {
		t.Errorf("waived case skipped = %+v", s)
	}
}

// fixtureBuckets are per-bucket outcomes consistent with fixtureFindings and
// fixtureOutcomes.
func fixtureBuckets() []BucketOutcome {
	return []BucketOutcome{
		{AccountID: "222222222222", Region: "us-east-1", Bucket: "media-uploads",
			Checks: map[string]string{"CRR-001": "pass", "CRR-010": "fail", "CRR-090": "pass"}},
		{AccountID: "111111111111", Region: "us-east-1", Bucket: "payments-prod",
			Checks: map[string]string{"CRR-001": "pass", "CRR-002": "pass", "CRR-010": "pass", "CRR-034": "waived", "CRR-050": "fail", "CRR-090": "pass"}},
		{AccountID: "111111111111", Region: "us-east-1", Bucket: "logs-prod",
			Checks: map[string]string{"CRR-001": "fail", "CRR-010": "pass", "CRR-090": "pass"}},
		{AccountID: "222222222222", Region: "eu-west-1", Bucket: "archive-eu",
			Checks: map[string]string{"CRR-001": "error", "CRR-002": "error", "CRR-010": "error", "CRR-034": "error", "CRR-050": "error", "CRR-090": "fail"}},
		{AccountID: "111111111111", Region: "eu-west-1", Bucket: "replica-eu",
			Checks: map[string]string{"CRR-001": "pass", "CRR-002": "pass", "CRR-010": "pass", "CRR-034": "pass", "CRR-090": "pass"}},
	}
}

// TestJUnitWithBuckets: with per-bucket outcomes, every applicable check on every
// bucket is a test case; checks that could not be judged are errors.
func TestJUnitWithBuckets(t *testing.T) {
	r := fixtureResult().WithBuckets(fixtureBuckets())
	d := decodeJUnit(t, render(t, "junit", r))
	checkJUnitCounts(t, d)
	cases := 0
	for _, b := range fixtureBuckets() {
		cases += len(b.Checks)
	}
	if d.Tests != cases {
		t.Errorf("%d test cases, want one per bucket × applicable check (%d)", d.Tests, cases)
	}
	if d.Failures != 3 || d.Errors != 6 || d.Skipped != 1 {
		t.Errorf("failures %d errors %d skipped %d, want 3, 6 (CRR-090 and five checks not judged), 1", d.Failures, d.Errors, d.Skipped)
	}
	var suites []string
	for _, s := range d.Suites {
		suites = append(suites, s.Name)
	}
	if got := strings.Join(suites, ","); got != "111111111111/eu-west-1,111111111111/us-east-1,222222222222/eu-west-1,222222222222/us-east-1" {
		t.Errorf("suites %s", got)
	}
	names := strings.Join(d.caseNames(), "\n")
	for _, want := range []string{
		"111111111111/eu-west-1 | replica-eu | CRR-002 Destination bucket versioning is not enabled | pass",
		"111111111111/us-east-1 | logs-prod | CRR-001 Source bucket versioning is not enabled | failure",
		"111111111111/us-east-1 | payments-prod | CRR-001 Source bucket versioning is not enabled | pass",
		"222222222222/eu-west-1 | archive-eu | CRR-002 Destination bucket versioning is not enabled | error",
		"222222222222/eu-west-1 | archive-eu | CRR-090 Configuration could not be read | error",
	} {
		if !strings.Contains(names, want+"\n") {
			t.Errorf("no test case %q in\n%s", want, names)
		}
	}
	// The passing case and a later failing case of the same check and bucket share a
	// name, so a CI's test history can follow it.
	if !strings.Contains(names, "payments-prod | CRR-001 Source bucket versioning is not enabled | pass") ||
		!strings.Contains(names, "logs-prod | CRR-001 Source bucket versioning is not enabled | failure") {
		t.Error("passing and failing cases of one check should share a name")
	}
	for _, s := range d.Suites {
		for _, c := range s.Cases {
			if c.Error != nil && c.Error.Type == "not-judged" && !strings.Contains(c.Error.Body, "CRR-090") {
				t.Errorf("not-judged case %s does not point to CRR-090: %q", c.Name, c.Error.Body)
			}
		}
	}
}

func TestJUnitWithBucketsDeterministic(t *testing.T) {
	want := render(t, "junit", fixtureResult().WithBuckets(fixtureBuckets()))
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 20 {
		bs := fixtureBuckets()
		rng.Shuffle(len(bs), func(a, b int) { bs[a], bs[b] = bs[b], bs[a] })
		fs := fixtureFindings()
		rng.Shuffle(len(fs), func(a, b int) { fs[a], fs[b] = fs[b], fs[a] })
		r := NewResult(Tool{Name: "crrscan", Version: "1.2.3-test"}, fixtureScan(), fixtureChecks(), fs, fixtureOutcomes()).WithBuckets(bs)
		if got := render(t, "junit", r); !bytes.Equal(got, want) {
			t.Fatalf("shuffle %d: JUnit output depends on input order", i)
		}
	}
}

// TestJUnitDuplicateNames: findings of one check on one bucket (several failed
// reads) get distinct names built from their fingerprints.
func TestJUnitDuplicateNames(t *testing.T) {
	base := fixtureFindings()[1] // CRR-090 on archive-eu
	var fs []Finding
	for _, op := range []string{"GetBucketReplication", "GetBucketVersioning", "GetBucketEncryption"} {
		f := base
		f.Message = op + " failed: AccessDenied"
		f.Fingerprint = Fingerprint("CRR-090", f.AccountID, f.Bucket, "", "", op)
		fs = append(fs, f)
	}
	d := decodeJUnit(t, render(t, "junit", NewResult(Tool{}, ScanInfo{}, nil, fs, nil)))
	seen := map[string]bool{}
	for _, c := range d.Suites[0].Cases {
		if seen[c.Name] {
			t.Errorf("duplicate test case name %q", c.Name)
		}
		seen[c.Name] = true
		if !strings.HasPrefix(c.Name, "CRR-090 Configuration could not be read [") {
			t.Errorf("name %q lacks the fingerprint", c.Name)
		}
	}
}

// TestJUnitHostile: the report parses, holds no character XML 1.0 forbids, no
// control or escape sequence, and the hostile markup is escaped text.
func TestJUnitHostile(t *testing.T) {
	r := hostileResult().WithBuckets([]BucketOutcome{{AccountID: "111111111111", Region: "us-east-1", Bucket: "b\x00<x>", Checks: map[string]string{"CRR-001": "pass", "CRR-002": "bogus\x1b"}}})
	out := render(t, "junit", r)
	if !utf8.Valid(out) {
		t.Fatal("JUnit report is not valid UTF-8")
	}
	for i, c := range string(out) {
		if !isXMLChar(c) || (c < 0x20 && c != '\n') || (c >= 0x80 && c <= 0x9f) || isBidiControl(c) {
			t.Fatalf("character %U at %d", c, i)
		}
	}
	if bytes.Contains(out, []byte("<script>")) || bytes.Contains(out, []byte("<x/>")) || bytes.Contains(out, []byte("]]><")) {
		t.Error("hostile markup reached the XML unescaped")
	}
	d := decodeJUnit(t, out)
	checkJUnitCounts(t, d)
	if d.Tests != len(r.Findings)+2 {
		t.Errorf("%d test cases, want %d", d.Tests, len(r.Findings)+2)
	}
	if !strings.Contains(string(out), "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the hostile text should stay readable as escaped text")
	}
}

func TestXMLText(t *testing.T) {
	tests := []struct {
		in        string
		multiline bool
		want      string
	}{
		{"plain", false, "plain"},
		{"a\x00b\x01c\x1b[31md", false, "abcd"},
		{"x\uFFFEy\uFFFFz", false, "xyz"},
		{"one\ntwo", false, "one two"},
		{"one\r\ntwo", true, "one\ntwo"},
		{"\u202eevil", true, "evil"},
		{"😀 ok", false, "😀 ok"},
	}
	for _, tt := range tests {
		if got := xmlText(tt.in, tt.multiline); got != tt.want {
			t.Errorf("xmlText(%q, %v) = %q, want %q", tt.in, tt.multiline, got, tt.want)
		}
	}
}
