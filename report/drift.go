package report

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/crrscan/crrscan/scanner"
)

// Drift is what changed between a baseline scan and this one (the result's "drift"
// section): findings matched by fingerprint, and configuration changes per bucket
// computed from the two snapshots. Findings is nil when no findings were compared
// (two snapshots were diffed); Configuration is nil when a snapshot was missing
// (Notes say why). Lists are sorted and never nil.
type Drift struct {
	// Baseline and Current name the two sides that were compared.
	Baseline DriftSide `json:"baseline"`
	Current  DriftSide `json:"current"`
	// Summary counts the lists below.
	Summary DriftSummary `json:"summary"`
	// Findings are the findings new, resolved and still open since the baseline.
	Findings *FindingsDrift `json:"findings,omitempty"`
	// Configuration are the replication settings that changed, per bucket.
	Configuration *ConfigurationDrift `json:"configuration,omitempty"`
	// Notes say what could not be compared and why.
	Notes []string `json:"notes"`
}

// DriftSide is one side of a comparison: the files it came from and when it was scanned.
type DriftSide struct {
	// Result is the result file ("" for the result this drift is part of).
	Result string `json:"result,omitempty"`
	// Snapshot is the snapshot file, when one was compared.
	Snapshot string `json:"snapshot,omitempty"`
	// ScannedAt is the result's scan.started_at, else the snapshot's collected_at.
	ScannedAt *time.Time `json:"scanned_at,omitempty"`
}

// DriftSummary counts the drift.
type DriftSummary struct {
	NewFindings       int `json:"new_findings"`
	ResolvedFindings  int `json:"resolved_findings"`
	StillOpenFindings int `json:"still_open_findings"`
	// ChangedFindings are still-open findings whose status or severity changed.
	ChangedFindings int `json:"changed_findings"`
	// BucketsChanged and ConfigurationChanges count the configuration drift.
	BucketsChanged       int `json:"buckets_changed"`
	ConfigurationChanges int `json:"configuration_changes"`
}

// FindingsDrift sorts the findings of two results by fingerprint: New are only in
// the current result, Resolved only in the baseline, StillOpen in both.
type FindingsDrift struct {
	New       []DriftFinding `json:"new"`
	Resolved  []DriftFinding `json:"resolved"`
	StillOpen []DriftFinding `json:"still_open"`
}

// DriftFinding is a finding as the drift lists it: where it is and what it says
// (the current result's values; the baseline's for a resolved finding).
type DriftFinding struct {
	Fingerprint string `json:"fingerprint"`
	CheckID     string `json:"check_id"`
	Title       string `json:"title"`
	Severity    string `json:"severity"`
	Status      string `json:"status"`
	AccountID   string `json:"account_id"`
	Region      string `json:"region"`
	Bucket      string `json:"bucket"`
	RuleID      string `json:"rule_id,omitempty"`
	Destination string `json:"destination,omitempty"`
	Message     string `json:"message"`
	// Before is the baseline's status and severity of a still-open finding when
	// either changed (e.g. waived → fail when a waiver expired).
	Before *FindingState `json:"before,omitempty"`
}

// FindingState is a finding's status and severity.
type FindingState struct {
	Status   string `json:"status"`
	Severity string `json:"severity"`
}

// ConfigurationDrift is the configuration drift of every bucket that changed.
type ConfigurationDrift struct {
	Buckets []BucketDrift `json:"buckets"`
}

// BucketDrift is one bucket's changes. Bucket, AccountID and Region come from the
// current snapshot when it has the bucket, else from the baseline's.
type BucketDrift struct {
	AccountID string `json:"account_id"`
	Region    string `json:"region"`
	Bucket    string `json:"bucket"`
	Arn       string `json:"arn"`
	// Changes are in a fixed order: the bucket's own settings, then rule by rule.
	Changes []Change `json:"changes"`
	// NotCompared names what could not be compared because a read failed on one
	// side (replication, versioning, encryption, bucket): unknown is never drift.
	NotCompared []string `json:"not_compared,omitempty"`
}

