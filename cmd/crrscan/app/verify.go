package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

// VerificationEvidence is the live verification evidence of a snapshot's buckets
// as the HTML report shows it: one entry per bucket that was verified.
func VerificationEvidence(s *scanner.Snapshot) []report.BucketEvidence {
	var out []report.BucketEvidence
	for _, b := range s.Buckets {
		v := b.Verification
		if v == nil {
			continue
		}
		be := report.BucketEvidence{AccountID: b.AccountID, Region: b.Region, Bucket: b.Name, Objects: objectSource(v.Objects)}
		rules := map[string]*report.RuleEvidence{}
		var order []string
		rule := func(id, dest string) *report.RuleEvidence {
			if r, ok := rules[id]; ok {
				return r
			}
			rules[id] = &report.RuleEvidence{RuleID: id, Destination: dest}
			order = append(order, id)
			return rules[id]
		}
		if v.Objects != nil {
			for _, r := range v.Objects.Rules {
				re := rule(r.RuleID, r.Destination)
				re.Counts = fmt.Sprintf("COMPLETED %d · PENDING %d (%d late) · FAILED %d · no status %d · REPLICA %d, of %d",
					r.Completed, r.Pending, r.PendingOverThreshold, r.Failed, r.None, r.Replica, r.Versions)
				if r.TagFiltered {
					re.Counts += " (tag filter not evaluated)"
				}
				re.Bad = re.Bad || r.Failed > 0 || r.PendingOverThreshold > 0 || (r.None > 0 && !r.TagFiltered)
			}
		}
		if v.Metrics != nil {
			for _, r := range v.Metrics.Rules {
				re := rule(r.RuleID, r.Destination)
				var parts []string
				for _, m := range r.Regions {
					parts = append(parts, m.Region+": "+metricsText(m))
					if m.SumOperationsFailed != nil && *m.SumOperationsFailed > 0 {
						re.Bad = true
					}
				}
				re.Metrics = strings.Join(parts, "; ")
			}
		}
		if v.Canary != nil {
			for _, c := range v.Canary.Results {
				re := rule(c.RuleID, c.Destination)
				re.Canary = canaryText(c)
				re.Bad = re.Bad || c.Outcome != scanner.CanaryReplicated
			}
		}
		for _, id := range order {
			be.Rules = append(be.Rules, *rules[id])
		}
		out = append(out, be)
	}
	return out
}

func objectSource(o *scanner.ObjectEvidence) string {
	switch {
	case o == nil:
		return ""
	case o.Source == "inventory" && o.Inventory != nil:
		s := fmt.Sprintf("S3 Inventory %q, %.1f hours old", o.Inventory.ConfigurationID, o.Inventory.AgeHours)
		if o.Inventory.Stale {
			s += " (stale)"
		}
		return s
	}
	s := fmt.Sprintf("sample: %d versions listed, %d read", o.Listed, o.Headed)
	if o.Truncated {
		s += " (listing bounded)"
	}
	if o.Unreadable > 0 {
		s += fmt.Sprintf(", %d unreadable without their SSE-C key", o.Unreadable)
	}
	if o.Inventory != nil && o.Inventory.Unsupported != "" {
		s += "; " + o.Inventory.Unsupported
	}
	return s
}

func metricsText(m scanner.RegionMetrics) string {
	if m.DataPoints == 0 {
		return "no data (unknown)"
	}
	var parts []string
	if m.SumOperationsFailed != nil {
		parts = append(parts, fmt.Sprintf("%g failed", *m.SumOperationsFailed))
	}
	if m.MaxReplicationLatency != nil {
		parts = append(parts, fmt.Sprintf("latency ≤ %g s", *m.MaxReplicationLatency))
	}
	if m.MaxOperationsPending != nil {
		parts = append(parts, fmt.Sprintf("≤ %g pending", *m.MaxOperationsPending))
	}
	if m.MaxBytesPending != nil {
		parts = append(parts, fmt.Sprintf("≤ %g bytes pending", *m.MaxBytesPending))
	}
	return strings.Join(parts, ", ")
}

func canaryText(c scanner.CanaryResult) string {
	var s string
	switch c.Outcome {
	case scanner.CanaryReplicated:
		s = fmt.Sprintf("replicated in %.1f s (source %s)", c.Seconds, c.SourceStatus)
	default:
		s = c.Outcome
		if c.Message != "" {
			s += ": " + c.Message
		}
	}
	for _, u := range c.Uncleaned {
		s += fmt.Sprintf("; left behind: s3://%s/%s version %s", u.Bucket, u.Key, u.VersionID)
	}
	return s
}

// CanaryConfig is one run of crrscan verify canary.
type CanaryConfig struct {
	// AWS holds the profile, region and endpoint, AWS.Verify the canary's timeout,
	// AWS.Logger the log of its writes.
	AWS    scanner.Options
	Bucket string
	// JSON writes the bucket with its evidence as JSON instead of text lines.
	JSON   bool
	Stdout io.Writer
}

// VerifyCanary runs the canary on one bucket and returns the exit code: 0 when
// every canary replicated, 1 when one did not (timeout, FAILED, no rule), 3 when
// a read or write failed (a canary left behind included).
func VerifyCanary(ctx context.Context, cfg CanaryConfig) (int, error) {
	clients, err := scanner.NewAWSClients(ctx, cfg.AWS)
	if err != nil {
		return 0, UsageError(err)
	}
	b := scanner.CanaryBucket(ctx, clients, cfg.Bucket, cfg.AWS)
	if ctx.Err() != nil {
		return 0, ctx.Err()
	}
	if cfg.JSON {
		enc := json.NewEncoder(cfg.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(b); err != nil {
			return 0, fmt.Errorf("write canary result: %w", err)
		}
	} else if err := report.WriteCanary(cfg.Stdout, b); err != nil {
		return 0, fmt.Errorf("write canary result: %w", err)
	}
	if len(b.Errors) > 0 {
		return report.ExitIncomplete, nil
	}
	for _, c := range b.Verification.Canary.Results {
		if c.Outcome != scanner.CanaryReplicated {
			return report.ExitViolations, nil
		}
	}
	return report.ExitOK, nil
}
