package scanner

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
)

// S3API is the part of the S3 client the scanner calls. Every method maps to one
// IAM action in ReadActions.
type S3API interface {
	ListBuckets(ctx context.Context, in *s3.ListBucketsInput, optFns ...func(*s3.Options)) (*s3.ListBucketsOutput, error)
	HeadBucket(ctx context.Context, in *s3.HeadBucketInput, optFns ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
	GetBucketLocation(ctx context.Context, in *s3.GetBucketLocationInput, optFns ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error)
	GetBucketReplication(ctx context.Context, in *s3.GetBucketReplicationInput, optFns ...func(*s3.Options)) (*s3.GetBucketReplicationOutput, error)
	GetBucketVersioning(ctx context.Context, in *s3.GetBucketVersioningInput, optFns ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error)
	GetBucketTagging(ctx context.Context, in *s3.GetBucketTaggingInput, optFns ...func(*s3.Options)) (*s3.GetBucketTaggingOutput, error)
	GetBucketEncryption(ctx context.Context, in *s3.GetBucketEncryptionInput, optFns ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
	GetObjectLockConfiguration(ctx context.Context, in *s3.GetObjectLockConfigurationInput, optFns ...func(*s3.Options)) (*s3.GetObjectLockConfigurationOutput, error)
	GetBucketOwnershipControls(ctx context.Context, in *s3.GetBucketOwnershipControlsInput, optFns ...func(*s3.Options)) (*s3.GetBucketOwnershipControlsOutput, error)
	GetPublicAccessBlock(ctx context.Context, in *s3.GetPublicAccessBlockInput, optFns ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
	GetBucketLifecycleConfiguration(ctx context.Context, in *s3.GetBucketLifecycleConfigurationInput, optFns ...func(*s3.Options)) (*s3.GetBucketLifecycleConfigurationOutput, error)
	GetBucketRequestPayment(ctx context.Context, in *s3.GetBucketRequestPaymentInput, optFns ...func(*s3.Options)) (*s3.GetBucketRequestPaymentOutput, error)
	GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error)
	GetBucketNotificationConfiguration(ctx context.Context, in *s3.GetBucketNotificationConfigurationInput, optFns ...func(*s3.Options)) (*s3.GetBucketNotificationConfigurationOutput, error)
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, optFns ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
}

// IAMAPI is the part of the IAM client the scanner calls to read replication roles.
type IAMAPI interface {
	GetRole(ctx context.Context, in *iam.GetRoleInput, optFns ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	ListRolePolicies(ctx context.Context, in *iam.ListRolePoliciesInput, optFns ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error)
	GetRolePolicy(ctx context.Context, in *iam.GetRolePolicyInput, optFns ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
	ListAttachedRolePolicies(ctx context.Context, in *iam.ListAttachedRolePoliciesInput, optFns ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error)
	GetPolicy(ctx context.Context, in *iam.GetPolicyInput, optFns ...func(*iam.Options)) (*iam.GetPolicyOutput, error)
	GetPolicyVersion(ctx context.Context, in *iam.GetPolicyVersionInput, optFns ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error)
}

// STSAPI is the part of the STS client the scanner calls: the caller's identity,
// and AssumeRole into the accounts it scans through a role.
type STSAPI interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
	AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error)
}

// KMSAPI is the part of the KMS client the scanner calls to read the keys that
// default encryption and replication rules name.
type KMSAPI interface {
	DescribeKey(ctx context.Context, in *kms.DescribeKeyInput, optFns ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
	GetKeyPolicy(ctx context.Context, in *kms.GetKeyPolicyInput, optFns ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error)
}

// OrganizationsAPI is the part of the Organizations client the scanner calls to
// list the accounts of an organisation (management or delegated administrator
// account only).
type OrganizationsAPI interface {
	ListAccounts(ctx context.Context, in *organizations.ListAccountsInput, optFns ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error)
}

// AccountAPI is the part of the Account Management client the scanner calls to
// learn the regions enabled in an account.
type AccountAPI interface {
	ListRegions(ctx context.Context, in *account.ListRegionsInput, optFns ...func(*account.Options)) (*account.ListRegionsOutput, error)
}

// EC2API is the part of the EC2 client the scanner calls: DescribeRegions, the
// fallback when Account Management's ListRegions cannot be called.
type EC2API interface {
	DescribeRegions(ctx context.Context, in *ec2.DescribeRegionsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error)
}

// Clients hands out the AWS clients of one account (one set of credentials). S3
// clients are per region because S3 answers a request sent to another region's
// endpoint with a redirect that the SDK does not follow; KMS clients are per
// region because a key lives in one region. S3("") and KMS("") are the clients of
// the default region. Implementations must be safe for concurrent use.
type Clients interface {
	S3(region string) S3API
	KMS(region string) KMSAPI
	IAM() IAMAPI
	STS() STSAPI
	Organizations() OrganizationsAPI
	Account() AccountAPI
	EC2() EC2API
	// Assume returns the clients of the account that roleArn belongs to, with
	// credentials from AssumeRole (with externalID when it is not "") made with
	// these clients' credentials. It calls AssumeRole once, so that a role that
	// cannot be assumed fails here with STS's error; the credentials are cached
	// and refreshed before they expire.
	Assume(ctx context.Context, roleArn, externalID string) (Clients, error)
}

// Options configures the AWS clients and the scan.
type Options struct {
	// Profile is a named profile of the shared AWS config; "" uses the standard chain.
	Profile string
	// Region is the default region; "" uses the standard chain, then us-east-1.
	Region string
	// EndpointURL points every client at one endpoint (an emulator); S3 then uses
	// path-style addressing.
	EndpointURL string
	// Concurrency bounds the reads in flight; 0 means DefaultConcurrency.
	Concurrency int
	// Logger receives the scan's logs; nil discards them.
	Logger *slog.Logger

	// Org scans every ACTIVE account of the organisation the credentials manage
	// (Organizations ListAccounts): their own account with them, every other
	// through RoleName. Accounts in another state are skipped and listed in
	// Snapshot.SkippedAccounts.
	Org bool
	// Accounts are the ids of the accounts to scan through RoleName; the
	// credentials' own account, when listed, is scanned with them.
	Accounts []string
	// RoleName is the role assumed in each account of Org or Accounts
	// (arn:PARTITION:iam::ID:role/RoleName).
	RoleName string
	// ExternalID is passed to AssumeRole when it is not "".
	ExternalID string
	// Regions, when set, limits the scan to the buckets located in these regions.
	// Destinations in other regions are still read.
	Regions []string
	// RateLimits caps the requests per second to each service per account; its
	// zero fields take DefaultRateLimits' values.
	RateLimits RateLimits
	// Progress, when set, is kept up to date as the scan goes.
	Progress *Progress
	// Ready, when set, receives each scanned bucket as soon as everything its
	// judgement needs is read, so that the caller can judge it while the scan reads
	// the rest: a bucket without a replication configuration once its own reads are
	// done (every bucket's configuration is read first, so the graph is complete);
	// one that replicates once its role and destinations are read, unless it names a
	// KMS key (keys are read last: the caller judges it from the snapshot). It is
	// called from the scan's goroutines, at most once per bucket; the bucket and
	// what it links are the caller's copies, equal to what the snapshot holds.
	Ready func(b Bucket, l Linked)

	// The scan reads only what the built-in checks need (see destNeeds). ReadTags
	// also reads every bucket's tags (GetBucketTagging): the settings' scope filters
	// by tags, or a check requires them; unread, Bucket.Tags is nil. ReadLifecycle
	// also reads every destination's lifecycle: some bucket's settings require
	// min_retention_days (CRR-026). ReadAll reads every bucket and destination
	// setting, for checks (custom ones) that need more than the built-in ones.
	ReadTags, ReadLifecycle, ReadAll bool
}

// DefaultConcurrency is the number of concurrent reads when Options.Concurrency is 0.
const DefaultConcurrency = 16

// DefaultRegion is the region used when neither the options nor the AWS
// configuration name one.
const DefaultRegion = "us-east-1"

// maxAttempts is how often a throttled or transiently failing request is tried.
// With the retry quota disabled, throttling slows the scan instead of failing reads:
// at 30 % random throttling a request fails all 15 attempts with odds of 1 in 70
// million (0.3^15), against 1 in 170,000 with 10.
const maxAttempts = 15

// sessionName is the RoleSessionName of every AssumeRole: CloudTrail shows it.
const sessionName = "crrscan"

// sessionDuration is how long assumed credentials last. One hour is what every
// role allows (also when the base credentials are themselves an assumed role);
// longer scans refresh them before they expire.
const sessionDuration = time.Hour

// credentialsExpiryWindow is how long before expiry cached credentials are renewed,
// so that no request is signed with credentials about to lapse.
const credentialsExpiryWindow = 5 * time.Minute

func (o Options) concurrency() int {
	if o.Concurrency <= 0 {
		return DefaultConcurrency
	}
	return o.Concurrency
}

func (o Options) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
}

// NewAWSClients loads the standard AWS configuration (environment, shared config
// and credentials files, profile, SSO, instance roles) and returns clients built
// from it, rate-limited per service with o.RateLimits. It makes no request.
func NewAWSClients(ctx context.Context, o Options) (Clients, error) {
	cfg, err := loadConfig(ctx, o)
	if err != nil {
		return nil, err
	}
	return newLimitedClients(cfg, o.RateLimits.withDefaults()), nil
}

// loadConfig loads the SDK configuration of o.
func loadConfig(ctx context.Context, o Options) (aws.Config, error) {
	opts := []func(*config.LoadOptions) error{
		config.WithLogger(sdkLogger(o.Logger)),
		config.WithRetryer(newRetryer),
		config.WithHTTPClient(awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
			t.MaxIdleConnsPerHost = max(t.MaxIdleConnsPerHost, o.concurrency())
		})),
	}
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	if o.EndpointURL != "" {
		opts = append(opts, config.WithBaseEndpoint(o.EndpointURL))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load aws config: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	return cfg, nil
}

// newRetryer retries throttling and transient errors up to maxAttempts times,
// with the scanner's short full-jitter backoff (see backoff), and never gives up
// early because of the client-side retry quota.
func newRetryer() aws.Retryer {
	return retry.NewStandard(func(so *retry.StandardOptions) {
		so.MaxAttempts = maxAttempts
		so.RateLimiter = ratelimit.None
		so.Backoff = newBackoff()
	})
}

// awsClients implements Clients with the SDK's clients.
type awsClients struct {
	// cfg builds the clients; base is cfg without the rate limiter, for Assume.
	cfg    aws.Config
	base   aws.Config
	limits RateLimits
	iam    iamCalls
	sts    *sts.Client
	org    orgCalls
	acct   accountCalls
	ec2    ec2Regions

	// limiters are the account's rate limiters, nil without them.
	limiters limiters

	mu  sync.Mutex
	s3  map[string]*s3.Client
	kms map[string]kmsCalls
}

// newAWSClients builds clients from cfg as it is (no rate limiter). A BaseEndpoint
// (from EndpointURL or AWS_ENDPOINT_URL) switches S3 to path-style addressing.
func newAWSClients(cfg aws.Config) *awsClients {
	return &awsClients{
		cfg:  cfg,
		base: cfg,
		iam:  newIAMCalls(iam.NewFromConfig(cfg)),
		sts:  sts.NewFromConfig(cfg),
		org:  orgCalls{listAccounts: organizations.NewFromConfig(cfg).ListAccounts},
		// Account Management is a global service, like IAM.
		acct: accountCalls{listRegions: account.NewFromConfig(cfg).ListRegions},
		ec2:  ec2Regions{describe: ec2.NewFromConfig(cfg).DescribeRegions},
		s3:   map[string]*s3.Client{},
		kms:  map[string]kmsCalls{},
	}
}

// newLimitedClients builds clients from cfg whose requests pass through a rate
// limiter of their own: one per service, shared by every region.
func newLimitedClients(base aws.Config, limits RateLimits) *awsClients {
	cfg := base.Copy()
	ls := newLimiters(limits)
	// A fresh slice: the limiter of one account must not leak into another's config.
	cfg.APIOptions = append(append([]func(*middleware.Stack) error{}, base.APIOptions...), ls.addMiddleware)
	c := newAWSClients(cfg)
	c.base = base
	c.limits = limits
	c.limiters = ls
	return c
}

// S3 returns the S3 client of region, creating it on first use.
func (c *awsClients) S3(region string) S3API {
	if region == "" {
		region = c.cfg.Region
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if cl, ok := c.s3[region]; ok {
		return cl
	}
	cl := s3.NewFromConfig(c.cfg, func(so *s3.Options) {
		so.Region = region
		so.UsePathStyle = c.cfg.BaseEndpoint != nil
	})
	c.s3[region] = cl
	return cl
}

// KMS returns the KMS client of region, creating it on first use.
func (c *awsClients) KMS(region string) KMSAPI {
	if region == "" {
		region = c.cfg.Region
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if cl, ok := c.kms[region]; ok {
		return cl
	}
	cl := newKMSCalls(kms.NewFromConfig(c.cfg, func(ko *kms.Options) { ko.Region = region }))
	c.kms[region] = cl
	return cl
}

// IAM returns the IAM client.
func (c *awsClients) IAM() IAMAPI { return c.iam }

// STS returns the STS client.
func (c *awsClients) STS() STSAPI { return c.sts }

// Organizations returns the Organizations client.
func (c *awsClients) Organizations() OrganizationsAPI { return c.org }

// Account returns the Account Management client.
func (c *awsClients) Account() AccountAPI { return c.acct }

// EC2 returns the EC2 client of the default region.
func (c *awsClients) EC2() EC2API { return c.ec2 }

// Assume assumes roleArn with c's credentials and returns the clients of the
// role's account, with their own rate limiters. The credentials are cached and
// renewed credentialsExpiryWindow before they expire (singleflight: concurrent
// requests share one AssumeRole).
func (c *awsClients) Assume(ctx context.Context, roleArn, externalID string) (Clients, error) {
	provider := stscreds.NewAssumeRoleProvider(c.sts, roleArn, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = sessionName
		o.Duration = sessionDuration
		if externalID != "" {
			o.ExternalID = aws.String(externalID)
		}
	})
	creds := aws.NewCredentialsCache(provider, func(o *aws.CredentialsCacheOptions) {
		o.ExpiryWindow = credentialsExpiryWindow
		o.ExpiryWindowJitterFrac = 0.5
	})
	if _, err := creds.Retrieve(ctx); err != nil {
		return nil, err
	}
	// From the config without c's limiter: the assumed account gets limiters of its own.
	cfg := c.base.Copy()
	cfg.Credentials = creds
	return newLimitedClients(cfg, c.limits.withDefaults()), nil
}
