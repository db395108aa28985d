package scanner

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// ComponentVerification is the live evidence that replication works (object
// status, metrics, canary): a failed verification read makes it unknown, and only
// the CRR-08x checks require it.
const ComponentVerification = "verification"

// Replication statuses as S3 reports them on a source object version
// (x-amz-replication-status; the inventory's ReplicationStatus column).
// StatusNone stands for an eligible-looking version that carries none.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-status.html
const (
	StatusCompleted = "COMPLETED"
	StatusPending   = "PENDING"
	StatusFailed    = "FAILED"
	StatusReplica   = "REPLICA"
	StatusNone      = "NONE"
)

// Defaults of VerifyOptions.
const (
	DefaultVerifySample     = 1000
	DefaultVerifyHeads      = 20
	DefaultPendingThreshold = time.Hour
	// RTCPendingThreshold is the pending threshold of a rule with Replication Time
	// Control: S3 RTC replicates 99.99 % of new objects within 15 minutes.
	RTCPendingThreshold  = 15 * time.Minute
	DefaultMetricsWindow = 24 * time.Hour
	DefaultCanaryTimeout = 15 * time.Minute
	// maxSampleKeys bounds the sample keys the evidence keeps per status and rule.
	maxSampleKeys = 5
)

// VerifyOptions turns on the verification modes (all off by default) and bounds them.
type VerifyOptions struct {
	// Objects reads object evidence of every bucket that replicates: S3 Inventory
	// where a configuration delivers ReplicationStatus, else a bounded sample.
	Objects bool
	// Sample bounds the versions listed per bucket (0: DefaultVerifySample).
	Sample int
	// Heads bounds the HeadObject calls per bucket (0: DefaultVerifyHeads).
	Heads int
	// PendingThreshold is how long a version may stay PENDING (0:
	// DefaultPendingThreshold; a rule with RTC at most RTCPendingThreshold).
	PendingThreshold time.Duration
	// Metrics reads the CloudWatch replication metrics of rules that publish them.
	Metrics bool
	// MetricsWindow is how far back the metrics are read (0: DefaultMetricsWindow).
	MetricsWindow time.Duration
	// Canary writes a canary object per enabled rule and waits for its replica:
	// the only mode that writes (PutObject, DeleteObject of its own versions).
	Canary bool
	// CanaryTimeout bounds the wait for a replica (0: DefaultCanaryTimeout).
	CanaryTimeout time.Duration
	// CanaryPoll is the pause between two HeadObject polls (0: 5 s).
	CanaryPoll time.Duration
	// Now is the clock (nil: time.Now); tests pin it.
	Now func() time.Time
}

// Enabled reports whether any verification mode is on.
func (o VerifyOptions) Enabled() bool { return o.Objects || o.Metrics || o.Canary }

func (o VerifyOptions) sample() int { return positive(o.Sample, DefaultVerifySample) }
func (o VerifyOptions) heads() int  { return positive(o.Heads, DefaultVerifyHeads) }
func (o VerifyOptions) pending() time.Duration {
	return positiveDuration(o.PendingThreshold, DefaultPendingThreshold)
}
func (o VerifyOptions) window() time.Duration {
	return positiveDuration(o.MetricsWindow, DefaultMetricsWindow)
}
func (o VerifyOptions) canaryTimeout() time.Duration {
	return positiveDuration(o.CanaryTimeout, DefaultCanaryTimeout)
}
func (o VerifyOptions) canaryPoll() time.Duration {
	return positiveDuration(o.CanaryPoll, 5*time.Second)
}
func (o VerifyOptions) now() time.Time {
	if o.Now != nil {
		return o.Now().UTC()
	}
	return time.Now().UTC()
}

