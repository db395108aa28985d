package report

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
)

var _ Writer = (*SARIF)(nil)

const (
	sarifVersion   = "2.1.0"
	sarifSchemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
	// informationURI is crrscan's home page, named in the SARIF tool component.
	informationURI = "https://github.com/crrscan/crrscan"
	// helpURI is where every rule's documentation starts: the README's check list.
	helpURI = informationURI + "#checks"
	// sarifFingerprintKey names crrscan's finding fingerprint among a result's
	// partialFingerprints; the version changes only if Fingerprint's inputs do.
	sarifFingerprintKey = "crrscanFingerprint/v1"
)

// SARIF writes a SARIF 2.1.0 log for GitHub code scanning and other SARIF viewers:
// one run whose driver lists a rule per check of the summary, and one result per
// fail or error finding; a waived finding is a result with an external suppression
// carrying the waiver's justification.
//
// Locations: an AWS resource is not a file, but GitHub code scanning rejects a result
// without a physical location. Each result therefore has a logical location (the
// resource ARN, kind "resource") and a physical location whose artifact URI is the
// relative path aws/<account>/<region>/<bucket> (each segment percent-encoded;
// "global" when there is no region, "unknown-account" when there is no account) at
// line 1. The path exists in no repository: GitHub shows the alert without a code
// snippet, and the path keeps alerts apart per bucket. GitHub matches an alert across
// uploads with partialFingerprints["crrscanFingerprint/v1"], the finding fingerprint.
type SARIF struct{}

// SARIF 2.1.0 object model: only the properties crrscan writes.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool        sarifTool         `json:"tool"`
		Invocations []sarifInvocation `json:"invocations"`
		Results     []sarifResult     `json:"results"`
		Properties  sarifRunProps     `json:"properties"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string            `json:"id"`
		Name                 string            `json:"name"`
		ShortDescription     sarifText         `json:"shortDescription"`
		FullDescription      sarifText         `json:"fullDescription"`
		Help                 sarifMultiformat  `json:"help"`
		HelpURI              string            `json:"helpUri"`
		DefaultConfiguration sarifRuleConfig   `json:"defaultConfiguration"`
		Properties           sarifRuleProperty `json:"properties"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifMultiformat struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown"`
	}
	sarifRuleConfig struct {
		Level string `json:"level"`
	}
	sarifRuleProperty struct {
		SecuritySeverity string   `json:"security-severity,omitempty"`
		Tags             []string `json:"tags"`
	}
	sarifInvocation struct {
		ExecutionSuccessful bool   `json:"executionSuccessful"`
		StartTimeUTC        string `json:"startTimeUtc,omitempty"`
		EndTimeUTC          string `json:"endTimeUtc,omitempty"`
	}
	sarifResult struct {
		RuleID              string             `json:"ruleId"`
		RuleIndex           int                `json:"ruleIndex"`
		Level               string             `json:"level"`
		Message             sarifText          `json:"message"`
		Locations           []sarifLocation    `json:"locations"`
		PartialFingerprints map[string]string  `json:"partialFingerprints"`
		Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
		Properties          sarifResultProps   `json:"properties"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysicalLocation  `json:"physicalLocation"`
		LogicalLocations []sarifLogicalLocation `json:"logicalLocations"`
	}
	sarifPhysicalLocation struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
		Region           sarifRegion           `json:"region"`
	}
	sarifArtifactLocation struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine int `json:"startLine"`
	}
	sarifLogicalLocation struct {
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind"`
	}
	sarifSuppression struct {
		Kind          string `json:"kind"`
		Status        string `json:"status"`
		Justification string `json:"justification"`
	}
	// sarifResultProps repeats the finding's crrscan fields that SARIF has no place for.
	sarifResultProps struct {
		Severity    string `json:"severity"`
		Status      string `json:"status"`
		AccountID   string `json:"accountId,omitempty"`
		Region      string `json:"region,omitempty"`
		Bucket      string `json:"bucket,omitempty"`
		RuleID      string `json:"replicationRuleId,omitempty"`
		Destination string `json:"destination,omitempty"`
		// Compliance are the framework controls the check supports.
		Compliance []Control `json:"compliance,omitempty"`
	}
	sarifRunProps struct {
		Complete       bool     `json:"complete"`
		BucketsScanned int      `json:"bucketsScanned"`
		Accounts       []string `json:"accounts"`
		Regions        []string `json:"regions"`
		PolicyDigest   string   `json:"policyDigest,omitempty"`
		Source         string   `json:"source,omitempty"`
		// SkippedAccounts and EnabledRegions repeat the scan's coverage (run
		// properties are a SARIF property bag: any key is allowed).
		SkippedAccounts []SkippedAccount    `json:"skippedAccounts,omitempty"`
		EnabledRegions  map[string][]string `json:"enabledRegions,omitempty"`
		// CollectedAt and EvaluatedAt are the scan's collected_at and evaluated_at.
		CollectedAt string `json:"collectedAt,omitempty"`
		EvaluatedAt string `json:"evaluatedAt,omitempty"`
	}
)

