package scanner

import (
	"context"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// The adaptive limiter's constants (AIMD). A throttling answer means the
// account's quota for the service, which its other workloads share, is spent:
// sending at the same rate would have more requests throttled, each costing a
// retry and a worker's time. So the limiter cuts the rate by a factor on
// throttling (at most once per adaptCooldown: the throttled requests of one burst
// are one signal, not many) and raises it back linearly while no throttling
// comes, so that it settles just under what the account can take.
const (
	// adaptDecrease multiplies the rate on throttling (the SDK's adaptive mode
	// uses 0.7 too).
	adaptDecrease = 0.7
	// adaptCooldown is the least time between two decreases.
	adaptCooldown = time.Second
	// adaptRecovery is the time the rate takes to climb from 0 back to the
	// configured limit: it grows by limit÷adaptRecovery per second.
	adaptRecovery = 5 * time.Second
	// adaptFloor is the share of the configured limit the rate never goes under,
	// so that a long throttling episode slows a scan down but never stalls it.
	adaptFloor = 0.05
)

// adaptiveLimiter is a token bucket whose rate adapts to throttling, between
// floor and limit requests per second. It is safe for concurrent use.
type adaptiveLimiter struct {
	lim *rate.Limiter
	// limit is the configured rate; +Inf leaves the limiter off, and unadapted.
	limit float64
	// now is the clock; tests set their own.
	now func() time.Time

	mu sync.Mutex
	// cur is the rate as of updated.
	cur          float64
	updated      time.Time
	lastDecrease time.Time
	// throttles counts the decreases, for tests and diagnostics.
	throttles int
}

// newAdaptiveLimiter allows rps requests per second with bursts of one second's
// worth, then adapts to throttling; now is its clock.
func newAdaptiveLimiter(rps float64, now func() time.Time) *adaptiveLimiter {
	a := &adaptiveLimiter{limit: rps, cur: rps, now: now, updated: now()}
	if math.IsInf(rps, 1) {
		a.lim = rate.NewLimiter(rate.Inf, 0)
	} else {
		a.lim = rate.NewLimiter(rate.Limit(rps), burstOf(rps))
	}
	return a
}

// burstOf is one second's worth of requests, at least one.
func burstOf(rps float64) int { return max(1, int(math.Ceil(rps))) }

// Wait blocks until the limiter allows a request or ctx is done.
func (a *adaptiveLimiter) Wait(ctx context.Context) error {
	if !a.adaptive() {
		return a.lim.Wait(ctx)
	}
	a.mu.Lock()
	a.recoverLocked(a.now())
	a.mu.Unlock()
	return a.lim.Wait(ctx)
}

// Throttled records a throttling answer: the rate drops by adaptDecrease unless
// it already dropped less than adaptCooldown ago.
func (a *adaptiveLimiter) Throttled() {
	if !a.adaptive() {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	a.recoverLocked(now)
	if a.throttles > 0 && now.Sub(a.lastDecrease) < adaptCooldown {
		return
	}
	a.throttles++
	a.lastDecrease = now
	a.setLocked(now, max(a.limit*adaptFloor, a.cur*adaptDecrease))
}

// Rate returns the current rate in requests per second.
func (a *adaptiveLimiter) Rate() float64 {
	if !a.adaptive() {
		return a.limit
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.recoverLocked(a.now())
	return a.cur
}

func (a *adaptiveLimiter) adaptive() bool { return !math.IsInf(a.limit, 1) }

// recoverLocked raises the rate by limit÷adaptRecovery per second since the last
// update, up to the limit.
func (a *adaptiveLimiter) recoverLocked(now time.Time) {
	if a.cur >= a.limit {
		a.updated = now
		return
	}
	elapsed := now.Sub(a.updated)
	if elapsed <= 0 {
		return
	}
	a.setLocked(now, min(a.limit, a.cur+a.limit*elapsed.Seconds()/adaptRecovery.Seconds()))
}

func (a *adaptiveLimiter) setLocked(now time.Time, rps float64) {
	a.cur, a.updated = rps, now
	a.lim.SetLimitAt(now, rate.Limit(rps))
	a.lim.SetBurstAt(now, burstOf(rps))
}
