package scanner

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

const (
	fakeAccount  = "111122223333"
	otherAccount = "444455556666"
)

// fakeEstate returns the answers every fake scan starts from: the caller's
// identity, the account's enabled regions and one page of buckets.
func fakeEstate(buckets ...s3types.Bucket) map[string]any {
	return map[string]any{
		"GetCallerIdentity ": &sts.GetCallerIdentityOutput{Account: aws.String(fakeAccount), Arn: aws.String("arn:aws:iam::" + fakeAccount + ":user/auditor")},
		"ListRegions ":       fakeRegions("eu-west-1", "us-east-1", "us-west-2"),
		"ListBuckets ":       &s3.ListBucketsOutput{Buckets: buckets},
	}
}

// fakeRegions is ListRegions' answer listing regions as enabled.
func fakeRegions(regions ...string) *account.ListRegionsOutput {
	out := &account.ListRegionsOutput{}
	for _, r := range regions {
		out.Regions = append(out.Regions, accounttypes.Region{RegionName: aws.String(r), RegionOptStatus: accounttypes.RegionOptStatusEnabledByDefault})
	}
	return out
}

func listed(name, region string) s3types.Bucket {
	b := s3types.Bucket{Name: aws.String(name)}
	if region != "" {
		b.BucketRegion = aws.String(region)
	}
	return b
}

func scanFake(t *testing.T, answers map[string]any, opts ...func(*Options)) (*Snapshot, *fakeAWS) {
	t.Helper()
	f := &fakeAWS{answers: answers}
	o := Options{Concurrency: 4}
	for _, set := range opts {
		set(&o)
	}
	snap, err := Scan(context.Background(), f, o)
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	return snap, f
}

func bucketNamed(t *testing.T, s *Snapshot, name string) Bucket {
	t.Helper()
	for _, b := range s.Buckets {
		if b.Name == name {
			return b
		}
	}
	t.Fatalf("bucket %s not in snapshot", name)
	return Bucket{}
}

