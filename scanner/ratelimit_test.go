package scanner

import (
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// quickConfig is a configuration for a test server with the scanner's retryer,
// minus the backoff (so that only the rate limiter makes requests wait).
func quickConfig(url string) aws.Config {
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDBASE", "secret", ""),
		BaseEndpoint: aws.String(url),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = maxAttempts
				o.RateLimiter = ratelimit.None
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
			})
		},
	}
}

// stubAWS answers AssumeRole, and GetBucketVersioning after throttling the first
// `throttle` attempts with 503 SlowDown. It records every request's access key.
type stubAWS struct {
	throttle int64
	n        atomic.Int64
	mu       sync.Mutex
	keys     []string
	assumes  []url.Values
	denyRole bool
}

func (s *stubAWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, cred, _ := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	key, _, _ := strings.Cut(cred, "/")
	s.mu.Lock()
	s.keys = append(s.keys, key)
	s.mu.Unlock()
	if r.Method == http.MethodPost {
		_ = r.ParseForm()
		s.mu.Lock()
		s.assumes = append(s.assumes, r.PostForm)
		s.mu.Unlock()
		if s.denyRole {
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(`<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized</Message></Error><RequestId>1</RequestId></ErrorResponse>`))
			return
		}
		w.Write([]byte(`<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAMEMBER</AccessKeyId>` +
			`<SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration>` +
			`</Credentials></AssumeRoleResult></AssumeRoleResponse>`))
		return
	}
	if s.n.Add(1) <= s.throttle {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>`))
		return
	}
	w.Write([]byte(`<VersioningConfiguration/>`))
}

func (s *stubAWS) keyCount(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, k := range s.keys {
		if k == key {
			n++
		}
	}
	return n
}

// stubClients serves stub for the test's duration and returns rate-limited
// clients of it.
func stubClients(t *testing.T, stub *stubAWS, limits RateLimits) *awsClients {
	t.Helper()
	srv := httptest.NewServer(stub)
	t.Cleanup(srv.Close)
	return newLimitedClients(quickConfig(srv.URL), limits)
}

func versioning(t *testing.T, c Clients) {
	t.Helper()
	if _, err := c.S3("us-east-1").GetBucketVersioning(context.Background(), &s3.GetBucketVersioningInput{Bucket: aws.String("b")}); err != nil {
		t.Fatalf("GetBucketVersioning: %v", err)
	}
}

// TestRateLimitPacesEveryAttempt: 6 calls, of which 2 attempts are throttled,
// make 8 attempts; at 4 per second (burst 4) the last 4 wait a quarter second
// each. Limiting calls rather than attempts would take half the time.
func TestRateLimitPacesEveryAttempt(t *testing.T) {
	stub := &stubAWS{throttle: 2}
	c := stubClients(t, stub, RateLimits{S3: 4})
	start := time.Now()
	for range 6 {
		versioning(t, c)
	}
	elapsed := time.Since(start)
	if n := stub.n.Load(); n != 8 {
		t.Fatalf("%d attempts, want 8", n)
	}
	if elapsed < 900*time.Millisecond {
		t.Errorf("8 attempts at 4/s took %s, want about 1s", elapsed)
	}
}

// TestAssumedAccountsHaveTheirOwnLimiter: an account reached through Assume does
// not wait for the tokens of the account it was assumed from, and AssumeRole runs
// once with the session name, duration and external id.
func TestAssumedAccountsHaveTheirOwnLimiter(t *testing.T) {
	stub := &stubAWS{}
	srv := httptest.NewServer(stub)
	defer srv.Close()
	base := newLimitedClients(quickConfig(srv.URL), RateLimits{S3: 1})
	versioning(t, base) // the base account's only token

	member, err := base.Assume(context.Background(), "arn:aws:iam::222200000001:role/Audit", "ext-1")
	if err != nil {
		t.Fatalf("Assume: %v", err)
	}
	start := time.Now()
	versioning(t, member)
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("the member's first request waited %s: it shares the base account's limiter", d)
	}
	start = time.Now()
	versioning(t, base)
	if d := time.Since(start); d < 600*time.Millisecond {
		t.Errorf("the base account's second request at 1/s waited only %s", d)
	}
	versioning(t, member)
	if n := stub.keyCount("ASIAMEMBER"); n != 2 {
		t.Errorf("the member's requests were signed %d times with its credentials, want 2", n)
	}
	if len(stub.assumes) != 1 {
		t.Fatalf("%d AssumeRole calls, want 1 (credentials are cached)", len(stub.assumes))
	}
	f := stub.assumes[0]
	if f.Get("RoleArn") != "arn:aws:iam::222200000001:role/Audit" || f.Get("ExternalId") != "ext-1" ||
		f.Get("RoleSessionName") != sessionName || f.Get("DurationSeconds") != "3600" {
		t.Errorf("AssumeRole form = %v", f)
	}
}

func TestAssumeReturnsSTSError(t *testing.T) {
	stub := &stubAWS{denyRole: true}
	srv := httptest.NewServer(stub)
	defer srv.Close()
	base := newLimitedClients(quickConfig(srv.URL), RateLimits{})
	_, err := base.Assume(context.Background(), "arn:aws:iam::222200000001:role/Audit", "")
	if errorCode(err) != "AccessDenied" {
		t.Fatalf("Assume = %v, want AccessDenied", err)
	}
	if ce := newCollectionError("AssumeRole", "r", ComponentAccount, err); ce.Code != "AccessDenied" || ce.Message != "not authorized" {
		t.Errorf("collection error = %+v", ce)
	}
}

func TestRateLimitsDefaults(t *testing.T) {
	got := RateLimits{IAM: 3, S3: math.Inf(1)}.withDefaults()
	d := DefaultRateLimits()
	want := d
	want.IAM, want.S3 = 3, math.Inf(1)
	if got != want {
		t.Errorf("withDefaults = %+v, want %+v", got, want)
	}
	lim := newAdaptiveLimiter(math.Inf(1), time.Now)
	lim.Throttled()
	if !lim.lim.Allow() || !lim.lim.Allow() || !math.IsInf(lim.Rate(), 1) {
		t.Error("an infinite limit blocks or adapts")
	}
}