// securitySeverity is GitHub's security-severity score per crrscan severity
// (GitHub reads > 9.0 as critical, 7.0–8.9 high, 4.0–6.9 medium, below 4 low).
var securitySeverity = map[string]string{
	"critical": "9.5",
	"high":     "8.0",
	"medium":   "5.5",
	"low":      "3.0",
	"info":     "1.0",
}

// sarifLevel maps a crrscan severity to a SARIF level: error for critical and high
// (and for CRR-090, whose severity is "error"), warning for medium, note for low and
// info. An unknown severity (a custom check's) is a warning.
func sarifLevel(checkID, severity string) string {
	if checkID == checkReadError {
		return "error"
	}
	switch severity {
	case "critical", "high", StatusError:
		return "error"
	case "medium":
		return "warning"
	case "low", "info":
		return "note"
	}
	return "warning"
}

// Write renders r to w as indented JSON ending in a newline.
func (*SARIF) Write(w io.Writer, r *Result) error {
	if r == nil {
		return errors.New("write sarif: nil result")
	}
	rules, index := sarifRules(r)
	results := make([]sarifResult, 0, len(r.Findings))
	for _, f := range r.Findings {
		if f.Status != StatusFail && f.Status != StatusError && f.Status != StatusWaived {
			continue
		}
		results = append(results, sarifResultOf(f, index[f.CheckID]))
	}
	inv := sarifInvocation{ExecutionSuccessful: r.Scan.Complete}
	if !r.Scan.StartedAt.IsZero() {
		inv.StartTimeUTC = r.Scan.StartedAt.UTC().Format(time.RFC3339)
	}
	if !r.Scan.FinishedAt.IsZero() {
		inv.EndTimeUTC = r.Scan.FinishedAt.UTC().Format(time.RFC3339)
	}
	doc := sarifLog{
		Schema:  sarifSchemaURI,
		Version: sarifVersion,
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name:           cmp.Or(terminalText(r.Tool.Name), "crrscan"),
				Version:        sarifToolVersion(r.Tool.Version),
				InformationURI: informationURI,
				Rules:          rules,
			}},
			Invocations: []sarifInvocation{inv},
			Results:     results,
			Properties: sarifRunProps{
				Complete:        r.Scan.Complete,
				BucketsScanned:  r.Scan.BucketsScanned,
				Accounts:        sanitizedList(r.Scan.Accounts),
				Regions:         sanitizedList(r.Scan.Regions),
				PolicyDigest:    terminalText(r.Scan.PolicyDigest),
				Source:          terminalText(r.Scan.Source),
				SkippedAccounts: sarifSkipped(r.Scan.SkippedAccounts),
				EnabledRegions:  sarifEnabledRegions(r.Scan.EnabledRegions),
				CollectedAt:     rfc3339(r.Scan.CollectedAt),
				EvaluatedAt:     rfc3339(r.Scan.EvaluatedAt),
			},
		}},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write sarif: %w", err)
	}
	if _, err := w.Write(escapeInvisible(buf.Bytes())); err != nil {
		return fmt.Errorf("write sarif: %w", err)
	}
	return nil
}

