package scanner

import (
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

const keyPolicyText = `{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow",` +
	`"Principal":{"AWS":"arn:aws:iam::` + fakeAccount + `:root"},"Action":"kms:*","Resource":"*"}]}`

func describeKeyOutput(arn, account, state string) *kms.DescribeKeyOutput {
	return &kms.DescribeKeyOutput{KeyMetadata: &kmstypes.KeyMetadata{
		KeyId: aws.String(arn[strings.LastIndex(arn, "/")+1:]), Arn: aws.String(arn), AWSAccountId: aws.String(account),
		Enabled: state == "Enabled", KeyState: kmstypes.KeyState(state), KeyManager: kmstypes.KeyManagerTypeCustomer,
		KeySpec: kmstypes.KeySpecSymmetricDefault, KeyUsage: kmstypes.KeyUsageTypeEncryptDecrypt, MultiRegion: aws.Bool(false),
	}}
}

func keyPolicy() *kms.GetKeyPolicyOutput {
	return &kms.GetKeyPolicyOutput{Policy: aws.String(keyPolicyText), PolicyName: aws.String("default")}
}

// encryptedWith answers a bucket's GetBucketEncryption with a default algorithm and key.
func encryptedWith(a map[string]any, bucket, alg, key string) {
	d := &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryption(alg)}
	if key != "" {
		d.KMSMasterKeyID = aws.String(key)
	}
	a["GetBucketEncryption "+bucket] = &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: d}}}}
}

// replicaKeys sets ReplicaKmsKeyID on the rules of a replicating() answer, in order.
func replicaKeys(out *s3.GetBucketReplicationOutput, keys ...string) *s3.GetBucketReplicationOutput {
	for i, k := range keys {
		out.ReplicationConfiguration.Rules[i].Destination.EncryptionConfiguration = &s3types.EncryptionConfiguration{ReplicaKmsKeyID: aws.String(k)}
	}
	return out
}