// Change is one configuration change with its values before and after. An empty
// value means "none" (no rule, no role, no KMS key, no storage class set, versioning
// never enabled).
type Change struct {
	Kind string `json:"kind"`
	// RuleID is the rule's ID ("#N" for a rule without one); "" for bucket settings.
	RuleID string `json:"rule_id,omitempty"`
	// Destination is the rule's destination bucket ARN (the current one).
	Destination string `json:"destination,omitempty"`
	Before      string `json:"before"`
	After       string `json:"after"`
}

// Configuration change kinds, in the order they are listed within a bucket.
const (
	ChangeBucketAdded        = "bucket_added"
	ChangeBucketRemoved      = "bucket_removed"
	ChangeVersioning         = "versioning_changed"
	ChangeKMSKey             = "kms_key_changed"
	ChangeRole               = "role_changed"
	ChangeRuleAdded          = "rule_added"
	ChangeRuleRemoved        = "rule_removed"
	ChangeRuleEnabled        = "rule_enabled"
	ChangeRuleDisabled       = "rule_disabled"
	ChangeDestinationBucket  = "destination_bucket_changed"
	ChangeDestinationAccount = "destination_account_changed"
	ChangeDestinationRegion  = "destination_region_changed"
	ChangeStorageClass       = "storage_class_changed"
	ChangeRTC                = "rtc_toggled"
	ChangeDeleteMarkers      = "delete_marker_replication_toggled"
	ChangeReplicaKMSKey      = "replica_kms_key_changed"
)

// ChangeKinds lists the configuration change kinds in their order.
func ChangeKinds() []string {
	return []string{
		ChangeBucketAdded, ChangeBucketRemoved, ChangeVersioning, ChangeKMSKey, ChangeRole,
		ChangeRuleAdded, ChangeRuleRemoved, ChangeRuleEnabled, ChangeRuleDisabled,
		ChangeDestinationBucket, ChangeDestinationAccount, ChangeDestinationRegion,
		ChangeStorageClass, ChangeRTC, ChangeDeleteMarkers, ChangeReplicaKMSKey,
	}
}

// changeLabels are the kinds as the table, Markdown and HTML reports say them.
var changeLabels = map[string]string{
	ChangeBucketAdded:        "bucket added to the scan",
	ChangeBucketRemoved:      "bucket gone from the scan",
	ChangeVersioning:         "versioning changed",
	ChangeKMSKey:             "default encryption KMS key changed",
	ChangeRole:               "replication role changed",
	ChangeRuleAdded:          "rule added",
	ChangeRuleRemoved:        "rule removed",
	ChangeRuleEnabled:        "rule enabled",
	ChangeRuleDisabled:       "rule disabled",
	ChangeDestinationBucket:  "destination bucket changed",
	ChangeDestinationAccount: "destination account changed",
	ChangeDestinationRegion:  "destination region changed",
	ChangeStorageClass:       "storage class changed",
	ChangeRTC:                "Replication Time Control toggled",
	ChangeDeleteMarkers:      "delete marker replication toggled",
	ChangeReplicaKMSKey:      "replica KMS key changed",
}

// ChangeLabel is a change kind in words.
func ChangeLabel(kind string) string {
	if l, ok := changeLabels[kind]; ok {
		return l
	}
	return kind
}

