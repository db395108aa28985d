package scanner

import (
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"

	"github.com/crrscan/crrscan/scanner/fakeaws"
	"github.com/crrscan/crrscan/scanner/scantest"
)

// cwClients are moto's clients with CloudWatch served by the CBOR fake (moto
// 5.2.1 does not speak the SDK's RPC v2 CBOR).
type cwClients struct {
	*awsClients
	url string
}

func (c cwClients) CloudWatch(region string) CloudWatchAPI {
	return cloudwatch.NewFromConfig(scantest.AWSConfig(c.url, region))
}

func regionMetrics(t *testing.T, ev *MetricsEvidence, rule string) map[string]RegionMetrics {
	t.Helper()
	if ev == nil {
		t.Fatal("no metrics evidence")
	}
	for _, r := range ev.Rules {
		if r.RuleID == rule {
			out := map[string]RegionMetrics{}
			for _, m := range r.Regions {
				out[m.Region] = m
			}
			return out
		}
	}
	t.Fatalf("no rule %s in %+v", rule, ev.Rules)
	return nil
}

func TestScanMotoVerifyMetrics(t *testing.T) {
	m := moto.Require(t)
	s := newSeeder(t, m.URL)
	role := s.role("vm-role", nil)
	dst := s.bucket("vm-dst", "eu-west-1", true)
	for _, b := range []string{"vm-fail", "vm-late", "vm-ok", "vm-nodata"} {
		s.bucket(b, "us-east-1", true)
		s.replicateAll(b, "us-east-1", role, dst, true)
	}
	s.bucket("vm-nometrics", "us-east-1", true)
	s.replicateAll("vm-nometrics", "us-east-1", role, dst, false)

	cw := fakeaws.NewCloudWatch()
	key := func(region, metric, src string) fakeaws.MetricKey {
		return fakeaws.MetricKey{Region: region, Metric: metric, SourceBucket: src, DestinationBucket: "vm-dst", RuleID: "all"}
	}
	cw.Put(key("us-east-1", "OperationsFailedReplication", "vm-fail"), 2, 3)
	cw.Put(key("eu-west-1", "ReplicationLatency", "vm-late"), 40, 1200)
	cw.Put(key("us-east-1", "ReplicationLatency", "vm-ok"), 30)
	cw.Put(key("us-east-1", "OperationsFailedReplication", "vm-ok"), 0)
	srv := httptest.NewServer(cw)
	defer srv.Close()

	c := cwClients{newAWSClients(scantest.AWSConfig(m.URL, "us-east-1")), srv.URL}
	snap := scanMoto(t, c, func(o *Options) { o.Verify = VerifyOptions{Metrics: true} })
	if !snap.Complete() {
		t.Fatalf("snapshot incomplete: %s", mustJSON(t, snap))
	}
	f := func(v float64) *float64 { return &v }
	fail := regionMetrics(t, bucketNamed(t, snap, "vm-fail").Verification.Metrics, "all")
	if got := fail["us-east-1"]; got.SumOperationsFailed == nil || *got.SumOperationsFailed != 5 || got.DataPoints != 1 {
		t.Errorf("vm-fail us-east-1 = %+v, want 5 failed operations", got)
	}
	late := regionMetrics(t, bucketNamed(t, snap, "vm-late").Verification.Metrics, "all")
	if got := late["eu-west-1"]; !reflect.DeepEqual(got.MaxReplicationLatency, f(1200)) {
		t.Errorf("vm-late eu-west-1 = %+v, want a 1200 s latency read in the destination's region", got)
	}
	nodata := regionMetrics(t, bucketNamed(t, snap, "vm-nodata").Verification.Metrics, "all")
	if len(nodata) != 2 || nodata["us-east-1"].DataPoints != 0 || nodata["eu-west-1"].DataPoints != 0 || nodata["us-east-1"].MaxReplicationLatency != nil {
		t.Errorf("vm-nodata = %+v, want both regions read, no data point", nodata)
	}
	if ev := bucketNamed(t, snap, "vm-nometrics").Verification.Metrics; len(ev.Rules) != 0 {
		t.Errorf("vm-nometrics rules = %+v, want none (metrics off)", ev.Rules)
	}
	// One batched call per bucket and region: 4 buckets × 2 regions, 4 queries each.
	calls, queries := cw.Calls()
	if want := map[string]int{"us-east-1": 4, "eu-west-1": 4}; !reflect.DeepEqual(calls, want) || queries != 32 {
		t.Errorf("GetMetricData calls %v with %d queries, want %v with 32", calls, queries, want)
	}

	t.Run("denied", func(t *testing.T) {
		cw.Deny("eu-west-1")
		snap := scanMoto(t, c, func(o *Options) { o.Verify = VerifyOptions{Metrics: true} })
		b := bucketNamed(t, snap, "vm-fail")
		if len(b.Errors) != 1 || b.Errors[0].Operation != "GetMetricData" || b.Errors[0].Code != "AccessDenied" || b.Errors[0].Component != ComponentVerification {
			t.Errorf("vm-fail errors = %+v, want one GetMetricData AccessDenied", b.Errors)
		}
	})
}