func TestScanKmsKeys(t *testing.T) {
	const (
		ownKey   = "arn:aws:kms:ap-south-1:" + fakeAccount + ":key/own"
		otherKey = "arn:aws:kms:eu-west-2:" + otherAccount + ":key/theirs"
		ownAlias = "arn:aws:kms:eu-west-2:" + fakeAccount + ":alias/repl"
		euKey    = "arn:aws:kms:eu-west-1:" + fakeAccount + ":key/eu"
		usKey    = "arn:aws:kms:us-east-1:" + fakeAccount + ":key/us"
	)
	denied := apiErr(400, "AccessDeniedException", "User is not authorized to perform kms:DescribeKey")
	tests := []struct {
		name      string
		setup     func(a map[string]any)
		want      []KmsKey
		wantCalls []string // every KMS call, "region Operation KeyId"
	}{
		{
			name: "key of the scanned account: described in its own region, key policy read",
			setup: func(a map[string]any) {
				srcTo(a, nil)
				encryptedWith(a, "src", "aws:kms", ownKey)
				a["DescribeKey "+ownKey] = describeKeyOutput(ownKey, fakeAccount, "Enabled")
				a["GetKeyPolicy "+ownKey] = keyPolicy()
			},
			want: []KmsKey{{Ref: ownKey, Arn: ownKey, AccountID: fakeAccount, Region: "ap-south-1", Exists: aws.Bool(true),
				KeyMetadata: keyMetadataWant(ownKey, "Enabled"), KeyPolicy: keyPolicyDoc()}},
			wantCalls: []string{"ap-south-1 DescribeKey " + ownKey, "ap-south-1 GetKeyPolicy " + ownKey},
		},
		{
			name: "DSSE key id: resolved in the bucket's region, its ARN from DescribeKey",
			setup: func(a map[string]any) {
				srcTo(a, nil)
				encryptedWith(a, "src", "aws:kms:dsse", "own")
				a["DescribeKey us-east-1 own"] = describeKeyOutput(usKey[:strings.LastIndex(usKey, "/")+1]+"own", fakeAccount, "Disabled")
				a["GetKeyPolicy "+usKey[:strings.LastIndex(usKey, "/")+1]+"own"] = keyPolicy()
			},
			want: []KmsKey{{Ref: "own", Arn: "arn:aws:kms:us-east-1:" + fakeAccount + ":key/own", AccountID: fakeAccount, Region: "us-east-1",
				Exists: aws.Bool(true), KeyMetadata: keyMetadataWant("arn:aws:kms:us-east-1:"+fakeAccount+":key/own", "Disabled"), KeyPolicy: keyPolicyDoc()}},
			wantCalls: []string{"us-east-1 DescribeKey own", "us-east-1 GetKeyPolicy arn:aws:kms:us-east-1:" + fakeAccount + ":key/own"},
		},
		{
			name: "SSE-S3 and a KMS default without a key id name no key",
			setup: func(a map[string]any) {
				srcTo(a, []s3types.Bucket{listed("dst", "eu-west-1")}, dstArn)
				plainReads(a, "dst")
				destinationNotConfigured(a, "dst")
				encryptedWith(a, "src", "AES256", "")
				// The destination's own default key is not a key replication uses.
				encryptedWith(a, "dst", "aws:kms", ownKey)
			},
			want: nil,
		},
		{
			name: "replica alias name: resolved in the region of a destination outside the scan",
			setup: func(a map[string]any) {
				srcTo(a, nil)
				a["GetBucketReplication src"] = replicaKeys(replicating(fakeRole, extDstArn), "alias/repl")
				outside(a)
				destinationNotConfigured(a, "ext")
				a["DescribeKey eu-west-2 alias/repl"] = &kms.DescribeKeyOutput{KeyMetadata: describeKeyOutput("arn:aws:kms:eu-west-2:"+fakeAccount+":key/k2", fakeAccount, "PendingDeletion").KeyMetadata}
				a["GetKeyPolicy arn:aws:kms:eu-west-2:"+fakeAccount+":key/k2"] = keyPolicy()
			},
			want: []KmsKey{{Ref: "alias/repl", Arn: "arn:aws:kms:eu-west-2:" + fakeAccount + ":key/k2", AccountID: fakeAccount, Region: "eu-west-2",
				Exists: aws.Bool(true), KeyMetadata: keyMetadataWant("arn:aws:kms:eu-west-2:"+fakeAccount+":key/k2", "PendingDeletion"), KeyPolicy: keyPolicyDoc()}},
			wantCalls: []string{"eu-west-2 DescribeKey alias/repl", "eu-west-2 GetKeyPolicy arn:aws:kms:eu-west-2:" + fakeAccount + ":key/k2"},
		},
		{
			name: "replica key id: resolved in a listed destination's region",
			setup: func(a map[string]any) {
				srcTo(a, []s3types.Bucket{listed("dst", "eu-west-1")}, dstArn)
				a["GetBucketReplication src"] = replicaKeys(replicating(fakeRole, dstArn), "eu")
				plainReads(a, "dst")
				destinationNotConfigured(a, "dst")
				a["DescribeKey eu-west-1 eu"] = describeKeyOutput(euKey, fakeAccount, "Enabled")
				a["GetKeyPolicy "+euKey] = keyPolicy()
			},
			want: []KmsKey{{Ref: "eu", Arn: euKey, AccountID: fakeAccount, Region: "eu-west-1", Exists: aws.Bool(true),
				KeyMetadata: keyMetadataWant(euKey, "Enabled"), KeyPolicy: keyPolicyDoc()}},
			wantCalls: []string{"eu-west-1 DescribeKey eu", "eu-west-1 GetKeyPolicy " + euKey},
		},
		{
			name: "alias ARN that does not exist: Exists false, a value",
			setup: func(a map[string]any) {
				srcTo(a, nil)
				encryptedWith(a, "src", "aws:kms", ownAlias)
				a["DescribeKey "+ownAlias] = apiErr(400, "NotFoundException", "Alias "+ownAlias+" is not found.")
			},
			want:      []KmsKey{{Ref: ownAlias, AccountID: fakeAccount, Region: "eu-west-2", Exists: aws.Bool(false)}},
			wantCalls: []string{"eu-west-2 DescribeKey " + ownAlias},
		},
		{
			name: "another account's key described: no key policy read",
			setup: func(a map[string]any) {
				srcTo(a, nil)
				a["GetBucketReplication src"] = replicaKeys(replicating(fakeRole, extDstArn), otherKey)
				outside(a)
				destinationNotConfigured(a, "ext")
				a["DescribeKey "+otherKey] = describeKeyOutput(otherKey, otherAccount, "Enabled")
			},
			want: []KmsKey{{Ref: otherKey, Arn: otherKey, AccountID: otherAccount, Region: "eu-west-2", Exists: aws.Bool(true),
				KeyMetadata: keyMetadataWant(otherKey, "Enabled")}},
			wantCalls: []string{"eu-west-2 DescribeKey " + otherKey},
		},
		{
			name: "AccessDeniedException on another account's key: unknown, no error",
			setup: func(a map[string]any) {
				srcTo(a, nil)
				a["GetBucketReplication src"] = replicaKeys(replicating(fakeRole, extDstArn), otherKey)
				outside(a)
				destinationNotConfigured(a, "ext")
				a["DescribeKey "+otherKey] = denied
			},
			want:      []KmsKey{{Ref: otherKey, Arn: otherKey, AccountID: otherAccount, Region: "eu-west-2"}},
			wantCalls: []string{"eu-west-2 DescribeKey " + otherKey},
		},
		{
			name: "AccessDeniedException on the scanned account's key: a failed read",
			setup: func(a map[string]any) {
				srcTo(a, nil)
				encryptedWith(a, "src", "aws:kms", "alias/data")
				a["DescribeKey us-east-1 alias/data"] = denied
			},
			want: []KmsKey{{Ref: "alias/data", AccountID: fakeAccount, Region: "us-east-1", Errors: []CollectionError{{
				Operation: "DescribeKey", Code: "AccessDeniedException", Message: "User is not authorized to perform kms:DescribeKey",
				Resource: "arn:aws:kms:us-east-1:" + fakeAccount + ":alias/data", Component: ComponentKMS}}}},
			wantCalls: []string{"us-east-1 DescribeKey alias/data"},
		},
		{
			name: "other DescribeKey failure: a failed read, even for another account's key",
			setup: func(a map[string]any) {
				srcTo(a, nil)
				a["GetBucketReplication src"] = replicaKeys(replicating(fakeRole, extDstArn), otherKey)
				outside(a)
				destinationNotConfigured(a, "ext")
				a["DescribeKey "+otherKey] = apiErr(500, "KMSInternalException", "internal")
			},
			want: []KmsKey{{Ref: otherKey, Arn: otherKey, AccountID: otherAccount, Region: "eu-west-2", Errors: []CollectionError{{
				Operation: "DescribeKey", Code: "KMSInternalException", Message: "internal", Resource: otherKey, Component: ComponentKMS}}}},
			wantCalls: []string{"eu-west-2 DescribeKey " + otherKey},
		},
		{
			name: "key policy unreadable or malformed: the metadata stays, the failure is recorded",
			setup: func(a map[string]any) {
				srcTo(a, nil)
				a["GetBucketReplication src"] = replicaKeys(replicating(fakeRole, extDstArn, dstArn), euKey, usKey)
				outside(a)
				destinationNotConfigured(a, "ext")
				a["HeadBucket dst"] = apiErr(404, "NotFound", "")
				encryptedWith(a, "src", "aws:kms", usKey)
				a["DescribeKey "+euKey] = describeKeyOutput(euKey, fakeAccount, "Enabled")
				a["GetKeyPolicy "+euKey] = apiErr(400, "AccessDeniedException", "no")
				a["DescribeKey "+usKey] = describeKeyOutput(usKey, fakeAccount, "Enabled")
				a["GetKeyPolicy "+usKey] = &kms.GetKeyPolicyOutput{Policy: aws.String("{")}
			},
			want: []KmsKey{
				{Ref: euKey, Arn: euKey, AccountID: fakeAccount, Region: "eu-west-1", Exists: aws.Bool(true), KeyMetadata: keyMetadataWant(euKey, "Enabled"),
					Errors: []CollectionError{{Operation: "GetKeyPolicy", Code: "AccessDeniedException", Message: "no", Resource: euKey, Component: ComponentKMS}}},
				{Ref: usKey, Arn: usKey, AccountID: fakeAccount, Region: "us-east-1", Exists: aws.Bool(true), KeyMetadata: keyMetadataWant(usKey, "Enabled"),
					Errors: []CollectionError{{Operation: "GetKeyPolicy", Code: codeMalformedPolicy, Message: "key policy: parse json: unexpected end of JSON input",
						Resource: usKey, Component: ComponentKMS}}},
			},
			// usKey is the source's key and a replica key: read once.
			wantCalls: []string{"eu-west-1 DescribeKey " + euKey, "eu-west-1 GetKeyPolicy " + euKey,
				"us-east-1 DescribeKey " + usKey, "us-east-1 GetKeyPolicy " + usKey},
		},
		{
			name: "replica key id of a destination whose region is unknown: unknown, not read",
			setup: func(a map[string]any) {
				srcTo(a, nil)
				a["GetBucketReplication src"] = replicaKeys(replicating(fakeRole, extDstArn), "k-1")
				a["HeadBucket ext"] = apiErr(404, "NotFound", "")
			},
			want: []KmsKey{{Ref: "k-1", AccountID: fakeAccount}},
		},
		{
			name: "one alias name in two regions: an error, not one region's key",
			setup: func(a map[string]any) {
				srcTo(a, []s3types.Bucket{listed("dst", "eu-west-1")}, dstArn)
				a["GetBucketReplication src"] = replicaKeys(replicating(fakeRole, dstArn), "alias/data")
				plainReads(a, "dst")
				destinationNotConfigured(a, "dst")
				encryptedWith(a, "src", "aws:kms", "alias/data")
				a["DescribeKey us-east-1 alias/data"] = describeKeyOutput(usKey, fakeAccount, "Enabled")
				a["GetKeyPolicy "+usKey] = keyPolicy()
				a["DescribeKey eu-west-1 alias/data"] = describeKeyOutput(euKey, fakeAccount, "Disabled")
				a["GetKeyPolicy "+euKey] = keyPolicy()
			},
			want: []KmsKey{{Ref: "alias/data", AccountID: fakeAccount, Errors: []CollectionError{{
				Operation: "DescribeKey", Code: codeAmbiguousKeyRef, Resource: "alias/data", Component: ComponentKMS,
				Message: "the key id or alias names a different key in each of the regions eu-west-1, us-east-1; name the key by its ARN"}}}},
			wantCalls: []string{"eu-west-1 DescribeKey alias/data", "eu-west-1 GetKeyPolicy " + euKey,
				"us-east-1 DescribeKey alias/data", "us-east-1 GetKeyPolicy " + usKey},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := fakeEstate()
			tt.setup(a)
			s, f := scanFake(t, a)
			if !reflect.DeepEqual(s.KmsKeys, tt.want) {
				t.Errorf("kms keys:\n got %s\nwant %s", mustJSON(t, s.KmsKeys), mustJSON(t, tt.want))
			}
			var kmsCalls []string
			for _, c := range f.callList() {
				if strings.Contains(c, " DescribeKey ") || strings.Contains(c, " GetKeyPolicy ") {
					kmsCalls = append(kmsCalls, c)
				}
			}
			if !reflect.DeepEqual(kmsCalls, tt.wantCalls) {
				t.Errorf("kms calls:\n got %q\nwant %q", kmsCalls, tt.wantCalls)
			}
			// Key errors are the snapshot's only errors in these estates.
			for _, b := range s.Buckets {
				if len(b.Errors) != 0 {
					t.Errorf("bucket %s: unexpected errors %s", b.Name, mustJSON(t, b.Errors))
				}
			}
		})
	}
}

