package scantest

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Rule matches requests passing through a Proxy and answers them with an AWS
// error instead of forwarding them. Every non-empty match field must match; a
// rule with none matches every request.
type Rule struct {
	// Method is the HTTP method, e.g. "HEAD".
	Method string
	// Bucket is an S3 bucket name: the first segment of a path-style URL.
	Bucket string
	// Query is a query key the S3 request must carry, e.g. "versioning" for
	// GetBucketVersioning or "replication" for GetBucketReplication.
	Query string
	// Action is the Action form field of an IAM or STS request, e.g. "GetRole".
	Action string
	// Target is the operation of an awsJson request (KMS, Organizations), the
	// part of its X-Amz-Target header after the dot, e.g. "DescribeKey".
	Target string
	// Account is an account id: the request must be signed with credentials of
	// that account — credentials that an AssumeRole through this proxy issued for
	// one of its roles, or keys registered with Proxy.RegisterKey.
	Account string
	// RoleAccount is an account id: the request must be an AssumeRole into one of
	// that account's roles.
	RoleAccount string

	// Status is the HTTP status of the answer; 0 means 403, or 400 for an
	// awsJson request (KMS answers AccessDeniedException with 400).
	Status int
	// Code is the AWS error code; "" means "AccessDenied", or
	// "AccessDeniedException" for an awsJson request.
	Code string
	// Message is the error message.
	Message string
}

// Faults are random faults a Proxy injects into the requests no Rule answers.
// Whether a request is faulted depends on Seed, the request (method, path, query,
// body) and how many times the same request was seen before, not on timing: the
// same requests get the same faults in every run, whatever the concurrency (up
// to net/http's own silent resend of an idempotent request whose reused
// connection was reset, which adds an occurrence).
type Faults struct {
	// Seed varies the pattern of faults.
	Seed uint64
	// Rate is the share of requests answered with a fault (0.3 for 30 %).
	Rate float64
	// ResetShare is the share of faults that are connection resets (the
	// connection is closed without an answer); the others are the service's
	// throttling error: 503 SlowDown for S3, 400 Throttling or ThrottlingException
	// for IAM and STS (awsQuery), 400 ThrottlingException for KMS and
	// Organizations (awsJson), 429 TooManyRequestsException for Account
	// Management, 503 RequestLimitExceeded for EC2.
	ResetShare float64
	// Latency is the most a request is delayed before it is answered or forwarded
	// (each request waits a pseudo-random share of it).
	Latency time.Duration
}

// Fault kinds, as counted by Proxy.FaultCounts.
const (
	FaultThrottle = "throttle"
	FaultReset    = "reset"
)

// Proxy is a reverse proxy in front of an AWS endpoint (moto) that injects
// faults. Point the SDK's BaseEndpoint at URL.
type Proxy struct {
	// URL is the proxy's base URL.
	URL string

	srv    *httptest.Server
	rules  []Rule
	faults Faults

	mu     sync.Mutex
	hits   []int
	seen   map[string]int
	counts map[string]int    // "service kind" → faults injected
	keys   map[string]string // access key id → account id
	total  int
	onResp func(*http.Response) error
	routes map[string]http.Handler // SigV4 service → handler serving it instead of the target
}

// NewProxy starts a proxy forwarding to target (a base URL such as Moto.URL)
// that answers the requests rules match with errors. The caller must Close it.
func NewProxy(target string, rules ...Rule) *Proxy {
	return NewFaultProxy(target, Faults{}, rules...)
}