// NewDrift assembles a Drift from the compared findings and configuration (either
// may be nil: not compared) and fills in the summary.
func NewDrift(baseline, current DriftSide, findings *FindingsDrift, config *ConfigurationDrift, notes []string) *Drift {
	d := &Drift{Baseline: baseline, Current: current, Findings: findings, Configuration: config, Notes: slices.Clone(notes)}
	if d.Notes == nil {
		d.Notes = []string{}
	}
	if findings != nil {
		d.Summary.NewFindings = len(findings.New)
		d.Summary.ResolvedFindings = len(findings.Resolved)
		d.Summary.StillOpenFindings = len(findings.StillOpen)
		for _, f := range findings.StillOpen {
			if f.Before != nil {
				d.Summary.ChangedFindings++
			}
		}
	}
	if config != nil {
		for _, b := range config.Buckets {
			if len(b.Changes) > 0 {
				d.Summary.BucketsChanged++
			}
			d.Summary.ConfigurationChanges += len(b.Changes)
		}
	}
	return d
}

// --- findings ----------------------------------------------------------------------

// DiffFindings matches the findings of a baseline and a current result by
// fingerprint, never by message or position: a reworded or reordered finding is
// still the same finding. Each list is in SortFindings order.
func DiffFindings(baseline, current []Finding) *FindingsDrift {
	old := slices.Clone(baseline)
	cur := slices.Clone(current)
	sortFindings(old)
	sortFindings(cur)
	// Several findings may share a fingerprint in a hand-made file; they pair up in order.
	byPrint := map[string][]Finding{}
	for _, f := range old {
		byPrint[f.Fingerprint] = append(byPrint[f.Fingerprint], f)
	}
	d := &FindingsDrift{New: []DriftFinding{}, Resolved: []DriftFinding{}, StillOpen: []DriftFinding{}}
	for _, f := range cur {
		prev, ok := byPrint[f.Fingerprint]
		if !ok || len(prev) == 0 {
			d.New = append(d.New, driftFinding(f))
			continue
		}
		byPrint[f.Fingerprint] = prev[1:]
		df := driftFinding(f)
		if prev[0].Status != f.Status || prev[0].Severity != f.Severity {
			df.Before = &FindingState{Status: prev[0].Status, Severity: prev[0].Severity}
		}
		d.StillOpen = append(d.StillOpen, df)
	}
	for _, f := range old {
		if rest := byPrint[f.Fingerprint]; len(rest) > 0 {
			byPrint[f.Fingerprint] = rest[1:]
			d.Resolved = append(d.Resolved, driftFinding(rest[0]))
		}
	}
	return d
}

func driftFinding(f Finding) DriftFinding {
	return DriftFinding{
		Fingerprint: f.Fingerprint, CheckID: f.CheckID, Title: f.Title, Severity: f.Severity, Status: f.Status,
		AccountID: f.AccountID, Region: f.Region, Bucket: f.Bucket, RuleID: f.RuleID, Destination: f.Destination,
		Message: f.Message,
	}
}

// ExitCodeNew is ExitCode for a gate on a long-lived estate (--fail-on-new): 3 when
// the scan is incomplete, 1 when a finding at or above the threshold is open now and
// was not open in the baseline (it is new, or it was waived or could not be judged
// there), otherwise 0. Without a findings drift it is ExitCode.
func (r *Result) ExitCodeNew(t FailOn) int {
	if r.Drift == nil || r.Drift.Findings == nil {
		return r.ExitCode(t)
	}
	if !r.Scan.Complete {
		return ExitIncomplete
	}
	if t.rank == 0 {
		return ExitOK
	}
	for _, f := range r.Drift.Findings.NewlyOpen() {
		if severityRank[f.Severity] >= t.rank {
			return ExitViolations
		}
	}
	return ExitOK
}

// NewlyOpen are the findings open now (status fail) that were not open in the
// baseline: the new ones, and those that were waived or not judged there.
func (d *FindingsDrift) NewlyOpen() []DriftFinding {
	var out []DriftFinding
	for _, f := range d.New {
		if f.Status == StatusFail {
			out = append(out, f)
		}
	}
	for _, f := range d.StillOpen {
		if f.Status == StatusFail && f.Before != nil && f.Before.Status != StatusFail {
			out = append(out, f)
		}
	}
	return out
}

