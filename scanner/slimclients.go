package scanner

import (
	"context"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"

	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
)

// The SDK clients below are held as the method values of the operations the
// scanner calls, never as a client in an interface: an interface would make the
// linker keep every operation of the client (reflection, which text/template
// links in, disables the removal of unused methods), megabytes each. See
// `make release` for the size.

// ec2Regions is the EC2 client's one operation the scanner calls (EC2API): EC2
// has hundreds of others, which held in an interface made 19.5 MB of the binary.
type ec2Regions struct {
	describe func(context.Context, *ec2.DescribeRegionsInput, ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error)
}

func (e ec2Regions) DescribeRegions(ctx context.Context, in *ec2.DescribeRegionsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error) {
	return e.describe(ctx, in, optFns...)
}

// iamCalls is the IAM client's operations the scanner calls (IAMAPI).
type iamCalls struct {
	getRole                  func(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	listRolePolicies         func(context.Context, *iam.ListRolePoliciesInput, ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error)
	getRolePolicy            func(context.Context, *iam.GetRolePolicyInput, ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
	listAttachedRolePolicies func(context.Context, *iam.ListAttachedRolePoliciesInput, ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error)
	getPolicy                func(context.Context, *iam.GetPolicyInput, ...func(*iam.Options)) (*iam.GetPolicyOutput, error)
	getPolicyVersion         func(context.Context, *iam.GetPolicyVersionInput, ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error)
}

func newIAMCalls(c *iam.Client) iamCalls {
	return iamCalls{c.GetRole, c.ListRolePolicies, c.GetRolePolicy, c.ListAttachedRolePolicies, c.GetPolicy, c.GetPolicyVersion}
}

func (c iamCalls) GetRole(ctx context.Context, in *iam.GetRoleInput, o ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	return c.getRole(ctx, in, o...)
}

func (c iamCalls) ListRolePolicies(ctx context.Context, in *iam.ListRolePoliciesInput, o ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error) {
	return c.listRolePolicies(ctx, in, o...)
}

func (c iamCalls) GetRolePolicy(ctx context.Context, in *iam.GetRolePolicyInput, o ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	return c.getRolePolicy(ctx, in, o...)
}

func (c iamCalls) ListAttachedRolePolicies(ctx context.Context, in *iam.ListAttachedRolePoliciesInput, o ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	return c.listAttachedRolePolicies(ctx, in, o...)
}

func (c iamCalls) GetPolicy(ctx context.Context, in *iam.GetPolicyInput, o ...func(*iam.Options)) (*iam.GetPolicyOutput, error) {
	return c.getPolicy(ctx, in, o...)
}

func (c iamCalls) GetPolicyVersion(ctx context.Context, in *iam.GetPolicyVersionInput, o ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error) {
	return c.getPolicyVersion(ctx, in, o...)
}

// kmsCalls is the KMS client's operations the scanner calls (KMSAPI).
type kmsCalls struct {
	describeKey  func(context.Context, *kms.DescribeKeyInput, ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
	getKeyPolicy func(context.Context, *kms.GetKeyPolicyInput, ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error)
}

func newKMSCalls(c *kms.Client) kmsCalls { return kmsCalls{c.DescribeKey, c.GetKeyPolicy} }

func (c kmsCalls) DescribeKey(ctx context.Context, in *kms.DescribeKeyInput, o ...func(*kms.Options)) (*kms.DescribeKeyOutput, error) {
	return c.describeKey(ctx, in, o...)
}

func (c kmsCalls) GetKeyPolicy(ctx context.Context, in *kms.GetKeyPolicyInput, o ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error) {
	return c.getKeyPolicy(ctx, in, o...)
}

// cloudWatchCalls is the CloudWatch client's operation live verification calls
// (CloudWatchAPI).
type cloudWatchCalls struct {
	getMetricData func(context.Context, *cloudwatch.GetMetricDataInput, ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error)
}

func (c cloudWatchCalls) GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, o ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	return c.getMetricData(ctx, in, o...)
}

// orgCalls is the Organizations client's operation the scanner calls.
type orgCalls struct {
	listAccounts func(context.Context, *organizations.ListAccountsInput, ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error)
}

func (c orgCalls) ListAccounts(ctx context.Context, in *organizations.ListAccountsInput, o ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error) {
	return c.listAccounts(ctx, in, o...)
}

// accountCalls is the Account Management client's operation the scanner calls.
type accountCalls struct {
	listRegions func(context.Context, *account.ListRegionsInput, ...func(*account.Options)) (*account.ListRegionsOutput, error)
}

func (c accountCalls) ListRegions(ctx context.Context, in *account.ListRegionsInput, o ...func(*account.Options)) (*account.ListRegionsOutput, error) {
	return c.listRegions(ctx, in, o...)
}

// ConfigOf returns the SDK configuration that c's clients were built with (the
// account's credentials, region, endpoint, retryer and rate limiter), so that a
// mode that writes (remediation) builds its own clients for the same account;
// false for clients that are not the SDK's (fakes).
func ConfigOf(c Clients) (aws.Config, bool) {
	ac, ok := c.(*awsClients)
	if !ok {
		return aws.Config{}, false
	}
	return ac.cfg, true
}
