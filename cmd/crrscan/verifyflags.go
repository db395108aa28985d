package main

import (
	"time"

	"github.com/crrscan/crrscan/scanner"
)

// flagAdder is what the verification flags need of a flag set (the standard
// library's and spf13/pflag's have these methods alike).
type flagAdder interface {
	BoolVar(p *bool, name string, value bool, usage string)
	IntVar(p *int, name string, value int, usage string)
	DurationVar(p *time.Duration, name string, value time.Duration, usage string)
}

// verifyFlags are the live verification flags of crrscan scan.
type verifyFlags struct {
	objects, metrics, canary bool
	sample, heads            int
	pending, window, timeout time.Duration
}

// addVerifyFlags registers the verification flags on fs.
func addVerifyFlags(fs flagAdder) *verifyFlags {
	v := &verifyFlags{}
	fs.BoolVar(&v.objects, "verify-objects", false, "verify replication from object versions of every replicating bucket: S3 Inventory (CSV) when one delivers ReplicationStatus, else a bounded sample (ListObjectVersions, HeadObject; never object contents)")
	fs.IntVar(&v.sample, "verify-sample", scanner.DefaultVerifySample, "with --verify-objects: list at most this many versions per bucket")
	fs.IntVar(&v.heads, "verify-heads", scanner.DefaultVerifyHeads, "with --verify-objects: HeadObject at most this many sampled versions per bucket (newest and oldest)")
	fs.DurationVar(&v.pending, "pending-threshold", scanner.DefaultPendingThreshold, "with --verify-objects: a version PENDING longer than this is late (15m under RTC)")
	fs.BoolVar(&v.metrics, "verify-metrics", false, "read the CloudWatch replication metrics of rules that publish them, in the source and destination regions")
	fs.DurationVar(&v.window, "metrics-window", scanner.DefaultMetricsWindow, "with --verify-metrics: how far back to read the metrics")
	fs.BoolVar(&v.canary, "canary", false, "WRITES: put a tagged canary object per replication destination, wait for its replica, then delete both canary versions")
	fs.DurationVar(&v.timeout, "canary-timeout", scanner.DefaultCanaryTimeout, "with --canary: how long to wait for the replica")
	return v
}

// options validates the flags and returns the scanner's verification options.
func (v *verifyFlags) options() (scanner.VerifyOptions, error) {
	switch {
	case v.sample < 1:
		return scanner.VerifyOptions{}, errorf("--verify-sample must be at least 1, got %d", v.sample)
	case v.heads < 1:
		return scanner.VerifyOptions{}, errorf("--verify-heads must be at least 1, got %d", v.heads)
	case v.pending <= 0:
		return scanner.VerifyOptions{}, errorf("--pending-threshold must be positive, got %s", v.pending)
	case v.window < time.Minute:
		return scanner.VerifyOptions{}, errorf("--metrics-window must be at least 1m, got %s", v.window)
	case v.timeout <= 0:
		return scanner.VerifyOptions{}, errorf("--canary-timeout must be positive, got %s", v.timeout)
	}
	return scanner.VerifyOptions{
		Objects: v.objects, Sample: v.sample, Heads: v.heads, PendingThreshold: v.pending,
		Metrics: v.metrics, MetricsWindow: v.window,
		Canary: v.canary, CanaryTimeout: v.timeout,
	}, nil
}
