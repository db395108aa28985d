package scanner

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// The retry delays. The SDK's standard retryer waits a uniform draw from
// [0, min(20 s, 1 s·2^i)) after the i-th throttled attempt: half a second on
// average after the first, and up to 15 s, then 20 s, for the rare request
// throttled five or six times in a row. A worker holds its bucket all that time,
// and each phase of a scan waits for its slowest request, so under 30 %
// throttling a scan spent most of its time with its workers asleep. The scanner
// paces each account's requests itself (the adaptive limiter of ratelimit.go
// slows an account's service down when it throttles), so a retry only needs to
// be spread out, not to be the brake.
const (
	// throttleBaseDelay bounds the first retry after a throttling error.
	throttleBaseDelay = 100 * time.Millisecond
	// transientBaseDelay bounds the first retry after another retryable error
	// (5xx, reset connection), as the SDK's own 50 ms.
	transientBaseDelay = 50 * time.Millisecond
	// maxBackoffDelay caps every retry delay, also one a Retry-After header asks for.
	maxBackoffDelay = 5 * time.Second
)

// backoff is a full-jitter exponential backoff: before retry i (i = 1 after the
// first failed attempt) it waits a uniform draw from [0, min(maxDelay, base·2^(i-1))),
// with base throttleBase for throttling errors and base otherwise. An HTTP
// Retry-After header (seconds) on the response raises the delay to what it asks,
// up to maxDelay; the SDK's retry middleware applies S3's x-amz-retry-after
// (milliseconds) on top of the delay returned here.
type backoff struct {
	base, throttleBase, maxDelay time.Duration
	// throttle tells throttling errors from other retryable ones.
	throttle func(error) bool
	// rand returns a float in [0, 1).
	rand func() float64
}

// newBackoff returns the scanner's backoff with its default delays.
func newBackoff() *backoff {
	return &backoff{
		base: transientBaseDelay, throttleBase: throttleBaseDelay, maxDelay: maxBackoffDelay,
		throttle: isThrottling,
		rand:     rand.Float64,
	}
}

// BackoffDelay implements retry.BackoffDelayer; attempt is the 1-based number of
// the attempt that failed with err.
func (b *backoff) BackoffDelay(attempt int, err error) (time.Duration, error) {
	base := b.base
	if b.throttle != nil && b.throttle(err) {
		base = b.throttleBase
	}
	ceiling := b.maxDelay
	// Past 2^20 the doubling would overflow long before it matters.
	if i := attempt - 1; i < 20 {
		ceiling = min(b.maxDelay, base<<max(i, 0))
	}
	d := time.Duration(b.rand() * float64(ceiling))
	if ra, ok := retryAfter(err); ok && ra > d {
		d = min(ra, b.maxDelay)
	}
	return d, nil
}

// isThrottling reports whether err is a throttling answer: an error code the
// SDK counts as throttling (SlowDown, Throttling, ThrottlingException…), or a
// 429 or 503 without one (S3 answers a throttled HEAD with a bare 503).
func isThrottling(err error) bool {
	if err == nil {
		return false
	}
	if retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) == aws.TrueTernary {
		return true
	}
	st := httpStatus(err)
	return st == http.StatusTooManyRequests || st == http.StatusServiceUnavailable
}

// retryAfter returns the delay an HTTP Retry-After header of err's response asks
// for, in its delay-seconds form (AWS does not send the HTTP-date form).
func retryAfter(err error) (time.Duration, bool) {
	s, perr := strconv.Atoi(responseHeader(err, "Retry-After"))
	if perr != nil || s < 0 {
		return 0, false
	}
	return time.Duration(s) * time.Second, true
}
