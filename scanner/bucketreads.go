package scanner

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// configRead is one bucket-configuration read: the operation, the component its
// failure makes unknown, and run, which calls S3 and stores the answer in cfg. S3's
// "not configured" answer is stored as the empty value; run returns every other
// failure.
type configRead struct {
	op        string
	component string
	run       func(ctx context.Context, c S3API, bucket string, cfg *BucketConfig) error
}

// sourceReads are the settings read on a bucket that replicates.
func sourceReads() []configRead {
	return []configRead{
		{"GetBucketEncryption", ComponentEncryption, readEncryption},
		{"GetObjectLockConfiguration", ComponentObjectLock, readObjectLock},
	}
}

// destinationReads are the settings read on a destination. When the destination
// is a listed bucket that replicates, the reads sourceReads shares with it are
// left out: they were made for the bucket already.
func destinationReads(sharesSourceReads bool) []configRead {
	reads := []configRead{
		{"GetBucketPolicy", ComponentPolicy, readPolicy},
		{"GetBucketOwnershipControls", ComponentOwnership, readOwnership},
		{"GetPublicAccessBlock", ComponentPublicAccessBlock, readPublicAccessBlock},
		{"GetBucketLifecycleConfiguration", ComponentLifecycle, readLifecycle},
		{"GetBucketRequestPayment", ComponentRequestPayment, readRequestPayment},
	}
	if !sharesSourceReads {
		reads = append(reads, sourceReads()...)
	}
	return reads
}

// readsSourceConfig reports whether collectBucket reads b's sourceReads: the
// bucket has a replication configuration.
func readsSourceConfig(b *Bucket) bool {
	return b.ReplicationConfiguration != nil
}

// readConfigs runs reads on bucket (whose ARN is arn) and stores the answers in
// cfg. A failure becomes a CollectionError, except AccessDenied on a bucket
// outside the scanned accounts (inScan false): that field stays unknown (nil), as
// another account's settings are not this scan's to read.
func (col *collector) readConfigs(ctx context.Context, c S3API, bucket, arn string, inScan bool, cfg *BucketConfig, reads []configRead) []CollectionError {
	var errs []CollectionError
	for _, r := range reads {
		if ctx.Err() != nil {
			return errs
		}
		err := r.run(ctx, c, bucket, cfg)
		var bad *malformedDocumentError
		switch {
		case err == nil:
		case errors.As(err, &bad):
			errs = append(errs, CollectionError{
				Operation: r.op, Code: codeMalformedPolicy, Resource: arn, Component: r.component,
				Message: bad.Error(),
			})
		case !inScan && errorCode(err) == codeAccessDenied:
		default:
			errs = append(errs, col.failed(r.op, arn, r.component, err))
		}
	}
	return errs
}

// malformedDocumentError is a policy that was read but is not JSON.
type malformedDocumentError struct {
	what string
	err  error
}

func (e *malformedDocumentError) Error() string { return e.what + ": " + e.err.Error() }
func (e *malformedDocumentError) Unwrap() error { return e.err }

func readEncryption(ctx context.Context, c S3API, bucket string, cfg *BucketConfig) error {
	out, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
	switch {
	case err == nil:
		cfg.ServerSideEncryptionConfiguration = convertEncryption(out.ServerSideEncryptionConfiguration)
	case errorCode(err) == codeNoEncryption:
		cfg.ServerSideEncryptionConfiguration = convertEncryption(nil)
	default:
		return err
	}
	return nil
}

func readObjectLock(ctx context.Context, c S3API, bucket string, cfg *BucketConfig) error {
	out, err := c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(bucket)})
	switch {
	case err == nil:
		cfg.ObjectLockConfiguration = convertObjectLock(out.ObjectLockConfiguration)
	case errorCode(err) == codeNoObjectLock:
		cfg.ObjectLockConfiguration = convertObjectLock(nil)
	default:
		return err
	}
	return nil
}

func readOwnership(ctx context.Context, c S3API, bucket string, cfg *BucketConfig) error {
	out, err := c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(bucket)})
	switch {
	case err == nil:
		cfg.OwnershipControls = convertOwnership(out.OwnershipControls)
	case errorCode(err) == codeNoOwnershipControls:
		cfg.OwnershipControls = convertOwnership(nil)
	default:
		return err
	}
	return nil
}

func readPublicAccessBlock(ctx context.Context, c S3API, bucket string, cfg *BucketConfig) error {
	out, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(bucket)})
	switch {
	case err == nil:
		cfg.PublicAccessBlockConfiguration = convertPublicAccessBlock(out.PublicAccessBlockConfiguration)
	case errorCode(err) == codeNoPublicAccessBlock:
		cfg.PublicAccessBlockConfiguration = convertPublicAccessBlock(nil)
	default:
		return err
	}
	return nil
}

func readLifecycle(ctx context.Context, c S3API, bucket string, cfg *BucketConfig) error {
	out, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(bucket)})
	switch {
	case err == nil:
		cfg.LifecycleConfiguration = convertLifecycle(out.Rules)
	case errorCode(err) == codeNoLifecycle:
		cfg.LifecycleConfiguration = convertLifecycle(nil)
	default:
		return err
	}
	return nil
}

// readRequestPayment has no "not configured" answer: every bucket has a payer.
func readRequestPayment(ctx context.Context, c S3API, bucket string, cfg *BucketConfig) error {
	out, err := c.GetBucketRequestPayment(ctx, &s3.GetBucketRequestPaymentInput{Bucket: aws.String(bucket)})
	if err != nil {
		return err
	}
	cfg.RequestPaymentConfiguration = &RequestPaymentConfiguration{Payer: string(out.Payer)}
	return nil
}

func readPolicy(ctx context.Context, c S3API, bucket string, cfg *BucketConfig) error {
	out, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	switch {
	case err == nil:
		p, err := parseBucketPolicy(out.Policy)
		if err != nil {
			return &malformedDocumentError{what: "bucket policy", err: err}
		}
		cfg.Policy = p
	case errorCode(err) == codeNoBucketPolicy:
		cfg.Policy = &BucketPolicy{}
	default:
		return err
	}
	return nil
}