func keyPolicyDoc() any {
	doc, err := parseJSONDocument(aws.String(keyPolicyText))
	if err != nil {
		panic(err)
	}
	return doc
}

func TestKeyRefCacheKey(t *testing.T) {
	arn := "arn:aws:kms:eu-west-1:" + fakeAccount + ":key/k"
	tests := []struct {
		a, b keyRef
		same bool
	}{
		{keyRef{ref: arn, region: "eu-west-1"}, keyRef{ref: arn, region: "us-east-1"}, true},
		{keyRef{ref: arn, account: fakeAccount, via: fakeAccount}, keyRef{ref: arn, account: fakeAccount, via: otherAccount}, true},
		{keyRef{ref: "alias/x", region: "eu-west-1"}, keyRef{ref: "alias/x", region: "us-east-1"}, false},
		{keyRef{ref: "k", region: "eu-west-1"}, keyRef{ref: "k", region: "eu-west-1"}, true},
		{keyRef{ref: "alias/x", region: "eu-west-1"}, keyRef{ref: "alias/y", region: "eu-west-1"}, false},
		// A bare reference names one key per account.
		{keyRef{ref: "alias/x", region: "eu-west-1", account: fakeAccount}, keyRef{ref: "alias/x", region: "eu-west-1", account: otherAccount}, false},
	}
	for _, tt := range tests {
		if got := tt.a.cacheKey() == tt.b.cacheKey(); got != tt.same {
			t.Errorf("cacheKey(%v) == cacheKey(%v) is %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}

func TestKmsArnParts(t *testing.T) {
	tests := []struct {
		ref  string
		want kmsArn
		ok   bool
	}{
		{"arn:aws:kms:eu-west-1:111122223333:key/abcd", kmsArn{"aws", "eu-west-1", "111122223333", true}, true},
		{"arn:aws-cn:kms:cn-north-1:111122223333:alias/x", kmsArn{"aws-cn", "cn-north-1", "111122223333", false}, true},
		{"arn:aws:kms::111122223333:key/abcd", kmsArn{}, false},
		{"arn:aws:s3:::bucket", kmsArn{}, false},
		{"alias/x", kmsArn{}, false},
		{"1234abcd-12ab-34cd-56ef-1234567890ab", kmsArn{}, false},
	}
	for _, tt := range tests {
		got, ok := kmsArnParts(tt.ref)
		if got != tt.want || ok != tt.ok {
			t.Errorf("kmsArnParts(%q) = %+v, %v; want %+v, %v", tt.ref, got, ok, tt.want, tt.ok)
		}
	}
}