// --- configuration -----------------------------------------------------------------

// DiffSnapshots compares the replication configuration of two snapshots, bucket by
// bucket (matched by ARN): the listed buckets' versioning, default-encryption KMS key,
// replication role and rules (matched by ID, by position for rules without one), and
// the versioning of destination buckets outside the scan. What a failed read left
// unknown on either side is not compared (BucketDrift.NotCompared), never reported
// as a change. Buckets without changes are left out.
func DiffSnapshots(baseline, current *scanner.Snapshot) *ConfigurationDrift {
	o, n := newSnapView(baseline), newSnapView(current)
	arns := map[string]bool{}
	for _, v := range []*snapView{o, n} {
		for arn := range v.listed {
			arns[arn] = true
		}
		for arn := range v.dests {
			arns[arn] = true
		}
	}
	out := &ConfigurationDrift{Buckets: []BucketDrift{}}
	for _, arn := range sortedKeys(arns) {
		bd := diffBucket(arn, o, n)
		if len(bd.Changes) == 0 && len(bd.NotCompared) == 0 {
			continue
		}
		slices.SortStableFunc(bd.Changes, compareChanges)
		out.Buckets = append(out.Buckets, bd)
	}
	slices.SortFunc(out.Buckets, func(a, b BucketDrift) int {
		return cmp.Or(strings.Compare(a.AccountID, b.AccountID), strings.Compare(a.Region, b.Region),
			strings.Compare(a.Bucket, b.Bucket), strings.Compare(a.Arn, b.Arn))
	})
	return out
}

// snapView indexes a snapshot by bucket ARN.
type snapView struct {
	listed map[string]*scanner.Bucket
	dests  map[string]*scanner.LinkedBucket
	// unlisted are accounts whose buckets could not be listed (account-level read
	// errors); all is true when such an error names no account.
	unlisted map[string]bool
	all      bool
}

func newSnapView(s *scanner.Snapshot) *snapView {
	v := &snapView{listed: map[string]*scanner.Bucket{}, dests: map[string]*scanner.LinkedBucket{}, unlisted: map[string]bool{}}
	if s == nil {
		return v
	}
	for i := range s.Buckets {
		b := &s.Buckets[i]
		v.listed[bucketArn(b.Arn, b.Name)] = b
	}
	for i := range s.Destinations {
		d := &s.Destinations[i]
		v.dests[bucketArn(d.Arn, d.Name)] = d
	}
	for _, e := range s.Errors {
		if id := accountIn(e.Resource); id != "" {
			v.unlisted[id] = true
		} else {
			v.all = true
		}
	}
	return v
}

// listedUnknown reports whether the snapshot may have missed a bucket of account.
func (v *snapView) listedUnknown(account string) bool {
	return v.all || account == "" || v.unlisted[account]
}

func bucketArn(arn, name string) string {
	if arn != "" {
		return arn
	}
	return "arn:aws:s3:::" + name
}

// accountIn is the account id of a resource that is an account id or an ARN with one.
func accountIn(resource string) string {
	if scanner.ValidAccountID(resource) {
		return resource
	}
	parts := strings.SplitN(resource, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" && scanner.ValidAccountID(parts[4]) {
		return parts[4]
	}
	return ""
}

// locate is a bucket's name, account and region as the snapshot knows them.
func (v *snapView) locate(arn string) (name, account, region string, ok bool) {
	if b, found := v.listed[arn]; found {
		return b.Name, b.AccountID, b.Region, true
	}
	if d, found := v.dests[arn]; found {
		return d.Name, d.AccountID, d.Region, true
	}
	return "", "", "", false
}

// versioning is a bucket's versioning as the snapshot read it (nil: unknown).
func (v *snapView) versioning(arn string) *scanner.Versioning {
	if b, ok := v.listed[arn]; ok {
		return b.Versioning
	}
	if d, ok := v.dests[arn]; ok {
		return d.Versioning
	}
	return nil
}

