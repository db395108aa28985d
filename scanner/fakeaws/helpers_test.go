package fakeaws

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Accounts of the hand-built test estate.
const (
	acctA = "111111111111" // management account
	acctB = "222222222222"
	acctC = "333333333333" // suspended
)

var created = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// testEstate is a small estate with every setting configured on bucket "src-a"
// (acctA, eu-west-1), nothing configured on "bare-a" (acctA, us-east-1), and a
// cross-account destination "dst-b" (acctB, us-east-1, Requester Pays).
func testEstate() *Estate {
	keyA := &Key{Account: acctA, Region: "eu-west-1", ID: "1234abcd-12ab-34cd-56ef-1234567890ab", Aliases: []string{"alias/crr"},
		Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"}]}`, Created: created}
	keyB := &Key{Account: acctB, Region: "us-east-1", ID: "bbbbbbbb-0000-4000-8000-000000000001", Aliases: []string{"alias/replicas"},
		Policy: `{"Version":"2012-10-17","Statement":[]}`, DescribableBy: []string{acctA}, Created: created}
	keyGone := &Key{Account: acctA, Region: "eu-west-1", ID: "dddddddd-0000-4000-8000-000000000009", State: "PendingDeletion", Created: created}
	role := "arn:aws:iam::111111111111:role/service-role/repl"
	return &Estate{
		ManagementAccount: acctA,
		Accounts: []Account{
			{ID: acctA, Name: "management"}, {ID: acctB, Name: "dr"}, {ID: acctC, Name: "old", State: "SUSPENDED"},
		},
		Regions: []string{"us-east-1", "eu-west-1"},
		Buckets: []*Bucket{
			{
				Name: "src-a", Account: acctA, Region: "eu-west-1", Created: created, Kind: KindSource,
				Versioning: "Enabled", MFADelete: "Disabled",
				Tags: []Tag{{"env", "prod"}, {"team", "storage"}},
				Replication: &ReplicationConfiguration{Role: role, Rules: []ReplicationRule{{
					ID: "to-dr", Priority: int32Ptr(1), Filter: &ReplicationFilter{And: &AndOperator{Prefix: strPtr("logs/"), Tags: []Tag{{"k1", "v1"}, {"k2", "v2"}}}},
					Status: "Enabled", DeleteMarkerReplication: &Status{"Enabled"},
					SourceSelectionCriteria: &SourceSelectionCriteria{SseKmsEncryptedObjects: &Status{"Enabled"}},
					Destination: Destination{
						Bucket: "arn:aws:s3:::dst-b", Account: acctB, StorageClass: "STANDARD_IA",
						AccessControlTranslation: &AccessControlTranslation{Owner: "Destination"},
						EncryptionConfiguration:  &EncryptionConfiguration{ReplicaKmsKeyID: keyB.Arn()},
						ReplicationTime:          &ReplicationTime{Status: "Enabled", Time: Minutes{15}},
						Metrics:                  &Metrics{Status: "Enabled", EventThreshold: &Minutes{15}},
					},
				}, {
					ID: "v1", Prefix: strPtr("old/"), Status: "Disabled", Destination: Destination{Bucket: "arn:aws:s3:::dst-b"},
				}}},
				Encryption: kmsEncryption(keyA),
				ObjectLock: sharedObjectLock,
				Ownership:  "BucketOwnerEnforced",
				PublicAccessBlock: &PublicAccessBlockConfiguration{
					BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: true,
				},
				Lifecycle: &LifecycleConfiguration{Rules: []LifecycleRule{{
					ID: "glacier", Filter: &LifecycleFilter{Prefix: strPtr("")}, Status: "Enabled",
					Transitions: []Transition{{Days: 30, StorageClass: "GLACIER"}},
					Expiration:  &Expiration{Days: 365},
				}}},
				Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::src-a/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`,
			},
			{Name: "bare-a", Account: acctA, Region: "us-east-1", Created: created},
			{Name: "zz-a", Account: acctA, Region: "us-east-1", Created: created},
			{Name: "dst-b", Account: acctB, Region: "us-east-1", Created: created, Kind: KindDestination, Versioning: "Suspended", RequesterPays: true},
		},
		Roles: []*Role{{
			Account: acctA, Name: "repl", Path: "/service-role/", Created: created,
			TrustPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringLike":{"aws:SourceArn":"arn:aws:s3:::a b+c"}}}]}`,
			InlinePolicies: []InlinePolicy{
				{Name: "one", Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ReplicateObject","Resource":"*"}]}`},
				{Name: "two", Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}]}`},
			},
			AttachedPolicies:    []string{"arn:aws:iam::111111111111:policy/base", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"},
			PermissionsBoundary: "arn:aws:iam::111111111111:policy/boundary",
		}},
		Policies: []*ManagedPolicy{
			{Arn: "arn:aws:iam::111111111111:policy/base", Name: "base", DefaultVersion: "v2", Created: created,
				Versions: map[string]string{"v1": `{"old":true}`, "v2": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}`}},
			{Arn: "arn:aws:iam::111111111111:policy/boundary", Name: "boundary", DefaultVersion: "v1", Created: created,
				Versions: map[string]string{"v1": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`}},
			{Arn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", Name: "AmazonS3ReadOnlyAccess", DefaultVersion: "v3", Created: created,
				Versions: map[string]string{"v3": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}`}},
			{Arn: "arn:aws:iam::222222222222:policy/theirs", Name: "theirs", DefaultVersion: "v1", Created: created,
				Versions: map[string]string{"v1": `{}`}},
		},
		Keys: []*Key{keyA, keyB, keyGone},
	}
}

// start serves e for the test.
func start(t *testing.T, e *Estate, o Options) *Server {
	t.Helper()
	s := NewServer(e, o)
	t.Cleanup(s.Close)
	return s
}

// cfgFor is an SDK configuration for account's long-term key at the fake, with
// one attempt per request.
func cfgFor(s *Server, account, region string) aws.Config {
	return cfgWithKey(s, AccessKey(account), region)
}

func cfgWithKey(s *Server, key, region string) aws.Config {
	return aws.Config{
		Region:           region,
		Credentials:      credentials.NewStaticCredentialsProvider(key, "secret", ""),
		BaseEndpoint:     aws.String(s.URL),
		RetryMaxAttempts: 1,
	}
}

func s3For(s *Server, account, region string) *s3.Client {
	return s3.NewFromConfig(cfgFor(s, account, region), func(o *s3.Options) { o.UsePathStyle = true })
}

func iamFor(s *Server, account string) *iam.Client {
	return iam.NewFromConfig(cfgFor(s, account, "eu-west-1"))
}

func stsFor(s *Server, account string) *sts.Client {
	return sts.NewFromConfig(cfgFor(s, account, "us-east-1"))
}

func kmsFor(s *Server, account, region string) *kms.Client {
	return kms.NewFromConfig(cfgFor(s, account, region))
}

// code is the AWS error code of err ("" if none).
func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// status is the HTTP status behind err (0 if none).
func status(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.StatusCode
	}
	return 0
}

// header is a response header behind err.
func header(err error, name string) string {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.Header.Get(name)
	}
	return ""
}

func wantCode(t *testing.T, what string, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error, want %s", what, want)
	}
	if got := code(err); got != want {
		t.Fatalf("%s: error code %q, want %q (%v)", what, got, want, err)
	}
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func errorsAs[T error](err error, target *T) bool { return errors.As(err, target) }
