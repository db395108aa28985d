package scanner

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/crrscan/crrscan/scanner/scantest"
)

// key creates a KMS key in region and returns its ARN.
func (s *seeder) key(region string) string {
	s.t.Helper()
	out, err := scantest.NewKMS(s.url, region).CreateKey(s.ctx, &kms.CreateKeyInput{})
	s.check("CreateKey", err)
	return aws.ToString(out.KeyMetadata.Arn)
}

// keyID is the key id at the end of a key ARN.
func keyID(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }

func (s *seeder) kms(region string) *kms.Client { return scantest.NewKMS(s.url, region) }

// lockedBucket creates a bucket with Object Lock enabled at creation (which
// enables versioning).
func (s *seeder) lockedBucket(name, region string) string {
	s.t.Helper()
	in := &s3.CreateBucketInput{Bucket: aws.String(name), ObjectLockEnabledForBucket: aws.Bool(true)}
	if region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(region)}
	}
	_, err := s.s3(region).CreateBucket(s.ctx, in)
	s.check("CreateBucket "+name, err)
	return "arn:aws:s3:::" + name
}

func (s *seeder) kmsDefault(name, region, key string) {
	s.t.Helper()
	_, err := s.s3(region).PutBucketEncryption(s.ctx, &s3.PutBucketEncryptionInput{
		Bucket: aws.String(name),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(key)},
			BucketKeyEnabled:                   aws.Bool(true),
		}}},
	})
	s.check("PutBucketEncryption "+name, err)
}

// destinationSettings gives bucket name a policy, ownership controls, a public
// access block, lifecycle rules and a default retention.
func (s *seeder) destinationSettings(name, region, policy string) {
	s.t.Helper()
	c := s.s3(region)
	b := aws.String(name)
	_, err := c.PutBucketPolicy(s.ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(policy)})
	s.check("PutBucketPolicy", err)
	_, err = c.PutBucketOwnershipControls(s.ctx, &s3.PutBucketOwnershipControlsInput{Bucket: b, OwnershipControls: &s3types.OwnershipControls{
		Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnershipBucketOwnerEnforced}}}})
	s.check("PutBucketOwnershipControls", err)
	_, err = c.PutPublicAccessBlock(s.ctx, &s3.PutPublicAccessBlockInput{Bucket: b, PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
		BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(true)}})
	s.check("PutPublicAccessBlock", err)
	_, err = c.PutBucketLifecycleConfiguration(s.ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: b, LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{
		Rules: []s3types.LifecycleRule{
			{
				ID: aws.String("expire-noncurrent"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("logs/")},
				Expiration:                   &s3types.LifecycleExpiration{Days: aws.Int32(30)},
				NoncurrentVersionExpiration:  &s3types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(7)},
				Transitions:                  []s3types.Transition{{Days: aws.Int32(10), StorageClass: s3types.TransitionStorageClassGlacier}},
				NoncurrentVersionTransitions: []s3types.NoncurrentVersionTransition{{NoncurrentDays: aws.Int32(3), StorageClass: s3types.TransitionStorageClassStandardIa}},
			},
			{
				ID: aws.String("tagged"), Status: s3types.ExpirationStatusDisabled,
				Filter: &s3types.LifecycleRuleFilter{And: &s3types.LifecycleRuleAndOperator{
					Prefix: aws.String("a/"), Tags: []s3types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}},
				Expiration: &s3types.LifecycleExpiration{ExpiredObjectDeleteMarker: aws.Bool(true)},
			},
			{
				ID: aws.String("dated"), Status: s3types.ExpirationStatusEnabled,
				Filter:     &s3types.LifecycleRuleFilter{Tag: &s3types.Tag{Key: aws.String("t"), Value: aws.String("u")}},
				Expiration: &s3types.LifecycleExpiration{Date: aws.Time(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))},
			},
		}}})
	s.check("PutBucketLifecycleConfiguration", err)
	// No PutBucketRequestPayment: moto 5.2.1 routes PUT ?requestPayment to
	// CreateBucket (and refuses it outside us-east-1).
	_, err = c.PutObjectLockConfiguration(s.ctx, &s3.PutObjectLockConfigurationInput{Bucket: b, ObjectLockConfiguration: &s3types.ObjectLockConfiguration{
		ObjectLockEnabled: s3types.ObjectLockEnabledEnabled,
		Rule: &s3types.ObjectLockRule{DefaultRetention: &s3types.DefaultRetention{
			Mode: s3types.ObjectLockRetentionModeGovernance, Days: aws.Int32(5)}},
	}})
	s.check("PutObjectLockConfiguration", err)
}

