package scanner

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// fakeAWS answers SDK calls from a table keyed by "Operation resource" (bucket
// name, role name, policy ARN or KMS key id as sent), or "Operation region
// resource" for an answer that only the client of that region gets. A value is the
// SDK output or an error; a call with no entry fails with code "UnexpectedCall",
// which ends up in the snapshot where a test sees it. It records every call as
// "region Operation resource". Assume answers "AssumeRole <role ARN>" from the
// table when it holds an error, else returns the fake of roles[role ARN].
type fakeAWS struct {
	answers map[string]any
	// roles are the accounts reachable through AssumeRole, by role ARN.
	roles map[string]*fakeAWS

	mu    sync.Mutex
	calls []string
}

func (f *fakeAWS) answer(region, op, key string) (any, error) {
	f.mu.Lock()
	f.calls = append(f.calls, region+" "+op+" "+key)
	f.mu.Unlock()
	v, ok := f.answers[op+" "+region+" "+key]
	if !ok {
		v, ok = f.answers[op+" "+key]
	}
	if !ok {
		return nil, &smithy.OperationError{ServiceID: "fake", OperationName: op,
			Err: &smithy.GenericAPIError{Code: "UnexpectedCall", Message: op + " " + key}}
	}
	if err, ok := v.(error); ok {
		return nil, &smithy.OperationError{ServiceID: "fake", OperationName: op, Err: err}
	}
	return v, nil
}

// callList returns the recorded calls, sorted.
func (f *fakeAWS) callList() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := append([]string(nil), f.calls...)
	sort.Strings(out)
	return out
}

func (f *fakeAWS) S3(region string) S3API          { return fakeS3{f: f, region: region} }
func (f *fakeAWS) KMS(region string) KMSAPI        { return fakeKMS{f: f, region: region} }
func (f *fakeAWS) IAM() IAMAPI                     { return fakeIAM{f} }
func (f *fakeAWS) STS() STSAPI                     { return fakeSTS{f} }
func (f *fakeAWS) Organizations() OrganizationsAPI { return fakeOrg{f} }
func (f *fakeAWS) Account() AccountAPI             { return fakeAcctMgmt{f} }
func (f *fakeAWS) EC2() EC2API                     { return fakeEC2{f} }

func (f *fakeAWS) Assume(_ context.Context, roleArn, externalID string) (Clients, error) {
	key := roleArn
	if externalID != "" {
		key += " " + externalID
	}
	if v, ok := f.answers["AssumeRole "+key]; ok {
		if err, isErr := v.(error); isErr {
			f.answer("sts", "AssumeRole", key)
			return nil, &smithy.OperationError{ServiceID: "STS", OperationName: "AssumeRole", Err: err}
		}
	}
	f.mu.Lock()
	f.calls = append(f.calls, "sts AssumeRole "+key)
	f.mu.Unlock()
	if a, ok := f.roles[roleArn]; ok {
		return a, nil
	}
	return nil, &smithy.OperationError{ServiceID: "STS", OperationName: "AssumeRole",
		Err: &smithy.GenericAPIError{Code: "UnexpectedCall", Message: "AssumeRole " + key}}
}

// answerAs returns the table's answer for op and key as type T.
func answerAs[T any](f *fakeAWS, region, op, key string) (*T, error) {
	v, err := f.answer(region, op, key)
	if err != nil {
		return nil, err
	}
	out, ok := v.(*T)
	if !ok {
		panic(fmt.Sprintf("fake answer for %s %s is %T, want %T", op, key, v, out))
	}
	return out, nil
}

type fakeS3 struct {
	f      *fakeAWS
	region string
}

func (c fakeS3) ListBuckets(_ context.Context, in *s3.ListBucketsInput, _ ...func(*s3.Options)) (*s3.ListBucketsOutput, error) {
	return answerAs[s3.ListBucketsOutput](c.f, c.region, "ListBuckets", aws.ToString(in.ContinuationToken))
}

func (c fakeS3) HeadBucket(_ context.Context, in *s3.HeadBucketInput, _ ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	return answerAs[s3.HeadBucketOutput](c.f, c.region, "HeadBucket", aws.ToString(in.Bucket))
}

