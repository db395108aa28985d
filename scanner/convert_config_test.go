package scanner

import (
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestConvertEncryption(t *testing.T) {
	tests := []struct {
		name string
		in   *s3types.ServerSideEncryptionConfiguration
		want *ServerSideEncryptionConfiguration
	}{
		{"nil is read but empty", nil, &ServerSideEncryptionConfiguration{Rules: []ServerSideEncryptionRule{}}},
		{"SSE-S3", &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256},
			BucketKeyEnabled:                   aws.Bool(false),
		}}}, &ServerSideEncryptionConfiguration{Rules: []ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &ServerSideEncryptionByDefault{SSEAlgorithm: "AES256"},
			BucketKeyEnabled:                   aws.Bool(false),
		}}}},
		{"SSE-KMS with a bucket key, SSE-C blocked", &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String("alias/data")},
			BucketKeyEnabled:                   aws.Bool(true),
			BlockedEncryptionTypes:             &s3types.BlockedEncryptionTypes{EncryptionType: []s3types.EncryptionType{s3types.EncryptionTypeSseC}},
		}}}, &ServerSideEncryptionConfiguration{Rules: []ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &ServerSideEncryptionByDefault{SSEAlgorithm: "aws:kms", KMSMasterKeyID: aws.String("alias/data")},
			BucketKeyEnabled:                   aws.Bool(true),
			BlockedEncryptionTypes:             []string{"SSE-C"},
		}}}},
		{"DSSE without a key, no default, BucketKeyEnabled absent", &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{
			{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKmsDsse}},
			{BlockedEncryptionTypes: &s3types.BlockedEncryptionTypes{}},
		}}, &ServerSideEncryptionConfiguration{Rules: []ServerSideEncryptionRule{
			{ApplyServerSideEncryptionByDefault: &ServerSideEncryptionByDefault{SSEAlgorithm: "aws:kms:dsse"}},
			{BlockedEncryptionTypes: []string{}},
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := convertEncryption(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %s\nwant %s", mustJSON(t, got), mustJSON(t, tt.want))
			}
		})
	}
}

func TestConvertObjectLock(t *testing.T) {
	tests := []struct {
		name string
		in   *s3types.ObjectLockConfiguration
		want *ObjectLockConfiguration
	}{
		{"nil", nil, &ObjectLockConfiguration{}},
		{"enabled without a rule", &s3types.ObjectLockConfiguration{ObjectLockEnabled: s3types.ObjectLockEnabledEnabled},
			&ObjectLockConfiguration{ObjectLockEnabled: "Enabled"}},
		{"rule without retention", &s3types.ObjectLockConfiguration{ObjectLockEnabled: s3types.ObjectLockEnabledEnabled, Rule: &s3types.ObjectLockRule{}},
			&ObjectLockConfiguration{ObjectLockEnabled: "Enabled", Rule: &ObjectLockRule{}}},
		{"compliance for years", &s3types.ObjectLockConfiguration{ObjectLockEnabled: s3types.ObjectLockEnabledEnabled, Rule: &s3types.ObjectLockRule{
			DefaultRetention: &s3types.DefaultRetention{Mode: s3types.ObjectLockRetentionModeCompliance, Years: aws.Int32(7)}}},
			&ObjectLockConfiguration{ObjectLockEnabled: "Enabled", Rule: &ObjectLockRule{DefaultRetention: &DefaultRetention{Mode: "COMPLIANCE", Years: aws.Int32(7)}}}},
		{"governance for days", &s3types.ObjectLockConfiguration{ObjectLockEnabled: s3types.ObjectLockEnabledEnabled, Rule: &s3types.ObjectLockRule{
			DefaultRetention: &s3types.DefaultRetention{Mode: s3types.ObjectLockRetentionModeGovernance, Days: aws.Int32(30)}}},
			&ObjectLockConfiguration{ObjectLockEnabled: "Enabled", Rule: &ObjectLockRule{DefaultRetention: &DefaultRetention{Mode: "GOVERNANCE", Days: aws.Int32(30)}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := convertObjectLock(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %s\nwant %s", mustJSON(t, got), mustJSON(t, tt.want))
			}
		})
	}
}

func TestConvertOwnershipAndPublicAccessBlock(t *testing.T) {
	if got, want := convertOwnership(nil), (&OwnershipControls{Rules: []OwnershipControlsRule{}}); !reflect.DeepEqual(got, want) {
		t.Errorf("ownership nil = %s", mustJSON(t, got))
	}
	got := convertOwnership(&s3types.OwnershipControls{Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnershipBucketOwnerEnforced}}})
	if want := (&OwnershipControls{Rules: []OwnershipControlsRule{{ObjectOwnership: "BucketOwnerEnforced"}}}); !reflect.DeepEqual(got, want) {
		t.Errorf("ownership = %s", mustJSON(t, got))
	}

	tests := []struct {
		name string
		in   *s3types.PublicAccessBlockConfiguration
		want *PublicAccessBlockConfiguration
	}{
		{"nil", nil, &PublicAccessBlockConfiguration{}},
		{"all on", &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)},
			&PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}},
		// false and absent stay apart: a policy can tell "off" from "not said".
		{"false and absent", &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(false), RestrictPublicBuckets: aws.Bool(true)},
			&PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(false), RestrictPublicBuckets: aws.Bool(true)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := convertPublicAccessBlock(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %s\nwant %s", mustJSON(t, got), mustJSON(t, tt.want))
			}
		})
	}
}

