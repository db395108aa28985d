// Package report holds the result model (findings, summary, scan metadata), the
// exit-code rule, and one writer per output format. It never calls AWS or Rego.
package report

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
	"time"
)

// SchemaVersion is the version of the JSON result document.
const SchemaVersion = "1"

// Finding statuses.
const (
	StatusFail   = "fail"
	StatusError  = "error"
	StatusWaived = "waived"
)

// Result is one scan's outcome: what was scanned, the findings, and a summary.
type Result struct {
	SchemaVersion string    `json:"schema_version"`
	Tool          Tool      `json:"tool"`
	Scan          ScanInfo  `json:"scan"`
	Summary       Summary   `json:"summary"`
	Findings      []Finding `json:"findings"`
	// Drift is what changed since a baseline (scan --baseline, crrscan diff); absent
	// without one. See drift.go.
	Drift *Drift `json:"drift,omitempty"`
	// Map is the replication graph the HTML report draws; it is not part of the JSON
	// contract. The pipeline fills it from the snapshot (see ReplicationMap).
	Map ReplicationMap `json:"-"`
	// Buckets are the per-bucket check outcomes the JUnit report lists passing
	// checks from; not part of the JSON contract. See WithBuckets.
	Buckets []BucketOutcome `json:"-"`
	// Evidence is the live verification evidence of the replicating buckets the
	// HTML report shows; not part of the JSON contract (findings carry it).
	Evidence []BucketEvidence `json:"-"`
}

// Tool names the program that produced the result.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// ScanInfo is the scan's metadata and completeness.
type ScanInfo struct {
	StartedAt      time.Time `json:"started_at"`
	FinishedAt     time.Time `json:"finished_at"`
	Accounts       []string  `json:"accounts"`
	Regions        []string  `json:"regions"`
	BucketsScanned int       `json:"buckets_scanned"`
	Complete       bool      `json:"complete"`
	PolicyDigest   string    `json:"policy_digest"`
	// Source says where the data came from: "aws" or "snapshot:<file>".
	Source string `json:"source,omitempty"`
	// SkippedAccounts are the organisation's accounts that were not scanned because
	// they are not ACTIVE (suspended, closed, pending closure), sorted by id; absent
	// when none was skipped.
	SkippedAccounts []SkippedAccount `json:"skipped_accounts,omitempty"`
	// EnabledRegions are the regions found enabled in each scanned account (account
	// id → sorted region names); an account whose regions could not be read is
	// absent, and so is the field when no account's regions were read.
	EnabledRegions map[string][]string `json:"enabled_regions,omitempty"`
	// CollectedAt is when the evidence was collected (the snapshot's time), and
	// EvaluatedAt when the checks judged it: hours or days apart when a stored
	// snapshot is evaluated (--from-snapshot). Absent when unknown.
	CollectedAt time.Time `json:"collected_at,omitzero"`
	EvaluatedAt time.Time `json:"evaluated_at,omitzero"`
	// VerificationRequests counts the requests live verification made, by
	// operation; absent when the scan did not verify.
	VerificationRequests map[string]int `json:"verification_requests,omitempty"`
}

// SkippedAccount is an account of the organisation that the scan left out, and why.
type SkippedAccount struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// State is the account's state in AWS Organizations (SUSPENDED, CLOSED,
	// PENDING_CLOSURE, ...): the reason it was not scanned.
	State string `json:"state"`
}

// Summary counts findings and per-check outcomes.
type Summary struct {
	ByStatus   map[string]int `json:"by_status"`
	BySeverity map[string]int `json:"by_severity"`
	Checks     []CheckSummary `json:"checks"`
}

// CheckSummary is one check's outcome over the scanned buckets.
type CheckSummary struct {
	CheckID  string `json:"check_id"`
	Title    string `json:"title"`
	Severity string `json:"severity"`
	Pass     int    `json:"pass"`
	Fail     int    `json:"fail"`
	Error    int    `json:"error"`
	Waived   int    `json:"waived"`
}

// Finding is one problem on one bucket (and, where it applies, one rule and destination).
type Finding struct {
	CheckID     string         `json:"check_id"`
	Title       string         `json:"title"`
	Severity    string         `json:"severity"`
	Status      string         `json:"status"`
	AccountID   string         `json:"account_id"`
	Region      string         `json:"region"`
	Bucket      string         `json:"bucket"`
	ResourceARN string         `json:"resource_arn"`
	RuleID      string         `json:"rule_id,omitempty"`
	Destination string         `json:"destination,omitempty"`
	Message     string         `json:"message"`
	Evidence    map[string]any `json:"evidence"`
	Remediation Remediation    `json:"remediation"`
	// Compliance are the framework controls the check supports (its METADATA's
	// custom.compliance), sorted; absent when it maps none.
	Compliance  []Control `json:"compliance,omitempty"`
	Fingerprint string    `json:"fingerprint"`
}

// Remediation is the concrete fix for a finding.
type Remediation struct {
	Summary   string         `json:"summary"`
	Commands  []string       `json:"commands"`
	Documents map[string]any `json:"documents"`
	Terraform string         `json:"terraform,omitempty"`
	// Actions are the AWS API calls of the fix (see Action), for the checks that can
	// be remediated; Commands are rendered from them.
	Actions []Action `json:"actions,omitempty"`
}

// Fingerprint identifies the same problem across runs: it depends only on the check,
// account, bucket, rule and destination, never on wording or order. extra tells apart
// several findings of one check on the same rule (e.g. the failed API call of CRR-090).
func Fingerprint(checkID, account, bucket, rule, destination, extra string) string {
	h := sha256.Sum256([]byte(strings.Join([]string{checkID, account, bucket, rule, destination, extra}, "\x00")))
	return hex.EncodeToString(h[:16])
}

// SortFindings orders findings by account, region, bucket, check, rule, destination, fingerprint.
func SortFindings(fs []Finding) {
	sort.Slice(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		switch {
		case a.AccountID != b.AccountID:
			return a.AccountID < b.AccountID
		case a.Region != b.Region:
			return a.Region < b.Region
		case a.Bucket != b.Bucket:
			return a.Bucket < b.Bucket
		case a.CheckID != b.CheckID:
			return a.CheckID < b.CheckID
		case a.RuleID != b.RuleID:
			return a.RuleID < b.RuleID
		case a.Destination != b.Destination:
			return a.Destination < b.Destination
		}
		return a.Fingerprint < b.Fingerprint
	})
}
