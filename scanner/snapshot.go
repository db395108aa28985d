// Package scanner discovers accounts, regions and buckets, collects each bucket's
// replication setup and the resources it depends on, and records what it read as a
// Snapshot. It never judges and never prints.
package scanner

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/crrscan/crrscan/internal/inputfile"
)

// SchemaVersion is the version of the snapshot document this build reads and writes.
const SchemaVersion = "1"

// Snapshot is everything one scan collected: the listed buckets, and the linked
// resources (destination buckets, replication roles) each read once per scan.
// AWS data keeps AWS's own field names so that Rego authors can read AWS docs.
type Snapshot struct {
	SchemaVersion string    `json:"schema_version"`
	CollectedAt   time.Time `json:"collected_at"`
	// Accounts and Regions are the scanned account ids and the regions buckets were found in.
	Accounts []string `json:"accounts"`
	Regions  []string `json:"regions"`
	// Buckets are the listed buckets, sorted by account, region and name.
	Buckets []Bucket `json:"buckets"`
	// Destinations are every bucket named as a replication destination, sorted by ARN.
	Destinations []LinkedBucket `json:"destinations"`
	// Roles are every role named in a replication configuration, sorted by ARN.
	Roles []Role `json:"roles"`
	// KmsKeys are every KMS key named by a replicating bucket's default encryption or
	// a rule's ReplicaKmsKeyID, sorted by Ref.
	KmsKeys []KmsKey `json:"kms_keys,omitempty"`
	// Errors are reads that failed above the bucket level (the caller's identity,
	// an organisation's accounts, AssumeRole into an account, its regions,
	// ListBuckets): the buckets they would have listed are missing from the snapshot.
	Errors []CollectionError `json:"errors,omitempty"`
	// SkippedAccounts are the organisation's accounts that were not scanned because
	// they are not ACTIVE (suspended, closed, pending), sorted by Id.
	SkippedAccounts []SkippedAccount `json:"skipped_accounts,omitempty"`
	// EnabledRegions are the regions enabled in each scanned account (account id →
	// sorted region names); an account whose regions could not be read is absent
	// (see Errors).
	EnabledRegions map[string][]string `json:"enabled_regions,omitempty"`
}

// SkippedAccount is an organisation account the scan left out, as Organizations
// lists it.
type SkippedAccount struct {
	ID   string `json:"Id"`
	Name string `json:"Name,omitempty"`
	// State is the account's State (Status when Organizations gave no State).
	State string `json:"State"`
}

// Component names say which part of the collected data a read error makes unknown.
// Checks declare the components they need in their METADATA (custom.requires).
const (
	ComponentAccount     = "account"
	ComponentBucket      = "bucket"
	ComponentReplication = "replication"
	ComponentVersioning  = "versioning"
	ComponentTags        = "tags"
	ComponentDestination = "destination"
	ComponentRole        = "role"
)

// CollectionError is a read that failed for a reason other than "not configured".
// It is data: it ends in the result as a CRR-090 finding and marks the scan incomplete.
type CollectionError struct {
	Operation string `json:"Operation"`
	Code      string `json:"Code"`
	Message   string `json:"Message"`
	Resource  string `json:"Resource"`
	Component string `json:"Component"`
}

// Bucket is one listed bucket and what was read from it.
type Bucket struct {
	Name      string `json:"Name"`
	Arn       string `json:"Arn"`
	AccountID string `json:"AccountId"`
	// Region is "" when it could not be resolved (see Errors).
	Region       string     `json:"Region"`
	CreationDate *time.Time `json:"CreationDate,omitempty"`
	// Versioning is nil when it could not be read.
	Versioning *Versioning `json:"Versioning"`
	// Tags is empty when the bucket has none (or they could not be read: see Errors).
	Tags []Tag `json:"Tags"`
	// ReplicationConfiguration is nil when the bucket has none (or it could not be read: see Errors).
	ReplicationConfiguration *ReplicationConfiguration `json:"ReplicationConfiguration"`
	// BucketConfig holds the settings read for buckets that replicate.
	BucketConfig
	// PrefixHasObjects says, for each distinct non-empty key prefix of the
	// replication rules (enabled or not), whether ListObjectsV2 found an object
	// whose key starts with it. It is nil when the bucket has no configuration or
	// no rule with a prefix, and in snapshots taken before the scan listed; a
	// prefix whose listing failed is absent (see Errors). Absent means unknown.
	PrefixHasObjects map[string]bool   `json:"PrefixHasObjects,omitempty"`
	Errors           []CollectionError `json:"Errors,omitempty"`
}

