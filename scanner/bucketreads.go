package scanner

import (
	"context"
	"errors"
	"slices"
	"strings"

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

// destNeeds says which destination-side settings the checks need for one
// destination, given every rule of the scanned buckets that replicates into it
// (destinationNeeds). A setting no check needs is not read: its field stays nil
// (unknown), and every check that reads it applies only under the condition that
// makes it needed, so an unread field never decides a pass or a fail.
type destNeeds struct {
	// policy: a rule crosses accounts or its account is unknown (CRR-050, CRR-052),
	// or the role is read and the destination is in the source's account (CRR-032
	// counts a same-account bucket policy's grants and Deny statements).
	policy bool
	// ownership and requestPayment: a rule crosses accounts or its account is
	// unknown (CRR-051, CRR-052; CRR-027).
	ownership, requestPayment bool
	// lifecycle: Options.ReadLifecycle (CRR-026 judges only with min_retention_days).
	lifecycle bool
	// encryption: a source that does not itself block SSE-C, or whose encryption is
	// unknown, replicates into it (CRR-065).
	encryption bool
	// objectLock: a source with Object Lock enabled, or unknown, replicates into it
	// (CRR-070).
	objectLock bool
	// all reads every setting, the public access block and policy both (ReadAll).
	all bool
}

// everything is the destNeeds of Options.ReadAll.
var everything = destNeeds{policy: true, ownership: true, requestPayment: true, lifecycle: true, encryption: true, objectLock: true, all: true}

// readDestinationConfig reads the settings of a destination that the checks need
// (see destNeeds). The public access block and the bucket policy serve CRR-025,
// which needs only one of them when it clears the bucket: when the policy is needed
// anyway it is read first and the public access block only when the policy may be
// public (or is unknown); otherwise the public access block is read first and the
// policy only when the block does not restrict public buckets (or is unknown). When
// the destination is a listed bucket that replicates (sharesSourceReads), its
// encryption and object lock are not read: they were read for the bucket already.
func (col *collector) readDestinationConfig(ctx context.Context, c S3API, bucket, arn string, inScan bool, cfg *BucketConfig, n destNeeds, sharesSourceReads bool) []CollectionError {
	read := func(r configRead) []CollectionError {
		return col.readConfigs(ctx, c, bucket, arn, inScan, cfg, []configRead{r})
	}
	policy := configRead{"GetBucketPolicy", ComponentPolicy, readPolicy}
	block := configRead{"GetPublicAccessBlock", ComponentPublicAccessBlock, readPublicAccessBlock}
	var errs []CollectionError
	if n.policy {
		errs = append(errs, read(policy)...)
		if n.all || cfg.Policy == nil || mayBePublic(cfg.Policy.Document) {
			errs = append(errs, read(block)...)
		}
	} else {
		errs = append(errs, read(block)...)
		if pab := cfg.PublicAccessBlockConfiguration; pab == nil || !aws.ToBool(pab.RestrictPublicBuckets) {
			errs = append(errs, read(policy)...)
		}
	}
	var reads []configRead
	if n.ownership {
		reads = append(reads, configRead{"GetBucketOwnershipControls", ComponentOwnership, readOwnership})
	}
	if n.lifecycle {
		reads = append(reads, configRead{"GetBucketLifecycleConfiguration", ComponentLifecycle, readLifecycle})
	}
	if n.requestPayment {
		reads = append(reads, configRead{"GetBucketRequestPayment", ComponentRequestPayment, readRequestPayment})
	}
	if !sharesSourceReads {
		for _, r := range sourceReads() {
			if (r.component == ComponentEncryption && n.encryption) || (r.component == ComponentObjectLock && n.objectLock) {
				reads = append(reads, r)
			}
		}
	}
	return append(errs, col.readConfigs(ctx, c, bucket, arn, inScan, cfg, reads)...)
}

// mayBePublic reports whether a bucket policy document may hold a statement that
// CRR-025 (lib/public.rego) finds public: an Allow statement for everyone. It errs
// towards true: any statement that is not a Deny and names "*" anywhere in its
// Principal, or has a NotPrincipal, or a document of an unexpected shape. A nil
// document (no bucket policy) is not public.
func mayBePublic(doc any) bool {
	if doc == nil {
		return false
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return true
	}
	var stmts []any
	switch st := m["Statement"].(type) {
	case nil:
		return false
	case map[string]any:
		stmts = []any{st}
	case []any:
		stmts = st
	default:
		return true
	}
	for _, s := range stmts {
		sm, ok := s.(map[string]any)
		if !ok {
			return true
		}
		if e, ok := sm["Effect"].(string); ok && e == "Deny" {
			continue
		}
		if _, ok := sm["NotPrincipal"]; ok {
			return true
		}
		if namesEveryone(sm["Principal"]) {
			return true
		}
	}
	return false
}

// namesEveryone reports whether "*" appears anywhere in a principal.
func namesEveryone(p any) bool {
	switch v := p.(type) {
	case string:
		return strings.Contains(v, "*")
	case []any:
		for _, x := range v {
			if namesEveryone(x) {
				return true
			}
		}
	case map[string]any:
		for _, x := range v {
			if namesEveryone(x) {
				return true
			}
		}
	}
	return false
}

// blocksSSEC reports whether a default encryption refuses SSE-C (lib/kms.rego's
// blocks_sse_c).
func blocksSSEC(c *ServerSideEncryptionConfiguration) bool {
	if c == nil {
		return false
	}
	for _, r := range c.Rules {
		if slices.Contains(r.BlockedEncryptionTypes, "SSE-C") {
			return true
		}
	}
	return false
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

// notificationRead reads the event notification configuration (CRR-042).
var notificationRead = configRead{"GetBucketNotificationConfiguration", ComponentNotification, readNotification}

// monitorsMetrics is true when an enabled rule of b has replication metrics on: only
// then does S3 publish replication failure events, so only then does where the
// bucket's notifications go decide CRR-042.
func monitorsMetrics(b *Bucket) bool {
	if b.ReplicationConfiguration == nil {
		return false
	}
	for _, r := range b.ReplicationConfiguration.Rules {
		if r.Status == "Enabled" && r.Destination.Metrics != nil && r.Destination.Metrics.Status == "Enabled" {
			return true
		}
	}
	return false
}

func readNotification(ctx context.Context, c S3API, bucket string, cfg *BucketConfig) error {
	out, err := c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String(bucket)})
	if err != nil {
		return err
	}
	cfg.NotificationConfiguration = convertNotification(out)
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