// NewFaultProxy starts a proxy like NewProxy that also injects faults into the
// requests no rule answers.
func NewFaultProxy(target string, faults Faults, rules ...Rule) *Proxy {
	u, err := url.Parse(target)
	if err != nil || u.Scheme == "" || u.Host == "" {
		panic(fmt.Sprintf("scantest.NewProxy: invalid target %q", target))
	}
	p := &Proxy{
		rules: rules, faults: faults, hits: make([]int, len(rules)),
		seen: map[string]int{}, counts: map[string]int{}, keys: map[string]string{},
	}
	rp := &httputil.ReverseProxy{
		Rewrite:        func(r *httputil.ProxyRequest) { r.SetURL(u) },
		ModifyResponse: p.modifyResponse,
	}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, service := credentialScope(r); service != "" {
			p.mu.Lock()
			h := p.routes[service]
			p.mu.Unlock()
			if h != nil {
				h.ServeHTTP(w, r)
				return
			}
		}
		body := readBody(r)
		form := formOf(r, body)
		action := form.Get("Action")
		p.mu.Lock()
		p.total++
		p.mu.Unlock()
		for i, rule := range p.rules {
			if rule.matches(r, action, form, p.accountOf(r)) {
				p.mu.Lock()
				p.hits[i]++
				p.mu.Unlock()
				rule.answer(w, r, action != "")
				return
			}
		}
		if p.fault(w, r, body) {
			return
		}
		if action == "AssumeRole" {
			r = r.WithContext(context.WithValue(r.Context(), roleArnKey{}, form.Get("RoleArn")))
		}
		rp.ServeHTTP(w, r)
	}))
	p.URL = p.srv.URL
	return p
}

// Hits returns how many requests rule number i (in NewProxy's order) answered.
func (p *Proxy) Hits(i int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hits[i]
}

// Requests returns how many requests reached the proxy.
func (p *Proxy) Requests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.total
}

// FaultCounts returns how many faults were injected, by "service kind" (e.g.
// "s3 throttle", "iam reset"), service being the SigV4 signing name.
func (p *Proxy) FaultCounts() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]int, len(p.counts))
	for k, v := range p.counts {
		out[k] = v
	}
	return out
}

// RegisterKey makes requests signed with access key id count as account's for
// Rule.Account (e.g. the static key of the emulator's default account).
func (p *Proxy) RegisterKey(accessKeyID, account string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keys[accessKeyID] = account
}

// Route serves the requests signed for service (the SigV4 scope's name, e.g.
// "monitoring" for CloudWatch) with h instead of the target: a Go fake for what
// the emulator lacks, behind the same endpoint as the rest.
func (p *Proxy) Route(service string, h http.Handler) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.routes == nil {
		p.routes = map[string]http.Handler{}
	}
	p.routes[service] = h
}

// OnResponse sets f to see, and change, every response the proxy forwards from
// the target: a test adds what the emulator cannot (e.g. the
// x-amz-replication-status header S3 sets on a replicated object's HeadObject).
// resp.Request is the request as forwarded.
func (p *Proxy) OnResponse(f func(resp *http.Response) error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.onResp = f
}

func (p *Proxy) modifyResponse(resp *http.Response) error {
	if err := p.learnKeys(resp); err != nil {
		return err
	}
	p.mu.Lock()
	f := p.onResp
	p.mu.Unlock()
	if f == nil {
		return nil
	}
	return f(resp)
}

// Close stops the proxy.
func (p *Proxy) Close() { p.srv.Close() }

// roleArnKey carries an AssumeRole request's RoleArn to learnKeys.
type roleArnKey struct{}

var accessKeyPattern = regexp.MustCompile(`<AccessKeyId>([^<]+)</AccessKeyId>`)

// learnKeys records which account the credentials of an AssumeRole answer belong to.
func (p *Proxy) learnKeys(resp *http.Response) error {
	arn, _ := resp.Request.Context().Value(roleArnKey{}).(string)
	if arn == "" || resp.StatusCode != http.StatusOK {
		return nil
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	if err != nil {
		return nil
	}
	if m := accessKeyPattern.FindSubmatch(data); m != nil {
		p.RegisterKey(string(m[1]), arnAccount(arn))
	}
	return nil
}

// accountOf is the account whose credentials signed r, "" if unknown.
func (p *Proxy) accountOf(r *http.Request) string {
	key, _ := credentialScope(r)
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.keys[key]
}

// credentialScope returns the access key id and the service of r's SigV4
// Authorization header (Credential=AKID/date/region/service/aws4_request).
func credentialScope(r *http.Request) (key, service string) {
	auth := r.Header.Get("Authorization")
	_, cred, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return "", ""
	}
	cred, _, _ = strings.Cut(cred, ",")
	parts := strings.Split(cred, "/")
	if len(parts) < 5 {
		return parts[0], ""
	}
	return parts[0], parts[3]
}

