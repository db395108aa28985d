package scanner

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// CanaryPrefix is the key segment every canary object is written under (after
// the rule's own prefix), so that canaries never mix with data.
const CanaryPrefix = "crrscan-canary/"

// CanaryTag is the tag every canary object carries (besides a tag-filtered
// rule's own tags).
const CanaryTag = "crrscan-canary"

// Canary outcomes.
const (
	CanaryReplicated = "replicated"
	CanaryFailed     = "failed"
	CanaryTimeout    = "timeout"
	CanaryNoRule     = "no-rule"
	CanaryError      = "error"
)

// CanaryEvidence holds one canary per enabled rule (one per destination).
type CanaryEvidence struct {
	Results []CanaryResult `json:"Results"`
}

// CanaryResult is what one canary object showed.
type CanaryResult struct {
	RuleID      string `json:"RuleId,omitempty"`
	Destination string `json:"Destination,omitempty"`
	Key         string `json:"Key,omitempty"`
	// Outcome is replicated, failed (the source says FAILED), timeout, no-rule or error.
	Outcome string `json:"Outcome"`
	// Seconds is how long the replica took to appear (replicated only).
	Seconds          float64 `json:"Seconds,omitempty"`
	SourceStatus     string  `json:"SourceStatus,omitempty"`
	SourceVersionID  string  `json:"SourceVersionId,omitempty"`
	ReplicaVersionID string  `json:"ReplicaVersionId,omitempty"`
	// Uncleaned are the canary versions that could not be deleted.
	Uncleaned []CanaryVersion `json:"Uncleaned,omitempty"`
	Message   string          `json:"Message,omitempty"`
}

// CanaryVersion names a canary object version left behind.
type CanaryVersion struct {
	Bucket    string `json:"Bucket"`
	Key       string `json:"Key"`
	VersionID string `json:"VersionId"`
	Error     string `json:"Error"`
}

// canary writes one canary per enabled rule of b (first rule per destination),
// waits for each replica and removes both versions.
func (v *verifyRun) canary(ctx context.Context, vc VerifyClients, b *Bucket, destRegions map[string]string, cnt *counter) *CanaryEvidence {
	ev := &CanaryEvidence{}
	seen := map[string]bool{}
	for _, r := range enabledRules(b.ReplicationConfiguration) {
		if seen[r.Destination.Bucket] {
			continue
		}
		seen[r.Destination.Bucket] = true
		region := destRegions[r.Destination.Bucket]
		if region == "" {
			ev.Results = append(ev.Results, CanaryResult{RuleID: r.label(), Destination: r.Destination.Bucket, Outcome: CanaryError,
				Message: "the destination's region is unknown, so its replica cannot be looked for; no canary was written"})
			continue
		}
		res, errs := RunCanary(ctx, CanaryTarget{
			Source: vc.Canary(b.Region), Destination: vc.Canary(region),
			SourceBucket: b.Name, DestinationBucket: destinationName(r.Destination.Bucket),
			Rule: r.ReplicationRule, RuleID: r.label(),
		}, CanaryOptions{Timeout: v.opts.canaryTimeout(), Poll: v.opts.canaryPoll(), Now: v.opts.Now, Log: v.col.log}, cnt.add)
		b.Errors = append(b.Errors, errs...)
		ev.Results = append(ev.Results, res)
	}
	if len(ev.Results) == 0 {
		ev.Results = append(ev.Results, CanaryResult{Outcome: CanaryNoRule, Message: "no enabled rule covers a canary key"})
	}
	v.removeStrayReplicas(ctx, vc, b, destRegions, ev, cnt)
	return ev
}

// removeStrayReplicas deletes the replicas a canary got in the bucket's other
// destinations (a canary written for one rule matches every rule whose filter
// covers its key): for each canary and each other destination, HeadObject by key
// and DeleteObject of the version found. A replica that could not be deleted is
// reported on that canary's result.
func (v *verifyRun) removeStrayReplicas(ctx context.Context, vc VerifyClients, b *Bucket, destRegions map[string]string, ev *CanaryEvidence, cnt *counter) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	log := v.col.log
	for i := range ev.Results {
		res := &ev.Results[i]
		if res.SourceVersionID == "" {
			continue
		}
		for _, d := range ev.Results {
			region := destRegions[d.Destination]
			if d.Destination == res.Destination || region == "" {
				continue
			}
			c, bucket := vc.Canary(region), destinationName(d.Destination)
			cnt.add("HeadObject")
			h, err := c.HeadObject(cctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(res.Key)})
			if err != nil {
				continue
			}
			r := canaryRun{CanaryResult: *res}
			r.remove(cctx, c, bucket, aws.ToString(h.VersionId), cnt.add, log)
			*res = r.CanaryResult
			b.Errors = append(b.Errors, r.errs...)
		}
	}
}