// sarifRules builds one rule per check of the summary, plus any check that only a
// finding names (a Result not built by NewResult), in check id order, and the index
// of each rule by id.
func sarifRules(r *Result) ([]sarifRule, map[string]int) {
	checks := slices.Clone(r.Summary.Checks)
	known := map[string]bool{}
	for _, c := range checks {
		known[c.CheckID] = true
	}
	for _, f := range r.Findings {
		if !known[f.CheckID] {
			known[f.CheckID] = true
			checks = append(checks, CheckSummary{CheckID: f.CheckID, Title: f.Title, Severity: f.Severity})
		}
	}
	slices.SortStableFunc(checks, func(a, b CheckSummary) int { return strings.Compare(a.CheckID, b.CheckID) })
	checks = slices.CompactFunc(checks, func(a, b CheckSummary) bool { return a.CheckID == b.CheckID })

	// The remediation summary is the check's own text, the same on each of its findings.
	remediation := map[string]string{}
	for _, f := range r.Findings {
		if _, ok := remediation[f.CheckID]; !ok && strings.TrimSpace(f.Remediation.Summary) != "" {
			remediation[f.CheckID] = f.Remediation.Summary
		}
	}

	// A check's framework controls are the same on each of its findings.
	controls := map[string][]Control{}
	for _, f := range r.Findings {
		if _, ok := controls[f.CheckID]; !ok && len(f.Compliance) > 0 {
			controls[f.CheckID] = f.Compliance
		}
	}

	rules := make([]sarifRule, len(checks))
	index := make(map[string]int, len(checks))
	for i, c := range checks {
		index[c.CheckID] = i
		id := terminalText(c.CheckID)
		title := cmp.Or(terminalText(c.Title), id)
		sev := terminalText(c.Severity)
		explain := "crrscan checks explain " + id
		fix := multilineText(remediation[c.CheckID])
		helpText := fmt.Sprintf("Run \"%s\" for the check's description and remediation.", explain)
		helpMarkdown := fmt.Sprintf("Run %s for the check's description and remediation.", codeSpan(explain))
		if strings.TrimSpace(fix) != "" {
			helpText = fix + "\n\n" + helpText
			helpMarkdown = markdownParagraphs(fix) + "\n\n" + helpMarkdown
		}
		full := strings.TrimRight(title, ".") + " (crrscan check " + id
		if sev != "" {
			full += ", severity " + sev
		}
		full += ")."
		tags := []string{"security", "aws", "s3"}
		for _, ctl := range controls[c.CheckID] {
			tags = append(tags, terminalText("compliance/"+ctl.Framework+"/"+ctl.Control))
		}
		rules[i] = sarifRule{
			ID:                   id,
			Name:                 ruleName(title, id),
			ShortDescription:     sarifText{Text: title},
			FullDescription:      sarifText{Text: full},
			Help:                 sarifMultiformat{Text: helpText, Markdown: helpMarkdown},
			HelpURI:              helpURI,
			DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(c.CheckID, c.Severity)},
			Properties:           sarifRuleProperty{SecuritySeverity: securitySeverity[c.Severity], Tags: tags},
		}
	}
	return rules, index
}

func sarifResultOf(f Finding, ruleIndex int) sarifResult {
	arn := cmp.Or(terminalText(f.ResourceARN), sarifBucketARN(f.Bucket))
	res := sarifResult{
		RuleID:    terminalText(f.CheckID),
		RuleIndex: ruleIndex,
		Level:     sarifLevel(f.CheckID, f.Severity),
		Message:   sarifText{Text: sentence(cmp.Or(terminalText(f.Message), terminalText(f.Title), f.CheckID))},
		Locations: []sarifLocation{{
			PhysicalLocation: sarifPhysicalLocation{
				ArtifactLocation: sarifArtifactLocation{URI: sarifArtifactURI(f)},
				Region:           sarifRegion{StartLine: 1},
			},
			LogicalLocations: []sarifLogicalLocation{{FullyQualifiedName: arn, Kind: "resource"}},
		}},
		PartialFingerprints: map[string]string{sarifFingerprintKey: terminalText(f.Fingerprint)},
		Properties: sarifResultProps{
			Severity:    terminalText(f.Severity),
			Status:      terminalText(f.Status),
			AccountID:   terminalText(f.AccountID),
			Region:      terminalText(f.Region),
			Bucket:      terminalText(f.Bucket),
			RuleID:      terminalText(f.RuleID),
			Destination: terminalText(f.Destination),
			Compliance:  sarifControls(f.Compliance),
		},
	}
	if f.Status == StatusWaived {
		res.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted", Justification: waiverJustification(f)}}
	}
	return res
}

// sarifArtifactURI is the relative path aws/<account>/<region>/<bucket> that stands
// in for a file (see SARIF). Segments are percent-encoded, and "." or ".." cannot
// act as a path step.
func sarifArtifactURI(f Finding) string {
	segs := []string{"aws", cmp.Or(f.AccountID, "unknown-account"), cmp.Or(f.Region, "global")}
	if f.Bucket != "" {
		segs = append(segs, f.Bucket)
	}
	for i, s := range segs {
		s = url.PathEscape(s)
		if s == "." || s == ".." {
			s = strings.ReplaceAll(s, ".", "%2E")
		}
		segs[i] = s
	}
	return strings.Join(segs, "/")
}