func destinationNamed(t *testing.T, s *Snapshot, arn string) LinkedBucket {
	t.Helper()
	for _, d := range s.Destinations {
		if d.Arn == arn {
			return d
		}
	}
	t.Fatalf("destination %s not in snapshot", arn)
	return LinkedBucket{}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestScanConvertsReplicationConfiguration(t *testing.T) {
	created := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	src := listed("src", "us-west-2")
	src.CreationDate = &created
	roleArn := "arn:aws:iam::" + otherAccount + ":role/repl"
	answers := fakeEstate(src)
	answers["GetBucketReplication src"] = &s3.GetBucketReplicationOutput{ReplicationConfiguration: &s3types.ReplicationConfiguration{
		Role: aws.String(roleArn),
		Rules: []s3types.ReplicationRule{
			{ // V1: Prefix on the rule, no Filter
				ID: aws.String("v1"), Prefix: aws.String("old/"), Status: s3types.ReplicationRuleStatusEnabled,
				Destination: &s3types.Destination{Bucket: aws.String("arn:aws:s3:::dst-v1")},
			},
			{ // V2 with every field
				ID: aws.String("rule-1"), Priority: aws.Int32(1), Status: s3types.ReplicationRuleStatusEnabled,
				Filter: &s3types.ReplicationRuleFilter{And: &s3types.ReplicationRuleAndOperator{
					Prefix: aws.String("logs/"),
					Tags:   []s3types.Tag{{Key: aws.String("k2"), Value: aws.String("v2")}, {Key: aws.String("k1"), Value: aws.String("v1")}},
				}},
				SourceSelectionCriteria: &s3types.SourceSelectionCriteria{
					SseKmsEncryptedObjects: &s3types.SseKmsEncryptedObjects{Status: s3types.SseKmsEncryptedObjectsStatusEnabled},
					ReplicaModifications:   &s3types.ReplicaModifications{Status: s3types.ReplicaModificationsStatusEnabled},
				},
				ExistingObjectReplication: &s3types.ExistingObjectReplication{Status: s3types.ExistingObjectReplicationStatusDisabled},
				DeleteMarkerReplication:   &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusDisabled},
				Destination: &s3types.Destination{
					Bucket:                   aws.String("arn:aws:s3:::dst-full"),
					Account:                  aws.String(otherAccount),
					StorageClass:             s3types.StorageClassStandardIa,
					AccessControlTranslation: &s3types.AccessControlTranslation{Owner: s3types.OwnerOverrideDestination},
					EncryptionConfiguration:  &s3types.EncryptionConfiguration{ReplicaKmsKeyID: aws.String("arn:aws:kms:eu-west-1:" + otherAccount + ":key/abcd")},
					ReplicationTime: &s3types.ReplicationTime{Status: s3types.ReplicationTimeStatusEnabled,
						Time: &s3types.ReplicationTimeValue{Minutes: aws.Int32(15)}},
					Metrics: &s3types.Metrics{Status: s3types.MetricsStatusEnabled,
						EventThreshold: &s3types.ReplicationTimeValue{Minutes: aws.Int32(15)}},
				},
			},
			{ // V2 with an empty filter: all objects
				ID: aws.String("all"), Priority: aws.Int32(2), Status: s3types.ReplicationRuleStatusDisabled,
				Filter:                  &s3types.ReplicationRuleFilter{},
				DeleteMarkerReplication: &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusEnabled},
				Destination:             &s3types.Destination{Bucket: aws.String("arn:aws:s3:::dst-v1")},
			},
			{ // V2 with a single tag
				ID: aws.String("tagged"), Priority: aws.Int32(3), Status: s3types.ReplicationRuleStatusEnabled,
				Filter:                  &s3types.ReplicationRuleFilter{Tag: &s3types.Tag{Key: aws.String("env"), Value: aws.String("prod")}},
				DeleteMarkerReplication: &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusDisabled},
				Destination:             &s3types.Destination{Bucket: aws.String("arn:aws:s3:::dst-full"), Account: aws.String(otherAccount)},
			},
		},
	}}
	answers["GetBucketVersioning src"] = &s3.GetBucketVersioningOutput{Status: s3types.BucketVersioningStatusEnabled, MFADelete: s3types.MFADeleteStatusDisabled}
	answers["GetBucketTagging src"] = apiErr(404, "NoSuchTagSet", "The TagSet does not exist")
	sourceNotConfigured(answers, "src")
	// One listing per distinct non-empty prefix (V1 and And): objects under logs/, none under old/.
	answers["ListObjectsV2 src/logs/"] = &s3.ListObjectsV2Output{KeyCount: aws.Int32(1), Contents: []s3types.Object{{Key: aws.String("logs/a")}}}
	answers["ListObjectsV2 src/old/"] = &s3.ListObjectsV2Output{KeyCount: aws.Int32(0)}
	// rule-1 has replication metrics on: where its failure events go is read (CRR-042).
	answers["GetBucketNotificationConfiguration src"] = &s3.GetBucketNotificationConfigurationOutput{
		TopicConfigurations: []s3types.TopicConfiguration{{Id: aws.String("ops"), TopicArn: aws.String("arn:aws:sns:us-west-2:111122223333:ops"),
			Events: []s3types.Event{"s3:Replication:OperationFailedReplication"}}},
		EventBridgeConfiguration: &s3types.EventBridgeConfiguration{},
	}
	answers["HeadBucket dst-v1"] = apiErr(404, "NotFound", "")
	answers["HeadBucket dst-full"] = apiErr(403, "Forbidden", "", "X-Amz-Bucket-Region", "eu-west-1")
	answers["GetBucketVersioning dst-full"] = apiErr(403, "AccessDenied", "Access Denied")
	destinationDenied(answers, "dst-full")
	replicaKey := "arn:aws:kms:eu-west-1:" + otherAccount + ":key/abcd"
	answers["DescribeKey "+replicaKey] = apiErr(400, "AccessDeniedException", "not authorized")

	snap, f := scanFake(t, answers, readAll)

	want := Bucket{
		Name: "src", Arn: "arn:aws:s3:::src", AccountID: fakeAccount, Region: "us-west-2", CreationDate: &created,
		Versioning: &Versioning{Status: "Enabled", MFADelete: "Disabled"},
		Tags:       []Tag{},
		BucketConfig: BucketConfig{
			ServerSideEncryptionConfiguration: &ServerSideEncryptionConfiguration{Rules: []ServerSideEncryptionRule{}},
			ObjectLockConfiguration:           &ObjectLockConfiguration{},
			NotificationConfiguration: &NotificationConfiguration{
				TopicConfigurations: []NotificationTarget{{Id: aws.String("ops"), TopicArn: "arn:aws:sns:us-west-2:111122223333:ops",
					Events: []string{"s3:Replication:OperationFailedReplication"}}},
				QueueConfigurations: []NotificationTarget{}, LambdaFunctionConfigurations: []NotificationTarget{},
				EventBridgeEnabled: true,
			},
		},
		PrefixHasObjects: map[string]bool{"logs/": true, "old/": false},
		ReplicationConfiguration: &ReplicationConfiguration{Role: roleArn, Rules: []ReplicationRule{
			{
				ID: aws.String("v1"), Prefix: aws.String("old/"), Status: "Enabled",
				Destination: Destination{Bucket: "arn:aws:s3:::dst-v1"},
			},
			{
				ID: aws.String("rule-1"), Priority: aws.Int32(1), Status: "Enabled",
				Filter: &ReplicationRuleFilter{And: &ReplicationRuleAndOperator{
					Prefix: aws.String("logs/"), Tags: []Tag{{Key: "k2", Value: "v2"}, {Key: "k1", Value: "v1"}},
				}},
				SourceSelectionCriteria: &SourceSelectionCriteria{
					SseKmsEncryptedObjects: &StatusValue{Status: "Enabled"},
					ReplicaModifications:   &StatusValue{Status: "Enabled"},
				},
				ExistingObjectReplication: &StatusValue{Status: "Disabled"},
				DeleteMarkerReplication:   &StatusValue{Status: "Disabled"},
				Destination: Destination{
					Bucket: "arn:aws:s3:::dst-full", Account: aws.String(otherAccount), StorageClass: "STANDARD_IA",
					AccessControlTranslation: &AccessControlTranslation{Owner: "Destination"},
					EncryptionConfiguration:  &EncryptionConfiguration{ReplicaKmsKeyID: aws.String("arn:aws:kms:eu-west-1:" + otherAccount + ":key/abcd")},
					ReplicationTime:          &ReplicationTime{Status: "Enabled", Time: &ReplicationTimeValue{Minutes: aws.Int32(15)}},
					Metrics:                  &Metrics{Status: "Enabled", EventThreshold: &ReplicationTimeValue{Minutes: aws.Int32(15)}},
				},
			},
			{
				ID: aws.String("all"), Priority: aws.Int32(2), Status: "Disabled",
				Filter:                  &ReplicationRuleFilter{},
				DeleteMarkerReplication: &StatusValue{Status: "Enabled"},
				Destination:             Destination{Bucket: "arn:aws:s3:::dst-v1"},
			},
			{
				ID: aws.String("tagged"), Priority: aws.Int32(3), Status: "Enabled",
				Filter:                  &ReplicationRuleFilter{Tag: &Tag{Key: "env", Value: "prod"}},
				DeleteMarkerReplication: &StatusValue{Status: "Disabled"},
				Destination:             Destination{Bucket: "arn:aws:s3:::dst-full", Account: aws.String(otherAccount)},
			},
		}},
	}
	got := bucketNamed(t, snap, "src")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("bucket:\n got %s\nwant %s", mustJSON(t, got), mustJSON(t, want))
	}

	// The JSON keeps V1 and V2 apart: no Filter key on the V1 rule, an empty
	// object on the V2 rule that selects everything.
	rules := mustJSON(t, got.ReplicationConfiguration.Rules)
	for _, frag := range []string{
		`{"ID":"v1","Prefix":"old/","Status":"Enabled","Destination":{"Bucket":"arn:aws:s3:::dst-v1"}}`,
		`"Filter":{},"Status":"Disabled"`,
	} {
		if !strings.Contains(rules, frag) {
			t.Errorf("rules JSON lacks %s:\n%s", frag, rules)
		}
	}

	wantDest := []LinkedBucket{
		// 403 with the region header: it exists, in another account; AccessDenied
		// on its versioning and settings is "unknown", not an error of this scan.
		{Arn: "arn:aws:s3:::dst-full", Name: "dst-full", AccountID: otherAccount, Exists: aws.Bool(true), Region: "eu-west-1"},
		{Arn: "arn:aws:s3:::dst-v1", Name: "dst-v1", Exists: aws.Bool(false)},
	}
	if !reflect.DeepEqual(snap.Destinations, wantDest) {
		t.Errorf("destinations:\n got %s\nwant %s", mustJSON(t, snap.Destinations), mustJSON(t, wantDest))
	}
	wantRoles := []Role{{Arn: roleArn, RoleName: "repl", AccountID: otherAccount}}
	if !reflect.DeepEqual(snap.Roles, wantRoles) {
		t.Errorf("roles:\n got %s\nwant %s", mustJSON(t, snap.Roles), mustJSON(t, wantRoles))
	}
	// Another account's key that KMS will not describe: unknown, not an error.
	wantKeys := []KmsKey{{Ref: replicaKey, Arn: replicaKey, AccountID: otherAccount, Region: "eu-west-1"}}
	if !reflect.DeepEqual(snap.KmsKeys, wantKeys) {
		t.Errorf("kms keys:\n got %s\nwant %s", mustJSON(t, snap.KmsKeys), mustJSON(t, wantKeys))
	}
	if !snap.Complete() {
		t.Errorf("snapshot incomplete: %s", mustJSON(t, snap))
	}

	// Each read went to the client of the bucket's (or key's) region, each
	// destination once, and the role and key policy of another account were not read.
	wantCalls := []string{
		"eu-west-1 GetBucketVersioning dst-full",
		" HeadBucket dst-full",
		" HeadBucket dst-v1",
		" ListBuckets ",
		"account ListRegions ",
		"sts GetCallerIdentity ",
		"us-west-2 GetBucketReplication src",
		"us-west-2 GetBucketTagging src",
		"us-west-2 GetBucketVersioning src",
		"us-west-2 GetBucketEncryption src",
		"us-west-2 GetObjectLockConfiguration src",
		"us-west-2 GetBucketNotificationConfiguration src",
		"us-west-2 ListObjectsV2 src/logs/",
		"us-west-2 ListObjectsV2 src/old/",
		"eu-west-1 DescribeKey " + replicaKey,
	}
	for _, op := range destinationOps {
		wantCalls = append(wantCalls, "eu-west-1 "+op+" dst-full")
	}
	sort.Strings(wantCalls)
	if got := f.callList(); !reflect.DeepEqual(got, wantCalls) {
		t.Errorf("calls:\n got %q\nwant %q", got, wantCalls)
	}
}

