package scanner

import (
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// convertReplication copies S3's replication configuration field by field. A rule
// keeps its V1 Prefix and its V2 Filter exactly as S3 returned them: a present but
// empty Filter stays a non-nil empty filter.
func convertReplication(in *s3types.ReplicationConfiguration) *ReplicationConfiguration {
	if in == nil {
		return nil
	}
	out := &ReplicationConfiguration{Role: aws.ToString(in.Role), Rules: make([]ReplicationRule, 0, len(in.Rules))}
	for _, r := range in.Rules {
		out.Rules = append(out.Rules, convertRule(r))
	}
	return out
}

func convertRule(r s3types.ReplicationRule) ReplicationRule {
	out := ReplicationRule{
		ID:       cloneString(r.ID),
		Priority: cloneInt32(r.Priority),
		Prefix:   cloneString(r.Prefix),
		Status:   string(r.Status),
	}
	if r.Filter != nil {
		f := &ReplicationRuleFilter{Prefix: cloneString(r.Filter.Prefix), Tag: convertTagPtr(r.Filter.Tag)}
		if r.Filter.And != nil {
			f.And = &ReplicationRuleAndOperator{Prefix: cloneString(r.Filter.And.Prefix), Tags: convertTagList(r.Filter.And.Tags)}
		}
		out.Filter = f
	}
	if s := r.SourceSelectionCriteria; s != nil {
		out.SourceSelectionCriteria = &SourceSelectionCriteria{}
		if s.SseKmsEncryptedObjects != nil {
			out.SourceSelectionCriteria.SseKmsEncryptedObjects = &StatusValue{Status: string(s.SseKmsEncryptedObjects.Status)}
		}
		if s.ReplicaModifications != nil {
			out.SourceSelectionCriteria.ReplicaModifications = &StatusValue{Status: string(s.ReplicaModifications.Status)}
		}
	}
	if r.ExistingObjectReplication != nil {
		out.ExistingObjectReplication = &StatusValue{Status: string(r.ExistingObjectReplication.Status)}
	}
	if r.DeleteMarkerReplication != nil {
		out.DeleteMarkerReplication = &StatusValue{Status: string(r.DeleteMarkerReplication.Status)}
	}
	if d := r.Destination; d != nil {
		out.Destination = convertDestination(d)
	}
	return out
}

func convertDestination(d *s3types.Destination) Destination {
	out := Destination{
		Bucket:       aws.ToString(d.Bucket),
		Account:      cloneString(d.Account),
		StorageClass: string(d.StorageClass),
	}
	if d.AccessControlTranslation != nil {
		out.AccessControlTranslation = &AccessControlTranslation{Owner: string(d.AccessControlTranslation.Owner)}
	}
	if d.EncryptionConfiguration != nil {
		out.EncryptionConfiguration = &EncryptionConfiguration{ReplicaKmsKeyID: cloneString(d.EncryptionConfiguration.ReplicaKmsKeyID)}
	}
	if d.ReplicationTime != nil {
		out.ReplicationTime = &ReplicationTime{Status: string(d.ReplicationTime.Status), Time: convertTimeValue(d.ReplicationTime.Time)}
	}
	if d.Metrics != nil {
		out.Metrics = &Metrics{Status: string(d.Metrics.Status), EventThreshold: convertTimeValue(d.Metrics.EventThreshold)}
	}
	return out
}

func convertTimeValue(v *s3types.ReplicationTimeValue) *ReplicationTimeValue {
	if v == nil {
		return nil
	}
	return &ReplicationTimeValue{Minutes: cloneInt32(v.Minutes)}
}

func convertTagPtr(t *s3types.Tag) *Tag {
	if t == nil {
		return nil
	}
	return &Tag{Key: aws.ToString(t.Key), Value: aws.ToString(t.Value)}
}

// convertTagList keeps the order S3 returned (a filter's tags are a set, but the
// document is reproduced as read).
func convertTagList(ts []s3types.Tag) []Tag {
	if ts == nil {
		return nil
	}
	out := make([]Tag, 0, len(ts))
	for _, t := range ts {
		out = append(out, Tag{Key: aws.ToString(t.Key), Value: aws.ToString(t.Value)})
	}
	return out
}

// convertBucketTags returns a bucket's tag set sorted by key, never nil.
func convertBucketTags(ts []s3types.Tag) []Tag {
	out := make([]Tag, 0, len(ts))
	for _, t := range ts {
		out = append(out, Tag{Key: aws.ToString(t.Key), Value: aws.ToString(t.Value)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// regionOfLocation maps GetBucketLocation's LocationConstraint to a region:
// us-east-1 answers with an empty constraint and old eu-west-1 buckets with "EU".
func regionOfLocation(lc s3types.BucketLocationConstraint) string {
	switch lc {
	case "":
		return "us-east-1"
	case s3types.BucketLocationConstraintEu:
		return "eu-west-1"
	default:
		return string(lc)
	}
}

func cloneString(p *string) *string {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func cloneInt32(p *int32) *int32 {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