// CanaryTarget is where one canary goes: the source and destination clients and
// buckets, and the rule it must match.
type CanaryTarget struct {
	Source, Destination             CanaryAPI
	SourceBucket, DestinationBucket string
	Rule                            ReplicationRule
	RuleID                          string
}

// CanaryOptions bound one canary run.
type CanaryOptions struct {
	Timeout, Poll time.Duration
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Log receives one line per write (the canary's PutObject and DeleteObject);
	// nil discards them.
	Log *slog.Logger
}

// canaryRun is a canary's result and the calls that failed.
type canaryRun struct {
	CanaryResult
	errs []CollectionError
}

func (r *canaryRun) failed(op, resource string, err error) {
	r.errs = append(r.errs, newCollectionError(op, resource, ComponentVerification, err))
}

// RunCanary puts a small object under the rule's prefix + CanaryPrefix, tagged
// with the rule's filter tags and CanaryTag, polls the destination with HeadObject
// until the replica appears, the source reports FAILED or the timeout passes,
// then deletes the source version it created and the replica version it found
// (and nothing else). count is called with each operation it sends. The failed
// calls come back as collection errors (component verification).
func RunCanary(ctx context.Context, t CanaryTarget, o CanaryOptions, count func(op string)) (CanaryResult, []CollectionError) {
	r := runCanary(ctx, t, o, count)
	return r.CanaryResult, r.errs
}

func runCanary(ctx context.Context, t CanaryTarget, o CanaryOptions, count func(op string)) canaryRun {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := canaryRun{CanaryResult: CanaryResult{RuleID: t.RuleID, Destination: "arn:aws:s3:::" + t.DestinationBucket}}
	start := now()
	r.Key = rulePrefix(t.Rule) + CanaryPrefix + start.UTC().Format("20060102T150405.000000000Z")
	tags := url.Values{}
	tags.Set(CanaryTag, "true")
	for _, tg := range ruleTags(t.Rule) {
		tags.Set(tg.Key, tg.Value)
	}
	count("PutObject")
	put, err := t.Source.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(t.SourceBucket), Key: aws.String(r.Key),
		Body:    strings.NewReader("crrscan replication canary\n"),
		Tagging: aws.String(tags.Encode()),
	})
	if err != nil {
		r.Outcome = CanaryError
		r.Message = "the canary could not be written: " + err.Error()
		r.failed("PutObject", "arn:aws:s3:::"+t.SourceBucket+"/"+r.Key, err)
		return r
	}
	r.SourceVersionID = aws.ToString(put.VersionId)
	log.Info("canary written", "bucket", t.SourceBucket, "key", r.Key, "version_id", r.SourceVersionID)
	deadline := start.Add(o.Timeout)
	for {
		count("HeadObject")
		h, err := t.Destination.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(t.DestinationBucket), Key: aws.String(r.Key)})
		if err == nil {
			r.Outcome = CanaryReplicated
			r.Seconds = now().Sub(start).Seconds()
			r.ReplicaVersionID = aws.ToString(h.VersionId)
			break
		}
		if errorCode(err) != codeNotFound {
			r.Outcome = CanaryError
			r.Message = "the destination could not be read: " + err.Error()
			r.failed("HeadObject", "arn:aws:s3:::"+t.DestinationBucket+"/"+r.Key, err)
			break
		}
		if st := sourceStatus(ctx, t, r.Key, r.SourceVersionID, count); st == StatusFailed {
			r.SourceStatus = st
			r.Outcome = CanaryFailed
			r.Message = "the source version's replication status is FAILED"
			break
		}
		if !now().Before(deadline) {
			r.Outcome = CanaryTimeout
			r.Message = fmt.Sprintf("no replica after %s", o.Timeout)
			break
		}
		select {
		case <-ctx.Done():
			r.Outcome = CanaryError
			r.Message = "interrupted"
		case <-time.After(o.Poll):
			continue
		}
		break
	}
	if r.SourceStatus == "" {
		r.SourceStatus = sourceStatus(ctx, t, r.Key, r.SourceVersionID, count)
	}
	// Clean up without the caller's context: an interrupted scan still removes its canary.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if r.ReplicaVersionID != "" {
		r.remove(cctx, t.Destination, t.DestinationBucket, r.ReplicaVersionID, count, log)
	}
	r.remove(cctx, t.Source, t.SourceBucket, r.SourceVersionID, count, log)
	if r.Outcome == CanaryTimeout {
		r.Message += "; a replica that arrives after the canary was removed stays in the destination under the key above"
	}
	return r
}

