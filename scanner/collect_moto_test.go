package scanner

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/crrscan/crrscan/scanner/scantest"
)

// seeder creates an estate in moto with the SDK, failing the test on any error.
type seeder struct {
	t   *testing.T
	ctx context.Context
	url string
	iam *iam.Client
	// account is moto's account id, from GetCallerIdentity.
	account string
}

func newSeeder(t *testing.T, url string) *seeder {
	t.Helper()
	ctx := context.Background()
	id, err := scantest.NewSTS(url).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity: %v", err)
	}
	return &seeder{t: t, ctx: ctx, url: url, iam: scantest.NewIAM(url), account: aws.ToString(id.Account)}
}

func (s *seeder) s3(region string) *s3.Client { return scantest.NewS3(s.url, region) }

func (s *seeder) check(what string, err error) {
	s.t.Helper()
	if err != nil {
		s.t.Fatalf("seed: %s: %v", what, err)
	}
}

// bucket creates a bucket in region, versioned when versioned is true.
func (s *seeder) bucket(name, region string, versioned bool) string {
	s.t.Helper()
	in := &s3.CreateBucketInput{Bucket: aws.String(name)}
	if region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(region)}
	}
	_, err := s.s3(region).CreateBucket(s.ctx, in)
	s.check("CreateBucket "+name, err)
	if versioned {
		_, err = s.s3(region).PutBucketVersioning(s.ctx, &s3.PutBucketVersioningInput{
			Bucket:                  aws.String(name),
			VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled},
		})
		s.check("PutBucketVersioning "+name, err)
	}
	return "arn:aws:s3:::" + name
}

func (s *seeder) tags(name, region string, kv ...string) {
	s.t.Helper()
	var set []s3types.Tag
	for i := 0; i+1 < len(kv); i += 2 {
		set = append(set, s3types.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	_, err := s.s3(region).PutBucketTagging(s.ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(name), Tagging: &s3types.Tagging{TagSet: set}})
	s.check("PutBucketTagging "+name, err)
}

// role creates a role S3 may assume, with the given inline policies (name →
// document) and attached managed policies; it returns the role's ARN.
func (s *seeder) role(name string, inline map[string]string, managed ...string) string {
	s.t.Helper()
	out, err := s.iam.CreateRole(s.ctx, &iam.CreateRoleInput{
		RoleName: aws.String(name), Path: aws.String("/service-role/"), AssumeRolePolicyDocument: aws.String(trustPolicy),
	})
	s.check("CreateRole "+name, err)
	for pn, doc := range inline {
		_, err := s.iam.PutRolePolicy(s.ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(pn), PolicyDocument: aws.String(doc)})
		s.check("PutRolePolicy "+pn, err)
	}
	for _, arn := range managed {
		_, err := s.iam.AttachRolePolicy(s.ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(name), PolicyArn: aws.String(arn)})
		s.check("AttachRolePolicy "+arn, err)
	}
	return aws.ToString(out.Role.Arn)
}

func (s *seeder) managedPolicy(name, doc string) string {
	s.t.Helper()
	out, err := s.iam.CreatePolicy(s.ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(doc)})
	s.check("CreatePolicy "+name, err)
	return aws.ToString(out.Policy.Arn)
}

// replicate puts the guide's rule on src: V2, Enabled, priority 1, delete
// markers not replicated, the whole bucket (Filter Prefix "").
func (s *seeder) replicate(src, region, role string, dests ...string) {
	s.t.Helper()
	cfg := &s3types.ReplicationConfiguration{Role: aws.String(role)}
	for i, d := range dests {
		cfg.Rules = append(cfg.Rules, s3types.ReplicationRule{
			ID: aws.String("rule-" + d[strings.LastIndex(d, ":")+1:]), Priority: aws.Int32(int32(i + 1)),
			Status:                  s3types.ReplicationRuleStatusEnabled,
			DeleteMarkerReplication: &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusDisabled},
			Filter:                  &s3types.ReplicationRuleFilter{Prefix: aws.String("")},
			Destination:             &s3types.Destination{Bucket: aws.String(d), StorageClass: s3types.StorageClassStandard},
		})
	}
	_, err := s.s3(region).PutBucketReplication(s.ctx, &s3.PutBucketReplicationInput{Bucket: aws.String(src), ReplicationConfiguration: cfg})
	s.check("PutBucketReplication "+src, err)
}

const trustPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// permissionsPolicy is the guide's least-privilege replication policy.
func permissionsPolicy(src, dst string) string {
	return `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Action":["s3:GetReplicationConfiguration","s3:ListBucket"],"Resource":["arn:aws:s3:::` + src + `"]},` +
		`{"Effect":"Allow","Action":["s3:GetObjectVersionForReplication","s3:GetObjectVersionAcl","s3:GetObjectVersionTagging"],"Resource":["arn:aws:s3:::` + src + `/*"]},` +
		`{"Effect":"Allow","Action":["s3:ReplicateObject","s3:ReplicateDelete","s3:ReplicateTags"],"Resource":"arn:aws:s3:::` + dst + `/*"}]}`
}

const objectLockPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObjectRetention","s3:GetObjectLegalHold"],"Resource":"*"}]}`

func parseJSON(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("parse %s: %v", s, err)
	}
	return v
}

func motoClients(url string) Clients {
	return newAWSClients(scantest.AWSConfig(url, "us-east-1"))
}

func scanMoto(t *testing.T, c Clients, opts ...func(*Options)) *Snapshot {
	t.Helper()
	o := Options{Concurrency: 8}
	for _, set := range opts {
		set(&o)
	}
	snap, err := Scan(context.Background(), c, o)
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	return snap
}

// seedGuidePair seeds the guide's correct pair and a bucket without replication.
func seedGuidePair(t *testing.T, s *seeder) (roleArn, managedArn string) {
	t.Helper()
	s.bucket("crr-src", "us-east-1", true)
	dst := s.bucket("crr-dst", "eu-west-1", true)
	s.bucket("plain", "eu-west-1", false)
	s.tags("crr-src", "us-east-1", "team", "data", "env", "prod")
	managedArn = s.managedPolicy("crr-object-lock", objectLockPolicy)
	roleArn = s.role("crr-role", map[string]string{"crr-permissions": permissionsPolicy("crr-src", "crr-dst")}, managedArn)
	s.replicate("crr-src", "us-east-1", roleArn, dst)
	return roleArn, managedArn
}

