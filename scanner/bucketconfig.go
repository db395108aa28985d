package scanner

import "time"

// Components of the configuration reads added for the full check catalogue.
const (
	ComponentEncryption        = "encryption"
	ComponentObjectLock        = "objectlock"
	ComponentOwnership         = "ownership"
	ComponentPublicAccessBlock = "publicaccessblock"
	ComponentLifecycle         = "lifecycle"
	ComponentRequestPayment    = "requestpayment"
	ComponentPolicy            = "policy"
	ComponentKMS               = "kms"
	// ComponentNotification is a replicating bucket's event notification
	// configuration (GetBucketNotificationConfiguration), read when a rule has
	// replication metrics on (CRR-042).
	ComponentNotification = "notification"
	// ComponentObjects is the listing of a bucket's objects under its rules'
	// prefixes (Bucket.PrefixHasObjects).
	ComponentObjects = "objects"
)

// BucketConfig holds the bucket-level settings replication depends on. It is
// embedded in Bucket (read for buckets that replicate) and LinkedBucket (read for
// destinations). Every field is a pointer: nil means "not read" (unknown); a
// non-nil value with no content means "read, not configured" (S3's "not configured"
// error codes become that empty value).
type BucketConfig struct {
	// ServerSideEncryptionConfiguration is GetBucketEncryption's answer; Rules empty = none.
	ServerSideEncryptionConfiguration *ServerSideEncryptionConfiguration `json:"ServerSideEncryptionConfiguration,omitempty"`
	// ObjectLockConfiguration is GetObjectLockConfiguration's answer; ObjectLockEnabled "" = none.
	ObjectLockConfiguration *ObjectLockConfiguration `json:"ObjectLockConfiguration,omitempty"`
	// OwnershipControls is GetBucketOwnershipControls' answer; Rules empty = none.
	OwnershipControls *OwnershipControls `json:"OwnershipControls,omitempty"`
	// PublicAccessBlockConfiguration is GetPublicAccessBlock's answer; all fields nil = none.
	PublicAccessBlockConfiguration *PublicAccessBlockConfiguration `json:"PublicAccessBlockConfiguration,omitempty"`
	// LifecycleConfiguration is GetBucketLifecycleConfiguration's answer; Rules empty = none.
	LifecycleConfiguration *LifecycleConfiguration `json:"LifecycleConfiguration,omitempty"`
	// RequestPaymentConfiguration is GetBucketRequestPayment's answer.
	RequestPaymentConfiguration *RequestPaymentConfiguration `json:"RequestPaymentConfiguration,omitempty"`
	// Policy is GetBucketPolicy's answer, parsed; Policy.Document nil = no bucket policy.
	Policy *BucketPolicy `json:"Policy,omitempty"`
	// NotificationConfiguration is GetBucketNotificationConfiguration's answer, read
	// on a bucket with an enabled rule whose replication metrics are on (only then
	// does S3 publish replication failure events); empty lists = none.
	NotificationConfiguration *NotificationConfiguration `json:"NotificationConfiguration,omitempty"`
}

// NotificationConfiguration is where a bucket's event notifications go: SNS topics,
// SQS queues, Lambda functions, and Amazon EventBridge (every event, when enabled).
type NotificationConfiguration struct {
	TopicConfigurations          []NotificationTarget `json:"TopicConfigurations"`
	QueueConfigurations          []NotificationTarget `json:"QueueConfigurations"`
	LambdaFunctionConfigurations []NotificationTarget `json:"LambdaFunctionConfigurations"`
	// EventBridgeEnabled: EventBridgeConfiguration is present.
	EventBridgeEnabled bool `json:"EventBridgeEnabled"`
}

// NotificationTarget is one notification configuration: its target ARN (TopicArn,
// QueueArn or LambdaFunctionArn, as the kind says), its id and its event types.
type NotificationTarget struct {
	Id                *string  `json:"Id,omitempty"`
	TopicArn          string   `json:"TopicArn,omitempty"`
	QueueArn          string   `json:"QueueArn,omitempty"`
	LambdaFunctionArn string   `json:"LambdaFunctionArn,omitempty"`
	Events            []string `json:"Events"`
}

// ServerSideEncryptionConfiguration is a bucket's default encryption.
type ServerSideEncryptionConfiguration struct {
	Rules []ServerSideEncryptionRule `json:"Rules"`
}

// ServerSideEncryptionRule is one default-encryption rule.
type ServerSideEncryptionRule struct {
	ApplyServerSideEncryptionByDefault *ServerSideEncryptionByDefault `json:"ApplyServerSideEncryptionByDefault,omitempty"`
	BucketKeyEnabled                   *bool                          `json:"BucketKeyEnabled,omitempty"`
	// BlockedEncryptionTypes lists refused encryption types, e.g. "SSE-C".
	BlockedEncryptionTypes []string `json:"BlockedEncryptionTypes,omitempty"`
}

// ServerSideEncryptionByDefault is the default algorithm and KMS key.
type ServerSideEncryptionByDefault struct {
	SSEAlgorithm   string  `json:"SSEAlgorithm"`
	KMSMasterKeyID *string `json:"KMSMasterKeyID,omitempty"`
}

// ObjectLockConfiguration is a bucket's Object Lock setting.
type ObjectLockConfiguration struct {
	ObjectLockEnabled string          `json:"ObjectLockEnabled"`
	Rule              *ObjectLockRule `json:"Rule,omitempty"`
}

// ObjectLockRule holds the default retention.
type ObjectLockRule struct {
	DefaultRetention *DefaultRetention `json:"DefaultRetention,omitempty"`
}

