package scanner

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// responseErr is err as the SDK returns it for an HTTP answer with status and header.
func responseErr(status int, header http.Header, err error) error {
	return &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status, Header: header}},
		Err:      err,
	}
}

func TestBackoffDelay(t *testing.T) {
	throttled := responseErr(503, http.Header{}, &smithy.GenericAPIError{Code: "SlowDown"})
	transient := responseErr(500, http.Header{}, &smithy.GenericAPIError{Code: "InternalError"})
	bareHead := responseErr(503, http.Header{}, errors.New("no body"))
	after := func(v string) error {
		return responseErr(400, http.Header{"Retry-After": {v}}, &smithy.GenericAPIError{Code: "Throttling"})
	}
	tests := []struct {
		name    string
		attempt int
		err     error
		draw    float64
		want    time.Duration
	}{
		{"throttled, first retry, top of the range", 1, throttled, 0.999, 99900 * time.Microsecond},
		{"throttled, first retry, half", 1, throttled, 0.5, 50 * time.Millisecond},
		{"throttled, third retry doubles twice", 3, throttled, 0.5, 200 * time.Millisecond},
		{"a bare 503 is throttling", 2, bareHead, 0.5, 100 * time.Millisecond},
		{"transient error, first retry", 1, transient, 0.5, 25 * time.Millisecond},
		{"capped", 9, throttled, 0.5, 2500 * time.Millisecond},
		{"capped far out, no overflow", 70, throttled, 0.5, 2500 * time.Millisecond},
		{"zero draw", 4, throttled, 0, 0},
		{"Retry-After raises the delay", 1, after("2"), 0.5, 2 * time.Second},
		{"Retry-After is capped", 1, after("60"), 0.5, maxBackoffDelay},
		{"Retry-After below the draw is ignored", 4, after("0"), 0.5, 400 * time.Millisecond},
		{"a malformed Retry-After is ignored", 1, after("soon"), 0.5, 50 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBackoff()
			b.rand = func() float64 { return tt.draw }
			got, err := b.BackoffDelay(tt.attempt, tt.err)
			if err != nil || got != tt.want {
				t.Errorf("BackoffDelay(%d) = %s, %v; want %s", tt.attempt, got, err, tt.want)
			}
		})
	}
}

// The sum of the longest delays a request can wait over its maxAttempts stays
// in seconds, not the minutes of the SDK's 20 s cap.
func TestBackoffWorstCase(t *testing.T) {
	b := newBackoff()
	b.rand = func() float64 { return 1 }
	throttled := &smithy.GenericAPIError{Code: "Throttling"}
	total := time.Duration(0)
	for attempt := 1; attempt < maxAttempts; attempt++ {
		d, _ := b.BackoffDelay(attempt, throttled)
		total += d
	}
	if total > time.Minute {
		t.Errorf("worst case %s over %d attempts", total, maxAttempts)
	}
}

// The scanner's retryer still honours S3's x-amz-retry-after through the SDK's
// middleware, on top of its own short delay.
func TestRetryerHonoursAmzRetryAfter(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("X-Amz-Retry-After", "150")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>`))
			return
		}
		w.Write([]byte(`<VersioningConfiguration/>`))
	}))
	defer srv.Close()
	cfg := quickConfig(srv.URL)
	cfg.Retryer = newRetryer
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	start := time.Now()
	if _, err := c.GetBucketVersioning(context.Background(), &s3.GetBucketVersioningInput{Bucket: aws.String("b")}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 150*time.Millisecond || n.Load() != 2 {
		t.Errorf("%d attempts in %s, want 2 with at least 150ms between them", n.Load(), d)
	}
}
