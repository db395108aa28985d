package fakeaws

import (
	"encoding/xml"
	"time"
)

// Estate is the AWS world a Server answers from: an organisation's accounts and
// their buckets, IAM roles, managed policies and KMS keys. The server never
// changes it; build it before NewServer and do not modify it afterwards.
type Estate struct {
	// ManagementAccount is the organisation's management account; "" means the
	// accounts are not in an organisation (Organizations answers
	// AWSOrganizationsNotInUseException).
	ManagementAccount string
	// Accounts are the accounts, the management account included.
	Accounts []Account
	// Regions are the regions enabled in every account, in the order Account
	// ListRegions and EC2 DescribeRegions return them.
	Regions []string
	// AccessRole is the role name AssumeRole accepts in any ACTIVE account of the
	// estate (the organisation's access role); "" means OrganizationAccountAccessRole.
	// A role of Roles can be assumed too.
	AccessRole string
	// ExternalID, when set, must accompany every AssumeRole.
	ExternalID string

	// Buckets are every account's buckets (names are global).
	Buckets []*Bucket
	// Roles are the IAM roles of every account.
	Roles []*Role
	// Policies are the managed policies: every account's and AWS managed ones.
	Policies []*ManagedPolicy
	// Keys are the KMS keys of every account and region.
	Keys []*Key
}

// DefaultAccessRole is the role AssumeRole accepts when Estate.AccessRole is "".
const DefaultAccessRole = "OrganizationAccountAccessRole"

// Account is an account of the organisation.
type Account struct {
	ID   string
	Name string
	// State is ACTIVE, SUSPENDED, PENDING_CLOSURE or CLOSED ("" means ACTIVE).
	// Only ACTIVE accounts accept credentials and AssumeRole.
	State string
}

// Bucket kinds label buckets for the per-kind call counts of Stats.
const (
	KindPlain       = "plain"       // neither replicates nor is a destination
	KindSource      = "source"      // replicates; no scanned bucket replicates into it
	KindDestination = "destination" // a destination that does not replicate
	KindTwoWay      = "two-way"     // replicates and is a destination
)

// Bucket is one S3 bucket. A nil configuration is answered with S3's "not
// configured" error for that read.
type Bucket struct {
	Name    string
	Account string
	Region  string
	Created time.Time
	// Kind labels the bucket in Stats (one of the Kind constants, or any label).
	Kind string

	// Versioning is "", Enabled or Suspended; MFADelete is "", Enabled or Disabled.
	Versioning string
	MFADelete  string
	// Tags nil answers NoSuchTagSet.
	Tags []Tag
	// Replication nil answers ReplicationConfigurationNotFoundError.
	Replication *ReplicationConfiguration
	// Encryption nil answers ServerSideEncryptionConfigurationNotFoundError.
	Encryption *ServerSideEncryptionConfiguration
	// ObjectLock nil answers ObjectLockConfigurationNotFoundError.
	ObjectLock *ObjectLockConfiguration
	// Ownership "" answers OwnershipControlsNotFoundError; else BucketOwnerEnforced,
	// BucketOwnerPreferred or ObjectWriter.
	Ownership string
	// PublicAccessBlock nil answers NoSuchPublicAccessBlockConfiguration.
	PublicAccessBlock *PublicAccessBlockConfiguration
	// Lifecycle nil answers NoSuchLifecycleConfiguration.
	Lifecycle *LifecycleConfiguration
	// RequesterPays makes GetBucketRequestPayment answer Requester.
	RequesterPays bool
	// Policy is the bucket policy's JSON text; "" answers NoSuchBucketPolicy.
	Policy string
	// Keys are the keys of the bucket's objects, which ListObjectsV2 lists.
	Keys []string
	// Notification is the event notification configuration; nil answers an empty one.
	Notification *NotificationConfiguration
}

// NotificationConfiguration is S3's event notification document, served as XML.
type NotificationConfiguration struct {
	Topics []TopicConfiguration `xml:"TopicConfiguration,omitempty"`
	// EventBridge is EventBridgeConfiguration's presence.
	EventBridge *struct{} `xml:"EventBridgeConfiguration,omitempty"`
}

// TopicConfiguration sends events to an SNS topic.
type TopicConfiguration struct {
	ID     string   `xml:"Id,omitempty"`
	Topic  string   `xml:"Topic"`
	Events []string `xml:"Event"`
}

// Tag is an S3 or IAM tag.
type Tag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