func TestConvertLifecycle(t *testing.T) {
	date := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	in := []s3types.LifecycleRule{
		{ // V1: Prefix on the rule
			ID: aws.String("legacy"), Status: s3types.ExpirationStatusEnabled, Prefix: aws.String("old/"),
			Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(30)},
		},
		{
			ID: aws.String("everything"), Status: s3types.ExpirationStatusEnabled,
			Filter:     &s3types.LifecycleRuleFilter{Prefix: aws.String("logs/"), ObjectSizeGreaterThan: aws.Int64(1024), ObjectSizeLessThan: aws.Int64(1 << 20)},
			Expiration: &s3types.LifecycleExpiration{Date: &date},
			NoncurrentVersionExpiration: &s3types.NoncurrentVersionExpiration{
				NoncurrentDays: aws.Int32(7), NewerNoncurrentVersions: aws.Int32(3),
			},
			Transitions: []s3types.Transition{
				{Days: aws.Int32(10), StorageClass: s3types.TransitionStorageClassGlacier},
				{Date: &date, StorageClass: s3types.TransitionStorageClassDeepArchive},
			},
			NoncurrentVersionTransitions: []s3types.NoncurrentVersionTransition{
				{NoncurrentDays: aws.Int32(3), StorageClass: s3types.TransitionStorageClassStandardIa},
			},
		},
		{
			ID: aws.String("tags"), Status: s3types.ExpirationStatusDisabled,
			Filter: &s3types.LifecycleRuleFilter{And: &s3types.LifecycleRuleAndOperator{
				Prefix: aws.String("a/"), Tags: []s3types.Tag{{Key: aws.String("k"), Value: aws.String("v")}},
			}},
			Expiration: &s3types.LifecycleExpiration{ExpiredObjectDeleteMarker: aws.Bool(true)},
		},
		{
			Status: s3types.ExpirationStatusEnabled,
			Filter: &s3types.LifecycleRuleFilter{Tag: &s3types.Tag{Key: aws.String("t"), Value: aws.String("u")}},
		},
	}
	want := &LifecycleConfiguration{Rules: []LifecycleRule{
		{ID: aws.String("legacy"), Status: "Enabled", Prefix: aws.String("old/"), Expiration: &LifecycleExpiration{Days: aws.Int32(30)}},
		{
			ID: aws.String("everything"), Status: "Enabled",
			Filter:     &LifecycleRuleFilter{Prefix: aws.String("logs/"), ObjectSizeGreaterThan: aws.Int64(1024), ObjectSizeLessThan: aws.Int64(1 << 20)},
			Expiration: &LifecycleExpiration{Date: &date},
			NoncurrentVersionExpiration: &NoncurrentVersionExpiration{
				NoncurrentDays: aws.Int32(7), NewerNoncurrentVersions: aws.Int32(3),
			},
			Transitions: []LifecycleTransition{
				{Days: aws.Int32(10), StorageClass: "GLACIER"},
				{Date: &date, StorageClass: "DEEP_ARCHIVE"},
			},
			NoncurrentVersionTransitions: []NoncurrentVersionTransition{{NoncurrentDays: aws.Int32(3), StorageClass: "STANDARD_IA"}},
		},
		{
			ID: aws.String("tags"), Status: "Disabled",
			Filter:     &LifecycleRuleFilter{And: &ReplicationRuleAndOperator{Prefix: aws.String("a/"), Tags: []Tag{{Key: "k", Value: "v"}}}},
			Expiration: &LifecycleExpiration{ExpiredObjectDeleteMarker: aws.Bool(true)},
		},
		{Status: "Enabled", Filter: &LifecycleRuleFilter{Tag: &Tag{Key: "t", Value: "u"}}},
	}}
	got := convertLifecycle(in)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %s\nwant %s", mustJSON(t, got), mustJSON(t, want))
	}
	// The copy does not alias the SDK's values.
	*in[1].Expiration.Date = date.AddDate(1, 0, 0)
	if !got.Rules[1].Expiration.Date.Equal(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Error("the converted date aliases the SDK's")
	}
	if got := convertLifecycle(nil); got == nil || got.Rules == nil || len(got.Rules) != 0 {
		t.Errorf("nil rules = %#v, want read but empty", got)
	}
}