func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) == 6 {
		return parts[4]
	}
	return ""
}

// fault delays r and, when the dice say so, answers it with a fault; it reports
// whether it answered.
func (p *Proxy) fault(w http.ResponseWriter, r *http.Request, body []byte) bool {
	f := p.faults
	if f.Rate <= 0 && f.Latency <= 0 {
		return false
	}
	id := r.Method + " " + r.URL.Path + "?" + r.URL.RawQuery + " " + r.Header.Get("X-Amz-Target") + " " + string(body)
	p.mu.Lock()
	n := p.seen[id]
	p.seen[id]++
	p.mu.Unlock()
	if f.Latency > 0 {
		time.Sleep(time.Duration(dice(f.Seed, id, n, 0) * float64(f.Latency)))
	}
	if dice(f.Seed, id, n, 1) >= f.Rate {
		return false
	}
	_, service := credentialScope(r)
	kind := FaultThrottle
	if dice(f.Seed, id, n, 2) < f.ResetShare {
		kind = FaultReset
	}
	p.mu.Lock()
	p.counts[service+" "+kind]++
	p.mu.Unlock()
	if kind == FaultReset {
		resetConnection(w)
		return true
	}
	throttle(w, r, service, dice(f.Seed, id, n, 3) < 0.5)
	return true
}

// dice returns a number in [0, 1) determined by seed, the request, its occurrence
// and which decision it is for.
func dice(seed uint64, id string, n int, decision byte) float64 {
	h := fnv.New64a()
	var b [17]byte
	binary.LittleEndian.PutUint64(b[:8], seed)
	binary.LittleEndian.PutUint64(b[8:16], uint64(n))
	b[16] = decision
	h.Write(b[:])
	io.WriteString(h, id)
	return float64(h.Sum64()>>11) / float64(1<<53)
}

// resetConnection closes the client's connection without an answer.
func resetConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("scantest: the proxy's ResponseWriter cannot be hijacked")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	conn.Close()
}

// throttle answers with the service's throttling error, in its protocol's shape.
func throttle(w http.ResponseWriter, r *http.Request, service string, alt bool) {
	const requestID = "scantest-throttle"
	w.Header().Set("X-Amzn-Requestid", requestID)
	switch {
	case service == "s3":
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusServiceUnavailable)
		if r.Method != http.MethodHead {
			writeXML(w, struct {
				XMLName   xml.Name `xml:"Error"`
				Code      string
				Message   string
				RequestID string `xml:"RequestId"`
			}{Code: "SlowDown", Message: "Please reduce your request rate.", RequestID: requestID})
		}
	case service == "ec2":
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusServiceUnavailable)
		type ec2Error struct{ Code, Message string }
		writeXML(w, struct {
			XMLName   xml.Name   `xml:"Response"`
			Errors    []ec2Error `xml:"Errors>Error"`
			RequestID string     `xml:"RequestID"`
		}{Errors: []ec2Error{{"RequestLimitExceeded", "Request limit exceeded."}}, RequestID: requestID})
	case service == "account":
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-Errortype", "TooManyRequestsException")
		w.WriteHeader(http.StatusTooManyRequests)
		_ = json.NewEncoder(w).Encode(map[string]string{"message": "Rate exceeded"})
	case r.Header.Get("X-Amz-Target") != "":
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": "ThrottlingException", "message": "Rate exceeded"})
	default: // awsQuery: IAM, STS
		code := "Throttling"
		if alt {
			code = "ThrottlingException"
		}
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusBadRequest)
		type errorDetail struct{ Type, Code, Message string }
		writeXML(w, struct {
			XMLName   xml.Name `xml:"ErrorResponse"`
			Error     errorDetail
			RequestID string `xml:"RequestId"`
		}{Error: errorDetail{"Sender", code, "Rate exceeded"}, RequestID: requestID})
	}
}