func diffBucket(arn string, o, n *snapView) BucketDrift {
	bd := BucketDrift{Arn: arn, Changes: []Change{}}
	for _, v := range []*snapView{o, n} { // the current snapshot's view wins
		if name, account, region, ok := v.locate(arn); ok {
			bd.Bucket = cmp.Or(name, bd.Bucket, bucketNameOf(arn))
			bd.AccountID = cmp.Or(account, bd.AccountID)
			bd.Region = cmp.Or(region, bd.Region)
		}
	}
	if bd.Bucket == "" {
		bd.Bucket = bucketNameOf(arn)
	}
	ob, oListed := o.listed[arn]
	nb, nListed := n.listed[arn]
	add := func(c Change) { bd.Changes = append(bd.Changes, c) }
	notCompared := func(what string) {
		if !slices.Contains(bd.NotCompared, what) {
			bd.NotCompared = append(bd.NotCompared, what)
		}
	}

	switch {
	case nListed && !oListed:
		if o.listedUnknown(nb.AccountID) {
			notCompared(scanner.ComponentBucket)
		} else {
			add(Change{Kind: ChangeBucketAdded, After: replicationSummary(nb)})
		}
		return bd
	case oListed && !nListed:
		if n.listedUnknown(ob.AccountID) {
			notCompared(scanner.ComponentBucket)
		} else {
			add(Change{Kind: ChangeBucketRemoved, Before: replicationSummary(ob)})
		}
		return bd
	}

	// Versioning: listed buckets, and destinations outside the scan.
	_, _, _, oFound := o.locate(arn)
	_, _, _, nFound := n.locate(arn)
	if oFound && nFound {
		ov, nv := o.versioning(arn), n.versioning(arn)
		switch {
		case ov == nil || nv == nil:
			if oListed || nListed {
				notCompared(scanner.ComponentVersioning)
			}
		case ov.Status != nv.Status:
			add(Change{Kind: ChangeVersioning, Before: versioningText(ov.Status), After: versioningText(nv.Status)})
		}
	}
	if !oListed || !nListed {
		return bd
	}

	// Default encryption: read for buckets that replicate; compared when read on both sides.
	if hasError(ob.Errors, scanner.ComponentEncryption) || hasError(nb.Errors, scanner.ComponentEncryption) {
		notCompared(scanner.ComponentEncryption)
	} else if ob.ServerSideEncryptionConfiguration != nil && nb.ServerSideEncryptionConfiguration != nil {
		if ok, nk := defaultKMSKey(ob.ServerSideEncryptionConfiguration), defaultKMSKey(nb.ServerSideEncryptionConfiguration); ok != nk {
			add(Change{Kind: ChangeKMSKey, Before: ok, After: nk})
		}
	}

	if hasError(ob.Errors, scanner.ComponentReplication) || hasError(nb.Errors, scanner.ComponentReplication) {
		notCompared(scanner.ComponentReplication)
		return bd
	}
	oc, nc := ob.ReplicationConfiguration, nb.ReplicationConfiguration
	if or, nr := roleOf(oc), roleOf(nc); or != nr {
		add(Change{Kind: ChangeRole, Before: or, After: nr})
	}
	oRules, oKeys := indexRules(oc)
	nRules, nKeys := indexRules(nc)
	keys := map[string]bool{}
	for _, k := range append(oKeys, nKeys...) {
		keys[k] = true
	}
	for _, key := range sortedKeys(keys) {
		or, inOld := oRules[key]
		nr, inNew := nRules[key]
		switch {
		case inNew && !inOld:
			add(Change{Kind: ChangeRuleAdded, RuleID: key, Destination: nr.Destination.Bucket, After: ruleSummary(nr)})
		case inOld && !inNew:
			add(Change{Kind: ChangeRuleRemoved, RuleID: key, Destination: or.Destination.Bucket, Before: ruleSummary(or)})
		default:
			for _, c := range diffRule(or, nr, o, n) {
				c.RuleID, c.Destination = key, nr.Destination.Bucket
				add(c)
			}
		}
	}
	return bd
}