// replicating returns a replication configuration with one enabled V2 rule per destination.
func replicating(role string, dests ...string) *s3.GetBucketReplicationOutput {
	cfg := &s3types.ReplicationConfiguration{Role: aws.String(role)}
	for i, d := range dests {
		cfg.Rules = append(cfg.Rules, s3types.ReplicationRule{
			ID: aws.String("r" + string(rune('1'+i))), Priority: aws.Int32(int32(i + 1)), Status: s3types.ReplicationRuleStatusEnabled,
			Filter:                  &s3types.ReplicationRuleFilter{Prefix: aws.String("")},
			DeleteMarkerReplication: &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusDisabled},
			Destination:             &s3types.Destination{Bucket: aws.String(d)},
		})
	}
	return &s3.GetBucketReplicationOutput{ReplicationConfiguration: cfg}
}

// destinationOps are the settings read on every destination (the last two are
// shared with a listed destination's own reads when it replicates too).
var destinationOps = []string{
	"GetBucketPolicy", "GetBucketOwnershipControls", "GetPublicAccessBlock",
	"GetBucketLifecycleConfiguration", "GetBucketRequestPayment",
	"GetBucketEncryption", "GetObjectLockConfiguration",
}

// sourceNotConfigured answers a replicating bucket's encryption and object lock
// reads with S3's "not configured" errors.
func sourceNotConfigured(answers map[string]any, name string) {
	answers["GetBucketEncryption "+name] = apiErr(404, "ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found")
	answers["GetObjectLockConfiguration "+name] = apiErr(404, "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket")
}

