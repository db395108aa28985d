package scantest

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// AWSConfig is an SDK configuration for an emulator at endpoint: static
// credentials "testing"/"testing", the given region, and a single attempt per
// request so that injected errors come back at once. It reads no environment
// variable and no shared config file.
func AWSConfig(endpoint, region string) aws.Config {
	return aws.Config{
		Region:           region,
		Credentials:      credentials.NewStaticCredentialsProvider("testing", "testing", ""),
		BaseEndpoint:     aws.String(endpoint),
		RetryMaxAttempts: 1,
	}
}

// AssumedConfig is AWSConfig with the credentials of roleArn, assumed once with
// the static credentials (moto gives them to any role, e.g. an organisation
// member's OrganizationAccountAccessRole). The credentials are fixed: they last
// an hour, longer than any test.
func AssumedConfig(ctx context.Context, endpoint, region, roleArn string) (aws.Config, error) {
	out, err := NewSTS(endpoint).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String(roleArn), RoleSessionName: aws.String("scantest"), DurationSeconds: aws.Int32(3600),
	})
	if err != nil {
		return aws.Config{}, fmt.Errorf("assume %s: %w", roleArn, err)
	}
	cfg := AWSConfig(endpoint, region)
	c := out.Credentials
	cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	return cfg, nil
}

// NewS3 returns an S3 client for endpoint in region, with path-style addressing.
func NewS3(endpoint, region string) *s3.Client {
	return s3.NewFromConfig(AWSConfig(endpoint, region), func(o *s3.Options) { o.UsePathStyle = true })
}

// NewIAM returns an IAM client for endpoint.
func NewIAM(endpoint string) *iam.Client {
	return iam.NewFromConfig(AWSConfig(endpoint, "us-east-1"))
}

// NewSTS returns an STS client for endpoint.
func NewSTS(endpoint string) *sts.Client {
	return sts.NewFromConfig(AWSConfig(endpoint, "us-east-1"))
}

// NewKMS returns a KMS client for endpoint in region.
func NewKMS(endpoint, region string) *kms.Client {
	return kms.NewFromConfig(AWSConfig(endpoint, region))
}

// NewOrganizations returns an Organizations client for endpoint.
func NewOrganizations(endpoint string) *organizations.Client {
	return organizations.NewFromConfig(AWSConfig(endpoint, "us-east-1"))
}
