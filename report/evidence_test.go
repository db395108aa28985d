package report

import (
	"bytes"
	"strings"
	"testing"
)

func TestHTMLEvidence(t *testing.T) {
	r := fixtureResult()
	page := renderHTML(t, r)
	if strings.Contains(page, `id="evidence"`) {
		t.Error("a result without verification shows an evidence section")
	}
	hostile := `<script>window.__pwned=1</script>`
	r.Evidence = []BucketEvidence{
		{AccountID: "222222222222", Region: "us-east-1", Bucket: "b-second", Objects: "sample: 5 versions listed, 5 read",
			Rules: []RuleEvidence{{RuleID: "all", Destination: "arn:aws:s3:::dst", Counts: "COMPLETED 5 of 5", Canary: "replicated in 0.4 s (source COMPLETED)"}}},
		{AccountID: "111111111111", Region: "eu-west-1", Bucket: hostile, Objects: hostile,
			Rules: []RuleEvidence{{RuleID: hostile, Destination: hostile, Counts: "FAILED 3 of 15", Metrics: "us-east-1: no data (unknown)", Bad: true}}},
	}
	page = renderHTML(t, r)
	_, section, ok := strings.Cut(page, `<section id="evidence"`)
	if !ok {
		t.Fatal("no evidence section")
	}
	section, _, _ = strings.Cut(section, "</section>")
	if strings.Contains(section, "<script>window") || !strings.Contains(section, "&lt;script&gt;window.__pwned=1&lt;/script&gt;") {
		t.Errorf("hostile names are not escaped in the evidence section")
	}
	first, second := strings.Index(section, "111111111111"), strings.Index(section, "222222222222")
	if first < 0 || second < 0 || first > second {
		t.Errorf("rows not ordered by account: %d, %d", first, second)
	}
	for _, want := range []string{`<tr class="bad">`, "FAILED 3 of 15", "no data (unknown)", "replicated in 0.4 s (source COMPLETED)"} {
		if !strings.Contains(section, want) {
			t.Errorf("the evidence section lacks %q", want)
		}
	}
}

func TestTableVerificationRequests(t *testing.T) {
	r := fixtureResult()
	var buf bytes.Buffer
	if err := (&Table{}).Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "Verification requests") {
		t.Error("a scan without verification prints verification requests")
	}
	r.Scan.VerificationRequests = map[string]int{"HeadObject": 20, "ListObjectVersions": 2, "GetMetricData": 4}
	buf.Reset()
	if err := (&Table{}).Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	if want := "Verification requests: 26 (GetMetricData 4, HeadObject 20, ListObjectVersions 2)\n"; !strings.Contains(buf.String(), want) {
		t.Errorf("table summary lacks %q:\n%s", want, buf.String())
	}
}