func positive(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

func positiveDuration(v, def time.Duration) time.Duration {
	if v > 0 {
		return v
	}
	return def
}

// ObjectsAPI is the part of the S3 client object verification calls: inventory
// configurations and manifests, version listings and HeadObject. GetObject reads
// only inventory manifests and inventory files, never the bucket's data objects.
type ObjectsAPI interface {
	ListBucketInventoryConfigurations(ctx context.Context, in *s3.ListBucketInventoryConfigurationsInput, optFns ...func(*s3.Options)) (*s3.ListBucketInventoryConfigurationsOutput, error)
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, optFns ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	ListObjectVersions(ctx context.Context, in *s3.ListObjectVersionsInput, optFns ...func(*s3.Options)) (*s3.ListObjectVersionsOutput, error)
	HeadObject(ctx context.Context, in *s3.HeadObjectInput, optFns ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
}

// CanaryAPI is the part of the S3 client the canary calls: the only writes of a
// scan, each on the canary's own object.
type CanaryAPI interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	HeadObject(ctx context.Context, in *s3.HeadObjectInput, optFns ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
	DeleteObject(ctx context.Context, in *s3.DeleteObjectInput, optFns ...func(*s3.Options)) (*s3.DeleteObjectOutput, error)
}

// CloudWatchAPI is the part of the CloudWatch client metrics verification calls.
type CloudWatchAPI interface {
	GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error)
}

// VerifyClients are the clients of one account that verification needs, per
// region. The SDK-backed Clients implement it.
type VerifyClients interface {
	Objects(region string) ObjectsAPI
	Canary(region string) CanaryAPI
	CloudWatch(region string) CloudWatchAPI
}

// Verification is the evidence, beyond the configuration, that a bucket's
// replication works. Each part is nil when its mode was off.
type Verification struct {
	Objects *ObjectEvidence  `json:"Objects,omitempty"`
	Metrics *MetricsEvidence `json:"Metrics,omitempty"`
	Canary  *CanaryEvidence  `json:"Canary,omitempty"`
	// Requests counts the requests verification made for the bucket, by operation.
	Requests map[string]int `json:"Requests,omitempty"`
}

// ObjectEvidence counts object versions by replication status, per enabled rule.
type ObjectEvidence struct {
	// Source is "inventory" (every version the latest inventory lists) or
	// "sample" (the versions HeadObject read).
	Source     string    `json:"Source"`
	ObservedAt time.Time `json:"ObservedAt"`
	// Inventory is the inventory used or considered (nil: the bucket has no
	// inventory configuration that delivers ReplicationStatus).
	Inventory *InventoryEvidence `json:"Inventory,omitempty"`
	// Listed is the number of versions listed (sample) or read (inventory);
	// Headed the number of HeadObject calls (sample).
	Listed int `json:"Listed"`
	Headed int `json:"Headed"`
	// Unreadable counts the sampled versions HeadObject could not read (400: an
	// SSE-C object, whose headers need its customer key).
	Unreadable int `json:"Unreadable,omitempty"`
	// Truncated is true when the listing stopped at the sample bound.
	Truncated bool          `json:"Truncated"`
	Rules     []RuleObjects `json:"Rules"`
}

// InventoryEvidence describes the S3 Inventory report read (or why none was).
type InventoryEvidence struct {
	ConfigurationID string `json:"ConfigurationId"`
	// Bucket is the inventory's destination bucket ARN; ManifestKey the manifest read.
	Bucket      string     `json:"Bucket"`
	ManifestKey string     `json:"ManifestKey,omitempty"`
	Format      string     `json:"Format"`
	Frequency   string     `json:"Frequency,omitempty"`
	CreatedAt   *time.Time `json:"CreatedAt,omitempty"`
	// AgeHours is how old the manifest was when read; Stale is true when it is
	// older than two delivery periods (a daily report older than 48 hours).
	AgeHours float64 `json:"AgeHours"`
	Stale    bool    `json:"Stale"`
	// Unsupported says why the inventory could not be used ("" when it was).
	Unsupported string `json:"Unsupported,omitempty"`
}

// RuleObjects are the status counts of the versions an enabled rule covers.
type RuleObjects struct {
	RuleID      string `json:"RuleId"`
	Destination string `json:"Destination"`
	Prefix      string `json:"Prefix"`
	// TagFiltered is true when the rule also filters by tags, which neither the
	// inventory nor the listing show: its NONE count may hold objects it does not cover.
	TagFiltered bool `json:"TagFiltered"`
	RTC         bool `json:"RTC"`
	// PendingThresholdMinutes is how long a version may stay PENDING under this rule.
	PendingThresholdMinutes int `json:"PendingThresholdMinutes"`
	Versions                int `json:"Versions"`
	Completed               int `json:"Completed"`
	Pending                 int `json:"Pending"`
	// PendingOverThreshold are the PENDING versions older than the threshold.
	PendingOverThreshold int `json:"PendingOverThreshold"`
	Failed               int `json:"Failed"`
	Replica              int `json:"Replica"`
	None                 int `json:"None"`
	// Samples are up to five versions per status (FAILED, PENDING — over the
	// threshold —, NONE).
	Samples map[string][]ObjectVersionRef `json:"Samples,omitempty"`
}

// ObjectVersionRef names one object version.
type ObjectVersionRef struct {
	Key          string     `json:"Key"`
	VersionID    string     `json:"VersionId,omitempty"`
	LastModified *time.Time `json:"LastModified,omitempty"`
}

// verifyRun is one scan's verification: options and the clock.
type verifyRun struct {
	col  *collector
	opts VerifyOptions
	now  time.Time
}

// counter counts one bucket's verification requests.
type counter struct {
	mu sync.Mutex
	m  map[string]int
}

func (c *counter) add(op string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]int{}
	}
	c.m[op]++
}