func hasError(es []scanner.CollectionError, component string) bool {
	return slices.ContainsFunc(es, func(e scanner.CollectionError) bool { return e.Component == component })
}

// diffRule compares two versions of one rule.
func diffRule(o, n scanner.ReplicationRule, ov, nv *snapView) []Change {
	var out []Change
	if o.Status != n.Status {
		kind := ChangeRuleDisabled
		if n.Status == "Enabled" {
			kind = ChangeRuleEnabled
		}
		out = append(out, Change{Kind: kind, Before: o.Status, After: n.Status})
	}
	if o.Destination.Bucket != n.Destination.Bucket {
		out = append(out, Change{Kind: ChangeDestinationBucket, Before: o.Destination.Bucket, After: n.Destination.Bucket})
	}
	if oa, na := destinationAccount(o, ov), destinationAccount(n, nv); oa != "" && na != "" && oa != na {
		out = append(out, Change{Kind: ChangeDestinationAccount, Before: oa, After: na})
	}
	if or, nr := destinationRegion(o, ov), destinationRegion(n, nv); or != "" && nr != "" && or != nr {
		out = append(out, Change{Kind: ChangeDestinationRegion, Before: or, After: nr})
	}
	if o.Destination.StorageClass != n.Destination.StorageClass {
		out = append(out, Change{Kind: ChangeStorageClass, Before: o.Destination.StorageClass, After: n.Destination.StorageClass})
	}
	if or, nr := rtcStatus(o), rtcStatus(n); or != nr {
		out = append(out, Change{Kind: ChangeRTC, Before: or, After: nr})
	}
	if od, nd := deleteMarkerStatus(o), deleteMarkerStatus(n); od != nd {
		out = append(out, Change{Kind: ChangeDeleteMarkers, Before: od, After: nd})
	}
	if ok, nk := replicaKey(o), replicaKey(n); ok != nk {
		out = append(out, Change{Kind: ChangeReplicaKMSKey, Before: ok, After: nk})
	}
	return out
}

// indexRules keys a configuration's rules by ID ("#N", the 1-based position, for a
// rule without one; a repeated ID gets its position appended).
func indexRules(c *scanner.ReplicationConfiguration) (map[string]scanner.ReplicationRule, []string) {
	m := map[string]scanner.ReplicationRule{}
	var keys []string
	if c == nil {
		return m, keys
	}
	for i, r := range c.Rules {
		key := fmt.Sprintf("#%d", i+1)
		if r.ID != nil && *r.ID != "" {
			key = *r.ID
			if _, dup := m[key]; dup {
				key = fmt.Sprintf("%s#%d", key, i+1)
			}
		}
		m[key] = r
		keys = append(keys, key)
	}
	return m, keys
}

func roleOf(c *scanner.ReplicationConfiguration) string {
	if c == nil {
		return ""
	}
	return c.Role
}

// replicationSummary says in a few words how a bucket replicates.
func replicationSummary(b *scanner.Bucket) string {
	if hasError(b.Errors, scanner.ComponentReplication) {
		return "replication configuration not read"
	}
	c := b.ReplicationConfiguration
	if c == nil || len(c.Rules) == 0 {
		return "no replication configuration"
	}
	enabled := 0
	for _, r := range c.Rules {
		if r.Status == "Enabled" {
			enabled++
		}
	}
	return fmt.Sprintf("%s (%d enabled)", plural(len(c.Rules), "replication rule"), enabled)
}

// ruleSummary is a rule's status and destination, for an added or removed rule.
func ruleSummary(r scanner.ReplicationRule) string {
	return r.Status + " → " + r.Destination.Bucket
}