func TestScanMotoGuidePair(t *testing.T) {
	m := moto.Require(t)
	s := newSeeder(t, m.URL)
	roleArn, managedArn := seedGuidePair(t, s)

	snap := scanMoto(t, motoClients(m.URL), readAll)

	if !snap.Complete() {
		t.Fatalf("snapshot incomplete: %s", mustJSON(t, snap))
	}
	if want := []string{s.account}; !reflect.DeepEqual(snap.Accounts, want) {
		t.Errorf("Accounts = %q, want %q", snap.Accounts, want)
	}
	if want := []string{"eu-west-1", "us-east-1"}; !reflect.DeepEqual(snap.Regions, want) {
		t.Errorf("Regions = %q, want %q", snap.Regions, want)
	}
	var names []string
	for _, b := range snap.Buckets {
		names = append(names, b.Region+"/"+b.Name)
		if b.AccountID != s.account || b.Arn != "arn:aws:s3:::"+b.Name || b.CreationDate == nil {
			t.Errorf("bucket %s: AccountId %q, Arn %q, CreationDate %v", b.Name, b.AccountID, b.Arn, b.CreationDate)
		}
	}
	if want := []string{"eu-west-1/crr-dst", "eu-west-1/plain", "us-east-1/crr-src"}; !reflect.DeepEqual(names, want) {
		t.Errorf("buckets = %q, want %q (sorted by region: the HeadBucket fallback must find them)", names, want)
	}

	src := bucketNamed(t, snap, "crr-src")
	wantCfg := &ReplicationConfiguration{Role: roleArn, Rules: []ReplicationRule{{
		ID: aws.String("rule-crr-dst"), Priority: aws.Int32(1), Status: "Enabled",
		Filter:                  &ReplicationRuleFilter{Prefix: aws.String("")},
		DeleteMarkerReplication: &StatusValue{Status: "Disabled"},
		Destination:             Destination{Bucket: "arn:aws:s3:::crr-dst", StorageClass: "STANDARD"},
	}}}
	if !reflect.DeepEqual(src.ReplicationConfiguration, wantCfg) {
		t.Errorf("crr-src configuration:\n got %s\nwant %s", mustJSON(t, src.ReplicationConfiguration), mustJSON(t, wantCfg))
	}
	if want := (&Versioning{Status: "Enabled"}); !reflect.DeepEqual(src.Versioning, want) {
		t.Errorf("crr-src versioning = %+v, want %+v", src.Versioning, want)
	}
	if want := []Tag{{Key: "env", Value: "prod"}, {Key: "team", Value: "data"}}; !reflect.DeepEqual(src.Tags, want) {
		t.Errorf("crr-src tags = %+v, want %+v", src.Tags, want)
	}

	plain := bucketNamed(t, snap, "plain")
	if plain.ReplicationConfiguration != nil || len(plain.Errors) != 0 || len(plain.Tags) != 0 {
		t.Errorf("plain = %s, want no configuration, no tags, no error", mustJSON(t, plain))
	}
	if want := (&Versioning{Status: ""}); !reflect.DeepEqual(plain.Versioning, want) {
		t.Errorf("plain versioning = %+v, want never enabled (Status \"\")", plain.Versioning)
	}

	wantSrc := BucketConfig{
		ServerSideEncryptionConfiguration: &ServerSideEncryptionConfiguration{Rules: []ServerSideEncryptionRule{}},
		ObjectLockConfiguration:           &ObjectLockConfiguration{},
	}
	if !reflect.DeepEqual(src.BucketConfig, wantSrc) {
		t.Errorf("crr-src settings:\n got %s\nwant %s", mustJSON(t, src.BucketConfig), mustJSON(t, wantSrc))
	}
	if !reflect.DeepEqual(plain.BucketConfig, BucketConfig{}) {
		t.Errorf("plain settings = %s, want none read (it does not replicate)", mustJSON(t, plain.BucketConfig))
	}

	wantDest := []LinkedBucket{{Arn: "arn:aws:s3:::crr-dst", Name: "crr-dst", AccountID: s.account, Exists: aws.Bool(true),
		Region: "eu-west-1", InScan: true, Versioning: &Versioning{Status: "Enabled"}, BucketConfig: motoNotConfigured()}}
	if !reflect.DeepEqual(snap.Destinations, wantDest) {
		t.Errorf("destinations:\n got %s\nwant %s", mustJSON(t, snap.Destinations), mustJSON(t, wantDest))
	}

	wantRole := Role{
		Arn: roleArn, RoleName: "crr-role", AccountID: s.account, Exists: aws.Bool(true),
		AssumeRolePolicyDocument: parseJSON(t, trustPolicy),
		RolePolicies:             []InlinePolicy{{PolicyName: "crr-permissions", PolicyDocument: parseJSON(t, permissionsPolicy("crr-src", "crr-dst"))}},
		AttachedPolicies: []ManagedPolicy{{PolicyArn: managedArn, PolicyName: "crr-object-lock", DefaultVersionID: "v1",
			Document: parseJSON(t, objectLockPolicy)}},
	}
	if !reflect.DeepEqual(snap.Roles, []Role{wantRole}) {
		t.Errorf("roles:\n got %s\nwant %s", mustJSON(t, snap.Roles), mustJSON(t, []Role{wantRole}))
	}
	if !strings.Contains(roleArn, ":role/service-role/crr-role") {
		t.Errorf("role ARN %s lacks its path: the last-segment lookup is not exercised", roleArn)
	}
}