// verify reads the evidence of every replicating bucket of s (in place), after the
// destinations: metrics and the canary need the destination's region.
func (col *collector) verify(ctx context.Context, s *Snapshot) {
	o := col.opts.Verify
	if !o.Enabled() {
		return
	}
	v := &verifyRun{col: col, opts: o, now: o.now()}
	regions := map[string]string{}
	for _, d := range s.Destinations {
		regions[d.Arn] = d.Region
	}
	var work []*Bucket
	for i := range s.Buckets {
		b := &s.Buckets[i]
		if b.ReplicationConfiguration != nil && b.Region != "" && len(enabledRules(b.ReplicationConfiguration)) > 0 {
			work = append(work, b)
		}
	}
	col.log.Info("verifying replication", "buckets", len(work), "objects", o.Objects, "metrics", o.Metrics, "canary", o.Canary)
	col.forEach(len(work), func(i int) {
		b := work[i]
		a := col.accounts[b.AccountID]
		if a == nil {
			return
		}
		vc, ok := a.clients.(VerifyClients)
		if !ok {
			b.Errors = append(b.Errors, CollectionError{Operation: "Verify", Code: "Unsupported",
				Message: "these clients cannot verify replication", Resource: b.Arn, Component: ComponentVerification})
			return
		}
		v.bucket(ctx, vc, b, regions)
	})
}

// bucket reads one bucket's evidence in every mode that is on.
func (v *verifyRun) bucket(ctx context.Context, vc VerifyClients, b *Bucket, destRegions map[string]string) {
	cnt := &counter{}
	ver := &Verification{}
	if v.opts.Objects {
		ver.Objects = v.objects(ctx, vc.Objects(b.Region), b, cnt)
	}
	if v.opts.Metrics {
		ver.Metrics = v.metrics(ctx, vc, b, destRegions, cnt)
	}
	if v.opts.Canary {
		ver.Canary = v.canary(ctx, vc, b, destRegions, cnt)
	}
	ver.Requests = cnt.m
	b.Verification = ver
}

// fail records a failed verification read on b.
func (v *verifyRun) fail(b *Bucket, op, resource string, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	b.Errors = append(b.Errors, v.col.failed(op, resource, ComponentVerification, err))
}

// indexedRule is a rule with its position in the configuration.
type indexedRule struct {
	ReplicationRule
	index int
}