// destinationAccount is the account a rule replicates into: the rule's
// Destination.Account, else what the snapshot knows of the destination ("" unknown).
func destinationAccount(r scanner.ReplicationRule, v *snapView) string {
	if r.Destination.Account != nil && *r.Destination.Account != "" {
		return *r.Destination.Account
	}
	_, account, _, _ := v.locate(r.Destination.Bucket)
	return account
}

// destinationRegion is the region of a rule's destination ("" unknown).
func destinationRegion(r scanner.ReplicationRule, v *snapView) string {
	_, _, region, _ := v.locate(r.Destination.Bucket)
	if region == "EU" {
		return "eu-west-1"
	}
	return region
}

func rtcStatus(r scanner.ReplicationRule) string {
	if r.Destination.ReplicationTime != nil && r.Destination.ReplicationTime.Status == "Enabled" {
		return "Enabled"
	}
	return "Disabled"
}

// deleteMarkerStatus is whether a rule replicates delete markers: its
// DeleteMarkerReplication status, else Enabled for a V1 rule (no Filter), which
// replicates the delete markers of user DELETEs, and Disabled for a V2 rule.
func deleteMarkerStatus(r scanner.ReplicationRule) string {
	switch {
	case r.DeleteMarkerReplication != nil && r.DeleteMarkerReplication.Status != "":
		return r.DeleteMarkerReplication.Status
	case r.Filter == nil:
		return "Enabled"
	}
	return "Disabled"
}

func replicaKey(r scanner.ReplicationRule) string {
	if e := r.Destination.EncryptionConfiguration; e != nil && e.ReplicaKmsKeyID != nil {
		return *e.ReplicaKmsKeyID
	}
	return ""
}

// defaultKMSKey is the KMS key of a bucket's default encryption: the key id, "aws/s3"
// for SSE-KMS with the AWS managed key, "" when the default is not SSE-KMS.
func defaultKMSKey(c *scanner.ServerSideEncryptionConfiguration) string {
	for _, r := range c.Rules {
		d := r.ApplyServerSideEncryptionByDefault
		if d == nil || !strings.HasPrefix(d.SSEAlgorithm, "aws:kms") {
			continue
		}
		if d.KMSMasterKeyID != nil && *d.KMSMasterKeyID != "" {
			return *d.KMSMasterKeyID
		}
		return "aws/s3"
	}
	return ""
}

func versioningText(status string) string {
	if status == "" {
		return "never enabled"
	}
	return status
}

func compareChanges(a, b Change) int {
	// Bucket settings (no rule) first, then rule by rule.
	return cmp.Or(
		cmp.Compare(boolRank(a.RuleID != ""), boolRank(b.RuleID != "")),
		strings.Compare(a.RuleID, b.RuleID),
		cmp.Compare(slices.Index(ChangeKinds(), a.Kind), slices.Index(ChangeKinds(), b.Kind)),
		strings.Compare(a.Before, b.Before), strings.Compare(a.After, b.After))
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// --- reading results ---------------------------------------------------------------

// ErrResult marks a result file that cannot be used as a baseline (unreadable,
// corrupt, another schema version).
var ErrResult = errors.New("invalid result")

// ReadResult reads and validates a result document (crrscan.json): it must be JSON,
// carry schema_version SchemaVersion, and every finding a check id and fingerprint.
func ReadResult(r io.Reader) (*Result, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%w: read: %v", ErrResult, err)
	}
	var probe struct {
		SchemaVersion *string          `json:"schema_version"`
		Findings      *json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("%w: not JSON: %v", ErrResult, err)
	}
	if probe.SchemaVersion == nil || probe.Findings == nil {
		return nil, fmt.Errorf("%w: no schema_version or findings field (is this a crrscan result?)", ErrResult)
	}
	if *probe.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("%w: schema_version %q, this build reads %q", ErrResult, *probe.SchemaVersion, SchemaVersion)
	}
	var res Result
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&res); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrResult, err)
	}
	for i, f := range res.Findings {
		if f.CheckID == "" || f.Fingerprint == "" {
			return nil, fmt.Errorf("%w: finding #%d lacks check_id or fingerprint", ErrResult, i+1)
		}
	}
	return &res, nil
}

