package report

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

var _ Writer = (*HTML)(nil)

// htmlAssets are the report's template, style sheet and script; the style sheet and
// script are inlined into every report, which therefore opens offline.
//
//go:embed html/report.html.tmpl html/style.css html/app.js
var htmlAssets embed.FS

// HTML writes the report as one self-contained HTML file: inline CSS, inline script
// and an inline SVG replication map, no external resource of any kind. A strict
// Content-Security-Policy (default-src 'none'; the inline style sheet and script
// allowed by their SHA-256 hashes) stops anything else from loading or running.
// Every value from the result is escaped by html/template; control characters and
// bidi controls are shown as visible [U+XXXX] markers, so hostile text cannot hide
// or reorder what an auditor reads. The bytes depend only on the result.
type HTML struct{}

// Write renders r to w.
func (*HTML) Write(w io.Writer, r *Result) error {
	if r == nil {
		return errors.New("write html: nil result")
	}
	page, err := newHTMLPage(r)
	if err != nil {
		return fmt.Errorf("write html: %w", err)
	}
	tmpl, err := template.New("report.html.tmpl").Funcs(template.FuncMap{
		"sevClass": severityClass,
	}).ParseFS(htmlAssets, "html/report.html.tmpl")
	if err != nil {
		return fmt.Errorf("write html: parse template: %w", err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, page); err != nil {
		return fmt.Errorf("write html: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write html: %w", err)
	}
	return nil
}

// htmlPage is what the template renders: every string is already made readable
// (readableLine / readableBlock); html/template escapes it.
type htmlPage struct {
	CSP   string
	CSS   template.CSS // the embedded style sheet: the writer's own code, never data
	JS    template.JS  // the embedded script: the writer's own code, never data
	Title string

	Tool, Version string
	SchemaVersion string
	Started       string
	Finished      string
	// Collected is when the evidence was collected (the snapshot's time), Evaluated
	// when the checks judged it; "—" when unknown.
	Collected, Evaluated string
	Duration             string
	Accounts             []string
	Regions              []string
	Source               string
	PolicyDigest         string
	BucketsScanned       int
	Complete             bool
	ReadErrors           int
	// SkippedAccounts are the organisation's accounts that were not scanned;
	// EnabledRegions the scanned accounts' enabled regions, by account.
	SkippedAccounts []SkippedAccount
	EnabledRegions  []accountRegions

	Open, Errors, Waived int
	Severities           []severityCount
	Checks               []checkRow
	FailingChecks        []checkRow // checks with an open or waived finding
	OtherChecks          []checkRow
	AccountRows          []accountRow

	Map *mapView

	Drift *driftView // nil without a baseline

	Findings       []findingView
	WaivedFindings []findingView
	ErrorFindings  []findingView
	Filters        []filterSelect
}

type severityCount struct {
	Name  string
	Count int
}

type checkRow struct {
	ID, Title, Severity       string
	Pass, Fail, Error, Waived int
	Judged                    int
	// Affected is "N of M": the buckets the check did not pass on (failing, not
	// judged, or waived) of those it applies to; "—" when it applies to none. A
	// percentage compliant read as good news beside critical failures.
	Affected                     string
	PassW, FailW, ErrorW, WaiveW string // bar segment widths (percent of 100)
	FailX, ErrorX, WaiveX        string // bar segment offsets
}

type accountRow struct {
	ID              string
	Buckets         string
	BucketsAffected int
	Open            int
	BySeverity      []severityCount
	Errors, Waived  int
}

type findingView struct {
	Index                    int
	CheckID, Title, Severity string
	Status                   string
	Account, Region, Bucket  string
	ResourceARN              string
	RuleID, Destination      string
	Message                  string
	Fingerprint              string
	// Frameworks are the finding's compliance frameworks, space-separated (the
	// framework filter matches one of them); Compliance lists its controls.
	Frameworks, Compliance string
	Evidence               string
	Summary                string
	Commands               []string
	Documents              []documentView
	Terraform              string
	Waiver                 []keyValue
}

type documentView struct {
	Name, Body string
}

type keyValue struct {
	Key, Value string
}

type filterSelect struct {
	Key, Label string
	Options    []filterOption
}

type filterOption struct {
	Value string
	Count int
}

// newHTMLPage builds the template's view of r.
func newHTMLPage(r *Result) (*htmlPage, error) {
	css, err := htmlAssets.ReadFile("html/style.css")
	if err != nil {
		return nil, err
	}
	js, err := htmlAssets.ReadFile("html/app.js")
	if err != nil {
		return nil, err
	}
	p := &htmlPage{
		CSP:            contentSecurityPolicy(css, js),
		CSS:            template.CSS(css),
		JS:             template.JS(js),
		Tool:           readableLine(r.Tool.Name),
		Version:        readableLine(r.Tool.Version),
		SchemaVersion:  readableLine(r.SchemaVersion),
		Started:        formatTime(r.Scan.StartedAt),
		Finished:       formatTime(r.Scan.FinishedAt),
		Collected:      formatTime(r.Scan.CollectedAt),
		Evaluated:      formatTime(r.Scan.EvaluatedAt),
		Duration:       formatDuration(r.Scan.StartedAt, r.Scan.FinishedAt),
		Accounts:       readableLines(sortedSet(r.Scan.Accounts)),
		Regions:        readableLines(sortedSet(r.Scan.Regions)),
		Source:         readableLine(r.Scan.Source),
		PolicyDigest:   readableLine(r.Scan.PolicyDigest),
		BucketsScanned: r.Scan.BucketsScanned,
		Complete:       r.Scan.Complete,
	}
	for _, a := range sortedSkipped(r.Scan.SkippedAccounts) {
		p.SkippedAccounts = append(p.SkippedAccounts, SkippedAccount{ID: readableLine(a.ID), Name: readableLine(a.Name), State: readableLine(a.State)})
	}
	for _, row := range enabledRegionRows(r.Scan.EnabledRegions) {
		p.EnabledRegions = append(p.EnabledRegions, accountRegions{Account: readableLine(row.Account), Regions: readableLines(row.Regions)})
	}
	if p.Tool == "" {
		p.Tool = "crrscan"
	}
	p.Title = p.Tool + " report"

	// Most severe first (BySeverity keeps the result's order within a severity).
	fs := make([]Finding, len(r.Findings))
	copy(fs, r.Findings)
	sortFindings(fs)
	fs = BySeverity(fs)

	openBySev := map[string]int{}
	for i, f := range fs {
		v, err := newFindingView(i+1, f)
		if err != nil {
			return nil, err
		}
		p.Findings = append(p.Findings, v)
		switch f.Status {
		case StatusFail:
			p.Open++
			openBySev[f.Severity]++
		case StatusError:
			p.Errors++
			p.ErrorFindings = append(p.ErrorFindings, v)
		case StatusWaived:
			p.Waived++
			p.WaivedFindings = append(p.WaivedFindings, v)
		}
		if f.CheckID == checkReadError {
			p.ReadErrors++
		}
	}
	for _, s := range severityOrder(fs) {
		if s == "error" {
			continue
		}
		p.Severities = append(p.Severities, severityCount{Name: readableLine(s), Count: openBySev[s]})
	}
	p.Checks = checkRows(r.Summary.Checks)
	for _, c := range p.Checks {
		if c.Fail > 0 || c.Waived > 0 {
			p.FailingChecks = append(p.FailingChecks, c)
		} else {
			p.OtherChecks = append(p.OtherChecks, c)
		}
	}
	buckets, edges := normalizedMap(r.Map)
	p.AccountRows = accountRows(r, fs, buckets)
	if len(buckets) > 0 {
		p.Map = layoutMap(buckets, edges, fs)
	}
	p.Filters = filters(fs)
	if r.Drift != nil {
		p.Drift = newDriftView(r.Drift)
	}
	return p, nil
}

// contentSecurityPolicy allows exactly the inline style sheet and script (by hash)
// and nothing else: no network, no other script, style, image, frame or form.
func contentSecurityPolicy(css, js []byte) string {
	hash := func(b []byte) string {
		sum := sha256.Sum256(b)
		return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	return "default-src 'none'; style-src " + hash(css) + "; script-src " + hash(js) +
		"; base-uri 'none'; form-action 'none'"
}

func newFindingView(index int, f Finding) (findingView, error) {
	evidence, err := prettyJSON(f.Evidence)
	if err != nil {
		return findingView{}, fmt.Errorf("evidence of %s on %s: %w", f.CheckID, f.Bucket, err)
	}
	v := findingView{
		Index:       index,
		CheckID:     readableLine(f.CheckID),
		Title:       readableLine(f.Title),
		Severity:    readableLine(f.Severity),
		Status:      readableLine(f.Status),
		Account:     readableLine(f.AccountID),
		Region:      readableLine(f.Region),
		Bucket:      readableLine(f.Bucket),
		ResourceARN: readableLine(f.ResourceARN),
		RuleID:      readableLine(f.RuleID),
		Destination: readableLine(f.Destination),
		Message:     readableLine(f.Message),
		Fingerprint: readableLine(f.Fingerprint),
		Frameworks:  frameworksOf(f),
		Compliance:  readableLine(ComplianceText(f.Compliance)),
		Evidence:    evidence,
		Summary:     readableLine(f.Remediation.Summary),
		Terraform:   readableBlock(f.Remediation.Terraform),
	}
	if len(f.Evidence) == 0 {
		v.Evidence = ""
	}
	for _, c := range f.Remediation.Commands {
		v.Commands = append(v.Commands, readableBlock(c))
	}
	names := make([]string, 0, len(f.Remediation.Documents))
	for name := range f.Remediation.Documents {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		var body string
		if s, ok := f.Remediation.Documents[name].(string); ok {
			body = readableBlock(s)
		} else if body, err = prettyJSON(f.Remediation.Documents[name]); err != nil {
			return findingView{}, fmt.Errorf("document %q of %s on %s: %w", name, f.CheckID, f.Bucket, err)
		}
		v.Documents = append(v.Documents, documentView{Name: readableLine(name), Body: body})
	}
	if w, ok := f.Evidence["waiver"].(map[string]any); ok {
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			val, ok := w[k].(string)
			if !ok {
				val, _ = prettyJSON(w[k])
			}
			v.Waiver = append(v.Waiver, keyValue{Key: readableLine(k), Value: readableLine(val)})
		}
	}
	return v, nil
}

// prettyJSON indents v by two spaces. HTML is not escaped (html/template escapes the
// text it lands in); C0 controls, U+2028/9, C1 controls and bidi controls come out as
// \u escapes, which mean the same characters in JSON but cannot hide or reorder text.
func prettyJSON(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return string(escapeInvisible(bytes.TrimRight(buf.Bytes(), "\n"))), nil
}

// readableLine shows text on one line: tabs and line breaks become spaces; other
// control characters, bidi controls and invalid UTF-8 become visible markers.
func readableLine(s string) string { return readable(s, false) }

// readableBlock keeps line breaks and tabs (commands, Terraform) and otherwise
// behaves as readableLine.
func readableBlock(s string) string { return readable(s, true) }

func readableLines(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = readableLine(s)
	}
	return out
}