// sourceStatus is the source version's x-amz-replication-status ("" unknown).
func sourceStatus(ctx context.Context, t CanaryTarget, key, version string, count func(string)) string {
	count("HeadObject")
	h, err := t.Source.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(t.SourceBucket), Key: aws.String(key), VersionId: versionParam(version)})
	if err != nil {
		return ""
	}
	return string(h.ReplicationStatus)
}

// remove deletes one canary version (never a key without a version id: that
// would add a delete marker instead of removing what the canary wrote).
func (r *canaryRun) remove(ctx context.Context, c CanaryAPI, bucket, version string, count func(string), log *slog.Logger) {
	if version == "" {
		r.Uncleaned = append(r.Uncleaned, CanaryVersion{Bucket: bucket, Key: r.Key, Error: "no version id was returned, so no version was deleted"})
		return
	}
	count("DeleteObject")
	_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(r.Key), VersionId: aws.String(version)})
	log.Info("canary version deleted", "bucket", bucket, "key", r.Key, "version_id", version, "ok", err == nil)
	if err != nil {
		r.Uncleaned = append(r.Uncleaned, CanaryVersion{Bucket: bucket, Key: r.Key, VersionID: version, Error: err.Error()})
		r.failed("DeleteObject", "arn:aws:s3:::"+bucket+"/"+r.Key, err)
	}
}

// CanaryBucket runs the canary on one bucket of c's account (crrscan verify
// canary): its region and those of its destinations (HeadBucket, else
// GetBucketLocation), its replication configuration, then one canary per
// destination of its enabled rules. Failed reads are on the bucket's Errors; a
// bucket without a configuration gets a no-rule result.
// o.Verify bounds the canary; o.Logger receives a line per write.
func CanaryBucket(ctx context.Context, c Clients, name string, opts Options) *Bucket {
	o := opts.Verify
	col := &collector{opts: opts, log: opts.logger()}
	b := &Bucket{Name: name, Arn: "arn:aws:s3:::" + name}
	region, ce := col.bucketRegion(ctx, c, name, b.Arn)
	if ce != nil {
		b.Errors = append(b.Errors, *ce)
		return b
	}
	b.Region = region
	if !col.readBucketReplication(ctx, c.S3(region), b) {
		return b
	}
	vc, ok := c.(VerifyClients)
	if !ok || b.ReplicationConfiguration == nil || len(enabledRules(b.ReplicationConfiguration)) == 0 {
		b.Verification = &Verification{Canary: &CanaryEvidence{Results: []CanaryResult{{Outcome: CanaryNoRule,
			Message: "the bucket has no enabled replication rule to send a canary through"}}}}
		return b
	}
	regions := map[string]string{}
	for _, r := range enabledRules(b.ReplicationConfiguration) {
		arn := r.Destination.Bucket
		if _, seen := regions[arn]; seen {
			continue
		}
		dn := destinationName(arn)
		dr, ce := col.bucketRegion(ctx, c, dn, arn)
		if ce != nil {
			b.Errors = append(b.Errors, *ce)
		}
		regions[arn] = dr
	}
	v := &verifyRun{col: col, opts: o.withCanary(), now: o.now()}
	v.bucket(ctx, vc, b, regions)
	return b
}

// withCanary is o with only the canary on.
func (o VerifyOptions) withCanary() VerifyOptions {
	o.Objects, o.Metrics, o.Canary = false, false, true
	return o
}