// Versioning is GetBucketVersioning's answer. Status "" means never enabled.
type Versioning struct {
	Status    string `json:"Status"`
	MFADelete string `json:"MFADelete,omitempty"`
}

// Tag is an S3 tag.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// ReplicationConfiguration mirrors S3's document field for field. A rule with a
// Filter (even an empty one) is a V2 rule; a rule without one is V1.
type ReplicationConfiguration struct {
	Role  string            `json:"Role"`
	Rules []ReplicationRule `json:"Rules"`
}

// ReplicationRule is one rule of a replication configuration.
type ReplicationRule struct {
	ID                        *string                  `json:"ID,omitempty"`
	Priority                  *int32                   `json:"Priority,omitempty"`
	Prefix                    *string                  `json:"Prefix,omitempty"`
	Filter                    *ReplicationRuleFilter   `json:"Filter,omitempty"`
	Status                    string                   `json:"Status"`
	SourceSelectionCriteria   *SourceSelectionCriteria `json:"SourceSelectionCriteria,omitempty"`
	ExistingObjectReplication *StatusValue             `json:"ExistingObjectReplication,omitempty"`
	DeleteMarkerReplication   *StatusValue             `json:"DeleteMarkerReplication,omitempty"`
	Destination               Destination              `json:"Destination"`
}

// ReplicationRuleFilter selects objects by prefix, tag, or both (And).
type ReplicationRuleFilter struct {
	Prefix *string                     `json:"Prefix,omitempty"`
	Tag    *Tag                        `json:"Tag,omitempty"`
	And    *ReplicationRuleAndOperator `json:"And,omitempty"`
}

// ReplicationRuleAndOperator combines a prefix and tags.
type ReplicationRuleAndOperator struct {
	Prefix *string `json:"Prefix,omitempty"`
	Tags   []Tag   `json:"Tags,omitempty"`
}

// SourceSelectionCriteria selects SSE-KMS objects and replica modifications.
type SourceSelectionCriteria struct {
	SseKmsEncryptedObjects *StatusValue `json:"SseKmsEncryptedObjects,omitempty"`
	ReplicaModifications   *StatusValue `json:"ReplicaModifications,omitempty"`
}

// StatusValue is S3's recurring {Status: Enabled|Disabled} element.
type StatusValue struct {
	Status string `json:"Status"`
}

// Destination is a rule's destination.
type Destination struct {
	Bucket                   string                    `json:"Bucket"`
	Account                  *string                   `json:"Account,omitempty"`
	StorageClass             string                    `json:"StorageClass,omitempty"`
	AccessControlTranslation *AccessControlTranslation `json:"AccessControlTranslation,omitempty"`
	EncryptionConfiguration  *EncryptionConfiguration  `json:"EncryptionConfiguration,omitempty"`
	ReplicationTime          *ReplicationTime          `json:"ReplicationTime,omitempty"`
	Metrics                  *Metrics                  `json:"Metrics,omitempty"`
}

// AccessControlTranslation is the owner override.
type AccessControlTranslation struct {
	Owner string `json:"Owner"`
}

// EncryptionConfiguration names the KMS key replicas are encrypted with.
type EncryptionConfiguration struct {
	ReplicaKmsKeyID *string `json:"ReplicaKmsKeyID,omitempty"`
}