func TestParseBucketPolicy(t *testing.T) {
	tests := []struct {
		name    string
		in      *string
		want    *BucketPolicy
		wantErr bool
	}{
		{"absent", nil, &BucketPolicy{}, false},
		{"blank", aws.String("  "), &BucketPolicy{}, false},
		// S3 returns the JSON itself: a %20 stays a %20.
		{"raw JSON", aws.String(`{"Statement":[{"Sid":"a%20b","Effect":"Allow"}]}`),
			&BucketPolicy{Document: map[string]any{"Statement": []any{map[string]any{"Sid": "a%20b", "Effect": "Allow"}}}}, false},
		{"not JSON", aws.String(`{"Statement":`), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseBucketPolicy(tt.in)
			if (err != nil) != tt.wantErr || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseBucketPolicy = %#v, %v; want %#v, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestConvertKeyMetadata(t *testing.T) {
	if convertKeyMetadata(nil) != nil {
		t.Error("nil metadata converted to non-nil")
	}
	deletion := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	got := convertKeyMetadata(&kmstypes.KeyMetadata{
		KeyId: aws.String("k1"), Arn: aws.String("arn:aws:kms:eu-west-1:111122223333:key/k1"), AWSAccountId: aws.String("111122223333"),
		Enabled: false, KeyState: kmstypes.KeyStatePendingDeletion, KeyManager: kmstypes.KeyManagerTypeCustomer,
		KeySpec: kmstypes.KeySpecSymmetricDefault, KeyUsage: kmstypes.KeyUsageTypeEncryptDecrypt,
		MultiRegion: aws.Bool(false), DeletionDate: &deletion, Description: aws.String("not kept"),
	})
	want := &KeyMetadata{
		KeyId: "k1", Arn: "arn:aws:kms:eu-west-1:111122223333:key/k1", Enabled: false, KeyState: "PendingDeletion",
		KeyManager: "CUSTOMER", KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT", MultiRegion: aws.Bool(false), DeletionDate: &deletion,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %s\nwant %s", mustJSON(t, got), mustJSON(t, want))
	}
}

func TestCloneSharedSettings(t *testing.T) {
	enc := &ServerSideEncryptionConfiguration{Rules: []ServerSideEncryptionRule{{
		ApplyServerSideEncryptionByDefault: &ServerSideEncryptionByDefault{SSEAlgorithm: "aws:kms", KMSMasterKeyID: aws.String("k")},
		BucketKeyEnabled:                   aws.Bool(true), BlockedEncryptionTypes: []string{"SSE-C"},
	}}}
	lock := &ObjectLockConfiguration{ObjectLockEnabled: "Enabled", Rule: &ObjectLockRule{DefaultRetention: &DefaultRetention{Mode: "GOVERNANCE", Days: aws.Int32(1)}}}
	ce, cl := cloneEncryption(enc), cloneObjectLock(lock)
	if !reflect.DeepEqual(ce, enc) || !reflect.DeepEqual(cl, lock) {
		t.Fatalf("clones differ: %s %s", mustJSON(t, ce), mustJSON(t, cl))
	}
	*ce.Rules[0].ApplyServerSideEncryptionByDefault.KMSMasterKeyID = "changed"
	ce.Rules[0].BlockedEncryptionTypes[0] = "changed"
	*cl.Rule.DefaultRetention.Days = 99
	if *enc.Rules[0].ApplyServerSideEncryptionByDefault.KMSMasterKeyID != "k" || enc.Rules[0].BlockedEncryptionTypes[0] != "SSE-C" || *lock.Rule.DefaultRetention.Days != 1 {
		t.Error("a clone aliases its original")
	}
	if cloneEncryption(nil) != nil || cloneObjectLock(nil) != nil {
		t.Error("nil (not read) must stay nil")
	}
}