// ReplicationConfiguration is S3's replication document; it is served as XML
// exactly as these types marshal.
type ReplicationConfiguration struct {
	XMLName xml.Name          `xml:"ReplicationConfiguration"`
	Role    string            `xml:"Role"`
	Rules   []ReplicationRule `xml:"Rule"`
}

// ReplicationRule is one rule. A rule with a Filter is V2; a rule with only a
// Prefix is V1.
type ReplicationRule struct {
	ID                        string                   `xml:"ID,omitempty"`
	Priority                  *int32                   `xml:"Priority,omitempty"`
	Prefix                    *string                  `xml:"Prefix,omitempty"`
	Filter                    *ReplicationFilter       `xml:"Filter,omitempty"`
	Status                    string                   `xml:"Status"`
	SourceSelectionCriteria   *SourceSelectionCriteria `xml:"SourceSelectionCriteria,omitempty"`
	ExistingObjectReplication *Status                  `xml:"ExistingObjectReplication,omitempty"`
	DeleteMarkerReplication   *Status                  `xml:"DeleteMarkerReplication,omitempty"`
	Destination               Destination              `xml:"Destination"`
}

// ReplicationFilter selects the objects of a V2 rule; an empty filter selects all.
type ReplicationFilter struct {
	Prefix *string      `xml:"Prefix,omitempty"`
	Tag    *Tag         `xml:"Tag,omitempty"`
	And    *AndOperator `xml:"And,omitempty"`
}

// AndOperator combines a prefix and tags (flattened <Tag> elements).
type AndOperator struct {
	Prefix *string `xml:"Prefix,omitempty"`
	Tags   []Tag   `xml:"Tag"`
}

// SourceSelectionCriteria selects SSE-KMS objects and replica modifications.
type SourceSelectionCriteria struct {
	SseKmsEncryptedObjects *Status `xml:"SseKmsEncryptedObjects,omitempty"`
	ReplicaModifications   *Status `xml:"ReplicaModifications,omitempty"`
}

// Status is S3's recurring <Status>Enabled|Disabled</Status> element.
type Status struct {
	Status string `xml:"Status"`
}

// Destination is a rule's destination.
type Destination struct {
	Bucket                   string                    `xml:"Bucket"`
	Account                  string                    `xml:"Account,omitempty"`
	StorageClass             string                    `xml:"StorageClass,omitempty"`
	AccessControlTranslation *AccessControlTranslation `xml:"AccessControlTranslation,omitempty"`
	EncryptionConfiguration  *EncryptionConfiguration  `xml:"EncryptionConfiguration,omitempty"`
	ReplicationTime          *ReplicationTime          `xml:"ReplicationTime,omitempty"`
	Metrics                  *Metrics                  `xml:"Metrics,omitempty"`
}

// AccessControlTranslation is the owner override (Owner is Destination).
type AccessControlTranslation struct {
	Owner string `xml:"Owner"`
}

// EncryptionConfiguration names the replicas' KMS key.
type EncryptionConfiguration struct {
	ReplicaKmsKeyID string `xml:"ReplicaKmsKeyID"`
}

// ReplicationTime is S3 Replication Time Control.
type ReplicationTime struct {
	Status string  `xml:"Status"`
	Time   Minutes `xml:"Time"`
}

// Metrics are replication metrics.
type Metrics struct {
	Status         string   `xml:"Status"`
	EventThreshold *Minutes `xml:"EventThreshold,omitempty"`
}

// Minutes is S3's <Minutes> wrapper.
type Minutes struct {
	Minutes int32 `xml:"Minutes"`
}

// ServerSideEncryptionConfiguration is a bucket's default encryption.
type ServerSideEncryptionConfiguration struct {
	XMLName xml.Name         `xml:"ServerSideEncryptionConfiguration"`
	Rules   []EncryptionRule `xml:"Rule"`
}

// EncryptionRule is one default-encryption rule.
type EncryptionRule struct {
	Default          *EncryptionByDefault `xml:"ApplyServerSideEncryptionByDefault,omitempty"`
	BucketKeyEnabled *bool                `xml:"BucketKeyEnabled,omitempty"`
}

// EncryptionByDefault is the default algorithm (AES256, aws:kms, aws:kms:dsse) and key.
type EncryptionByDefault struct {
	SSEAlgorithm   string `xml:"SSEAlgorithm"`
	KMSMasterKeyID string `xml:"KMSMasterKeyID,omitempty"`
}