// destinationNotConfigured answers a destination's settings reads with S3's
// "not configured" errors and a bucket-owner payer.
func destinationNotConfigured(answers map[string]any, name string) {
	sourceNotConfigured(answers, name)
	answers["GetBucketPolicy "+name] = apiErr(404, "NoSuchBucketPolicy", "The bucket policy does not exist")
	answers["GetBucketOwnershipControls "+name] = apiErr(404, "OwnershipControlsNotFoundError", "The bucket ownership controls were not found")
	answers["GetPublicAccessBlock "+name] = apiErr(404, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
	answers["GetBucketLifecycleConfiguration "+name] = apiErr(404, "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist")
	answers["GetBucketRequestPayment "+name] = &s3.GetBucketRequestPaymentOutput{Payer: s3types.PayerBucketOwner}
}

// notConfigured is what destinationNotConfigured's answers become.
func notConfigured() BucketConfig {
	return BucketConfig{
		ServerSideEncryptionConfiguration: &ServerSideEncryptionConfiguration{Rules: []ServerSideEncryptionRule{}},
		ObjectLockConfiguration:           &ObjectLockConfiguration{},
		OwnershipControls:                 &OwnershipControls{Rules: []OwnershipControlsRule{}},
		PublicAccessBlockConfiguration:    &PublicAccessBlockConfiguration{},
		LifecycleConfiguration:            &LifecycleConfiguration{Rules: []LifecycleRule{}},
		RequestPaymentConfiguration:       &RequestPaymentConfiguration{Payer: "BucketOwner"},
		Policy:                            &BucketPolicy{},
	}
}

// destinationDenied answers every settings read of a destination with AccessDenied.
func destinationDenied(answers map[string]any, name string) {
	for _, op := range destinationOps {
		answers[op+" "+name] = apiErr(403, "AccessDenied", "Access Denied")
	}
}

// plainReads answers a bucket's three reads: no configuration, versioning Enabled, no tags.
func plainReads(answers map[string]any, name string) {
	answers["GetBucketReplication "+name] = apiErr(404, "ReplicationConfigurationNotFoundError", "The replication configuration was not found")
	answers["GetBucketVersioning "+name] = &s3.GetBucketVersioningOutput{Status: s3types.BucketVersioningStatusEnabled}
	answers["GetBucketTagging "+name] = apiErr(404, "NoSuchTagSet", "The TagSet does not exist")
}

func TestScanFailuresBecomeData(t *testing.T) {
	const otherRole = "arn:aws:iam::" + otherAccount + ":role/repl"
	tests := []struct {
		name  string
		setup func(a map[string]any)
		check func(t *testing.T, s *Snapshot, calls []string)
	}{
		{
			name: "caller identity denied: nothing else is scanned",
			setup: func(a map[string]any) {
				a["GetCallerIdentity "] = apiErr(403, "AccessDenied", "not allowed")
			},
			check: func(t *testing.T, s *Snapshot, calls []string) {
				want := []CollectionError{{Operation: "GetCallerIdentity", Code: "AccessDenied", Message: "not allowed", Component: ComponentAccount}}
				if !reflect.DeepEqual(s.Errors, want) || len(s.Buckets) != 0 || len(s.Accounts) != 0 {
					t.Errorf("snapshot = %s", mustJSON(t, s))
				}
				if len(calls) != 1 {
					t.Errorf("calls = %q, want only GetCallerIdentity", calls)
				}
			},
		},
		{
			name: "ListBuckets denied",
			setup: func(a map[string]any) {
				a["ListBuckets "] = apiErr(403, "AccessDenied", "Access Denied")
			},
			check: func(t *testing.T, s *Snapshot, _ []string) {
				want := []CollectionError{{Operation: "ListBuckets", Code: "AccessDenied", Message: "Access Denied",
					Resource: "arn:aws:iam::" + fakeAccount + ":root", Component: ComponentAccount}}
				if !reflect.DeepEqual(s.Errors, want) || len(s.Buckets) != 0 || !reflect.DeepEqual(s.Accounts, []string{fakeAccount}) {
					t.Errorf("snapshot = %s", mustJSON(t, s))
				}
			},
		},
		{
			name: "second ListBuckets page fails: the first page is kept",
			setup: func(a map[string]any) {
				a["ListBuckets "] = &s3.ListBucketsOutput{Buckets: []s3types.Bucket{listed("b", "us-east-1")}, ContinuationToken: aws.String("t2")}
				a["ListBuckets t2"] = apiErr(500, "InternalError", "We encountered an internal error")
				plainReads(a, "b")
			},
			check: func(t *testing.T, s *Snapshot, _ []string) {
				if len(s.Buckets) != 1 || len(s.Errors) != 1 || s.Errors[0].Operation != "ListBuckets" || s.Errors[0].Code != "InternalError" {
					t.Errorf("snapshot = %s", mustJSON(t, s))
				}
			},
		},
		{
			name: "region from HeadBucket's header on a redirect",
			setup: func(a map[string]any) {
				a["ListBuckets "] = &s3.ListBucketsOutput{Buckets: []s3types.Bucket{listed("b", "")}}
				a["HeadBucket b"] = apiErr(301, "MovedPermanently", "", "X-Amz-Bucket-Region", "eu-central-1")
				plainReads(a, "b")
			},
			check: func(t *testing.T, s *Snapshot, calls []string) {
				b := bucketNamed(t, s, "b")
				if b.Region != "eu-central-1" || len(b.Errors) != 0 || b.Versioning == nil {
					t.Errorf("bucket = %s", mustJSON(t, b))
				}
				if !contains(calls, "eu-central-1 GetBucketVersioning b") {
					t.Errorf("versioning not read in eu-central-1: %q", calls)
				}
				if !reflect.DeepEqual(s.Regions, []string{"eu-central-1"}) {
					t.Errorf("regions = %q", s.Regions)
				}
			},
		},
		{
			name: "region from GetBucketLocation: EU is eu-west-1",
			setup: func(a map[string]any) {
				a["ListBuckets "] = &s3.ListBucketsOutput{Buckets: []s3types.Bucket{listed("b", ""), listed("c", "")}}
				a["HeadBucket b"] = apiErr(403, "Forbidden", "")
				a["GetBucketLocation b"] = &s3.GetBucketLocationOutput{LocationConstraint: s3types.BucketLocationConstraintEu}
				a["HeadBucket c"] = &s3.HeadBucketOutput{}
				a["GetBucketLocation c"] = &s3.GetBucketLocationOutput{}
				plainReads(a, "b")
				plainReads(a, "c")
			},
			check: func(t *testing.T, s *Snapshot, _ []string) {
				if r := bucketNamed(t, s, "b").Region; r != "eu-west-1" {
					t.Errorf("b region = %q, want eu-west-1", r)
				}
				if r := bucketNamed(t, s, "c").Region; r != "us-east-1" {
					t.Errorf("c region = %q, want us-east-1 (empty LocationConstraint)", r)
				}
				if !s.Complete() {
					t.Errorf("incomplete: %s", mustJSON(t, s))
				}
			},
		},
		{
			name: "region unresolvable: bucket kept, not read further",
			setup: func(a map[string]any) {
				a["ListBuckets "] = &s3.ListBucketsOutput{Buckets: []s3types.Bucket{listed("b", "")}}
				a["HeadBucket b"] = apiErr(403, "Forbidden", "")
				a["GetBucketLocation b"] = apiErr(403, "AccessDenied", "Access Denied")
			},
			check: func(t *testing.T, s *Snapshot, calls []string) {
				b := bucketNamed(t, s, "b")
				want := []CollectionError{{Operation: "GetBucketLocation", Code: "AccessDenied", Message: "Access Denied",
					Resource: "arn:aws:s3:::b", Component: ComponentBucket}}
				if b.Region != "" || !reflect.DeepEqual(b.Errors, want) {
					t.Errorf("bucket = %s", mustJSON(t, b))
				}
				for _, c := range calls {
					if strings.Contains(c, "GetBucketVersioning") || strings.Contains(c, "GetBucketReplication") {
						t.Errorf("unexpected read %q", c)
					}
				}
			},
		},
		{
			name: "every bucket read fails: each is recorded, none is dropped",
			setup: func(a map[string]any) {
				a["ListBuckets "] = &s3.ListBucketsOutput{Buckets: []s3types.Bucket{listed("b", "us-east-1")}}
				a["GetBucketReplication b"] = apiErr(403, "AccessDenied", "Access Denied")
				a["GetBucketVersioning b"] = errors.New("connection reset by peer")
				a["GetBucketTagging b"] = apiErr(500, "InternalError", "boom")
			},
			check: func(t *testing.T, s *Snapshot, _ []string) {
				b := bucketNamed(t, s, "b")
				got := map[string]string{}
				for _, e := range b.Errors {
					got[e.Operation] = e.Component + "/" + e.Code
				}
				want := map[string]string{
					"GetBucketReplication": "replication/AccessDenied",
					"GetBucketVersioning":  "versioning/RequestError",
					"GetBucketTagging":     "tags/InternalError",
				}
				if !reflect.DeepEqual(got, want) || b.Versioning != nil || b.ReplicationConfiguration != nil {
					t.Errorf("bucket = %s", mustJSON(t, b))
				}
			},
		},
		{
			name: "destination outside the scan: failures other than AccessDenied are errors",
			setup: func(a map[string]any) {
				a["ListBuckets "] = &s3.ListBucketsOutput{Buckets: []s3types.Bucket{listed("src", "us-east-1")}}
				plainReads(a, "src")
				a["GetBucketReplication src"] = replicating(otherRole, "arn:aws:s3:::down", "arn:aws:s3:::racy", "not-an-arn")
				a["HeadBucket down"] = apiErr(500, "InternalError", "")
				a["HeadBucket racy"] = &s3.HeadBucketOutput{BucketRegion: aws.String("ap-south-1")}
				a["GetBucketVersioning racy"] = apiErr(404, "NoSuchBucket", "The specified bucket does not exist")
				destinationNotConfigured(a, "racy")
			},
			check: func(t *testing.T, s *Snapshot, _ []string) {
				want := []LinkedBucket{
					{Arn: "arn:aws:s3:::down", Name: "down", Errors: []CollectionError{{Operation: "HeadBucket", Code: "InternalError",
						Message: "Internal Server Error", Resource: "arn:aws:s3:::down", Component: ComponentDestination}}},
					{Arn: "arn:aws:s3:::racy", Name: "racy", Exists: aws.Bool(true), Region: "ap-south-1", BucketConfig: notConfigured(),
						Errors: []CollectionError{{
							Operation: "GetBucketVersioning", Code: "NoSuchBucket", Message: "The specified bucket does not exist",
							Resource: "arn:aws:s3:::racy", Component: ComponentDestination}}},
					{Arn: "not-an-arn", Errors: []CollectionError{{Operation: "HeadBucket", Code: codeInvalidArn,
						Message: "the destination is not an S3 bucket ARN; the bucket cannot be looked up", Resource: "not-an-arn", Component: ComponentDestination}}},
				}
				if !reflect.DeepEqual(s.Destinations, want) {
					t.Errorf("destinations:\n got %s\nwant %s", mustJSON(t, s.Destinations), mustJSON(t, want))
				}
			},
		},
		{
			name: "destination inside the scan: copied, with the reason its versioning is unknown",
			setup: func(a map[string]any) {
				a["ListBuckets "] = &s3.ListBucketsOutput{Buckets: []s3types.Bucket{listed("src", "us-east-1"), listed("dst", "eu-west-1")}}
				plainReads(a, "src")
				sourceNotConfigured(a, "src")
				plainReads(a, "dst")
				destinationNotConfigured(a, "dst")
				a["GetBucketReplication src"] = replicating(otherRole, "arn:aws:s3:::dst")
				a["GetBucketVersioning dst"] = apiErr(403, "AccessDenied", "Access Denied")
			},
			check: func(t *testing.T, s *Snapshot, calls []string) {
				want := LinkedBucket{Arn: "arn:aws:s3:::dst", Name: "dst", AccountID: fakeAccount, Exists: aws.Bool(true),
					Region: "eu-west-1", InScan: true, BucketConfig: notConfigured(), Errors: []CollectionError{{Operation: "GetBucketVersioning", Code: "AccessDenied",
						Message: "Access Denied", Resource: "arn:aws:s3:::dst", Component: ComponentDestination}}}
				if got := destinationNamed(t, s, "arn:aws:s3:::dst"); !reflect.DeepEqual(got, want) {
					t.Errorf("destination:\n got %s\nwant %s", mustJSON(t, got), mustJSON(t, want))
				}
				for _, c := range calls {
					if strings.Contains(c, "HeadBucket") {
						t.Errorf("a listed destination was read again: %q", c)
					}
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := fakeEstate()
			tt.setup(a)
			s, f := scanFake(t, a, readAll)
			tt.check(t, s, f.callList())
		})
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func encodeDoc(doc string) *string { return aws.String(url.PathEscape(doc)) }

func TestScanReadsRole(t *testing.T) {
	const (
		roleArn     = "arn:aws:iam::" + fakeAccount + ":role/service-role/repl"
		managed     = "arn:aws:iam::" + fakeAccount + ":policy/extra"
		denied      = "arn:aws:iam::aws:policy/Denied"
		boundaryArn = "arn:aws:iam::" + fakeAccount + ":policy/boundary"
	)
	a := fakeEstate(listed("src", "us-east-1"))
	plainReads(a, "src")
	a["GetBucketReplication src"] = replicating(roleArn)
	a["GetRole repl"] = &iam.GetRoleOutput{Role: &iamtypes.Role{
		RoleName:                 aws.String("repl"),
		Arn:                      aws.String(roleArn),
		AssumeRolePolicyDocument: encodeDoc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
		PermissionsBoundary:      &iamtypes.AttachedPermissionsBoundary{PermissionsBoundaryArn: aws.String(boundaryArn)},
	}}
	// Two pages of inline policies; the second page's policy is malformed.
	a["ListRolePolicies repl"] = &iam.ListRolePoliciesOutput{PolicyNames: []string{"zeta", "alpha"}, IsTruncated: true, Marker: aws.String("m2")}
	a["ListRolePolicies replm2"] = &iam.ListRolePoliciesOutput{PolicyNames: []string{"broken"}}
	a["GetRolePolicy repl/alpha"] = &iam.GetRolePolicyOutput{PolicyDocument: encodeDoc(`{"Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::src"}]}`)}
	a["GetRolePolicy repl/zeta"] = apiErr(403, "AccessDenied", "no")
	a["GetRolePolicy repl/broken"] = &iam.GetRolePolicyOutput{PolicyDocument: encodeDoc(`{"Statement":`)}
	a["ListAttachedRolePolicies repl"] = &iam.ListAttachedRolePoliciesOutput{AttachedPolicies: []iamtypes.AttachedPolicy{
		{PolicyArn: aws.String(managed), PolicyName: aws.String("extra")}, {PolicyArn: aws.String(denied)},
	}}
	a["GetPolicy "+managed] = &iam.GetPolicyOutput{Policy: &iamtypes.Policy{PolicyName: aws.String("extra"), DefaultVersionId: aws.String("v3")}}
	a["GetPolicyVersion "+managed+"@v3"] = &iam.GetPolicyVersionOutput{PolicyVersion: &iamtypes.PolicyVersion{Document: encodeDoc(`{"Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}`)}}
	a["GetPolicy "+denied] = apiErr(403, "AccessDenied", "not allowed")
	a["GetPolicy "+boundaryArn] = &iam.GetPolicyOutput{Policy: &iamtypes.Policy{PolicyName: aws.String("boundary"), DefaultVersionId: aws.String("v1")}}
	a["GetPolicyVersion "+boundaryArn+"@v1"] = &iam.GetPolicyVersionOutput{PolicyVersion: &iamtypes.PolicyVersion{Document: encodeDoc(`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)}}

	s, _ := scanFake(t, a, readAll)
	doc := func(s string) any {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	want := []Role{{
		Arn: roleArn, RoleName: "repl", AccountID: fakeAccount, Exists: aws.Bool(true),
		AssumeRolePolicyDocument: doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
		RolePolicies:             []InlinePolicy{{PolicyName: "alpha", PolicyDocument: doc(`{"Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::src"}]}`)}},
		AttachedPolicies: []ManagedPolicy{
			{PolicyArn: managed, PolicyName: "extra", DefaultVersionID: "v3", Document: doc(`{"Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}`)},
			{PolicyArn: denied},
		},
		PermissionsBoundary: &ManagedPolicy{PolicyArn: boundaryArn, PolicyName: "boundary", DefaultVersionID: "v1",
			Document: doc(`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)},
		Errors: []CollectionError{
			{Operation: "GetRolePolicy", Code: "AccessDenied", Resource: roleArn, Component: ComponentRole,
				Message: `inline policy "zeta": no`},
			{Operation: "GetRolePolicy", Code: codeMalformedPolicy, Resource: roleArn, Component: ComponentRole,
				Message: `inline policy "broken": parse json: unexpected end of JSON input`},
			{Operation: "GetPolicy", Code: "AccessDenied", Message: "not allowed", Resource: denied, Component: ComponentRole},
		},
	}}
	if !reflect.DeepEqual(s.Roles, want) {
		t.Errorf("roles:\n got %s\nwant %s", mustJSON(t, s.Roles), mustJSON(t, want))
	}
}

func TestScanRoleStates(t *testing.T) {
	tests := []struct {
		name    string
		getRole any
		want    Role
	}{
		{"deleted role exists=false", apiErr(404, "NoSuchEntity", "The role with name repl cannot be found."),
			Role{Arn: "arn:aws:iam::" + fakeAccount + ":role/repl", RoleName: "repl", AccountID: fakeAccount, Exists: aws.Bool(false)}},
		{"unreadable role exists=nil with error", apiErr(403, "AccessDenied", "no"),
			Role{Arn: "arn:aws:iam::" + fakeAccount + ":role/repl", RoleName: "repl", AccountID: fakeAccount,
				Errors: []CollectionError{{Operation: "GetRole", Code: "AccessDenied", Message: "no",
					Resource: "arn:aws:iam::" + fakeAccount + ":role/repl", Component: ComponentRole}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := fakeEstate(listed("src", "us-east-1"))
			plainReads(a, "src")
			a["GetBucketReplication src"] = replicating(tt.want.Arn)
			a["GetRole repl"] = tt.getRole
			s, f := scanFake(t, a)
			if !reflect.DeepEqual(s.Roles, []Role{tt.want}) {
				t.Errorf("roles:\n got %s\nwant %s", mustJSON(t, s.Roles), mustJSON(t, []Role{tt.want}))
			}
			for _, c := range f.callList() {
				if strings.HasPrefix(c, "iam ") && !strings.HasPrefix(c, "iam GetRole ") {
					t.Errorf("read after a failed GetRole: %q", c)
				}
			}
		})
	}
}

// GetBucketNotificationConfiguration is read only on a bucket with a rule whose
// replication metrics are on; a failed read is a collection error (CRR-090) naming the
// call, on component notification.
func TestScanNotificationRead(t *testing.T) {
	for _, tc := range []struct {
		name    string
		metrics bool
		answer  any
		want    []CollectionError
	}{
		{"no metrics: not read", false, nil, nil},
		{"metrics: denied read is an error", true, apiErr(403, "AccessDenied", "Access Denied"), []CollectionError{{
			Operation: "GetBucketNotificationConfiguration", Code: "AccessDenied", Message: "Access Denied",
			Resource: "arn:aws:s3:::src", Component: ComponentNotification,
		}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := fakeEstate(listed("src", "us-east-1"), listed("dst", "eu-west-1"))
			plainReads(a, "src")
			plainReads(a, "dst")
			sourceNotConfigured(a, "src")
			destinationNotConfigured(a, "dst")
			out := replicating("arn:aws:iam::"+fakeAccount+":role/repl", "arn:aws:s3:::dst")
			if tc.metrics {
				out.ReplicationConfiguration.Rules[0].Destination.Metrics = &s3types.Metrics{Status: s3types.MetricsStatusEnabled,
					EventThreshold: &s3types.ReplicationTimeValue{Minutes: aws.Int32(15)}}
			}
			a["GetBucketReplication src"] = out
			a["GetRole repl"] = apiErr(404, "NoSuchEntity", "gone")
			if tc.answer != nil {
				a["GetBucketNotificationConfiguration src"] = tc.answer
			}
			s, f := scanFake(t, a)
			var got []CollectionError
			for _, e := range bucketNamed(t, s, "src").Errors {
				if e.Component == ComponentNotification {
					got = append(got, e)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("notification errors %s, want %s", mustJSON(t, got), mustJSON(t, tc.want))
			}
			read := slices.ContainsFunc(f.callList(), func(c string) bool { return strings.Contains(c, "GetBucketNotificationConfiguration") })
			if read != tc.metrics {
				t.Errorf("GetBucketNotificationConfiguration read = %v, want %v", read, tc.metrics)
			}
		})
	}
}

// A Role that is not an IAM role ARN is a definite misconfiguration the checks judge
// from the configuration (CRR-030), not a failed read: no error, no IAM call.
func TestScanMalformedRoleArnIsNoReadError(t *testing.T) {
	a := fakeEstate(listed("src", "us-east-1"), listed("dst", "eu-west-1"))
	plainReads(a, "src")
	plainReads(a, "dst")
	sourceNotConfigured(a, "src")
	destinationNotConfigured(a, "dst")
	a["GetBucketReplication src"] = replicating("arn:aws:iam", "arn:aws:s3:::dst")
	s, f := scanFake(t, a)
	if want := []Role{{Arn: "arn:aws:iam"}}; !reflect.DeepEqual(s.Roles, want) {
		t.Errorf("roles:\n got %s\nwant %s", mustJSON(t, s.Roles), mustJSON(t, want))
	}
	for _, b := range s.Buckets {
		if len(b.Errors) != 0 {
			t.Errorf("bucket %s errors %s", b.Name, mustJSON(t, b.Errors))
		}
	}
	for _, c := range f.callList() {
		if strings.HasPrefix(c, "iam ") {
			t.Errorf("IAM read for a malformed role ARN: %q", c)
		}
	}
}

func TestScanStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f := &fakeAWS{answers: fakeEstate(listed("b", "us-east-1"))}
	// The fake ignores ctx and answers; Scan must still report the cancellation.
	f.answers["GetCallerIdentity "] = context.Canceled
	s, err := Scan(ctx, f, Options{})
	if !errors.Is(err, context.Canceled) || s != nil {
		t.Fatalf("Scan = %v, %v; want nil, context.Canceled", s, err)
	}
}

// cancellingClients cancels the scan's context on the first GetBucketVersioning.
type cancellingClients struct {
	*fakeAWS
	cancel context.CancelFunc
}

func (c cancellingClients) S3(region string) S3API {
	return cancellingS3{S3API: c.fakeAWS.S3(region), cancel: c.cancel}
}

type cancellingS3 struct {
	S3API
	cancel context.CancelFunc
}

func (c cancellingS3) GetBucketVersioning(ctx context.Context, in *s3.GetBucketVersioningInput, o ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error) {
	c.cancel()
	return nil, ctx.Err()
}

func TestScanStopsOnCancelDuringCollection(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a := fakeEstate(listed("b", "us-east-1"))
	plainReads(a, "b")
	c := cancellingClients{fakeAWS: &fakeAWS{answers: a}, cancel: cancel}
	s, err := Scan(ctx, c, Options{})
	if !errors.Is(err, context.Canceled) || s != nil {
		t.Fatalf("Scan = %v, %v; want nil, context.Canceled (a cancelled read is not data)", s, err)
	}
}
