package report

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

var _ Writer = (*JUnit)(nil)

// JUnit writes a JUnit XML report for CI test views (GitLab's junit report, Jenkins,
// Azure DevOps): a <testsuite> per account and region, named "ACCOUNT/REGION", and a
// <testcase> per bucket and check, whose classname is the bucket and whose name is
// "CHECK-ID Title" (with the replication rule and destination when the finding has
// them), so a CI's test history follows one check on one bucket across runs.
//
//   - a fail finding is a <failure> (type = severity);
//   - an error finding (CRR-090, a read that failed) is an <error>;
//   - a waived finding is <skipped> with the waiver's justification;
//   - with per-bucket outcomes (Result.Buckets, see WithBuckets), every check that
//     passed on a bucket is a passing <testcase>, and a check that could not be judged
//     because a read failed is an <error> on that bucket. Without them only the
//     findings are listed: the summary's pass counts do not say which buckets passed.
//
// Text is escaped by encoding/xml; characters illegal in XML 1.0, escape sequences,
// other controls and bidi controls are removed first.
type JUnit struct{}

type (
	junitTestsuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Skipped  int          `xml:"skipped,attr"`
		Time     string       `xml:"time,attr,omitempty"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name      string `xml:"name,attr"`
		Tests     int    `xml:"tests,attr"`
		Failures  int    `xml:"failures,attr"`
		Errors    int    `xml:"errors,attr"`
		Skipped   int    `xml:"skipped,attr"`
		Timestamp string `xml:"timestamp,attr,omitempty"`
		// Properties hold the scan's collected_at and evaluated_at when known.
		Properties *junitProperties `xml:"properties,omitempty"`
		Cases      []junitCase      `xml:"testcase"`
	}
	junitProperties struct {
		Property []junitProperty `xml:"property"`
	}
	junitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitCase struct {
		Name      string       `xml:"name,attr"`
		Classname string       `xml:"classname,attr"`
		Failure   *junitDetail `xml:"failure,omitempty"`
		Error     *junitDetail `xml:"error,omitempty"`
		Skipped   *junitDetail `xml:"skipped,omitempty"`
	}
	// junitDetail is a <failure>, <error> or <skipped> element with a message
	// attribute and a multi-line body.
	junitDetail struct {
		Message string
		Type    string
		Body    string
	}
)

// MarshalXML writes the body as character data with its line breaks as they are
// (encoding/xml would write chardata fields' newlines as &#xA;).
func (d junitDetail) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "message"}, Value: d.Message})
	if d.Type != "" {
		start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "type"}, Value: d.Type})
	}
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	if d.Body != "" {
		if err := e.EncodeToken(xml.CharData(d.Body)); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

// junitKey identifies a suite: one account and region.
type junitKey struct{ account, region string }

// junitEntry is a test case with what it is sorted by inside its suite.
type junitEntry struct {
	bucket, check string
	seq           int
	fingerprint   string
	c             junitCase
}

// Write renders r to w.
func (*JUnit) Write(w io.Writer, r *Result) error {
	if r == nil {
		return errors.New("write junit: nil result")
	}
	titles := map[string]string{}
	for _, c := range r.Summary.Checks {
		titles[c.CheckID] = c.Title
	}
	suites := map[junitKey][]junitEntry{}
	// judged marks the bucket × check pairs that findings already cover.
	judged := map[[4]string]bool{}
	for i, f := range r.Findings {
		k := junitKey{f.AccountID, f.Region}
		judged[[4]string{f.AccountID, f.Region, f.Bucket, f.CheckID}] = true
		suites[k] = append(suites[k], junitEntry{bucket: f.Bucket, check: f.CheckID, seq: i, fingerprint: f.Fingerprint, c: junitFindingCase(f, cmp.Or(titles[f.CheckID], f.Title))})
	}
	for _, b := range r.Buckets {
		k := junitKey{b.AccountID, b.Region}
		for _, id := range slices.Sorted(maps.Keys(b.Checks)) {
			if judged[[4]string{b.AccountID, b.Region, b.Bucket, id}] {
				continue
			}
			c := junitCase{Name: junitName(id, titles[id], "", ""), Classname: junitClassname(b.Bucket, "")}
			switch o := b.Checks[id]; o {
			case OutcomePass:
			case OutcomeError:
				c.Error = &junitDetail{
					Message: "not judged: configuration this check needs could not be read",
					Type:    "not-judged",
					Body:    xmlText(fmt.Sprintf("%s was not judged on %s: part of the configuration it needs could not be read; the %s findings of this bucket name the failed read.", id, b.Bucket, checkReadError), true),
				}
			case OutcomeFail:
				c.Failure = &junitDetail{Message: "check failed; no finding was recorded", Type: "unknown"}
			case OutcomeWaived:
				c.Skipped = &junitDetail{Message: "waived; no finding was recorded"}
			default:
				c.Error = &junitDetail{Message: xmlText(fmt.Sprintf("unknown outcome %q", o), false), Type: "unknown"}
			}
			suites[k] = append(suites[k], junitEntry{bucket: b.Bucket, check: id, seq: len(r.Findings), c: c})
		}
	}

	doc := junitTestsuites{Name: "crrscan"}
	if s, f := r.Scan.StartedAt, r.Scan.FinishedAt; !s.IsZero() && !f.IsZero() && !f.Before(s) {
		doc.Time = fmt.Sprintf("%.3f", f.Sub(s).Seconds())
	}
	keys := slices.SortedFunc(maps.Keys(suites), func(a, b junitKey) int {
		return cmp.Or(cmp.Compare(a.account, b.account), cmp.Compare(a.region, b.region))
	})
	for _, k := range keys {
		entries := suites[k]
		slices.SortStableFunc(entries, func(a, b junitEntry) int {
			return cmp.Or(cmp.Compare(a.bucket, b.bucket), cmp.Compare(a.check, b.check), cmp.Compare(a.seq, b.seq))
		})
		s := junitSuite{Name: xmlText(cmp.Or(k.account, "unknown-account")+"/"+cmp.Or(k.region, "global"), false)}
		if !r.Scan.StartedAt.IsZero() {
			s.Timestamp = r.Scan.StartedAt.UTC().Format("2006-01-02T15:04:05")
		}
		s.Properties = junitTimes(r.Scan)
		// Two findings of one check on one bucket and rule (CRR-090 names each failed
		// read) would share a name: each of them gets its stable fingerprint added.
		names := map[[2]string]int{}
		for _, e := range entries {
			names[[2]string{e.c.Classname, e.c.Name}]++
		}
		seen := map[[2]string]int{}
		for _, e := range entries {
			c := e.c
			if names[[2]string{c.Classname, c.Name}] > 1 && e.fingerprint != "" {
				c.Name += " [" + xmlText(e.fingerprint[:min(12, len(e.fingerprint))], false) + "]"
			}
			name := [2]string{c.Classname, c.Name}
			if seen[name]++; seen[name] > 1 {
				c.Name += fmt.Sprintf(" (%d)", seen[name])
			}
			s.Cases = append(s.Cases, c)
			s.Tests++
			switch {
			case c.Failure != nil:
				s.Failures++
			case c.Error != nil:
				s.Errors++
			case c.Skipped != nil:
				s.Skipped++
			}
		}
		doc.Suites = append(doc.Suites, s)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
	}

	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	buf.WriteString("\n")
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	return nil
}

// junitFindingCase is the test case of one finding.
func junitFindingCase(f Finding, title string) junitCase {
	c := junitCase{
		Name:      junitName(f.CheckID, title, f.RuleID, f.Destination),
		Classname: junitClassname(f.Bucket, f.ResourceARN),
	}
	msg := xmlText(cmp.Or(f.Message, f.Title, f.CheckID), false)
	switch f.Status {
	case StatusWaived:
		why := waiverJustification(f)
		if !strings.HasPrefix(why, "waived") {
			why = "waived: " + why
		}
		c.Skipped = &junitDetail{Message: xmlText(why, false), Body: junitBody(f)}
	case StatusError:
		c.Error = &junitDetail{Message: msg, Type: xmlText(f.Severity, false), Body: junitBody(f)}
	default:
		c.Failure = &junitDetail{Message: msg, Type: xmlText(f.Severity, false), Body: junitBody(f)}
	}
	return c
}

// junitName is "CHECK-ID Title", with the replication rule and destination when set.
func junitName(id, title, rule, dest string) string {
	name := strings.TrimSpace(id + " " + title)
	var q []string
	if rule != "" {
		q = append(q, "rule "+rule)
	}
	if dest != "" {
		q = append(q, "destination "+dest)
	}
	if len(q) > 0 {
		name += " (" + strings.Join(q, ", ") + ")"
	}
	return xmlText(name, false)
}

// junitClassname is the bucket, or the resource when the finding has no bucket (a
// read that failed above the bucket level).
func junitClassname(bucket, resource string) string {
	return xmlText(cmp.Or(bucket, resource, "(no bucket)"), false)
}

// junitBody is the text of a failure, error or skipped element: what, where, and how
// to fix it.
func junitBody(f Finding) string {
	var b strings.Builder
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	line("check", f.CheckID+" "+f.Title)
	line("severity", f.Severity)
	line("status", f.Status)
	line("account", f.AccountID)
	line("region", f.Region)
	line("bucket", f.Bucket)
	line("resource", f.ResourceARN)
	line("rule", f.RuleID)
	line("destination", f.Destination)
	line("message", f.Message)
	if f.Status == StatusWaived {
		line("waiver", waiverJustification(f))
	}
	line("fingerprint", f.Fingerprint)
	line("remediation", f.Remediation.Summary)
	for _, c := range f.Remediation.Commands {
		b.WriteString("  " + strings.ReplaceAll(c, "\n", "\n  ") + "\n")
	}
	return xmlText(strings.TrimRight(b.String(), "\n"), true)
}

// xmlText makes s safe XML character data: escape sequences, controls and bidi
// controls are removed (line breaks too unless multiline), and so is every character
// XML 1.0 does not allow (U+FFFE, U+FFFF, unpaired surrogates). encoding/xml escapes
// the rest.
func xmlText(s string, multiline bool) string {
	if multiline {
		s = multilineText(s)
	} else {
		s = terminalText(s)
	}
	return strings.Map(func(r rune) rune {
		if isXMLChar(r) {
			return r
		}
		return -1
	}, s)
}

// isXMLChar reports whether XML 1.0 allows r (production Char).
func isXMLChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// junitTimes are the scan's collection and evaluation times as suite properties;
// nil when neither is known.
func junitTimes(s ScanInfo) *junitProperties {
	var p junitProperties
	if c := rfc3339(s.CollectedAt); c != "" {
		p.Property = append(p.Property, junitProperty{Name: "collected_at", Value: c})
	}
	if e := rfc3339(s.EvaluatedAt); e != "" {
		p.Property = append(p.Property, junitProperty{Name: "evaluated_at", Value: e})
	}
	if len(p.Property) == 0 {
		return nil
	}
	return &p
}
