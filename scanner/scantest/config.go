package scantest

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
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
