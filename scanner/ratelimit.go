package scanner

import (
	"context"
	"fmt"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
)

// RateLimits are the requests per second the scanner sends to each service, per
// account (every region of the account shares the limit), counting retries. They
// keep a scan below the throttles AWS applies per account, which the account's
// other workloads share: throttling may still happen (the SDK then backs off and
// retries), but the scan does not cause it on its own. AWS publishes few of these
// rates; the defaults are conservative choices, not AWS figures. A zero field
// takes the default; a field of math.Inf(1) removes that limit.
type RateLimits struct {
	// S3 covers ListBuckets, HeadBucket and the bucket-configuration reads. AWS
	// publishes no rate for them (its published S3 rates are per prefix, for
	// objects).
	S3 float64
	// IAM covers the role and policy reads. IAM throttles per account ("Rate
	// exceeded") without publishing a rate; about 20 per second is the usual
	// ceiling for a well-behaved client.
	IAM float64
	// STS covers GetCallerIdentity and AssumeRole.
	STS float64
	// KMS covers DescribeKey and GetKeyPolicy, a small share of KMS's per-account,
	// per-region request quotas.
	KMS float64
	// Organizations covers ListAccounts, which Organizations throttles at low rates.
	Organizations float64
	// Account covers Account Management's ListRegions.
	Account float64
	// EC2 covers DescribeRegions, within EC2's bucket for non-mutating actions.
	EC2 float64
}

// DefaultRateLimits are the limits used for every zero field of Options.RateLimits.
func DefaultRateLimits() RateLimits {
	return RateLimits{S3: 200, IAM: 20, STS: 50, KMS: 50, Organizations: 5, Account: 5, EC2: 10}
}

// withDefaults fills the zero fields with DefaultRateLimits' values.
func (l RateLimits) withDefaults() RateLimits {
	d := DefaultRateLimits()
	for _, f := range []struct{ v, def *float64 }{
		{&l.S3, &d.S3}, {&l.IAM, &d.IAM}, {&l.STS, &d.STS}, {&l.KMS, &d.KMS},
		{&l.Organizations, &d.Organizations}, {&l.Account, &d.Account}, {&l.EC2, &d.EC2},
	} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	return l
}

// limiters are one account's token buckets, by the SDK's service id. Each adapts
// its rate to that service's throttling answers (adaptiveLimiter).
type limiters map[string]*adaptiveLimiter

func newLimiters(l RateLimits) limiters {
	l = l.withDefaults()
	return limiters{
		s3.ServiceID:            newAdaptiveLimiter(l.S3, time.Now),
		iam.ServiceID:           newAdaptiveLimiter(l.IAM, time.Now),
		sts.ServiceID:           newAdaptiveLimiter(l.STS, time.Now),
		kms.ServiceID:           newAdaptiveLimiter(l.KMS, time.Now),
		organizations.ServiceID: newAdaptiveLimiter(l.Organizations, time.Now),
		account.ServiceID:       newAdaptiveLimiter(l.Account, time.Now),
		ec2.ServiceID:           newAdaptiveLimiter(l.EC2, time.Now),
	}
}

// limiterID names the middleware in the SDK's stack.
const limiterID = "crrscan/RateLimit"

// addMiddleware adds the limiter to a client's stack, after the retry middleware so
// that every attempt, not only every call, waits for a token, and every throttled
// attempt slows the service's limiter down.
func (ls limiters) addMiddleware(stack *middleware.Stack) error {
	mw := middleware.FinalizeMiddlewareFunc(limiterID, func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
		lim := ls[awsmiddleware.GetServiceID(ctx)]
		if lim == nil {
			return next.HandleFinalize(ctx, in)
		}
		if err := lim.Wait(ctx); err != nil {
			return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("rate limit: %w", err)
		}
		out, md, err := next.HandleFinalize(ctx, in)
		if isThrottling(err) {
			lim.Throttled()
		}
		return out, md, err
	})
	if err := stack.Finalize.Insert(mw, "Retry", middleware.After); err != nil {
		// A client without the retry middleware: limit each call instead.
		return stack.Finalize.Add(mw, middleware.Before)
	}
	return nil
}
