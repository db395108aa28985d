package scanner

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

const (
	fakeRole   = "arn:aws:iam::" + otherAccount + ":role/repl"
	dstArn     = "arn:aws:s3:::dst"
	extDstArn  = "arn:aws:s3:::ext"
	policyText = `{"Version":"2012-10-17","Statement":[{"Sid":"repl","Effect":"Allow","Principal":{"AWS":"` + fakeRole + `"},` +
		`"Action":["s3:ReplicateObject","s3:ReplicateDelete"],"Resource":"arn:aws:s3:::dst/*"}]}`
)

// fullSettings answers every settings read of bucket name with a configured value.
func fullSettings(a map[string]any, name string) {
	a["GetBucketPolicy "+name] = &s3.GetBucketPolicyOutput{Policy: aws.String(policyText)}
	a["GetBucketOwnershipControls "+name] = &s3.GetBucketOwnershipControlsOutput{OwnershipControls: &s3types.OwnershipControls{
		Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnershipBucketOwnerPreferred}}}}
	a["GetPublicAccessBlock "+name] = &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
		BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(false)}}
	a["GetBucketLifecycleConfiguration "+name] = &s3.GetBucketLifecycleConfigurationOutput{Rules: []s3types.LifecycleRule{{
		ID: aws.String("expire"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("")},
		NoncurrentVersionExpiration: &s3types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(1)},
	}}}
	a["GetBucketRequestPayment "+name] = &s3.GetBucketRequestPaymentOutput{Payer: s3types.PayerRequester}
	a["GetObjectLockConfiguration "+name] = &s3.GetObjectLockConfigurationOutput{ObjectLockConfiguration: &s3types.ObjectLockConfiguration{
		ObjectLockEnabled: s3types.ObjectLockEnabledEnabled,
		Rule: &s3types.ObjectLockRule{DefaultRetention: &s3types.DefaultRetention{
			Mode: s3types.ObjectLockRetentionModeCompliance, Years: aws.Int32(1)}},
	}}
	a["GetBucketEncryption "+name] = &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256},
			BucketKeyEnabled:                   aws.Bool(false),
			BlockedEncryptionTypes:             &s3types.BlockedEncryptionTypes{EncryptionType: []s3types.EncryptionType{s3types.EncryptionTypeSseC}},
		}},
	}}
}

// fullSettingsWant is what fullSettings' answers become.
func fullSettingsWant(t *testing.T) BucketConfig {
	return BucketConfig{
		Policy:            &BucketPolicy{Document: parseJSON(t, policyText)},
		OwnershipControls: &OwnershipControls{Rules: []OwnershipControlsRule{{ObjectOwnership: "BucketOwnerPreferred"}}},
		PublicAccessBlockConfiguration: &PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(false)},
		LifecycleConfiguration: &LifecycleConfiguration{Rules: []LifecycleRule{{
			ID: aws.String("expire"), Status: "Enabled", Filter: &LifecycleRuleFilter{Prefix: aws.String("")},
			NoncurrentVersionExpiration: &NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(1)},
		}}},
		RequestPaymentConfiguration: &RequestPaymentConfiguration{Payer: "Requester"},
		ObjectLockConfiguration: &ObjectLockConfiguration{ObjectLockEnabled: "Enabled",
			Rule: &ObjectLockRule{DefaultRetention: &DefaultRetention{Mode: "COMPLIANCE", Years: aws.Int32(1)}}},
		ServerSideEncryptionConfiguration: &ServerSideEncryptionConfiguration{Rules: []ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &ServerSideEncryptionByDefault{SSEAlgorithm: "AES256"},
			BucketKeyEnabled:                   aws.Bool(false),
			BlockedEncryptionTypes:             []string{"SSE-C"},
		}}},
	}
}