func (c fakeS3) GetBucketLocation(_ context.Context, in *s3.GetBucketLocationInput, _ ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error) {
	return answerAs[s3.GetBucketLocationOutput](c.f, c.region, "GetBucketLocation", aws.ToString(in.Bucket))
}

func (c fakeS3) GetBucketReplication(_ context.Context, in *s3.GetBucketReplicationInput, _ ...func(*s3.Options)) (*s3.GetBucketReplicationOutput, error) {
	return answerAs[s3.GetBucketReplicationOutput](c.f, c.region, "GetBucketReplication", aws.ToString(in.Bucket))
}

func (c fakeS3) GetBucketVersioning(_ context.Context, in *s3.GetBucketVersioningInput, _ ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error) {
	return answerAs[s3.GetBucketVersioningOutput](c.f, c.region, "GetBucketVersioning", aws.ToString(in.Bucket))
}

func (c fakeS3) GetBucketTagging(_ context.Context, in *s3.GetBucketTaggingInput, _ ...func(*s3.Options)) (*s3.GetBucketTaggingOutput, error) {
	return answerAs[s3.GetBucketTaggingOutput](c.f, c.region, "GetBucketTagging", aws.ToString(in.Bucket))
}

func (c fakeS3) GetBucketEncryption(_ context.Context, in *s3.GetBucketEncryptionInput, _ ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	return answerAs[s3.GetBucketEncryptionOutput](c.f, c.region, "GetBucketEncryption", aws.ToString(in.Bucket))
}

func (c fakeS3) GetObjectLockConfiguration(_ context.Context, in *s3.GetObjectLockConfigurationInput, _ ...func(*s3.Options)) (*s3.GetObjectLockConfigurationOutput, error) {
	return answerAs[s3.GetObjectLockConfigurationOutput](c.f, c.region, "GetObjectLockConfiguration", aws.ToString(in.Bucket))
}

func (c fakeS3) GetBucketOwnershipControls(_ context.Context, in *s3.GetBucketOwnershipControlsInput, _ ...func(*s3.Options)) (*s3.GetBucketOwnershipControlsOutput, error) {
	return answerAs[s3.GetBucketOwnershipControlsOutput](c.f, c.region, "GetBucketOwnershipControls", aws.ToString(in.Bucket))
}

func (c fakeS3) GetPublicAccessBlock(_ context.Context, in *s3.GetPublicAccessBlockInput, _ ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	return answerAs[s3.GetPublicAccessBlockOutput](c.f, c.region, "GetPublicAccessBlock", aws.ToString(in.Bucket))
}

func (c fakeS3) GetBucketLifecycleConfiguration(_ context.Context, in *s3.GetBucketLifecycleConfigurationInput, _ ...func(*s3.Options)) (*s3.GetBucketLifecycleConfigurationOutput, error) {
	return answerAs[s3.GetBucketLifecycleConfigurationOutput](c.f, c.region, "GetBucketLifecycleConfiguration", aws.ToString(in.Bucket))
}

func (c fakeS3) GetBucketRequestPayment(_ context.Context, in *s3.GetBucketRequestPaymentInput, _ ...func(*s3.Options)) (*s3.GetBucketRequestPaymentOutput, error) {
	return answerAs[s3.GetBucketRequestPaymentOutput](c.f, c.region, "GetBucketRequestPayment", aws.ToString(in.Bucket))
}

func (c fakeS3) GetBucketPolicy(_ context.Context, in *s3.GetBucketPolicyInput, _ ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	return answerAs[s3.GetBucketPolicyOutput](c.f, c.region, "GetBucketPolicy", aws.ToString(in.Bucket))
}

func (c fakeS3) GetBucketNotificationConfiguration(_ context.Context, in *s3.GetBucketNotificationConfigurationInput, _ ...func(*s3.Options)) (*s3.GetBucketNotificationConfigurationOutput, error) {
	return answerAs[s3.GetBucketNotificationConfigurationOutput](c.f, c.region, "GetBucketNotificationConfiguration", aws.ToString(in.Bucket))
}

func (c fakeS3) ListObjectsV2(_ context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	return answerAs[s3.ListObjectsV2Output](c.f, c.region, "ListObjectsV2", aws.ToString(in.Bucket)+"/"+aws.ToString(in.Prefix))
}

type fakeKMS struct {
	f      *fakeAWS
	region string
}

