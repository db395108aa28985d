package scantest

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// isThrottle reports whether the SDK's standard retryer treats err as throttling.
func isThrottle(err error) bool {
	return retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) == aws.TrueTernary
}

func TestFaultProxyThrottlesInEachServicesShape(t *testing.T) {
	up, forwarded := upstream(t)
	p := NewFaultProxy(up.URL, Faults{Seed: 1, Rate: 1})
	defer p.Close()
	ctx := context.Background()
	cfg := AWSConfig(p.URL, "eu-west-1")
	tests := []struct {
		name  string
		call  func() error
		codes []string
	}{
		{"s3", func() error {
			_, err := NewS3(p.URL, "eu-west-1").GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("b")})
			return err
		}, []string{"SlowDown"}},
		{"s3 HEAD", func() error {
			_, err := NewS3(p.URL, "eu-west-1").HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("b")})
			return err
		}, nil}, // no body: the 503 alone must make it retryable
		{"iam", func() error {
			_, err := NewIAM(p.URL).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("r")})
			return err
		}, []string{"Throttling", "ThrottlingException"}},
		{"sts", func() error {
			_, err := NewSTS(p.URL).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		}, []string{"Throttling", "ThrottlingException"}},
		{"kms", func() error {
			_, err := NewKMS(p.URL, "eu-west-1").DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("k")})
			return err
		}, []string{"ThrottlingException"}},
		{"organizations", func() error {
			_, err := NewOrganizations(p.URL).ListAccounts(ctx, &organizations.ListAccountsInput{})
			return err
		}, []string{"ThrottlingException"}},
		{"account", func() error {
			_, err := account.NewFromConfig(cfg).ListRegions(ctx, &account.ListRegionsInput{})
			return err
		}, []string{"TooManyRequestsException"}},
		{"ec2", func() error {
			_, err := ec2.NewFromConfig(cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
			return err
		}, []string{"RequestLimitExceeded"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if err == nil {
				t.Fatal("no error")
			}
			if tt.codes != nil && !contains(tt.codes, code(err)) {
				t.Errorf("error code %q, want one of %q (err: %v)", code(err), tt.codes, err)
			}
			retryable := retry.IsErrorRetryables(retry.DefaultRetryables).IsErrorRetryable(err) == aws.TrueTernary
			if !isThrottle(err) && !retryable {
				t.Errorf("the SDK would not retry %v", err)
			}
		})
	}
	if forwarded.Load() != 0 {
		t.Errorf("%d faulted requests were forwarded", forwarded.Load())
	}
	counts := p.FaultCounts()
	for _, svc := range []string{"s3", "iam", "sts", "kms", "organizations", "account", "ec2"} {
		if counts[svc+" "+FaultThrottle] == 0 {
			t.Errorf("no throttle counted for %s: %v", svc, counts)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestFaultProxyResetsConnections(t *testing.T) {
	up, _ := upstream(t)
	p := NewFaultProxy(up.URL, Faults{Seed: 1, Rate: 1, ResetShare: 1})
	defer p.Close()
	_, err := NewS3(p.URL, "us-east-1").GetBucketTagging(context.Background(), &s3.GetBucketTaggingInput{Bucket: aws.String("b")})
	if err == nil {
		t.Fatal("no error")
	}
	if retry.IsErrorRetryables(retry.DefaultRetryables).IsErrorRetryable(err) != aws.TrueTernary {
		t.Errorf("the SDK would not retry a reset connection: %v", err)
	}
	if got := p.FaultCounts()["s3 "+FaultReset]; got != 1 {
		t.Errorf("resets counted = %d, want 1", got)
	}
}

// TestFaultProxyIsDeterministic sends the same requests through two proxies with
// the same seed (one of them concurrently) and expects the same faults, at about
// the configured rate; another seed gives another pattern.
func TestFaultProxyIsDeterministic(t *testing.T) {
	up, _ := upstream(t)
	const n = 600
	run := func(seed uint64, concurrent bool) (map[string]int, []bool) {
		p := NewFaultProxy(up.URL, Faults{Seed: seed, Rate: 0.3, ResetShare: 0.2})
		defer p.Close()
		faulted := make([]bool, n)
		send := func(i int) {
			// Each bucket twice: the second request's fate depends on it being the second.
			req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/bucket-%d?versioning", p.URL, i/2), nil)
			req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261125/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=x")
			// A fresh connection each: net/http silently resends an idempotent request
			// whose reused connection was reset, which would add an occurrence.
			req.Close = true
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				faulted[i] = true
				return
			}
			resp.Body.Close()
			faulted[i] = resp.StatusCode != http.StatusOK
		}
		if concurrent {
			done := make(chan struct{})
			for i := 0; i < n; i += 2 {
				go func() { send(i); send(i + 1); done <- struct{}{} }()
			}
			for i := 0; i < n; i += 2 {
				<-done
			}
		} else {
			for i := range n {
				send(i)
			}
		}
		return p.FaultCounts(), faulted
	}
	a, fa := run(7, false)
	b, fb := run(7, true)
	c, _ := run(8, false)
	if fmt.Sprint(a) != fmt.Sprint(b) || fmt.Sprint(fa) != fmt.Sprint(fb) {
		t.Errorf("same seed, different faults: %v vs %v", a, b)
	}
	if fmt.Sprint(a) == fmt.Sprint(c) {
		t.Errorf("seeds 7 and 8 gave the same faults %v", a)
	}
	total := a["s3 "+FaultThrottle] + a["s3 "+FaultReset]
	if rate := float64(total) / n; math.Abs(rate-0.3) > 0.06 {
		t.Errorf("fault rate %.2f, want about 0.3 (%v)", rate, a)
	}
	if a["s3 "+FaultReset] == 0 || a["s3 "+FaultThrottle] == 0 {
		t.Errorf("want both kinds of faults: %v", a)
	}
}

// TestProxyKnowsAccountsFromAssumeRole checks that a rule on an account matches the
// requests signed with the credentials an AssumeRole through the proxy issued for
// that account, and that RoleAccount matches the AssumeRole itself.
func TestProxyKnowsAccountsFromAssumeRole(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.Form.Get("Action") == "AssumeRole" {
			key := "ASIA" + strings.Split(r.Form.Get("RoleArn"), ":")[4]
			fmt.Fprintf(w, `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>%s</AccessKeyId>`+
				`<SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration>`+
				`</Credentials></AssumeRoleResult></AssumeRoleResponse>`, key)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer up.Close()
	p := NewProxy(up.URL,
		Rule{Account: "222222222222", Query: "versioning"},
		Rule{RoleAccount: "333333333333"},
		Rule{Account: "123456789012", Bucket: "mgmt-denied"},
	)
	defer p.Close()
	p.RegisterKey("testing", "123456789012")
	ctx := context.Background()
	versioning := func(key, bucket string) error {
		cfg := AWSConfig(p.URL, "us-east-1")
		cfg.Credentials = credentials.NewStaticCredentialsProvider(key, "s", "t")
		_, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).
			GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)})
		return err
	}
	assume := func(acct string) error {
		_, err := NewSTS(p.URL).AssumeRole(ctx, &sts.AssumeRoleInput{
			RoleArn: aws.String("arn:aws:iam::" + acct + ":role/r"), RoleSessionName: aws.String("test"),
		})
		return err
	}
	if err := assume("222222222222"); err != nil {
		t.Fatalf("AssumeRole into 222222222222: %v", err)
	}
	if err := assume("444444444444"); err != nil {
		t.Fatalf("AssumeRole into 444444444444: %v", err)
	}
	if err := assume("333333333333"); code(err) != "AccessDenied" {
		t.Errorf("AssumeRole into 333333333333: %v, want AccessDenied", err)
	}
	if err := versioning("ASIA222222222222", "b"); code(err) != "AccessDenied" {
		t.Errorf("account 222222222222's read: %v, want AccessDenied", err)
	}
	if err := versioning("ASIA444444444444", "b"); err != nil {
		t.Errorf("account 444444444444's read: %v, want it forwarded", err)
	}
	if err := versioning("testing", "mgmt-denied"); code(err) != "AccessDenied" {
		t.Errorf("registered key's read: %v, want AccessDenied", err)
	}
	if err := versioning("testing", "other"); err != nil {
		t.Errorf("registered key's read of another bucket: %v, want it forwarded", err)
	}
}
