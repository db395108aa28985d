package scanner

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// The converters below copy the SDK's answers field by field. Each is nil-safe:
// a nil answer becomes the empty ("read, not configured") value, never nil, so
// that nil keeps meaning "not read".

func convertEncryption(in *s3types.ServerSideEncryptionConfiguration) *ServerSideEncryptionConfiguration {
	out := &ServerSideEncryptionConfiguration{Rules: []ServerSideEncryptionRule{}}
	if in == nil {
		return out
	}
	for _, r := range in.Rules {
		rule := ServerSideEncryptionRule{BucketKeyEnabled: cloneBool(r.BucketKeyEnabled)}
		if d := r.ApplyServerSideEncryptionByDefault; d != nil {
			rule.ApplyServerSideEncryptionByDefault = &ServerSideEncryptionByDefault{
				SSEAlgorithm:   string(d.SSEAlgorithm),
				KMSMasterKeyID: cloneString(d.KMSMasterKeyID),
			}
		}
		if b := r.BlockedEncryptionTypes; b != nil {
			rule.BlockedEncryptionTypes = make([]string, 0, len(b.EncryptionType))
			for _, t := range b.EncryptionType {
				rule.BlockedEncryptionTypes = append(rule.BlockedEncryptionTypes, string(t))
			}
		}
		out.Rules = append(out.Rules, rule)
	}
	return out
}

func convertObjectLock(in *s3types.ObjectLockConfiguration) *ObjectLockConfiguration {
	out := &ObjectLockConfiguration{}
	if in == nil {
		return out
	}
	out.ObjectLockEnabled = string(in.ObjectLockEnabled)
	if in.Rule != nil {
		out.Rule = &ObjectLockRule{}
		if d := in.Rule.DefaultRetention; d != nil {
			out.Rule.DefaultRetention = &DefaultRetention{
				Mode:  string(d.Mode),
				Days:  cloneInt32(d.Days),
				Years: cloneInt32(d.Years),
			}
		}
	}
	return out
}

func convertOwnership(in *s3types.OwnershipControls) *OwnershipControls {
	out := &OwnershipControls{Rules: []OwnershipControlsRule{}}
	if in == nil {
		return out
	}
	for _, r := range in.Rules {
		out.Rules = append(out.Rules, OwnershipControlsRule{ObjectOwnership: string(r.ObjectOwnership)})
	}
	return out
}

func convertPublicAccessBlock(in *s3types.PublicAccessBlockConfiguration) *PublicAccessBlockConfiguration {
	out := &PublicAccessBlockConfiguration{}
	if in == nil {
		return out
	}
	out.BlockPublicAcls = cloneBool(in.BlockPublicAcls)
	out.IgnorePublicAcls = cloneBool(in.IgnorePublicAcls)
	out.BlockPublicPolicy = cloneBool(in.BlockPublicPolicy)
	out.RestrictPublicBuckets = cloneBool(in.RestrictPublicBuckets)
	return out
}

// convertLifecycle copies the lifecycle rules. The snapshot keeps the fields
// replication audits need; an And filter keeps its prefix and tags.
func convertLifecycle(rules []s3types.LifecycleRule) *LifecycleConfiguration {
	out := &LifecycleConfiguration{Rules: make([]LifecycleRule, 0, len(rules))}
	for _, r := range rules {
		rule := LifecycleRule{
			ID:     cloneString(r.ID),
			Status: string(r.Status),
			Prefix: cloneString(r.Prefix),
		}
		if f := r.Filter; f != nil {
			rule.Filter = &LifecycleRuleFilter{
				Prefix:                cloneString(f.Prefix),
				Tag:                   convertTagPtr(f.Tag),
				ObjectSizeGreaterThan: cloneInt64(f.ObjectSizeGreaterThan),
				ObjectSizeLessThan:    cloneInt64(f.ObjectSizeLessThan),
			}
			if f.And != nil {
				rule.Filter.And = &ReplicationRuleAndOperator{Prefix: cloneString(f.And.Prefix), Tags: convertTagList(f.And.Tags)}
			}
		}
		if e := r.Expiration; e != nil {
			rule.Expiration = &LifecycleExpiration{
				Days:                      cloneInt32(e.Days),
				Date:                      cloneTime(e.Date),
				ExpiredObjectDeleteMarker: cloneBool(e.ExpiredObjectDeleteMarker),
			}
		}
		if e := r.NoncurrentVersionExpiration; e != nil {
			rule.NoncurrentVersionExpiration = &NoncurrentVersionExpiration{
				NoncurrentDays:          cloneInt32(e.NoncurrentDays),
				NewerNoncurrentVersions: cloneInt32(e.NewerNoncurrentVersions),
			}
		}
		for _, t := range r.Transitions {
			rule.Transitions = append(rule.Transitions, LifecycleTransition{
				Days: cloneInt32(t.Days), Date: cloneTime(t.Date), StorageClass: string(t.StorageClass),
			})
		}
		for _, t := range r.NoncurrentVersionTransitions {
			rule.NoncurrentVersionTransitions = append(rule.NoncurrentVersionTransitions, NoncurrentVersionTransition{
				NoncurrentDays: cloneInt32(t.NoncurrentDays), StorageClass: string(t.StorageClass),
			})
		}
		out.Rules = append(out.Rules, rule)
	}
	return out
}