func readable(s string, multiline bool) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r == '\r' && multiline && strings.HasPrefix(s[i+size:], "\n"):
			// CR LF is one line break.
		case (r == '\n' || r == '\t') && multiline:
			b.WriteRune(r)
		case r == '\n' || r == '\t' || r == '\r' || r == 0x2028 || r == 0x2029 || r == 0x85:
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || isBidiControl(r) || r == 0xfeff:
			fmt.Fprintf(&b, "[U+%04X]", r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

func formatDuration(start, end time.Time) string {
	if start.IsZero() || end.IsZero() || end.Before(start) {
		return "—"
	}
	return end.Sub(start).Round(time.Millisecond).String()
}

// severityClass is the CSS class suffix of a severity; unknown values get "other".
func severityClass(s string) string {
	switch s {
	case "critical", "high", "medium", "low", "info", "error":
		return s
	}
	return "other"
}

// severityOrder lists the known severities, most severe first, then "error", then
// any other severity found in fs, sorted.
func severityOrder(fs []Finding) []string {
	out := append(Severities(), "error")
	var other []string
	for _, f := range fs {
		if !slices.Contains(out, f.Severity) && !slices.Contains(other, f.Severity) {
			other = append(other, f.Severity)
		}
	}
	sort.Strings(other)
	return append(out, other...)
}

func checkRows(cs []CheckSummary) []checkRow {
	cs = slices.Clone(cs)
	slices.SortStableFunc(cs, func(a, b CheckSummary) int { return strings.Compare(a.CheckID, b.CheckID) })
	rows := make([]checkRow, 0, len(cs))
	for _, c := range cs {
		row := checkRow{
			ID: readableLine(c.CheckID), Title: readableLine(c.Title), Severity: readableLine(c.Severity),
			Pass: c.Pass, Fail: c.Fail, Error: c.Error, Waived: c.Waived,
			Judged:   c.Pass + c.Fail + c.Error + c.Waived,
			Affected: "—",
		}
		if row.Judged > 0 {
			row.Affected = fmt.Sprintf("%d of %d", c.Fail+c.Error+c.Waived, row.Judged)
		}
		if row.Judged > 0 {
			total := float64(row.Judged)
			pct := func(n int) float64 { return float64(n) * 100 / total }
			row.PassW = fmt.Sprintf("%.2f", pct(c.Pass))
			row.FailX = row.PassW
			row.FailW = fmt.Sprintf("%.2f", pct(c.Fail))
			row.ErrorX = fmt.Sprintf("%.2f", pct(c.Pass+c.Fail))
			row.ErrorW = fmt.Sprintf("%.2f", pct(c.Error))
			row.WaiveX = fmt.Sprintf("%.2f", pct(c.Pass+c.Fail+c.Error))
			row.WaiveW = fmt.Sprintf("%.2f", pct(c.Waived))
		}
		rows = append(rows, row)
	}
	return rows
}

func accountRows(r *Result, fs []Finding, buckets []MapBucket) []accountRow {
	ids := slices.Clone(r.Scan.Accounts)
	for _, f := range fs {
		ids = append(ids, f.AccountID)
	}
	listed := map[string]int{}
	for _, b := range buckets {
		if b.Listed {
			listed[b.AccountID]++
			ids = append(ids, b.AccountID)
		}
	}
	ids = sortedSet(ids)
	rows := make([]accountRow, 0, len(ids))
	for _, id := range ids {
		row := accountRow{ID: readableLine(id), Buckets: "—"}
		if id == "" {
			row.ID = "(unknown account)"
		}
		if len(buckets) > 0 {
			row.Buckets = fmt.Sprint(listed[id])
		}
		bySev := map[string]int{}
		affected := map[string]bool{}
		for _, f := range fs {
			if f.AccountID != id {
				continue
			}
			switch f.Status {
			case StatusFail:
				row.Open++
				bySev[f.Severity]++
				affected[f.Bucket] = true
			case StatusError:
				row.Errors++
			case StatusWaived:
				row.Waived++
			}
		}
		row.BucketsAffected = len(affected)
		for _, s := range Severities() {
			row.BySeverity = append(row.BySeverity, severityCount{Name: s, Count: bySev[s]})
		}
		rows = append(rows, row)
	}
	return rows
}

func filters(fs []Finding) []filterSelect {
	count := func(key func(Finding) string) map[string]int {
		m := map[string]int{}
		for _, f := range fs {
			m[key(f)]++
		}
		return m
	}
	options := func(counts map[string]int, order []string) []filterOption {
		if order == nil {
			for v := range counts {
				order = append(order, v)
			}
			sort.Strings(order)
		}
		var out []filterOption
		for _, v := range order {
			if counts[v] > 0 {
				out = append(out, filterOption{Value: readableLine(v), Count: counts[v]})
			}
		}
		return out
	}
	selects := []filterSelect{
		{Key: "severity", Label: "Severity", Options: options(count(func(f Finding) string { return f.Severity }), severityOrder(fs))},
		{Key: "status", Label: "Status", Options: options(count(func(f Finding) string { return f.Status }), []string{StatusFail, StatusError, StatusWaived})},
		{Key: "check", Label: "Check", Options: options(count(func(f Finding) string { return f.CheckID }), nil)},
		{Key: "account", Label: "Account", Options: options(count(func(f Finding) string { return f.AccountID }), nil)},
		{Key: "region", Label: "Region", Options: options(count(func(f Finding) string { return f.Region }), nil)},
	}
	// Framework: only when some finding maps to a compliance framework; a finding
	// counts once under each of its frameworks.
	if fws := Frameworks(fs); len(fws) > 0 {
		counts := map[string]int{}
		for _, f := range fs {
			for _, fw := range strings.Fields(frameworksOf(f)) {
				counts[fw]++
			}
		}
		selects = append(selects, filterSelect{Key: "framework", Label: "Framework", Options: options(counts, nil)})
	}
	return selects
}

// frameworksOf is the finding's distinct frameworks, sorted and space-separated.
func frameworksOf(f Finding) string {
	return strings.Join(Frameworks([]Finding{f}), " ")
}

// driftView is the template's view of a Drift; strings are made readable.
type driftView struct {
	Since                                    string
	FindingsCompared                         bool
	New, Resolved, StillOpen, ChangedFinding int
	FindingRows                              []driftFindingView
	ConfigCompared                           bool
	Changes, BucketsChanged                  int
	ChangeRows                               []driftChangeView
	NotCompared                              []string
	Notes                                    []string
}

type driftFindingView struct {
	Change, Class                    string // Class: a pill class (warn for new, ok for resolved)
	Severity, CheckID                string
	Account, Region, Bucket, Message string
	Fingerprint                      string
}

type driftChangeView struct {
	Account, Region, Bucket, Rule string
	Change, Before, After         string
}

func newDriftView(d *Drift) *driftView {
	v := &driftView{Since: readableLine(driftSince(d)), Notes: readableLines(d.Notes)}
	if f := d.Findings; f != nil {
		v.FindingsCompared = true
		v.New, v.Resolved, v.StillOpen, v.ChangedFinding = len(f.New), len(f.Resolved), len(f.StillOpen), d.Summary.ChangedFindings
		for _, e := range driftFindingRows(f) {
			class := ""
			switch e.change {
			case "new":
				class = "warn"
			case "resolved":
				class = "ok"
			}
			v.FindingRows = append(v.FindingRows, driftFindingView{
				Change: readableLine(e.change), Class: class, Severity: readableLine(e.f.Severity), CheckID: readableLine(e.f.CheckID),
				Account: readableLine(e.f.AccountID), Region: readableLine(e.f.Region), Bucket: readableLine(e.f.Bucket),
				Message: readableLine(e.f.Message), Fingerprint: readableLine(e.f.Fingerprint),
			})
		}
	}
	if c := d.Configuration; c != nil {
		v.ConfigCompared = true
		v.Changes, v.BucketsChanged = d.Summary.ConfigurationChanges, d.Summary.BucketsChanged
		for _, b := range c.Buckets {
			for _, ch := range b.Changes {
				v.ChangeRows = append(v.ChangeRows, driftChangeView{
					Account: readableLine(b.AccountID), Region: readableLine(b.Region), Bucket: readableLine(b.Bucket),
					Rule: readableLine(ch.RuleID), Change: ChangeLabel(ch.Kind),
					Before: readableLine(ch.Before), After: readableLine(ch.After),
				})
			}
			if len(b.NotCompared) > 0 {
				v.NotCompared = append(v.NotCompared, readableLine(b.Bucket+": "+strings.Join(b.NotCompared, ", ")))
			}
		}
	}
	return v
}