// motoNotConfigured is what moto answers for a bucket whose settings were never
// set: S3's "not configured" errors, except GetBucketRequestPayment, which moto
// 5.2.1 answers with a ListBucketResult: the SDK finds no Payer in it.
func motoNotConfigured() BucketConfig {
	c := notConfigured()
	c.RequestPaymentConfiguration = &RequestPaymentConfiguration{Payer: ""}
	return c
}

func TestScanMotoMissingDestinationAndRole(t *testing.T) {
	m := moto.Require(t)
	s := newSeeder(t, m.URL)
	s.bucket("src-a", "us-east-1", true)
	s.bucket("src-b", "us-east-1", true)
	gone := s.bucket("gone-dst", "eu-west-1", true)
	kept := s.bucket("kept-dst", "eu-west-1", true)
	liveRole := s.role("live-role", nil)
	deadRole := s.role("dead-role", nil)
	s.replicate("src-a", "us-east-1", liveRole, gone)
	s.replicate("src-b", "us-east-1", deadRole, kept)
	_, err := s.s3("eu-west-1").DeleteBucket(s.ctx, &s3.DeleteBucketInput{Bucket: aws.String("gone-dst")})
	s.check("DeleteBucket gone-dst", err)
	_, err = s.iam.DeleteRole(s.ctx, &iam.DeleteRoleInput{RoleName: aws.String("dead-role")})
	s.check("DeleteRole dead-role", err)

	snap := scanMoto(t, motoClients(m.URL))

	if !snap.Complete() {
		t.Errorf("a missing resource is a fact, not a failed read; snapshot: %s", mustJSON(t, snap))
	}
	if got, want := destinationNamed(t, snap, gone), (LinkedBucket{Arn: gone, Name: "gone-dst", Exists: aws.Bool(false)}); !reflect.DeepEqual(got, want) {
		t.Errorf("deleted destination:\n got %s\nwant %s", mustJSON(t, got), mustJSON(t, want))
	}
	if got := destinationNamed(t, snap, kept); got.Exists == nil || !*got.Exists || !got.InScan {
		t.Errorf("kept destination = %s", mustJSON(t, got))
	}
	roles := map[string]Role{}
	for _, r := range snap.Roles {
		roles[r.RoleName] = r
	}
	if want := (Role{Arn: deadRole, RoleName: "dead-role", AccountID: s.account, Exists: aws.Bool(false)}); !reflect.DeepEqual(roles["dead-role"], want) {
		t.Errorf("deleted role:\n got %s\nwant %s", mustJSON(t, roles["dead-role"]), mustJSON(t, want))
	}
	if r := roles["live-role"]; r.Exists == nil || !*r.Exists || r.AssumeRolePolicyDocument == nil {
		t.Errorf("live role = %s", mustJSON(t, r))
	}
}

func TestScanMotoAccessDeniedOnOneRead(t *testing.T) {
	m := moto.Require(t)
	s := newSeeder(t, m.URL)
	seedGuidePair(t, s)

	baseline := scanMoto(t, motoClients(m.URL))
	proxy := scantest.NewProxy(m.URL, scantest.Rule{Bucket: "crr-src", Query: "versioning", Message: "Access Denied"})
	defer proxy.Close()
	denied := scanMoto(t, motoClients(proxy.URL))

	if proxy.Hits(0) != 1 {
		t.Fatalf("the proxy answered %d GetBucketVersioning requests on crr-src, want 1", proxy.Hits(0))
	}
	src := bucketNamed(t, denied, "crr-src")
	want := []CollectionError{{Operation: "GetBucketVersioning", Code: "AccessDenied", Message: "Access Denied",
		Resource: "arn:aws:s3:::crr-src", Component: ComponentVersioning}}
	if !reflect.DeepEqual(src.Errors, want) || src.Versioning != nil {
		t.Fatalf("crr-src: errors %+v, versioning %+v; want %+v and nil", src.Errors, src.Versioning, want)
	}

	// Nothing else is lost: with the one failed read put back, the snapshots are equal.
	for i := range denied.Buckets {
		if denied.Buckets[i].Name == "crr-src" {
			denied.Buckets[i].Errors = nil
			denied.Buckets[i].Versioning = bucketNamed(t, baseline, "crr-src").Versioning
		}
	}
	denied.CollectedAt = baseline.CollectedAt
	if !reflect.DeepEqual(denied, baseline) {
		t.Errorf("beyond the denied read, the snapshots differ:\n denied   %s\n baseline %s", mustJSON(t, denied), mustJSON(t, baseline))
	}
}

