package scanner

import (
	"math"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// fakeClock is a clock that moves only when told.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestAdaptiveLimiterAIMD(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	a := newAdaptiveLimiter(100, clock.now)
	steps := []struct {
		name      string
		advance   time.Duration
		throttled bool
		want      float64
	}{
		{"starts at the limit", 0, false, 100},
		{"throttling cuts the rate", 0, true, 70},
		{"a second throttle within the cooldown is the same signal", 500 * time.Millisecond, true, 80},
		{"recovers linearly: limit÷5 s per second", 250 * time.Millisecond, false, 85},
		{"after the cooldown, throttling cuts again", 250 * time.Millisecond, true, 90 * adaptDecrease},
		{"never above the limit", time.Minute, false, 100},
	}
	for _, s := range steps {
		clock.advance(s.advance)
		if s.throttled {
			a.Throttled()
		}
		if got := a.Rate(); !near(got, s.want) {
			t.Fatalf("%s: rate %g, want %g", s.name, got, s.want)
		}
		if got := float64(a.lim.Limit()); !near(got, s.want) {
			t.Fatalf("%s: token bucket at %g/s, want %g", s.name, got, s.want)
		}
	}
}

func TestAdaptiveLimiterFloorAndBurst(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	a := newAdaptiveLimiter(20, clock.now)
	for range 30 {
		a.Throttled()
		clock.advance(adaptCooldown)
	}
	// 30 s of throttling every second: the recovery between two cuts (4/s) keeps
	// the rate off the floor; the cut lands where it balances the recovery.
	if got, want := a.Rate(), 4*adaptDecrease/(1-adaptDecrease)+4; math.Abs(got-want) > 0.01 {
		t.Errorf("rate under steady throttling %g, want about %g", got, want)
	}
	b := newAdaptiveLimiter(20, clock.now)
	for range 30 {
		b.throttles, b.lastDecrease = 1, time.Time{} // no cooldown, no recovery
		b.Throttled()
	}
	if got := b.Rate(); !near(got, 20*adaptFloor) {
		t.Errorf("rate after many cuts %g, want the floor %g", got, 20*adaptFloor)
	}
	if got := b.lim.Burst(); got != 1 {
		t.Errorf("burst at 1/s = %d, want 1", got)
	}
}

// Throttled attempts slow the account's limiter for that service down, and no
// other service's.
func TestRateLimitAdaptsToThrottling(t *testing.T) {
	c := stubClients(t, &stubAWS{throttle: 3}, RateLimits{S3: 1000})
	versioning(t, c)
	ls := c.limiters
	if got := ls[s3.ServiceID].throttles; got != 1 {
		t.Errorf("3 throttled attempts in a row made %d cuts, want 1 (cooldown)", got)
	}
	if got := ls[s3.ServiceID].Rate(); got >= 1000 || got < 700 {
		t.Errorf("S3 rate after throttling %g, want about 700", got)
	}
	for id, l := range ls {
		if id != s3.ServiceID && l.throttles != 0 {
			t.Errorf("%s was slowed down by S3's throttling", id)
		}
	}
}