// ReplicationTime is S3 Replication Time Control.
type ReplicationTime struct {
	Status string                `json:"Status"`
	Time   *ReplicationTimeValue `json:"Time,omitempty"`
}

// Metrics is the replication metrics setting.
type Metrics struct {
	Status         string                `json:"Status"`
	EventThreshold *ReplicationTimeValue `json:"EventThreshold,omitempty"`
}

// ReplicationTimeValue is a duration in minutes.
type ReplicationTimeValue struct {
	Minutes *int32 `json:"Minutes,omitempty"`
}

// LinkedBucket is a bucket named as a replication destination, read once per scan.
// Unknown facts stay unknown: Exists nil, Region "" or Versioning nil.
type LinkedBucket struct {
	Arn       string `json:"Arn"`
	Name      string `json:"Name"`
	AccountID string `json:"AccountId,omitempty"`
	// Exists is nil when existence could not be established.
	Exists *bool  `json:"Exists"`
	Region string `json:"Region,omitempty"`
	// InScan is true when the destination is one of the scanned buckets.
	InScan     bool        `json:"InScan"`
	Versioning *Versioning `json:"Versioning"`
	// BucketConfig holds the destination-side settings (policy, ownership, lifecycle, ...).
	BucketConfig
	Errors []CollectionError `json:"Errors,omitempty"`
}

// Role is a replication role and its policies, documents URL-decoded and parsed.
type Role struct {
	Arn       string `json:"Arn"`
	RoleName  string `json:"RoleName"`
	AccountID string `json:"AccountId"`
	// Exists is nil when the role could not be read (see Errors) or lies outside the scan.
	Exists                   *bool             `json:"Exists"`
	AssumeRolePolicyDocument any               `json:"AssumeRolePolicyDocument,omitempty"`
	RolePolicies             []InlinePolicy    `json:"RolePolicies,omitempty"`
	AttachedPolicies         []ManagedPolicy   `json:"AttachedPolicies,omitempty"`
	PermissionsBoundary      *ManagedPolicy    `json:"PermissionsBoundary,omitempty"`
	Errors                   []CollectionError `json:"Errors,omitempty"`
}

// InlinePolicy is a role's inline policy.
type InlinePolicy struct {
	PolicyName     string `json:"PolicyName"`
	PolicyDocument any    `json:"PolicyDocument"`
}

// ManagedPolicy is an attached managed policy at its default version.
type ManagedPolicy struct {
	PolicyArn        string `json:"PolicyArn"`
	PolicyName       string `json:"PolicyName,omitempty"`
	DefaultVersionID string `json:"DefaultVersionId,omitempty"`
	Document         any    `json:"Document"`
}

// Sort puts every list of the snapshot in its canonical order so that the same
// estate always serialises to the same bytes.
func (s *Snapshot) Sort() {
	sort.Strings(s.Accounts)
	sort.Strings(s.Regions)
	sort.Slice(s.Buckets, func(i, j int) bool {
		a, b := s.Buckets[i], s.Buckets[j]
		if a.AccountID != b.AccountID {
			return a.AccountID < b.AccountID
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		return a.Name < b.Name
	})
	sort.Slice(s.Destinations, func(i, j int) bool { return s.Destinations[i].Arn < s.Destinations[j].Arn })
	sort.Slice(s.Roles, func(i, j int) bool { return s.Roles[i].Arn < s.Roles[j].Arn })
	sort.Slice(s.KmsKeys, func(i, j int) bool { return s.KmsKeys[i].Ref < s.KmsKeys[j].Ref })
	sort.Slice(s.SkippedAccounts, func(i, j int) bool { return s.SkippedAccounts[i].ID < s.SkippedAccounts[j].ID })
	for _, regions := range s.EnabledRegions {
		sort.Strings(regions)
	}
	sortErrors(s.Errors)
	for i := range s.Buckets {
		sortErrors(s.Buckets[i].Errors)
	}
	for i := range s.Destinations {
		sortErrors(s.Destinations[i].Errors)
	}
	for i := range s.Roles {
		sortErrors(s.Roles[i].Errors)
	}
	for i := range s.KmsKeys {
		sortErrors(s.KmsKeys[i].Errors)
	}
}

func sortErrors(es []CollectionError) {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		switch {
		case a.Resource != b.Resource:
			return a.Resource < b.Resource
		case a.Operation != b.Operation:
			return a.Operation < b.Operation
		case a.Component != b.Component:
			return a.Component < b.Component
		case a.Code != b.Code:
			return a.Code < b.Code
		}
		return a.Message < b.Message
	})
}