func TestScanMotoSharedResourcesReadOnce(t *testing.T) {
	m := moto.Require(t)
	s := newSeeder(t, m.URL)
	shared := s.bucket("shared-dst", "eu-west-1", true)
	listedDst := s.bucket("listed-dst", "eu-west-1", true)
	managed := s.managedPolicy("shared-managed", objectLockPolicy)
	sharedRole := s.role("shared-role", map[string]string{"inline": permissionsPolicy("src-1", "shared-dst")}, managed)
	otherRole := s.role("other-role", nil, managed)
	for _, src := range []string{"src-1", "src-2", "src-3"} {
		s.bucket(src, "us-east-1", true)
		s.replicate(src, "us-east-1", sharedRole, shared, listedDst)
	}
	s.bucket("src-4", "us-east-1", true)
	s.replicate("src-4", "us-east-1", otherRole, listedDst)

	// shared-dst is hidden from ListBuckets, as another account's bucket would be.
	c := &countingClients{inner: motoClients(m.URL), hide: map[string]bool{"shared-dst": true}, n: map[string]int{}}
	snap := scanMoto(t, c, readAll)

	if !snap.Complete() {
		t.Fatalf("snapshot incomplete: %s", mustJSON(t, snap))
	}
	once := []string{
		"HeadBucket shared-dst", "GetBucketVersioning shared-dst",
		"GetRole shared-role", "ListRolePolicies shared-role", "GetRolePolicy shared-role/inline", "ListAttachedRolePolicies shared-role",
		"GetRole other-role", "ListRolePolicies other-role", "ListAttachedRolePolicies other-role",
		"GetPolicy " + managed, "GetPolicyVersion " + managed,
		// A listed destination costs no read of its region or versioning beyond
		// the bucket's own.
		"HeadBucket listed-dst", "GetBucketVersioning listed-dst",
	}
	// Each destination's settings are read once, however many buckets name it.
	for _, op := range destinationOps {
		once = append(once, op+" shared-dst", op+" listed-dst")
	}
	for _, k := range once {
		if got := c.count(k); got != 1 {
			t.Errorf("%s: %d calls, want 1", k, got)
		}
	}
	want := LinkedBucket{Arn: shared, Name: "shared-dst", Exists: aws.Bool(true), Region: "eu-west-1", Versioning: &Versioning{Status: "Enabled"},
		BucketConfig: motoNotConfigured()}
	if got := destinationNamed(t, snap, shared); !reflect.DeepEqual(got, want) {
		t.Errorf("shared destination:\n got %s\nwant %s", mustJSON(t, got), mustJSON(t, want))
	}
	if got := destinationNamed(t, snap, listedDst); !got.InScan {
		t.Errorf("listed destination not InScan: %s", mustJSON(t, got))
	}
	if len(snap.Roles) != 2 {
		t.Errorf("roles = %s, want 2", mustJSON(t, snap.Roles))
	}
}

// countingClients counts calls by "Operation resource" and hides some buckets
// from ListBuckets.
type countingClients struct {
	inner Clients
	hide  map[string]bool

	mu sync.Mutex
	n  map[string]int
}

func (c *countingClients) add(k string) {
	c.mu.Lock()
	c.n[k]++
	c.mu.Unlock()
}

func (c *countingClients) count(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[k]
}

func (c *countingClients) S3(region string) S3API   { return countingS3{c, c.inner.S3(region)} }
func (c *countingClients) KMS(region string) KMSAPI { return countingKMS{c, c.inner.KMS(region)} }
func (c *countingClients) IAM() IAMAPI              { return countingIAM{c, c.inner.IAM()} }
func (c *countingClients) STS() STSAPI              { return c.inner.STS() }

