package fakeaws

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/aws/smithy-go/encoding/cbor"
)

// CloudWatch is a fake CloudWatch endpoint for GetMetricData, speaking the
// protocol of the SDK's current client, Smithy RPC v2 CBOR (POST
// /service/GraniteServiceVersion20100801/operation/GetMetricData, CBOR map in and
// out, timestamps as tag 1), which moto does not. It serves the data points Put
// stores, per region (the SigV4 scope's), aggregated with the query's statistic
// over the whole query (Maximum, Minimum, Sum, Average, SampleCount).
type CloudWatch struct {
	mu      sync.Mutex
	points  map[MetricKey][]float64
	deny    map[string]bool // regions answering AccessDenied
	calls   map[string]int  // region → GetMetricData requests
	queries int
}

// MetricKey names one AWS/S3 replication metric series in a region.
type MetricKey struct {
	Region, Metric, SourceBucket, DestinationBucket, RuleID string
}

// NewCloudWatch returns an empty fake; serve it with httptest.NewServer.
func NewCloudWatch() *CloudWatch {
	return &CloudWatch{points: map[MetricKey][]float64{}, deny: map[string]bool{}, calls: map[string]int{}}
}

// Put adds data points to a series.
func (c *CloudWatch) Put(k MetricKey, values ...float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.points[k] = append(c.points[k], values...)
}

// Deny makes every request signed for region fail with AccessDenied.
func (c *CloudWatch) Deny(region string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.deny[region] = true
}

// Calls returns the GetMetricData requests served per region, and the queries
// they carried in all.
func (c *CloudWatch) Calls() (map[string]int, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for k, v := range c.calls {
		out[k] = v
	}
	return out, c.queries
}

// ServeHTTP answers GetMetricData.
func (c *CloudWatch) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, region, service, ok := parseAuthorization(r.Header.Get("Authorization"))
	switch {
	case !ok || service != "monitoring":
		cborError(w, http.StatusForbidden, "IncompleteSignature", "IncompleteSignature", "no SigV4 signature for monitoring")
		return
	case r.Method != http.MethodPost || r.URL.Path != "/service/GraniteServiceVersion20100801/operation/GetMetricData" ||
		r.Header.Get("Smithy-Protocol") != "rpc-v2-cbor":
		cborError(w, http.StatusBadRequest, "InvalidAction", "InvalidAction", fmt.Sprintf("%s %s is not GetMetricData over rpc-v2-cbor", r.Method, r.URL.Path))
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		cborError(w, http.StatusBadRequest, "InvalidParameterValue", "InvalidParameterValue", err.Error())
		return
	}
	in, err := cbor.Decode(body)
	req, isMap := in.(cbor.Map)
	if err != nil || !isMap {
		cborError(w, http.StatusBadRequest, "InvalidParameterValue", "InvalidParameterValue", "the body is not a CBOR map")
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.deny[region] {
		cborError(w, http.StatusForbidden, "AccessDenied", "AccessDenied",
			"User is not authorized to perform: cloudwatch:GetMetricData")
		return
	}
	c.calls[region]++
	queries, _ := req["MetricDataQueries"].(cbor.List)
	c.queries += len(queries)
	start := req["StartTime"]
	results := cbor.List{}
	for _, q := range queries {
		qm, _ := q.(cbor.Map)
		id := str(qm["Id"])
		stat, _ := qm["MetricStat"].(cbor.Map)
		metric, _ := stat["Metric"].(cbor.Map)
		k := MetricKey{Region: region, Metric: str(metric["MetricName"])}
		dims, _ := metric["Dimensions"].(cbor.List)
		for _, d := range dims {
			dm, _ := d.(cbor.Map)
			switch str(dm["Name"]) {
			case "SourceBucket":
				k.SourceBucket = str(dm["Value"])
			case "DestinationBucket":
				k.DestinationBucket = str(dm["Value"])
			case "RuleId":
				k.RuleID = str(dm["Value"])
			}
		}
		res := cbor.Map{"Id": cbor.String(id), "Label": cbor.String(k.Metric), "StatusCode": cbor.String("Complete"),
			"Timestamps": cbor.List{}, "Values": cbor.List{}}
		if vs := c.points[k]; len(vs) > 0 && str(metric["Namespace"]) == "AWS/S3" && start != nil {
			res["Timestamps"] = cbor.List{start}
			res["Values"] = cbor.List{cbor.Float64(aggregate(str(stat["Stat"]), vs))}
		}
		results = append(results, res)
	}
	w.Header().Set("Content-Type", "application/cbor")
	w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	w.Write(cbor.Encode(cbor.Map{"MetricDataResults": results, "Messages": cbor.List{}}))
}

func str(v cbor.Value) string {
	s, _ := v.(cbor.String)
	return string(s)
}

func aggregate(stat string, vs []float64) float64 {
	switch stat {
	case "Sum":
		s := 0.0
		for _, v := range vs {
			s += v
		}
		return s
	case "Average":
		return aggregate("Sum", vs) / float64(len(vs))
	case "SampleCount":
		return float64(len(vs))
	case "Minimum":
		return slices.Min(vs)
	}
	return slices.Max(vs)
}

// cborError writes an RPC v2 CBOR error: the body's __type (namespace stripped by
// the client) and lowercase message, and the query-compatible code in
// X-Amzn-Query-Error (CloudWatch is an awsQuery-compatible service).
func cborError(w http.ResponseWriter, status int, typ, code, msg string) {
	w.Header().Set("Content-Type", "application/cbor")
	w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	fault := "Sender"
	if status >= 500 {
		fault = "Receiver"
	}
	w.Header().Set("X-Amzn-Query-Error", code+";"+fault)
	w.WriteHeader(status)
	w.Write(cbor.Encode(cbor.Map{"__type": cbor.String("com.amazonaws.cloudwatch#" + strings.TrimSpace(typ)), "message": cbor.String(msg)}))
}