// replicateEncrypted puts one rule per destination on src, each replicating
// SSE-KMS objects with the given replica key.
func (s *seeder) replicateEncrypted(src, region, role string, dests, replicaKeys []string) {
	s.t.Helper()
	cfg := &s3types.ReplicationConfiguration{Role: aws.String(role)}
	for i, d := range dests {
		cfg.Rules = append(cfg.Rules, s3types.ReplicationRule{
			ID: aws.String("rule-" + d[len("arn:aws:s3:::"):]), Priority: aws.Int32(int32(i + 1)),
			Status:                  s3types.ReplicationRuleStatusEnabled,
			DeleteMarkerReplication: &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusDisabled},
			Filter:                  &s3types.ReplicationRuleFilter{Prefix: aws.String("")},
			SourceSelectionCriteria: &s3types.SourceSelectionCriteria{SseKmsEncryptedObjects: &s3types.SseKmsEncryptedObjects{Status: s3types.SseKmsEncryptedObjectsStatusEnabled}},
			Destination: &s3types.Destination{Bucket: aws.String(d),
				EncryptionConfiguration: &s3types.EncryptionConfiguration{ReplicaKmsKeyID: aws.String(replicaKeys[i])}},
		})
	}
	_, err := s.s3(region).PutBucketReplication(s.ctx, &s3.PutBucketReplicationInput{Bucket: aws.String(src), ReplicationConfiguration: cfg})
	s.check("PutBucketReplication "+src, err)
}

