package scantest

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// MemberRole is the role AWS Organizations creates in every account it creates,
// and which moto lets the management account assume.
const MemberRole = "OrganizationAccountAccessRole"

// Org is an AWS Organization in an emulator: the management account (whose
// credentials are AWSConfig's static ones) and the accounts created in it.
type Org struct {
	Endpoint   string
	Management string
	// Members are the created accounts' ids, by the name given to CreateOrg.
	Members map[string]string
}

// CreateOrg creates an organisation (all features) managed by the static
// credentials' account, with one member account per name.
func CreateOrg(ctx context.Context, endpoint string, names ...string) (*Org, error) {
	id, err := NewSTS(endpoint).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("caller identity: %w", err)
	}
	c := NewOrganizations(endpoint)
	if _, err := c.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil {
		return nil, fmt.Errorf("create organisation: %w", err)
	}
	o := &Org{Endpoint: endpoint, Management: aws.ToString(id.Account), Members: map[string]string{}}
	for _, n := range names {
		out, err := c.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(n), Email: aws.String(n + "@example.com")})
		if err != nil {
			return nil, fmt.Errorf("create account %s: %w", n, err)
		}
		st := out.CreateAccountStatus
		if st == nil || aws.ToString(st.AccountId) == "" {
			return nil, fmt.Errorf("create account %s: no account id in the answer", n)
		}
		o.Members[n] = aws.ToString(st.AccountId)
	}
	return o, nil
}

// CloseAccount closes a member account (moto then lists it as SUSPENDED).
func (o *Org) CloseAccount(ctx context.Context, name string) error {
	_, err := NewOrganizations(o.Endpoint).CloseAccount(ctx, &organizations.CloseAccountInput{AccountId: aws.String(o.Members[name])})
	if err != nil {
		return fmt.Errorf("close account %s: %w", name, err)
	}
	return nil
}

// RoleArn is the ARN of MemberRole in a member account.
func (o *Org) RoleArn(name string) string {
	return "arn:aws:iam::" + o.Members[name] + ":role/" + MemberRole
}

// MemberConfig is an SDK configuration with the credentials of a member
// account, for seeding it (see AssumedConfig).
func (o *Org) MemberConfig(ctx context.Context, name, region string) (aws.Config, error) {
	if o.Members[name] == "" {
		return aws.Config{}, fmt.Errorf("no member account %q", name)
	}
	return AssumedConfig(ctx, o.Endpoint, region, o.RoleArn(name))
}