// ReadResultFile reads a result document from a file; errors name the file.
func ReadResultFile(path string) (*Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrResult, err)
	}
	defer f.Close()
	res, err := ReadResult(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return res, nil
}

// --- rendering helpers shared by the writers -----------------------------------------

// driftRow is one finding of a drift table with what happened to it.
type driftRow struct {
	change string
	f      DriftFinding
}

// driftFindingRows lists the new findings, then the resolved ones, then the still-open
// ones whose status or severity changed ("changed (was waived)").
func driftFindingRows(d *FindingsDrift) []driftRow {
	var rows []driftRow
	for _, f := range d.New {
		rows = append(rows, driftRow{"new", f})
	}
	for _, f := range d.Resolved {
		rows = append(rows, driftRow{"resolved", f})
	}
	for _, f := range d.StillOpen {
		if f.Before == nil {
			continue
		}
		var was []string
		if f.Before.Status != f.Status {
			was = append(was, terminalText(f.Before.Status))
		}
		if f.Before.Severity != f.Severity {
			was = append(was, terminalText(f.Before.Severity))
		}
		rows = append(rows, driftRow{"changed (was " + strings.Join(was, ", ") + ")", f})
	}
	return rows
}

// driftSince says when the baseline was scanned and which file it is, for a heading
// line: " (baseline scanned 2026-11-24 02:00 UTC: prev/crrscan.json)". Terminal-safe;
// writers escape it further for their format.
func driftSince(d *Drift) string {
	var parts []string
	if d.Baseline.ScannedAt != nil && !d.Baseline.ScannedAt.IsZero() {
		parts = append(parts, "scanned "+d.Baseline.ScannedAt.UTC().Format("2006-01-02 15:04 UTC"))
	}
	var files []string
	for _, f := range []string{d.Baseline.Result, d.Baseline.Snapshot} {
		if f != "" {
			files = append(files, terminalText(f))
		}
	}
	if len(files) > 0 {
		parts = append(parts, strings.Join(files, " and "))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ": ") + ")"
}

// DriftFormats are the formats `crrscan diff` writes a drift in.
func DriftFormats() []string { return []string{"table", "json", "markdown"} }

// WriteDrift writes a drift on its own (crrscan diff) in one of DriftFormats: the
// table's drift section, the Markdown drift section under a title, or the JSON
// document {"schema_version": "1", "drift": {...}} (the result's drift section).
func WriteDrift(w io.Writer, format string, d *Drift, opts Options) error {
	if d == nil {
		return errors.New("write drift: nil drift")
	}
	switch format {
	case "table":
		bw := bufio.NewWriter(w)
		if err := (&Table{Options: opts}).writeDrift(bw, d); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("write drift: %w", err)
		}
		return nil
	case "json":
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		doc := struct {
			SchemaVersion string `json:"schema_version"`
			Drift         *Drift `json:"drift"`
		}{SchemaVersion, d}
		if err := enc.Encode(doc); err != nil {
			return fmt.Errorf("write drift: %w", err)
		}
		if _, err := w.Write(escapeInvisible(buf.Bytes())); err != nil {
			return fmt.Errorf("write drift: %w", err)
		}
		return nil
	case "markdown":
		var b bytes.Buffer
		b.WriteString("## crrscan drift\n\n")
		markdownDrift(&b, d)
		if _, err := w.Write(b.Bytes()); err != nil {
			return fmt.Errorf("write drift: %w", err)
		}
		return nil
	}
	return fmt.Errorf("unknown drift format %q (known: %s)", format, strings.Join(DriftFormats(), ", "))
}