func (c fakeKMS) DescribeKey(_ context.Context, in *kms.DescribeKeyInput, _ ...func(*kms.Options)) (*kms.DescribeKeyOutput, error) {
	return answerAs[kms.DescribeKeyOutput](c.f, c.region, "DescribeKey", aws.ToString(in.KeyId))
}

func (c fakeKMS) GetKeyPolicy(_ context.Context, in *kms.GetKeyPolicyInput, _ ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error) {
	if aws.ToString(in.PolicyName) != keyPolicyName {
		panic("GetKeyPolicy with PolicyName " + aws.ToString(in.PolicyName))
	}
	return answerAs[kms.GetKeyPolicyOutput](c.f, c.region, "GetKeyPolicy", aws.ToString(in.KeyId))
}

type fakeIAM struct{ f *fakeAWS }

func (c fakeIAM) GetRole(_ context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	return answerAs[iam.GetRoleOutput](c.f, "iam", "GetRole", aws.ToString(in.RoleName))
}

func (c fakeIAM) ListRolePolicies(_ context.Context, in *iam.ListRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error) {
	return answerAs[iam.ListRolePoliciesOutput](c.f, "iam", "ListRolePolicies", aws.ToString(in.RoleName)+aws.ToString(in.Marker))
}

func (c fakeIAM) GetRolePolicy(_ context.Context, in *iam.GetRolePolicyInput, _ ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	return answerAs[iam.GetRolePolicyOutput](c.f, "iam", "GetRolePolicy", aws.ToString(in.RoleName)+"/"+aws.ToString(in.PolicyName))
}

func (c fakeIAM) ListAttachedRolePolicies(_ context.Context, in *iam.ListAttachedRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	return answerAs[iam.ListAttachedRolePoliciesOutput](c.f, "iam", "ListAttachedRolePolicies", aws.ToString(in.RoleName)+aws.ToString(in.Marker))
}

func (c fakeIAM) GetPolicy(_ context.Context, in *iam.GetPolicyInput, _ ...func(*iam.Options)) (*iam.GetPolicyOutput, error) {
	return answerAs[iam.GetPolicyOutput](c.f, "iam", "GetPolicy", aws.ToString(in.PolicyArn))
}

func (c fakeIAM) GetPolicyVersion(_ context.Context, in *iam.GetPolicyVersionInput, _ ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error) {
	return answerAs[iam.GetPolicyVersionOutput](c.f, "iam", "GetPolicyVersion", aws.ToString(in.PolicyArn)+"@"+aws.ToString(in.VersionId))
}

type fakeSTS struct{ f *fakeAWS }

func (c fakeSTS) GetCallerIdentity(_ context.Context, _ *sts.GetCallerIdentityInput, _ ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return answerAs[sts.GetCallerIdentityOutput](c.f, "sts", "GetCallerIdentity", "")
}

func (c fakeSTS) AssumeRole(_ context.Context, in *sts.AssumeRoleInput, _ ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	return answerAs[sts.AssumeRoleOutput](c.f, "sts", "AssumeRole", aws.ToString(in.RoleArn))
}

type fakeOrg struct{ f *fakeAWS }

func (c fakeOrg) ListAccounts(_ context.Context, in *organizations.ListAccountsInput, _ ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error) {
	return answerAs[organizations.ListAccountsOutput](c.f, "organizations", "ListAccounts", aws.ToString(in.NextToken))
}

type fakeAcctMgmt struct{ f *fakeAWS }

func (c fakeAcctMgmt) ListRegions(_ context.Context, in *account.ListRegionsInput, _ ...func(*account.Options)) (*account.ListRegionsOutput, error) {
	return answerAs[account.ListRegionsOutput](c.f, "account", "ListRegions", aws.ToString(in.NextToken))
}

type fakeEC2 struct{ f *fakeAWS }

func (c fakeEC2) DescribeRegions(_ context.Context, _ *ec2.DescribeRegionsInput, _ ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error) {
	return answerAs[ec2.DescribeRegionsOutput](c.f, "ec2", "DescribeRegions", "")
}

// apiErr is an AWS error as the SDK returns it: the code and message, inside the
// HTTP response error that carries the status and headers.
func apiErr(status int, code, message string, header ...string) error {
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status, Header: h}},
		Err:      &smithy.GenericAPIError{Code: code, Message: message},
	}
}