func (c *countingClients) Organizations() OrganizationsAPI { return c.inner.Organizations() }
func (c *countingClients) Account() AccountAPI             { return c.inner.Account() }
func (c *countingClients) EC2() EC2API                     { return c.inner.EC2() }
func (c *countingClients) Assume(ctx context.Context, roleArn, externalID string) (Clients, error) {
	return c.inner.Assume(ctx, roleArn, externalID)
}

type countingS3 struct {
	c     *countingClients
	inner S3API
}

func (s countingS3) ListBuckets(ctx context.Context, in *s3.ListBucketsInput, o ...func(*s3.Options)) (*s3.ListBucketsOutput, error) {
	s.c.add("ListBuckets")
	out, err := s.inner.ListBuckets(ctx, in, o...)
	if err != nil {
		return out, err
	}
	kept := out.Buckets[:0:0]
	for _, b := range out.Buckets {
		if !s.c.hide[aws.ToString(b.Name)] {
			kept = append(kept, b)
		}
	}
	out.Buckets = kept
	return out, nil
}

func (s countingS3) HeadBucket(ctx context.Context, in *s3.HeadBucketInput, o ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	s.c.add("HeadBucket " + aws.ToString(in.Bucket))
	return s.inner.HeadBucket(ctx, in, o...)
}

func (s countingS3) GetBucketLocation(ctx context.Context, in *s3.GetBucketLocationInput, o ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error) {
	s.c.add("GetBucketLocation " + aws.ToString(in.Bucket))
	return s.inner.GetBucketLocation(ctx, in, o...)
}

func (s countingS3) GetBucketReplication(ctx context.Context, in *s3.GetBucketReplicationInput, o ...func(*s3.Options)) (*s3.GetBucketReplicationOutput, error) {
	s.c.add("GetBucketReplication " + aws.ToString(in.Bucket))
	return s.inner.GetBucketReplication(ctx, in, o...)
}

func (s countingS3) GetBucketVersioning(ctx context.Context, in *s3.GetBucketVersioningInput, o ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error) {
	s.c.add("GetBucketVersioning " + aws.ToString(in.Bucket))
	return s.inner.GetBucketVersioning(ctx, in, o...)
}

func (s countingS3) GetBucketTagging(ctx context.Context, in *s3.GetBucketTaggingInput, o ...func(*s3.Options)) (*s3.GetBucketTaggingOutput, error) {
	s.c.add("GetBucketTagging " + aws.ToString(in.Bucket))
	return s.inner.GetBucketTagging(ctx, in, o...)
}

func (s countingS3) GetBucketEncryption(ctx context.Context, in *s3.GetBucketEncryptionInput, o ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	s.c.add("GetBucketEncryption " + aws.ToString(in.Bucket))
	return s.inner.GetBucketEncryption(ctx, in, o...)
}

func (s countingS3) GetObjectLockConfiguration(ctx context.Context, in *s3.GetObjectLockConfigurationInput, o ...func(*s3.Options)) (*s3.GetObjectLockConfigurationOutput, error) {
	s.c.add("GetObjectLockConfiguration " + aws.ToString(in.Bucket))
	return s.inner.GetObjectLockConfiguration(ctx, in, o...)
}

func (s countingS3) GetBucketOwnershipControls(ctx context.Context, in *s3.GetBucketOwnershipControlsInput, o ...func(*s3.Options)) (*s3.GetBucketOwnershipControlsOutput, error) {
	s.c.add("GetBucketOwnershipControls " + aws.ToString(in.Bucket))
	return s.inner.GetBucketOwnershipControls(ctx, in, o...)
}

func (s countingS3) GetPublicAccessBlock(ctx context.Context, in *s3.GetPublicAccessBlockInput, o ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	s.c.add("GetPublicAccessBlock " + aws.ToString(in.Bucket))
	return s.inner.GetPublicAccessBlock(ctx, in, o...)
}