// parseBucketPolicy parses GetBucketPolicy's answer: the policy's JSON text
// itself, not URL-encoded. An absent or empty text is "no policy".
func parseBucketPolicy(text *string) (*BucketPolicy, error) {
	doc, err := parseJSONDocument(text)
	if err != nil {
		return nil, err
	}
	return &BucketPolicy{Document: doc}, nil
}

// parseJSONDocument parses a policy document that AWS returns as plain JSON text
// (bucket and key policies; IAM's URL-encoded documents go through
// decodePolicyDocument). An absent or blank text is nil.
func parseJSONDocument(text *string) (any, error) {
	s := strings.TrimSpace(aws.ToString(text))
	if s == "" {
		return nil, nil
	}
	var doc any
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		return nil, fmt.Errorf("parse json: %w", err)
	}
	return doc, nil
}

func convertKeyMetadata(in *kmstypes.KeyMetadata) *KeyMetadata {
	if in == nil {
		return nil
	}
	return &KeyMetadata{
		KeyId:        aws.ToString(in.KeyId),
		Arn:          aws.ToString(in.Arn),
		Enabled:      in.Enabled,
		KeyState:     string(in.KeyState),
		KeyManager:   string(in.KeyManager),
		KeySpec:      string(in.KeySpec),
		KeyUsage:     string(in.KeyUsage),
		MultiRegion:  cloneBool(in.MultiRegion),
		DeletionDate: cloneTime(in.DeletionDate),
	}
}

// cloneEncryption returns a deep copy, so that a destination sharing a listed
// bucket's read does not alias it.
func cloneEncryption(in *ServerSideEncryptionConfiguration) *ServerSideEncryptionConfiguration {
	if in == nil {
		return nil
	}
	out := &ServerSideEncryptionConfiguration{Rules: make([]ServerSideEncryptionRule, 0, len(in.Rules))}
	for _, r := range in.Rules {
		c := ServerSideEncryptionRule{BucketKeyEnabled: cloneBool(r.BucketKeyEnabled)}
		if d := r.ApplyServerSideEncryptionByDefault; d != nil {
			c.ApplyServerSideEncryptionByDefault = &ServerSideEncryptionByDefault{SSEAlgorithm: d.SSEAlgorithm, KMSMasterKeyID: cloneString(d.KMSMasterKeyID)}
		}
		if r.BlockedEncryptionTypes != nil {
			c.BlockedEncryptionTypes = append([]string{}, r.BlockedEncryptionTypes...)
		}
		out.Rules = append(out.Rules, c)
	}
	return out
}

// cloneObjectLock returns a deep copy (see cloneEncryption).
func cloneObjectLock(in *ObjectLockConfiguration) *ObjectLockConfiguration {
	if in == nil {
		return nil
	}
	out := &ObjectLockConfiguration{ObjectLockEnabled: in.ObjectLockEnabled}
	if in.Rule != nil {
		out.Rule = &ObjectLockRule{}
		if d := in.Rule.DefaultRetention; d != nil {
			out.Rule.DefaultRetention = &DefaultRetention{Mode: d.Mode, Days: cloneInt32(d.Days), Years: cloneInt32(d.Years)}
		}
	}
	return out
}

func cloneBool(p *bool) *bool {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func cloneInt64(p *int64) *int64 {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func cloneTime(p *time.Time) *time.Time {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// convertNotification keeps where notifications go and for which events (key
// filters are not kept: any configuration for the event counts).
func convertNotification(out *s3.GetBucketNotificationConfigurationOutput) *NotificationConfiguration {
	n := &NotificationConfiguration{
		TopicConfigurations:          []NotificationTarget{},
		QueueConfigurations:          []NotificationTarget{},
		LambdaFunctionConfigurations: []NotificationTarget{},
		EventBridgeEnabled:           out.EventBridgeConfiguration != nil,
	}
	events := func(es []s3types.Event) []string {
		out := make([]string, len(es))
		for i, e := range es {
			out[i] = string(e)
		}
		return out
	}
	for _, t := range out.TopicConfigurations {
		n.TopicConfigurations = append(n.TopicConfigurations, NotificationTarget{Id: t.Id, TopicArn: aws.ToString(t.TopicArn), Events: events(t.Events)})
	}
	for _, q := range out.QueueConfigurations {
		n.QueueConfigurations = append(n.QueueConfigurations, NotificationTarget{Id: q.Id, QueueArn: aws.ToString(q.QueueArn), Events: events(q.Events)})
	}
	for _, l := range out.LambdaFunctionConfigurations {
		n.LambdaFunctionConfigurations = append(n.LambdaFunctionConfigurations, NotificationTarget{Id: l.Id, LambdaFunctionArn: aws.ToString(l.LambdaFunctionArn), Events: events(l.Events)})
	}
	return n
}