// sarifToolVersion is the version SARIF viewers compare: a release version (one that
// starts with a digit, after the "v" of a Git tag) as it is; anything else, such as a development build's "dev",
// as the SemVer pre-release 0.0.0-dev, which sorts before every release.
func sarifToolVersion(v string) string {
	v = terminalText(v)
	if len(v) > 1 && v[0] == 'v' && v[1] >= '0' && v[1] <= '9' { // a Git tag: v1.2.3
		v = v[1:]
	}
	if v != "" && v[0] >= '0' && v[0] <= '9' {
		return v
	}
	pre := strings.Map(func(r rune) rune {
		if isASCIIAlnum(r) || r == '-' || r == '.' {
			return r
		}
		return '-'
	}, v)
	return "0.0.0-" + cmp.Or(strings.Trim(pre, ".-"), "unknown")
}

func sarifBucketARN(bucket string) string {
	if bucket == "" {
		return "unknown"
	}
	return "arn:aws:s3:::" + terminalText(bucket)
}

// waiverJustification says why a waived finding is accepted: the waiver's reason,
// owner, ticket and expiry from the finding's evidence ("waiver": {reason, owner,
// ticket, expires}), or the finding's message when the evidence has none of them.
func waiverJustification(f Finding) string {
	w, _ := f.Evidence["waiver"].(map[string]any)
	str := func(k string) string {
		s, _ := w[k].(string)
		return terminalText(s)
	}
	var parts []string
	for _, kv := range [][2]string{{"owner", str("owner")}, {"ticket", str("ticket")}, {"expires", str("expires")}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+" "+kv[1])
		}
	}
	reason := str("reason")
	switch {
	case reason != "" && len(parts) > 0:
		return reason + " (" + strings.Join(parts, ", ") + ")"
	case reason != "":
		return reason
	case len(parts) > 0:
		return "waived (" + strings.Join(parts, ", ") + ")"
	}
	return cmp.Or(terminalText(f.Message), "waived")
}

// ruleName turns a check title into the Pascal-case identifier SARIF recommends as
// a rule name: each word capitalised and the rest of it lower-cased, so that no two
// capitals meet ("SSE-KMS objects are not replicated" → "SseKmsObjectsAreNotReplicated");
// apostrophes vanish, "a" and "an" are dropped, and another one-letter word joins the
// word before it in lower case ("SSE-C" → "Ssec"). A name that would not start with a
// letter, or that has no word of its own (it is built from the id), starts with "Check".
func ruleName(title, id string) string {
	words := func(s string) []string {
		s = strings.NewReplacer("'", "", "\u2019", "").Replace(s)
		return strings.FieldsFunc(s, func(r rune) bool { return !isASCIIAlnum(r) })
	}
	var b strings.Builder
	for _, w := range words(title) {
		w = strings.ToLower(w)
		switch {
		case w == "a" || w == "an":
		case len(w) == 1 && unicode.IsLetter(rune(w[0])):
			if b.Len() > 0 {
				b.WriteString(w)
			}
		default:
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	name := b.String()
	if name == "" {
		for _, w := range words(id) {
			w = strings.ToLower(w)
			name += strings.ToUpper(w[:1]) + w[1:]
		}
		return "Check" + name
	}
	if !unicode.IsLetter(rune(name[0])) {
		name = "Check" + name
	}
	return name
}

func isASCIIAlnum(r rune) bool {
	return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}

// sentence ends s with a full stop unless it already ends with punctuation, as SARIF
// asks of messages.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s[len(s)-1:], ".!?") {
		return s
	}
	return s + "."
}

// sarifSkipped is the skipped accounts, sorted and sanitised, for the run properties.
func sarifSkipped(accounts []SkippedAccount) []SkippedAccount {
	var out []SkippedAccount
	for _, a := range sortedSkipped(accounts) {
		out = append(out, SkippedAccount{ID: terminalText(a.ID), Name: terminalText(a.Name), State: terminalText(a.State)})
	}
	return out
}

// sarifEnabledRegions is the enabled regions per account, sanitised, for the run
// properties; nil when none was recorded.
func sarifEnabledRegions(m map[string][]string) map[string][]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string][]string, len(m))
	for _, row := range enabledRegionRows(m) {
		out[terminalText(row.Account)] = sanitizedList(row.Regions)
	}
	return out
}

func sanitizedList(vals []string) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = terminalText(v)
	}
	return out
}

// sarifControls are the controls with their text made inert.
func sarifControls(cs []Control) []Control {
	if len(cs) == 0 {
		return nil
	}
	out := make([]Control, len(cs))
	for i, c := range cs {
		out[i] = Control{Framework: terminalText(c.Framework), Control: terminalText(c.Control)}
	}
	return out
}