func writeXML(w io.Writer, v any) {
	_, _ = io.WriteString(w, xml.Header)
	_ = xml.NewEncoder(w).Encode(v)
}

func (r Rule) matches(req *http.Request, action string, form url.Values, account string) bool {
	if r.Method != "" && !strings.EqualFold(r.Method, req.Method) {
		return false
	}
	if r.Action != "" && r.Action != action {
		return false
	}
	if r.Target != "" {
		_, op, ok := strings.Cut(req.Header.Get("X-Amz-Target"), ".")
		if !ok || op != r.Target {
			return false
		}
	}
	if r.Bucket != "" {
		if action != "" || req.Header.Get("X-Amz-Target") != "" {
			return false
		}
		first, _, _ := strings.Cut(strings.TrimPrefix(req.URL.Path, "/"), "/")
		if first != r.Bucket {
			return false
		}
	}
	if r.Query != "" {
		if _, ok := req.URL.Query()[r.Query]; !ok {
			return false
		}
	}
	if r.Account != "" && r.Account != account {
		return false
	}
	if r.RoleAccount != "" && (action != "AssumeRole" || arnAccount(form.Get("RoleArn")) != r.RoleAccount) {
		return false
	}
	return true
}

// answer writes the error the way the service would: S3 (REST-XML) with an
// unwrapped <Error> and no body for HEAD; IAM and STS (awsQuery) with
// <ErrorResponse>; KMS and other awsJson services with {"__type", "message"}.
func (r Rule) answer(w http.ResponseWriter, req *http.Request, query bool) {
	if req.Header.Get("X-Amz-Target") != "" {
		r.answerJSON(w)
		return
	}
	status, code := r.Status, r.Code
	if status == 0 {
		status = http.StatusForbidden
	}
	if code == "" {
		code = "AccessDenied"
	}
	const requestID = "scantest-proxy"
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("X-Amzn-Requestid", requestID)
	w.WriteHeader(status)
	if req.Method == http.MethodHead {
		return
	}
	var body any
	if query {
		type errorDetail struct {
			Type    string
			Code    string
			Message string
		}
		body = struct {
			XMLName   xml.Name `xml:"ErrorResponse"`
			Error     errorDetail
			RequestID string `xml:"RequestId"`
		}{Error: errorDetail{Type: "Sender", Code: code, Message: r.Message}, RequestID: requestID}
	} else {
		body = struct {
			XMLName   xml.Name `xml:"Error"`
			Code      string
			Message   string
			RequestID string `xml:"RequestId"`
		}{Code: code, Message: r.Message, RequestID: requestID}
	}
	writeXML(w, body)
}

func (r Rule) answerJSON(w http.ResponseWriter) {
	status, code := r.Status, r.Code
	if status == 0 {
		status = http.StatusBadRequest
	}
	if code == "" {
		code = "AccessDeniedException"
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", "scantest-proxy")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": r.Message})
}

// readBody reads r's body and leaves it readable for the upstream server.
func readBody(r *http.Request) []byte {
	if r.Body == nil {
		return nil
	}
	data, err := io.ReadAll(r.Body)
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(data))
	if err != nil {
		return nil
	}
	return data
}

// formOf returns the form of an awsQuery (IAM, STS) request; empty for other requests.
func formOf(r *http.Request, body []byte) url.Values {
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return url.Values{}
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return url.Values{}
	}
	return form
}
