package awsclient

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// iamCalls is IAMAPI as method values of one IAM client: holding the client
// itself in an interface would link every IAM operation into the binary (see
// scanner/slimclients.go), while only these seven are called.
type iamCalls struct {
	getRole                func(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	createRole             func(context.Context, *iam.CreateRoleInput, ...func(*iam.Options)) (*iam.CreateRoleOutput, error)
	deleteRole             func(context.Context, *iam.DeleteRoleInput, ...func(*iam.Options)) (*iam.DeleteRoleOutput, error)
	updateAssumeRolePolicy func(context.Context, *iam.UpdateAssumeRolePolicyInput, ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error)
	getRolePolicy          func(context.Context, *iam.GetRolePolicyInput, ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
	putRolePolicy          func(context.Context, *iam.PutRolePolicyInput, ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error)
	deleteRolePolicy       func(context.Context, *iam.DeleteRolePolicyInput, ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error)
}

// NewIAM returns the IAM operations remediation calls, with a client built from cfg.
func NewIAM(cfg aws.Config) IAMAPI {
	c := iam.NewFromConfig(cfg)
	return iamCalls{c.GetRole, c.CreateRole, c.DeleteRole, c.UpdateAssumeRolePolicy, c.GetRolePolicy, c.PutRolePolicy, c.DeleteRolePolicy}
}

func (c iamCalls) GetRole(ctx context.Context, in *iam.GetRoleInput, o ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	return c.getRole(ctx, in, o...)
}

func (c iamCalls) CreateRole(ctx context.Context, in *iam.CreateRoleInput, o ...func(*iam.Options)) (*iam.CreateRoleOutput, error) {
	return c.createRole(ctx, in, o...)
}

func (c iamCalls) DeleteRole(ctx context.Context, in *iam.DeleteRoleInput, o ...func(*iam.Options)) (*iam.DeleteRoleOutput, error) {
	return c.deleteRole(ctx, in, o...)
}

func (c iamCalls) UpdateAssumeRolePolicy(ctx context.Context, in *iam.UpdateAssumeRolePolicyInput, o ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error) {
	return c.updateAssumeRolePolicy(ctx, in, o...)
}

func (c iamCalls) GetRolePolicy(ctx context.Context, in *iam.GetRolePolicyInput, o ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	return c.getRolePolicy(ctx, in, o...)
}

func (c iamCalls) PutRolePolicy(ctx context.Context, in *iam.PutRolePolicyInput, o ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error) {
	return c.putRolePolicy(ctx, in, o...)
}

func (c iamCalls) DeleteRolePolicy(ctx context.Context, in *iam.DeleteRolePolicyInput, o ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error) {
	return c.deleteRolePolicy(ctx, in, o...)
}