func (s countingS3) GetBucketLifecycleConfiguration(ctx context.Context, in *s3.GetBucketLifecycleConfigurationInput, o ...func(*s3.Options)) (*s3.GetBucketLifecycleConfigurationOutput, error) {
	s.c.add("GetBucketLifecycleConfiguration " + aws.ToString(in.Bucket))
	return s.inner.GetBucketLifecycleConfiguration(ctx, in, o...)
}

func (s countingS3) GetBucketRequestPayment(ctx context.Context, in *s3.GetBucketRequestPaymentInput, o ...func(*s3.Options)) (*s3.GetBucketRequestPaymentOutput, error) {
	s.c.add("GetBucketRequestPayment " + aws.ToString(in.Bucket))
	return s.inner.GetBucketRequestPayment(ctx, in, o...)
}

func (s countingS3) GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput, o ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	s.c.add("GetBucketPolicy " + aws.ToString(in.Bucket))
	return s.inner.GetBucketPolicy(ctx, in, o...)
}

func (s countingS3) GetBucketNotificationConfiguration(ctx context.Context, in *s3.GetBucketNotificationConfigurationInput, o ...func(*s3.Options)) (*s3.GetBucketNotificationConfigurationOutput, error) {
	s.c.add("GetBucketNotificationConfiguration " + aws.ToString(in.Bucket))
	return s.inner.GetBucketNotificationConfiguration(ctx, in, o...)
}

func (s countingS3) ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, o ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	s.c.add("ListObjectsV2 " + aws.ToString(in.Bucket) + "/" + aws.ToString(in.Prefix))
	return s.inner.ListObjectsV2(ctx, in, o...)
}

type countingKMS struct {
	c     *countingClients
	inner KMSAPI
}

func (s countingKMS) DescribeKey(ctx context.Context, in *kms.DescribeKeyInput, o ...func(*kms.Options)) (*kms.DescribeKeyOutput, error) {
	s.c.add("DescribeKey " + aws.ToString(in.KeyId))
	return s.inner.DescribeKey(ctx, in, o...)
}

func (s countingKMS) GetKeyPolicy(ctx context.Context, in *kms.GetKeyPolicyInput, o ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error) {
	s.c.add("GetKeyPolicy " + aws.ToString(in.KeyId))
	return s.inner.GetKeyPolicy(ctx, in, o...)
}

type countingIAM struct {
	c     *countingClients
	inner IAMAPI
}

func (s countingIAM) GetRole(ctx context.Context, in *iam.GetRoleInput, o ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	s.c.add("GetRole " + aws.ToString(in.RoleName))
	return s.inner.GetRole(ctx, in, o...)
}

func (s countingIAM) ListRolePolicies(ctx context.Context, in *iam.ListRolePoliciesInput, o ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error) {
	s.c.add("ListRolePolicies " + aws.ToString(in.RoleName))
	return s.inner.ListRolePolicies(ctx, in, o...)
}

func (s countingIAM) GetRolePolicy(ctx context.Context, in *iam.GetRolePolicyInput, o ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	s.c.add("GetRolePolicy " + aws.ToString(in.RoleName) + "/" + aws.ToString(in.PolicyName))
	return s.inner.GetRolePolicy(ctx, in, o...)
}

func (s countingIAM) ListAttachedRolePolicies(ctx context.Context, in *iam.ListAttachedRolePoliciesInput, o ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	s.c.add("ListAttachedRolePolicies " + aws.ToString(in.RoleName))
	return s.inner.ListAttachedRolePolicies(ctx, in, o...)
}

func (s countingIAM) GetPolicy(ctx context.Context, in *iam.GetPolicyInput, o ...func(*iam.Options)) (*iam.GetPolicyOutput, error) {
	s.c.add("GetPolicy " + aws.ToString(in.PolicyArn))
	return s.inner.GetPolicy(ctx, in, o...)
}

func (s countingIAM) GetPolicyVersion(ctx context.Context, in *iam.GetPolicyVersionInput, o ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error) {
	s.c.add("GetPolicyVersion " + aws.ToString(in.PolicyArn))
	return s.inner.GetPolicyVersion(ctx, in, o...)
}