// enabledRules are cfg's enabled rules with their position, in order.
func enabledRules(cfg *ReplicationConfiguration) []indexedRule {
	var out []indexedRule
	for i, r := range cfg.Rules {
		if r.Status == "Enabled" {
			out = append(out, indexedRule{r, i})
		}
	}
	return out
}

// ruleTags are the tags a rule's filter requires.
func ruleTags(r ReplicationRule) []Tag {
	switch f := r.Filter; {
	case f == nil:
		return nil
	case f.Tag != nil:
		return []Tag{*f.Tag}
	case f.And != nil:
		return f.And.Tags
	}
	return nil
}

// ruleRTC reports whether a rule has Replication Time Control enabled.
func ruleRTC(r ReplicationRule) bool {
	return r.Destination.ReplicationTime != nil && r.Destination.ReplicationTime.Status == "Enabled"
}

// label is the rule's ID, or "#n" (its 1-based position) without one, as
// crr.lib.replication labels rules.
func (r indexedRule) label() string {
	if r.ID != nil && *r.ID != "" {
		return *r.ID
	}
	return fmt.Sprintf("#%d", r.index+1)
}

// tally counts versions by status into the rules whose prefix covers their key.
type tally struct {
	rules []*RuleObjects
	// thresholds are the rules' pending thresholds.
	thresholds []time.Duration
	now        time.Time
}

func newTally(cfg *ReplicationConfiguration, o VerifyOptions, now time.Time) *tally {
	t := &tally{now: now}
	for _, r := range enabledRules(cfg) {
		th := o.pending()
		if ruleRTC(r.ReplicationRule) {
			th = min(th, RTCPendingThreshold)
		}
		t.rules = append(t.rules, &RuleObjects{
			RuleID: r.label(), Destination: r.Destination.Bucket, Prefix: rulePrefix(r.ReplicationRule),
			TagFiltered: len(ruleTags(r.ReplicationRule)) > 0, RTC: ruleRTC(r.ReplicationRule), PendingThresholdMinutes: int(th / time.Minute),
		})
		t.thresholds = append(t.thresholds, th)
	}
	return t
}

// add counts one version with the given status ("" is NONE); lastModified may be nil.
func (t *tally) add(key, versionID, status string, lastModified *time.Time) {
	status = strings.ToUpper(strings.TrimSpace(status))
	switch status {
	case "", "NONE":
		status = StatusNone
	case "COMPLETE":
		// The SDK enum also carries COMPLETE; S3 documents COMPLETED.
		status = StatusCompleted
	}
	for i, r := range t.rules {
		if !strings.HasPrefix(key, r.Prefix) {
			continue
		}
		r.Versions++
		sample := ""
		switch status {
		case StatusCompleted:
			r.Completed++
		case StatusPending:
			r.Pending++
			if lastModified != nil && t.now.Sub(*lastModified) > t.thresholds[i] {
				r.PendingOverThreshold++
				sample = StatusPending
			}
		case StatusFailed:
			r.Failed++
			sample = StatusFailed
		case StatusReplica:
			r.Replica++
		default:
			r.None++
			sample = StatusNone
		}
		if sample != "" && len(r.Samples[sample]) < maxSampleKeys {
			if r.Samples == nil {
				r.Samples = map[string][]ObjectVersionRef{}
			}
			ref := ObjectVersionRef{Key: key, VersionID: versionID}
			if lastModified != nil {
				lm := lastModified.UTC()
				ref.LastModified = &lm
			}
			r.Samples[sample] = append(r.Samples[sample], ref)
		}
	}
}

func (t *tally) result() []RuleObjects {
	out := make([]RuleObjects, 0, len(t.rules))
	for _, r := range t.rules {
		out = append(out, *r)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].RuleID < out[j].RuleID })
	return out
}

// VerificationRequests sums the verification requests of every bucket of s, by operation.
func VerificationRequests(s *Snapshot) map[string]int {
	out := map[string]int{}
	for _, b := range s.Buckets {
		if b.Verification == nil {
			continue
		}
		for op, n := range b.Verification.Requests {
			out[op] += n
		}
	}
	return out
}