// srcTo lists src (us-east-1, replicating to dests) and the extra listed buckets,
// answering src's five reads.
func srcTo(a map[string]any, listedBuckets []s3types.Bucket, dests ...string) {
	a["ListBuckets "] = &s3.ListBucketsOutput{Buckets: append([]s3types.Bucket{listed("src", "us-east-1")}, listedBuckets...)}
	plainReads(a, "src")
	sourceNotConfigured(a, "src")
	a["GetBucketReplication src"] = replicating(fakeRole, dests...)
}

// outside makes ext a destination outside the scan, in eu-west-2, whose
// versioning is readable.
func outside(a map[string]any) {
	a["HeadBucket ext"] = &s3.HeadBucketOutput{BucketRegion: aws.String("eu-west-2")}
	a["GetBucketVersioning ext"] = &s3.GetBucketVersioningOutput{Status: s3types.BucketVersioningStatusEnabled}
}

func TestScanDestinationSettings(t *testing.T) {
	tests := []struct {
		name  string
		setup func(a map[string]any)
		arn   string
		want  func(t *testing.T) (BucketConfig, []CollectionError)
		calls []string // reads expected in the destination's region, beyond the listed bucket's own
	}{
		{
			name: "listed destination: every setting as S3 shaped it",
			setup: func(a map[string]any) {
				srcTo(a, []s3types.Bucket{listed("dst", "eu-west-1")}, dstArn)
				plainReads(a, "dst")
				fullSettings(a, "dst")
			},
			arn:  dstArn,
			want: func(t *testing.T) (BucketConfig, []CollectionError) { return fullSettingsWant(t), nil },
		},
		{
			name: "listed destination: not configured is an empty value",
			setup: func(a map[string]any) {
				srcTo(a, []s3types.Bucket{listed("dst", "eu-west-1")}, dstArn)
				plainReads(a, "dst")
				destinationNotConfigured(a, "dst")
			},
			arn:  dstArn,
			want: func(t *testing.T) (BucketConfig, []CollectionError) { return notConfigured(), nil },
		},
		{
			name: "listed destination: AccessDenied is a failed read of this scan",
			setup: func(a map[string]any) {
				srcTo(a, []s3types.Bucket{listed("dst", "eu-west-1")}, dstArn)
				plainReads(a, "dst")
				destinationNotConfigured(a, "dst")
				a["GetBucketPolicy dst"] = apiErr(403, "AccessDenied", "Access Denied")
				a["GetPublicAccessBlock dst"] = apiErr(403, "AccessDenied", "Access Denied")
			},
			arn: dstArn,
			want: func(t *testing.T) (BucketConfig, []CollectionError) {
				c := notConfigured()
				c.Policy, c.PublicAccessBlockConfiguration = nil, nil
				return c, []CollectionError{
					{Operation: "GetBucketPolicy", Code: "AccessDenied", Message: "Access Denied", Resource: dstArn, Component: ComponentPolicy},
					{Operation: "GetPublicAccessBlock", Code: "AccessDenied", Message: "Access Denied", Resource: dstArn, Component: ComponentPublicAccessBlock},
				}
			},
		},
		{
			name: "destination outside the scan: AccessDenied leaves every setting unknown",
			setup: func(a map[string]any) {
				srcTo(a, nil, extDstArn)
				outside(a)
				destinationDenied(a, "ext")
			},
			arn:  extDstArn,
			want: func(t *testing.T) (BucketConfig, []CollectionError) { return BucketConfig{}, nil },
		},
		{
			name: "destination outside the scan: readable settings are kept",
			setup: func(a map[string]any) {
				srcTo(a, nil, extDstArn)
				outside(a)
				fullSettings(a, "ext")
			},
			arn:  extDstArn,
			want: func(t *testing.T) (BucketConfig, []CollectionError) { return fullSettingsWant(t), nil },
		},
		{
			name: "destination outside the scan: other failures are errors, each with its component",
			setup: func(a map[string]any) {
				srcTo(a, nil, extDstArn)
				outside(a)
				destinationNotConfigured(a, "ext")
				a["GetBucketOwnershipControls ext"] = apiErr(500, "InternalError", "We encountered an internal error")
				a["GetBucketLifecycleConfiguration ext"] = errors.New("connection reset by peer")
				a["GetBucketRequestPayment ext"] = apiErr(404, "NoSuchBucket", "The specified bucket does not exist")
				a["GetObjectLockConfiguration ext"] = apiErr(400, "InvalidRequest", "bad")
				a["GetBucketEncryption ext"] = apiErr(503, "SlowDown", "Please reduce your request rate.")
				a["GetBucketPolicy ext"] = &s3.GetBucketPolicyOutput{Policy: aws.String(`{"Statement":`)}
			},
			arn: extDstArn,
			want: func(t *testing.T) (BucketConfig, []CollectionError) {
				return BucketConfig{PublicAccessBlockConfiguration: &PublicAccessBlockConfiguration{}}, []CollectionError{
					{Operation: "GetBucketEncryption", Code: "SlowDown", Message: "Please reduce your request rate.", Resource: extDstArn, Component: ComponentEncryption},
					{Operation: "GetBucketLifecycleConfiguration", Code: codeRequestError,
						Message: "operation error fake: GetBucketLifecycleConfiguration, connection reset by peer", Resource: extDstArn, Component: ComponentLifecycle},
					{Operation: "GetBucketOwnershipControls", Code: "InternalError", Message: "We encountered an internal error", Resource: extDstArn, Component: ComponentOwnership},
					{Operation: "GetBucketPolicy", Code: codeMalformedPolicy, Message: "bucket policy: parse json: unexpected end of JSON input", Resource: extDstArn, Component: ComponentPolicy},
					{Operation: "GetBucketRequestPayment", Code: "NoSuchBucket", Message: "The specified bucket does not exist", Resource: extDstArn, Component: ComponentRequestPayment},
					{Operation: "GetObjectLockConfiguration", Code: "InvalidRequest", Message: "bad", Resource: extDstArn, Component: ComponentObjectLock},
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := fakeEstate()
			tt.setup(a)
			s, f := scanFake(t, a, readAll)
			got := destinationNamed(t, s, tt.arn)
			wantCfg, wantErrs := tt.want(t)
			if !reflect.DeepEqual(got.BucketConfig, wantCfg) {
				t.Errorf("settings:\n got %s\nwant %s", mustJSON(t, got.BucketConfig), mustJSON(t, wantCfg))
			}
			var errs []CollectionError
			for _, e := range got.Errors {
				if e.Component != ComponentDestination {
					errs = append(errs, e)
				}
			}
			if !reflect.DeepEqual(errs, wantErrs) {
				t.Errorf("errors:\n got %s\nwant %s", mustJSON(t, errs), mustJSON(t, wantErrs))
			}
			// Every settings read went to the destination's region, once.
			name, _ := bucketNameOf(tt.arn)
			region := map[string]string{"dst": "eu-west-1", "ext": "eu-west-2"}[name]
			calls := f.callList()
			for _, op := range destinationOps {
				if n := count(calls, region+" "+op+" "+name); n != 1 {
					t.Errorf("%s %s in %s: %d calls, want 1 (calls %q)", op, name, region, n, calls)
				}
			}
		})
	}
}

func count(list []string, s string) int {
	n := 0
	for _, v := range list {
		if v == s {
			n++
		}
	}
	return n
}

func TestScanSourceSettings(t *testing.T) {
	a := fakeEstate(listed("src", "ap-northeast-1"), listed("plain", "ap-northeast-1"))
	plainReads(a, "src")
	plainReads(a, "plain")
	fullSettings(a, "src")
	a["GetBucketReplication src"] = replicating(fakeRole, extDstArn)
	outside(a)
	destinationDenied(a, "ext")
	s, f := scanFake(t, a)

	full := fullSettingsWant(t)
	want := BucketConfig{ServerSideEncryptionConfiguration: full.ServerSideEncryptionConfiguration, ObjectLockConfiguration: full.ObjectLockConfiguration}
	if got := bucketNamed(t, s, "src"); !reflect.DeepEqual(got.BucketConfig, want) || len(got.Errors) != 0 {
		t.Errorf("src: settings %s errors %s\nwant %s", mustJSON(t, got.BucketConfig), mustJSON(t, got.Errors), mustJSON(t, want))
	}
	if got := bucketNamed(t, s, "plain"); !reflect.DeepEqual(got.BucketConfig, BucketConfig{}) {
		t.Errorf("plain: settings %s, want none read", mustJSON(t, got.BucketConfig))
	}
	for _, c := range f.callList() {
		if strings.HasSuffix(c, " src") && !strings.HasPrefix(c, "ap-northeast-1 ") {
			t.Errorf("src read outside its region: %q", c)
		}
	}

	// A failed source read is an error of the bucket, with its component.
	a["GetObjectLockConfiguration src"] = apiErr(403, "AccessDenied", "Access Denied")
	s, _ = scanFake(t, a)
	got := bucketNamed(t, s, "src")
	wantErrs := []CollectionError{{Operation: "GetObjectLockConfiguration", Code: "AccessDenied", Message: "Access Denied",
		Resource: "arn:aws:s3:::src", Component: ComponentObjectLock}}
	if got.ObjectLockConfiguration != nil || !reflect.DeepEqual(got.Errors, wantErrs) || got.ServerSideEncryptionConfiguration == nil {
		t.Errorf("src = %s", mustJSON(t, got))
	}
}

// TestScanListedDestinationSharesSourceReads: when a listed destination
// replicates too, its encryption and object lock are read once, for the bucket,
// and shared with the destination, failures included.
func TestScanListedDestinationSharesSourceReads(t *testing.T) {
	a := fakeEstate(listed("a-bkt", "us-east-1"), listed("b-bkt", "eu-west-1"))
	for _, n := range []string{"a-bkt", "b-bkt"} {
		plainReads(a, n)
		destinationNotConfigured(a, n)
	}
	a["GetBucketReplication a-bkt"] = replicating(fakeRole, "arn:aws:s3:::b-bkt")
	a["GetBucketReplication b-bkt"] = replicating(fakeRole, "arn:aws:s3:::a-bkt")
	fullSettings(a, "b-bkt")
	a["GetObjectLockConfiguration a-bkt"] = apiErr(500, "InternalError", "boom")
	s, f := scanFake(t, a, readAll)

	calls := f.callList()
	for _, n := range []string{"a-bkt", "b-bkt"} {
		for _, op := range []string{"GetBucketEncryption", "GetObjectLockConfiguration"} {
			if c := count(calls, regionOf(n)+" "+op+" "+n); c != 1 {
				t.Errorf("%s %s: %d calls, want 1 (shared between the bucket and the destination)", op, n, c)
			}
		}
	}
	bDest := destinationNamed(t, s, "arn:aws:s3:::b-bkt")
	full := fullSettingsWant(t)
	if !reflect.DeepEqual(bDest.BucketConfig, full) {
		t.Errorf("b-bkt as destination:\n got %s\nwant %s", mustJSON(t, bDest.BucketConfig), mustJSON(t, full))
	}
	if b := bucketNamed(t, s, "b-bkt"); b.ServerSideEncryptionConfiguration == bDest.ServerSideEncryptionConfiguration {
		t.Error("the destination aliases the bucket's encryption instead of copying it")
	}
	aDest := destinationNamed(t, s, "arn:aws:s3:::a-bkt")
	wantErrs := []CollectionError{{Operation: "GetObjectLockConfiguration", Code: "InternalError", Message: "boom",
		Resource: "arn:aws:s3:::a-bkt", Component: ComponentObjectLock}}
	if aDest.ObjectLockConfiguration != nil || !reflect.DeepEqual(aDest.Errors, wantErrs) {
		t.Errorf("a-bkt as destination: object lock %s, errors %s; want unknown with %s",
			mustJSON(t, aDest.ObjectLockConfiguration), mustJSON(t, aDest.Errors), mustJSON(t, wantErrs))
	}
}

// readAll makes a scan read every setting (Options.ReadAll).
func readAll(o *Options) { o.ReadAll = true }

func regionOf(name string) string {
	return map[string]string{"a-bkt": "us-east-1", "b-bkt": "eu-west-1"}[name]
}

// TestScanCallsPerBucketKind measures, with ListBuckets giving every region, the
// S3 and KMS calls each kind of bucket costs after ListBuckets.
func TestScanCallsPerBucketKind(t *testing.T) {
	key := "arn:aws:kms:eu-west-1:" + fakeAccount + ":key/shared"
	kmsDefault := &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{
			SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(key)}}}}}
	a := fakeEstate(listed("plain", "us-east-1"), listed("src-1", "us-east-1"), listed("src-2", "us-west-2"),
		listed("dst", "eu-west-1"), listed("both", "eu-central-1"))
	for _, n := range []string{"plain", "src-1", "src-2", "dst", "both"} {
		plainReads(a, n)
		destinationNotConfigured(a, n)
	}
	// src-1 and src-2 encrypt with the same key, and name it as replica key too.
	for _, n := range []string{"src-1", "src-2"} {
		out := replicating(fakeRole, dstArn, extDstArn, "arn:aws:s3:::both")
		for i := range out.ReplicationConfiguration.Rules {
			out.ReplicationConfiguration.Rules[i].Destination.EncryptionConfiguration = &s3types.EncryptionConfiguration{ReplicaKmsKeyID: aws.String(key)}
		}
		a["GetBucketReplication "+n] = out
		a["GetBucketEncryption "+n] = kmsDefault
	}
	// both replicates (to dst) and is a destination.
	a["GetBucketReplication both"] = replicating(fakeRole, dstArn)
	outside(a)
	destinationNotConfigured(a, "ext")
	a["DescribeKey "+key] = describeKeyOutput(key, fakeAccount, "Enabled")
	a["GetKeyPolicy "+key] = keyPolicy()

	s, f := scanFake(t, a)
	if !s.Complete() {
		t.Fatalf("incomplete: %s", mustJSON(t, s))
	}
	perResource := map[string]int{}
	for _, c := range f.callList() {
		parts := strings.SplitN(c, " ", 3)
		if parts[1] == "ListBuckets" || parts[1] == "GetCallerIdentity" || parts[1] == "ListRegions" {
			continue // once per account
		}
		perResource[parts[2]]++
	}
	// The role's account is not scanned, so CRR-032 needs no destination policy;
	// no source blocks SSE-C or has Object Lock; no settings need tags or lifecycle.
	want := map[string]int{
		"plain": 2, // replication, versioning: nothing else for a bucket that does not replicate
		"src-1": 4, // + encryption, object lock
		"src-2": 4,
		// its own two + public access block (none: not restricting) and then the
		// policy (CRR-025), encryption (CRR-065), read once for three sources
		"dst":  2 + 3,
		"both": 4 + 2, // its own four + public access block and policy; it shares encryption and object lock
		// HeadBucket, versioning + policy (none: no public access block needed),
		// ownership, request payment (its account is unknown: maybe another), encryption
		"ext": 2 + 4,
		key:   2, // DescribeKey + GetKeyPolicy, once for four references
	}
	if !reflect.DeepEqual(perResource, want) {
		t.Errorf("calls per resource = %v\nwant %v\ncalls %q", perResource, want, f.callList())
	}
	if len(s.KmsKeys) != 1 || s.KmsKeys[0].Ref != key {
		t.Errorf("kms keys = %s, want one", mustJSON(t, s.KmsKeys))
	}
}

func keyMetadataWant(arn, state string) *KeyMetadata {
	id := arn[strings.LastIndex(arn, "/")+1:]
	return &KeyMetadata{KeyId: id, Arn: arn, Enabled: state == "Enabled", KeyState: state, KeyManager: "CUSTOMER",
		KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT", MultiRegion: aws.Bool(false)}
}
