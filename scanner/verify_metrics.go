package scanner

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// maxQueriesPerCall is GetMetricData's limit on MetricDataQueries per request.
const maxQueriesPerCall = 500

// replicationMetrics are the AWS/S3 replication metrics read per rule, with the
// statistic that means something for each.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/repl-metrics.html
var replicationMetrics = []struct{ name, stat, id string }{
	{"ReplicationLatency", "Maximum", "lat"},
	{"OperationsPendingReplication", "Maximum", "ops"},
	{"BytesPendingReplication", "Maximum", "bytes"},
	{"OperationsFailedReplication", "Sum", "fail"},
}

// MetricsEvidence is what CloudWatch says about the rules that publish
// replication metrics, over the window.
type MetricsEvidence struct {
	WindowHours float64       `json:"WindowHours"`
	From        time.Time     `json:"From"`
	To          time.Time     `json:"To"`
	Rules       []RuleMetrics `json:"Rules"`
}

// RuleMetrics are one rule's metrics in each region read.
type RuleMetrics struct {
	RuleID      string          `json:"RuleId"`
	Destination string          `json:"Destination"`
	RTC         bool            `json:"RTC"`
	Regions     []RegionMetrics `json:"Regions"`
}

// RegionMetrics are one rule's metrics in one region. A nil value had no data point.
type RegionMetrics struct {
	Region string `json:"Region"`
	// DataPoints counts the data points of all four metrics: 0 means CloudWatch
	// has nothing, which says nothing about health.
	DataPoints            int      `json:"DataPoints"`
	MaxReplicationLatency *float64 `json:"MaxReplicationLatencySeconds"`
	MaxOperationsPending  *float64 `json:"MaxOperationsPendingReplication"`
	MaxBytesPending       *float64 `json:"MaxBytesPendingReplication"`
	SumOperationsFailed   *float64 `json:"SumOperationsFailedReplication"`
}

// metricsRule is a rule that publishes metrics, with its query ids' stem.
type metricsRule struct {
	indexedRule
	stem string
}

// metrics reads, in the source and the destination region, the replication
// metrics of b's enabled rules that publish them (Metrics or RTC enabled), with
// one GetMetricData per region for up to 125 rules.
func (v *verifyRun) metrics(ctx context.Context, vc VerifyClients, b *Bucket, destRegions map[string]string, cnt *counter) *MetricsEvidence {
	window := v.opts.window()
	ev := &MetricsEvidence{WindowHours: window.Hours(), From: v.now.Add(-window), To: v.now}
	var rules []metricsRule
	for _, r := range enabledRules(b.ReplicationConfiguration) {
		m := r.Destination.Metrics
		if (m == nil || m.Status != "Enabled") && !ruleRTC(r.ReplicationRule) {
			continue
		}
		rules = append(rules, metricsRule{r, fmt.Sprintf("r%d", r.index)})
	}
	regionsOf := func(r metricsRule) []string {
		out := []string{b.Region}
		if d := destRegions[r.Destination.Bucket]; d != "" && d != b.Region {
			out = append(out, d)
		}
		return out
	}
	// region → rule stem → metrics
	got := map[string]map[string]*RegionMetrics{}
	byRegion := map[string][]metricsRule{}
	var order []string
	for _, r := range rules {
		for _, reg := range regionsOf(r) {
			if _, ok := byRegion[reg]; !ok {
				order = append(order, reg)
			}
			byRegion[reg] = append(byRegion[reg], r)
		}
	}
	for _, reg := range order {
		got[reg] = v.readMetrics(ctx, vc.CloudWatch(reg), b, reg, byRegion[reg], ev, window, cnt)
	}
	for _, r := range rules {
		rm := RuleMetrics{RuleID: r.label(), Destination: r.Destination.Bucket, RTC: ruleRTC(r.ReplicationRule)}
		for _, reg := range regionsOf(r) {
			if m := got[reg][r.stem]; m != nil {
				rm.Regions = append(rm.Regions, *m)
			}
		}
		ev.Rules = append(ev.Rules, rm)
	}
	return ev
}

// readMetrics reads the rules' metrics in one region, in batches of
// maxQueriesPerCall queries; nil when a call failed (recorded on b).
func (v *verifyRun) readMetrics(ctx context.Context, cw CloudWatchAPI, b *Bucket, region string, rules []metricsRule, ev *MetricsEvidence, window time.Duration, cnt *counter) map[string]*RegionMetrics {
	out := map[string]*RegionMetrics{}
	var queries []cwtypes.MetricDataQuery
	for _, r := range rules {
		out[r.stem] = &RegionMetrics{Region: region}
		dims := []cwtypes.Dimension{
			{Name: aws.String("SourceBucket"), Value: aws.String(b.Name)},
			{Name: aws.String("DestinationBucket"), Value: aws.String(destinationName(r.Destination.Bucket))},
			{Name: aws.String("RuleId"), Value: aws.String(r.label())},
		}
		for _, m := range replicationMetrics {
			queries = append(queries, cwtypes.MetricDataQuery{
				Id: aws.String(r.stem + "_" + m.id),
				MetricStat: &cwtypes.MetricStat{
					Metric: &cwtypes.Metric{Namespace: aws.String("AWS/S3"), MetricName: aws.String(m.name), Dimensions: dims},
					// One period over the whole window, a multiple of 60 seconds.
					Period: aws.Int32(int32(max(60, int(window.Seconds())/60*60))),
					Stat:   aws.String(m.stat),
				},
				ReturnData: aws.Bool(true),
			})
		}
	}
	for start := 0; start < len(queries); start += maxQueriesPerCall {
		in := &cloudwatch.GetMetricDataInput{
			StartTime: aws.Time(ev.From), EndTime: aws.Time(ev.To),
			MetricDataQueries: queries[start:min(len(queries), start+maxQueriesPerCall)],
		}
		for {
			cnt.add("GetMetricData")
			page, err := cw.GetMetricData(ctx, in)
			if err != nil {
				v.fail(b, "GetMetricData", fmt.Sprintf("%s (CloudWatch %s)", b.Arn, region), err)
				return nil
			}
			for _, res := range page.MetricDataResults {
				stem, id, ok := strings.Cut(aws.ToString(res.Id), "_")
				m := out[stem]
				if !ok || m == nil {
					continue
				}
				m.DataPoints += len(res.Values)
				for _, val := range res.Values {
					switch id {
					case "lat":
						m.MaxReplicationLatency = maxOf(m.MaxReplicationLatency, val)
					case "ops":
						m.MaxOperationsPending = maxOf(m.MaxOperationsPending, val)
					case "bytes":
						m.MaxBytesPending = maxOf(m.MaxBytesPending, val)
					case "fail":
						s := val
						if m.SumOperationsFailed != nil {
							s += *m.SumOperationsFailed
						}
						m.SumOperationsFailed = &s
					}
				}
			}
			if page.NextToken == nil {
				break
			}
			in.NextToken = page.NextToken
		}
	}
	return out
}

func maxOf(cur *float64, v float64) *float64 {
	if cur == nil || v > *cur {
		return &v
	}
	return cur
}

// destinationName is the bucket name of a destination ARN (the text itself when
// it is not a bucket ARN: the call then fails and says so).
func destinationName(arn string) string {
	if n, ok := bucketNameOf(arn); ok {
		return n
	}
	return arn
}