// TestScanMotoSettingsAndKeys seeds two encrypted sources that share a KMS key and
// replicate to a listed destination (by an alias ARN of a disabled replica key)
// and to one hidden from ListBuckets (by the key's ARN), and checks that the
// settings and keys arrive as moto shapes them, each read once.
func TestScanMotoSettingsAndKeys(t *testing.T) {
	m := moto.Require(t)
	s := newSeeder(t, m.URL)
	srcKey := s.key("us-east-1")
	replicaKey := s.key("eu-west-1")
	replicaAlias := "arn:aws:kms:eu-west-1:" + s.account + ":alias/replica"
	_, err := s.kms("eu-west-1").CreateAlias(s.ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/replica"), TargetKeyId: aws.String(replicaKey)})
	s.check("CreateAlias", err)
	// moto 5.2.1 fails (500) DisableKey and ScheduleKeyDeletion given a key ARN: pass the key id.
	_, err = s.kms("eu-west-1").DisableKey(s.ctx, &kms.DisableKeyInput{KeyId: aws.String(keyID(replicaKey))})
	s.check("DisableKey", err)

	s.lockedBucket("src-a", "us-east-1")
	s.bucket("src-b", "us-east-1", true)
	dst := s.lockedBucket("dst", "eu-west-1")
	hidden := s.bucket("hidden-dst", "eu-west-1", true)
	s.bucket("plain", "us-east-1", false)
	s.kmsDefault("src-a", "us-east-1", srcKey)
	s.kmsDefault("src-b", "us-east-1", srcKey)
	dstPolicy := `{"Version":"2012-10-17","Statement":[{"Sid":"repl","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + s.account +
		`:role/crr"},"Action":["s3:ReplicateObject","s3:ReplicateDelete"],"Resource":"arn:aws:s3:::dst/*"}]}`
	s.destinationSettings("dst", "eu-west-1", dstPolicy)
	role := s.role("crr", nil)
	s.replicateEncrypted("src-a", "us-east-1", role, []string{dst}, []string{replicaAlias})
	s.replicateEncrypted("src-b", "us-east-1", role, []string{dst, hidden}, []string{replicaAlias, replicaKey})

	c := &countingClients{inner: motoClients(m.URL), hide: map[string]bool{"hidden-dst": true}, n: map[string]int{}}
	snap := scanMoto(t, c, readAll)
	if !snap.Complete() {
		t.Fatalf("snapshot incomplete: %s", mustJSON(t, snap))
	}

	// Sources: their own encryption and object lock.
	srcEnc := &ServerSideEncryptionConfiguration{Rules: []ServerSideEncryptionRule{{
		ApplyServerSideEncryptionByDefault: &ServerSideEncryptionByDefault{SSEAlgorithm: "aws:kms", KMSMasterKeyID: aws.String(srcKey)},
		BucketKeyEnabled:                   aws.Bool(true),
	}}}
	wantSrc := map[string]BucketConfig{
		"src-a": {ServerSideEncryptionConfiguration: srcEnc, ObjectLockConfiguration: &ObjectLockConfiguration{ObjectLockEnabled: "Enabled"}},
		"src-b": {ServerSideEncryptionConfiguration: srcEnc, ObjectLockConfiguration: &ObjectLockConfiguration{}},
		"plain": {},
	}
	for name, want := range wantSrc {
		if got := bucketNamed(t, snap, name).BucketConfig; !reflect.DeepEqual(got, want) {
			t.Errorf("%s settings:\n got %s\nwant %s", name, mustJSON(t, got), mustJSON(t, want))
		}
	}

	// The listed destination, with everything set.
	wantDst := BucketConfig{
		Policy:            &BucketPolicy{Document: parseJSON(t, dstPolicy)},
		OwnershipControls: &OwnershipControls{Rules: []OwnershipControlsRule{{ObjectOwnership: "BucketOwnerEnforced"}}},
		PublicAccessBlockConfiguration: &PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(true)},
		LifecycleConfiguration: &LifecycleConfiguration{Rules: []LifecycleRule{
			{
				ID: aws.String("expire-noncurrent"), Status: "Enabled", Filter: &LifecycleRuleFilter{Prefix: aws.String("logs/")},
				Expiration:                   &LifecycleExpiration{Days: aws.Int32(30)},
				NoncurrentVersionExpiration:  &NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(7)},
				Transitions:                  []LifecycleTransition{{Days: aws.Int32(10), StorageClass: "GLACIER"}},
				NoncurrentVersionTransitions: []NoncurrentVersionTransition{{NoncurrentDays: aws.Int32(3), StorageClass: "STANDARD_IA"}},
			},
			{
				ID: aws.String("tagged"), Status: "Disabled",
				Filter:     &LifecycleRuleFilter{And: &ReplicationRuleAndOperator{Prefix: aws.String("a/"), Tags: []Tag{{Key: "k", Value: "v"}}}},
				Expiration: &LifecycleExpiration{ExpiredObjectDeleteMarker: aws.Bool(true)},
			},
			{
				ID: aws.String("dated"), Status: "Enabled", Filter: &LifecycleRuleFilter{Tag: &Tag{Key: "t", Value: "u"}},
				Expiration: &LifecycleExpiration{Date: aws.Time(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))},
			},
		}},
		// moto 5.2.1 implements neither request payment call: it answers
		// GetBucketRequestPayment with a ListBucketResult, in which the SDK finds
		// no Payer. Requester Pays is covered by the fake (TestScanDestinationSettings).
		RequestPaymentConfiguration: &RequestPaymentConfiguration{Payer: ""},
		// moto adds <Years>0</Years> beside the Days it stored; AWS sends one of the two.
		ObjectLockConfiguration: &ObjectLockConfiguration{ObjectLockEnabled: "Enabled",
			Rule: &ObjectLockRule{DefaultRetention: &DefaultRetention{Mode: "GOVERNANCE", Days: aws.Int32(5), Years: aws.Int32(0)}}},
		ServerSideEncryptionConfiguration: &ServerSideEncryptionConfiguration{Rules: []ServerSideEncryptionRule{}},
	}
	if got := destinationNamed(t, snap, dst); !reflect.DeepEqual(got.BucketConfig, wantDst) || !got.InScan {
		t.Errorf("dst settings:\n got %s\nwant %s", mustJSON(t, got.BucketConfig), mustJSON(t, wantDst))
	}
	// The hidden destination, read as one outside the scan, with nothing set.
	if got := destinationNamed(t, snap, hidden); !reflect.DeepEqual(got.BucketConfig, motoNotConfigured()) || got.InScan {
		t.Errorf("hidden-dst settings:\n got %s\nwant %s", mustJSON(t, got.BucketConfig), mustJSON(t, motoNotConfigured()))
	}

	// Keys: the shared source key once; the replica key under each reference.
	keyPolicy := func(arn string) any {
		return parseJSON(t, `{"Version": "2012-10-17", "Id": "key-default-1", "Statement": [{"Sid": "Enable IAM User Permissions", "Effect": "Allow", `+
			`"Principal": {"AWS": "arn:aws:iam::`+s.account+`:root"}, "Action": "kms:*", "Resource": "*"}]}`)
	}
	// moto answers DescribeKey without KeyUsage and MultiRegion (AWS sends
	// ENCRYPT_DECRYPT and false).
	meta := func(arn, state string) *KeyMetadata {
		return &KeyMetadata{KeyId: keyID(arn), Arn: arn, Enabled: state == "Enabled", KeyState: state,
			KeyManager: "CUSTOMER", KeySpec: "SYMMETRIC_DEFAULT"}
	}
	wantKeys := []KmsKey{
		{Ref: replicaAlias, Arn: replicaKey, AccountID: s.account, Region: "eu-west-1", Exists: aws.Bool(true),
			KeyMetadata: meta(replicaKey, "Disabled"), KeyPolicy: keyPolicy(replicaKey)},
		{Ref: replicaKey, Arn: replicaKey, AccountID: s.account, Region: "eu-west-1", Exists: aws.Bool(true),
			KeyMetadata: meta(replicaKey, "Disabled"), KeyPolicy: keyPolicy(replicaKey)},
		{Ref: srcKey, Arn: srcKey, AccountID: s.account, Region: "us-east-1", Exists: aws.Bool(true),
			KeyMetadata: meta(srcKey, "Enabled"), KeyPolicy: keyPolicy(srcKey)},
	}
	if !reflect.DeepEqual(snap.KmsKeys, wantKeys) {
		t.Errorf("kms keys:\n got %s\nwant %s", mustJSON(t, snap.KmsKeys), mustJSON(t, wantKeys))
	}

	// Each read once, however many buckets name the resource.
	once := []string{
		"DescribeKey " + srcKey, "GetKeyPolicy " + srcKey,
		"DescribeKey " + replicaAlias, "DescribeKey " + replicaKey,
		"GetBucketEncryption src-a", "GetObjectLockConfiguration src-a",
		"GetBucketEncryption src-b", "GetObjectLockConfiguration src-b",
		"HeadBucket hidden-dst", "GetBucketVersioning hidden-dst",
	}
	for _, op := range destinationOps {
		once = append(once, op+" dst", op+" hidden-dst")
	}
	for _, k := range once {
		if got := c.count(k); got != 1 {
			t.Errorf("%s: %d calls, want 1", k, got)
		}
	}
	// The replica key is described under two references and its policy read for each.
	if got := c.count("GetKeyPolicy " + replicaKey); got != 2 {
		t.Errorf("GetKeyPolicy %s: %d calls, want 2 (one per reference)", replicaKey, got)
	}
	for _, k := range []string{"GetBucketEncryption plain", "GetObjectLockConfiguration plain", "GetBucketPolicy plain"} {
		if got := c.count(k); got != 0 {
			t.Errorf("%s: %d calls, want none for a bucket that does not replicate", k, got)
		}
	}
}

// TestScanMotoSettingsFailures injects AccessDenied on a listed destination's
// policy and on a key of the scanned account: both are failed reads of this scan,
// with their operation, code and component; nothing else changes.
func TestScanMotoSettingsFailures(t *testing.T) {
	m := moto.Require(t)
	s := newSeeder(t, m.URL)
	key := s.key("eu-west-1")
	_, err := s.kms("eu-west-1").ScheduleKeyDeletion(s.ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(keyID(key)), PendingWindowInDays: aws.Int32(7)})
	s.check("ScheduleKeyDeletion", err)
	s.bucket("src", "us-east-1", true)
	dst := s.bucket("dst", "eu-west-1", true)
	s.replicateEncrypted("src", "us-east-1", s.role("crr", nil), []string{dst}, []string{key})

	// Every setting is read, so that a denied read changes no other read.
	baseline := scanMoto(t, motoClients(m.URL), readAll)
	if !baseline.Complete() || len(baseline.KmsKeys) != 1 {
		t.Fatalf("baseline: %s", mustJSON(t, baseline))
	}
	k := baseline.KmsKeys[0]
	if md := k.KeyMetadata; md == nil || md.KeyState != "PendingDeletion" || md.Enabled || md.DeletionDate == nil {
		t.Errorf("key pending deletion: %s", mustJSON(t, k))
	}

	proxy := scantest.NewProxy(m.URL,
		scantest.Rule{Bucket: "dst", Query: "policy", Message: "Access Denied"},
		scantest.Rule{Target: "DescribeKey", Message: "User is not authorized to perform kms:DescribeKey"},
	)
	defer proxy.Close()
	denied := scanMoto(t, motoClients(proxy.URL), readAll)
	if proxy.Hits(0) != 1 || proxy.Hits(1) != 1 {
		t.Fatalf("proxy hits = %d, %d; want 1, 1", proxy.Hits(0), proxy.Hits(1))
	}

	d := destinationNamed(t, denied, dst)
	wantDstErrs := []CollectionError{{Operation: "GetBucketPolicy", Code: "AccessDenied", Message: "Access Denied", Resource: dst, Component: ComponentPolicy}}
	if d.Policy != nil || !reflect.DeepEqual(d.Errors, wantDstErrs) {
		t.Errorf("dst: policy %s errors %s; want unknown with %s", mustJSON(t, d.Policy), mustJSON(t, d.Errors), mustJSON(t, wantDstErrs))
	}
	wantKey := KmsKey{Ref: key, Arn: key, AccountID: s.account, Region: "eu-west-1", Errors: []CollectionError{{
		Operation: "DescribeKey", Code: "AccessDeniedException", Message: "User is not authorized to perform kms:DescribeKey",
		Resource: key, Component: ComponentKMS}}}
	if !reflect.DeepEqual(denied.KmsKeys, []KmsKey{wantKey}) {
		t.Errorf("keys:\n got %s\nwant %s", mustJSON(t, denied.KmsKeys), mustJSON(t, []KmsKey{wantKey}))
	}

	// Nothing else is lost: with the two failed reads put back, the snapshots are equal.
	for i := range denied.Destinations {
		if denied.Destinations[i].Arn == dst {
			denied.Destinations[i].Errors = nil
			denied.Destinations[i].Policy = destinationNamed(t, baseline, dst).Policy
		}
	}
	denied.KmsKeys = baseline.KmsKeys
	denied.CollectedAt = baseline.CollectedAt
	if !reflect.DeepEqual(denied, baseline) {
		t.Errorf("beyond the denied reads, the snapshots differ:\n denied   %s\n baseline %s", mustJSON(t, denied), mustJSON(t, baseline))
	}
}