// DefaultRetention is Object Lock's default retention period.
type DefaultRetention struct {
	Mode  string `json:"Mode,omitempty"`
	Days  *int32 `json:"Days,omitempty"`
	Years *int32 `json:"Years,omitempty"`
}

// OwnershipControls is a bucket's Object Ownership setting.
type OwnershipControls struct {
	Rules []OwnershipControlsRule `json:"Rules"`
}

// OwnershipControlsRule is BucketOwnerEnforced, BucketOwnerPreferred or ObjectWriter.
type OwnershipControlsRule struct {
	ObjectOwnership string `json:"ObjectOwnership"`
}

// PublicAccessBlockConfiguration is a bucket's public access block.
type PublicAccessBlockConfiguration struct {
	BlockPublicAcls       *bool `json:"BlockPublicAcls,omitempty"`
	IgnorePublicAcls      *bool `json:"IgnorePublicAcls,omitempty"`
	BlockPublicPolicy     *bool `json:"BlockPublicPolicy,omitempty"`
	RestrictPublicBuckets *bool `json:"RestrictPublicBuckets,omitempty"`
}

// LifecycleConfiguration is a bucket's lifecycle rules.
type LifecycleConfiguration struct {
	Rules []LifecycleRule `json:"Rules"`
}

// LifecycleRule is one lifecycle rule (the fields replication audits need).
type LifecycleRule struct {
	ID                           *string                       `json:"ID,omitempty"`
	Status                       string                        `json:"Status"`
	Prefix                       *string                       `json:"Prefix,omitempty"`
	Filter                       *LifecycleRuleFilter          `json:"Filter,omitempty"`
	Expiration                   *LifecycleExpiration          `json:"Expiration,omitempty"`
	NoncurrentVersionExpiration  *NoncurrentVersionExpiration  `json:"NoncurrentVersionExpiration,omitempty"`
	Transitions                  []LifecycleTransition         `json:"Transitions,omitempty"`
	NoncurrentVersionTransitions []NoncurrentVersionTransition `json:"NoncurrentVersionTransitions,omitempty"`
}

// LifecycleRuleFilter selects the objects a lifecycle rule applies to.
type LifecycleRuleFilter struct {
	Prefix                *string                     `json:"Prefix,omitempty"`
	Tag                   *Tag                        `json:"Tag,omitempty"`
	And                   *ReplicationRuleAndOperator `json:"And,omitempty"`
	ObjectSizeGreaterThan *int64                      `json:"ObjectSizeGreaterThan,omitempty"`
	ObjectSizeLessThan    *int64                      `json:"ObjectSizeLessThan,omitempty"`
}

// LifecycleExpiration expires current versions.
type LifecycleExpiration struct {
	Days                      *int32     `json:"Days,omitempty"`
	Date                      *time.Time `json:"Date,omitempty"`
	ExpiredObjectDeleteMarker *bool      `json:"ExpiredObjectDeleteMarker,omitempty"`
}

// NoncurrentVersionExpiration expires noncurrent versions.
type NoncurrentVersionExpiration struct {
	NoncurrentDays          *int32 `json:"NoncurrentDays,omitempty"`
	NewerNoncurrentVersions *int32 `json:"NewerNoncurrentVersions,omitempty"`
}

// LifecycleTransition moves current versions to another storage class.
type LifecycleTransition struct {
	Days         *int32     `json:"Days,omitempty"`
	Date         *time.Time `json:"Date,omitempty"`
	StorageClass string     `json:"StorageClass"`
}

// NoncurrentVersionTransition moves noncurrent versions to another storage class.
type NoncurrentVersionTransition struct {
	NoncurrentDays *int32 `json:"NoncurrentDays,omitempty"`
	StorageClass   string `json:"StorageClass"`
}

// RequestPaymentConfiguration says who pays for requests: BucketOwner or Requester.
type RequestPaymentConfiguration struct {
	Payer string `json:"Payer"`
}

// BucketPolicy is a bucket policy, parsed from its JSON text; Document nil = none.
type BucketPolicy struct {
	Document any `json:"Document"`
}

// KmsKey is a KMS key named by a bucket's default encryption or a rule's
// ReplicaKmsKeyID, read once per scan. Ref is the reference as configured (key ARN,
// alias ARN or key id); it indexes the key in the input document.
type KmsKey struct {
	Ref       string `json:"Ref"`
	Arn       string `json:"Arn,omitempty"`
	AccountID string `json:"AccountId,omitempty"`
	Region    string `json:"Region,omitempty"`
	// Exists is false when DescribeKey answered NotFoundException; nil when unknown.
	Exists      *bool        `json:"Exists"`
	KeyMetadata *KeyMetadata `json:"KeyMetadata,omitempty"`
	// KeyPolicy is the parsed default key policy; nil when not read.
	KeyPolicy any               `json:"KeyPolicy,omitempty"`
	Errors    []CollectionError `json:"Errors,omitempty"`
}

// KeyMetadata is DescribeKey's metadata (the fields replication depends on).
type KeyMetadata struct {
	KeyId        string     `json:"KeyId"`
	Arn          string     `json:"Arn"`
	Enabled      bool       `json:"Enabled"`
	KeyState     string     `json:"KeyState"`
	KeyManager   string     `json:"KeyManager,omitempty"`
	KeySpec      string     `json:"KeySpec,omitempty"`
	KeyUsage     string     `json:"KeyUsage,omitempty"`
	MultiRegion  *bool      `json:"MultiRegion,omitempty"`
	DeletionDate *time.Time `json:"DeletionDate,omitempty"`
}