// ObjectLockConfiguration is a bucket's Object Lock setting.
type ObjectLockConfiguration struct {
	XMLName           xml.Name        `xml:"ObjectLockConfiguration"`
	ObjectLockEnabled string          `xml:"ObjectLockEnabled,omitempty"`
	Rule              *ObjectLockRule `xml:"Rule,omitempty"`
}

// ObjectLockRule holds the default retention.
type ObjectLockRule struct {
	DefaultRetention DefaultRetention `xml:"DefaultRetention"`
}

// DefaultRetention is Object Lock's default retention (Days or Years).
type DefaultRetention struct {
	Mode  string `xml:"Mode"`
	Days  int32  `xml:"Days,omitempty"`
	Years int32  `xml:"Years,omitempty"`
}

// PublicAccessBlockConfiguration is a bucket's public access block.
type PublicAccessBlockConfiguration struct {
	XMLName               xml.Name `xml:"PublicAccessBlockConfiguration"`
	BlockPublicAcls       bool     `xml:"BlockPublicAcls"`
	IgnorePublicAcls      bool     `xml:"IgnorePublicAcls"`
	BlockPublicPolicy     bool     `xml:"BlockPublicPolicy"`
	RestrictPublicBuckets bool     `xml:"RestrictPublicBuckets"`
}

// LifecycleConfiguration is a bucket's lifecycle rules.
type LifecycleConfiguration struct {
	XMLName xml.Name        `xml:"LifecycleConfiguration"`
	Rules   []LifecycleRule `xml:"Rule"`
}

// LifecycleRule is one lifecycle rule (the elements replication audits read).
type LifecycleRule struct {
	ID                          string                       `xml:"ID,omitempty"`
	Filter                      *LifecycleFilter             `xml:"Filter,omitempty"`
	Status                      string                       `xml:"Status"`
	Transitions                 []Transition                 `xml:"Transition"`
	Expiration                  *Expiration                  `xml:"Expiration,omitempty"`
	NoncurrentVersionExpiration *NoncurrentVersionExpiration `xml:"NoncurrentVersionExpiration,omitempty"`
}

// LifecycleFilter selects a lifecycle rule's objects.
type LifecycleFilter struct {
	Prefix *string `xml:"Prefix,omitempty"`
}

// Transition moves current versions to another storage class after Days.
type Transition struct {
	Days         int32  `xml:"Days"`
	StorageClass string `xml:"StorageClass"`
}

// Expiration expires current versions after Days.
type Expiration struct {
	Days int32 `xml:"Days"`
}

// NoncurrentVersionExpiration expires noncurrent versions after NoncurrentDays.
type NoncurrentVersionExpiration struct {
	NoncurrentDays int32 `xml:"NoncurrentDays"`
}

// Role is an IAM role. Documents are JSON text; the server URL-encodes them as
// IAM does.
type Role struct {
	Account string
	Name    string
	// Path is the role's path; "" means "/".
	Path             string
	TrustPolicy      string
	InlinePolicies   []InlinePolicy
	AttachedPolicies []string // managed policy ARNs
	// PermissionsBoundary is a managed policy ARN, or "".
	PermissionsBoundary string
	Created             time.Time
}

// InlinePolicy is a role's inline policy.
type InlinePolicy struct {
	Name     string
	Document string
}

// ManagedPolicy is a managed policy: a customer policy of an account, or an AWS
// managed policy (Arn arn:aws:iam::aws:policy/…), readable by every account.
type ManagedPolicy struct {
	Arn  string
	Name string
	// Versions are the documents by version id; DefaultVersion names the default.
	Versions       map[string]string
	DefaultVersion string
	Created        time.Time
}

// Key is a KMS key.
type Key struct {
	Account string
	Region  string
	ID      string
	// Aliases are alias names ("alias/…") that point at the key.
	Aliases []string
	// State is a KeyState ("" means Enabled).
	State string
	// Manager is CUSTOMER or AWS ("" means CUSTOMER).
	Manager string
	// Policy is the default key policy's JSON text.
	Policy string
	// DescribableBy are other accounts the key policy lets call DescribeKey.
	DescribableBy []string
	Created       time.Time
}

// Arn is the key's ARN.
func (k *Key) Arn() string {
	return "arn:aws:kms:" + k.Region + ":" + k.Account + ":key/" + k.ID
}

// BucketArn is the ARN of an S3 bucket.
func BucketArn(name string) string { return "arn:aws:s3:::" + name }

// RoleArn is the ARN of a role; path "" means "/".
func RoleArn(account, path, name string) string {
	if path == "" {
		path = "/"
	}
	return "arn:aws:iam::" + account + ":role" + path + name
}
