package app

import (
	"fmt"
	"time"
)

// checkVerifyFlags rejects verification flags that name no bounded verification
// (--verify-sample, --verify-heads, --pending-threshold, --metrics-window,
// --canary-timeout) and verification of a snapshot.
func checkVerifyFlags(cfg ScanConfig) error {
	v := cfg.AWS.Verify
	switch {
	case v.Sample < 1:
		return fmt.Errorf("--verify-sample must be at least 1, got %d", v.Sample)
	case v.Heads < 1:
		return fmt.Errorf("--verify-heads must be at least 1, got %d", v.Heads)
	case v.PendingThreshold <= 0:
		return fmt.Errorf("--pending-threshold must be positive, got %s", v.PendingThreshold)
	case v.MetricsWindow < time.Minute:
		return fmt.Errorf("--metrics-window must be at least 1m, got %s", v.MetricsWindow)
	case v.CanaryTimeout <= 0:
		return fmt.Errorf("--canary-timeout must be positive, got %s", v.CanaryTimeout)
	case cfg.FromSnapshot != "" && v.Enabled():
		return fmt.Errorf("--verify-objects, --verify-metrics and --canary read live AWS; they cannot be combined with --from-snapshot (a snapshot keeps the evidence it was taken with)")
	}
	return nil
}