// Complete reports whether every read of the snapshot succeeded.
func (s *Snapshot) Complete() bool {
	if len(s.Errors) > 0 {
		return false
	}
	for _, b := range s.Buckets {
		if len(b.Errors) > 0 {
			return false
		}
	}
	for _, d := range s.Destinations {
		if len(d.Errors) > 0 {
			return false
		}
	}
	for _, r := range s.Roles {
		if len(r.Errors) > 0 {
			return false
		}
	}
	for _, k := range s.KmsKeys {
		if len(k.Errors) > 0 {
			return false
		}
	}
	return true
}

// WriteSnapshot writes s as indented, canonical JSON.
func WriteSnapshot(w io.Writer, s *Snapshot) error {
	s.Sort()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("encode snapshot: %w", err)
	}
	return nil
}

// ErrSnapshot marks a snapshot that cannot be used (unreadable, corrupt, another schema).
var ErrSnapshot = errors.New("invalid snapshot")

// ReadSnapshot reads and validates a snapshot document.
func ReadSnapshot(r io.Reader) (*Snapshot, error) {
	// Syntax is checked while reading: garbage fails at once, not after a ReadAll.
	data, err := inputfile.ReadJSON(r)
	if errors.Is(err, inputfile.ErrNotJSON) {
		return nil, fmt.Errorf("%w: %v", ErrSnapshot, err)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: read: %v", ErrSnapshot, err)
	}
	var probe struct {
		SchemaVersion *string `json:"schema_version"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("%w: not JSON: %v", ErrSnapshot, err)
	}
	if probe.SchemaVersion == nil {
		return nil, fmt.Errorf("%w: no schema_version field (is this a crrscan snapshot?)", ErrSnapshot)
	}
	if *probe.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("%w: schema_version %q, this build reads %q", ErrSnapshot, *probe.SchemaVersion, SchemaVersion)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Snapshot
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSnapshot, err)
	}
	for i, b := range s.Buckets {
		if b.Name == "" || b.AccountID == "" {
			return nil, fmt.Errorf("%w: bucket #%d lacks Name or AccountId", ErrSnapshot, i+1)
		}
	}
	for i, a := range s.SkippedAccounts {
		if a.ID == "" || a.State == "" {
			return nil, fmt.Errorf("%w: skipped account #%d lacks Id or State", ErrSnapshot, i+1)
		}
	}
	for id, regions := range s.EnabledRegions {
		if id == "" || regions == nil {
			return nil, fmt.Errorf("%w: enabled_regions has an entry without an account id or a list of regions", ErrSnapshot)
		}
	}
	s.Sort()
	return &s, nil
}

// ReadSnapshotFile reads a snapshot from a file.
func ReadSnapshotFile(path string) (*Snapshot, error) {
	return ReadSnapshotFileMax(path, inputfile.DefaultMax)
}

// ReadSnapshotFileMax reads a snapshot from a file of at most max bytes
// (inputfile.Open): a larger file, or one that does not start like a JSON
// object, fails before it is read into memory.
func ReadSnapshotFileMax(path string, max int64) (*Snapshot, error) {
	f, err := inputfile.OpenJSON(path, max)
	if err != nil {
		return nil, inputfile.Wrap(path, ErrSnapshot, err)
	}
	defer f.Close()
	s, err := ReadSnapshot(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}
