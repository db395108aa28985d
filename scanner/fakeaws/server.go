// Package fakeaws is an in-process fake of the AWS APIs crrscan reads, for tests
// and benchmarks that drive the real SDK clients: point them at Server.URL with
// BaseEndpoint, path-style S3 and the credentials of AccessKey.
//
// It speaks each service's wire protocol (S3 REST-XML; IAM and STS awsQuery;
// Organizations and KMS awsJson1_1; Account restJson1; EC2 ec2Query), answers
// from a read-only Estate, and dispatches on the service of the SigV4 credential
// scope. The access key names the caller's account: AccessKey gives an account's
// long-term key and AssumeRole hands out session keys of the target account. S3
// enforces what real S3 does on one endpoint: a bucket is read with its own
// account's credentials and in its own region (else 403 AccessDenied or 301
// PermanentRedirect); HeadBucket answers x-amz-bucket-region to anyone.
//
// Every request can be slowed by a fixed latency, answered with the service's
// throttling error at a given rate, or failed by a Fault hook, and is counted
// by service, operation, bucket kind and resource (Stats). Requests without a
// SigV4 Authorization header to /__fakeaws/stats read the counters as JSON.
// Signatures are not verified.
package fakeaws

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options tune a Server.
type Options struct {
	// Latency is added to every request before it is answered.
	Latency time.Duration
	// Throttle is the fraction (0..1) of requests answered with the service's
	// throttling error (S3 503 SlowDown, IAM/STS 400 Throttling, KMS
	// ThrottlingException, Organizations TooManyRequestsException, …).
	Throttle float64
	// Seed makes the throttled requests a different deterministic sequence.
	Seed uint64
	// OmitBucketRegion makes ListBuckets never return BucketRegion (as moto does);
	// real S3 returns it whenever the request carries a query parameter.
	OmitBucketRegion bool
	// Fault, when set, sees every authenticated request before it is served and
	// may fail it: a non-nil answer is sent in the service's error format.
	Fault func(Call) *APIError
	// SampleEvery, when set, records the number of requests in flight at this
	// interval, from the first request on (Stats.InFlight).
	SampleEvery time.Duration
}

// Call describes a request for Options.Fault.
type Call struct {
	// Service is the SigV4 service name: s3, iam, sts, organizations, kms, account, ec2.
	Service string
	// Operation is the API operation, e.g. GetBucketReplication or GetRole.
	Operation string
	// Account is the caller's account; Region the region the request is signed for.
	Account string
	Region  string
	// Resource is what the request names: the bucket, role name, policy ARN,
	// key id or ARN, or the role ARN of AssumeRole ("" when none).
	Resource string
}

// APIError is an AWS error answer.
type APIError struct {
	// Status is the HTTP status; Code the AWS error code.
	Status  int
	Code    string
	Message string
	// Header holds extra response headers, e.g. x-amz-bucket-region.
	Header http.Header
}

func (e *APIError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

func apiError(status int, code, format string, args ...any) *APIError {
	return &APIError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Server is a running fake. It is safe for concurrent use.
type Server struct {
	// URL is the base URL to use as the SDK's BaseEndpoint.
	URL string

	opts  Options
	srv   *httptest.Server
	index *index
	stats *counters
	stop  chan struct{}

	sessions sync.Map // session access key -> session
	nextSess atomic.Uint64
	reqSeq   atomic.Uint64
}

// session is an AssumeRole session.
type session struct {
	account, role, name string
}

// NewServer starts a fake serving e on 127.0.0.1. The caller must Close it.
func NewServer(e *Estate, o Options) *Server {
	s := &Server{opts: o, index: newIndex(e), stop: make(chan struct{})}
	s.stats = newCounters(s.index)
	if o.SampleEvery > 0 {
		go s.stats.sample(o.SampleEvery, s.stop)
	}
	s.srv = httptest.NewServer(s)
	s.URL = s.srv.URL
	return s
}

// Close stops the server.
func (s *Server) Close() {
	close(s.stop)
	s.srv.Close()
}

// AccessKey returns the long-term access key id of account. Any secret key and
// no session token go with it.
func AccessKey(account string) string { return "AKIA" + account + "FAKE" }

// sessionKey returns the access key id of the n-th AssumeRole session, in account.
func sessionKey(account string, n uint64) string {
	return fmt.Sprintf("ASIA%s%04X", account, n&0xFFFF) + strconv.FormatUint(n, 36)
}

// callerOf returns the account an access key id belongs to.
func (s *Server) callerOf(akid string) (account string, ok bool) {
	if len(akid) < 16 || (akid[:4] != "AKIA" && akid[:4] != "ASIA") {
		return "", false
	}
	account = akid[4:16]
	if akid[:4] == "ASIA" {
		if _, known := s.sessions.Load(akid); !known {
			return "", false
		}
	}
	a, exists := s.index.accounts[account]
	if !exists || !active(a) {
		return "", false
	}
	return account, true
}

func active(a Account) bool { return a.State == "" || a.State == "ACTIVE" }

// ServeHTTP dispatches a request on its SigV4 credential scope.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	akid, region, service, ok := parseAuthorization(r.Header.Get("Authorization"))
	if !ok {
		s.serveAdmin(w, r)
		return
	}
	reqID := fmt.Sprintf("FAKE%012X", s.reqSeq.Add(1))
	w.Header().Set("x-amz-request-id", reqID)
	w.Header().Set("x-amzn-RequestId", reqID)

	in := s.stats.enter()
	defer s.stats.leave(in)

	rq := &request{w: w, r: r, srv: s, service: service, region: region, akid: akid, reqID: reqID, bucket: -1}
	var h handler
	switch service {
	case "s3":
		h = s3Service{}
	case "iam":
		h = iamService{}
	case "sts":
		h = stsService{}
	case "organizations":
		h = orgService{}
	case "kms":
		h = kmsService{}
	case "account":
		h = accountService{}
	case "ec2":
		h = ec2Service{}
	default:
		http.Error(w, "fakeaws: unsupported service "+service, http.StatusNotImplemented)
		return
	}
	if err := h.parse(rq); err != nil {
		s.finish(rq, h, err)
		return
	}
	s.stats.count(rq)
	if s.opts.Latency > 0 {
		t := time.NewTimer(s.opts.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if s.throttled() {
		s.stats.throttle(rq)
		s.finish(rq, h, throttleError(service))
		return
	}
	account, known := s.callerOf(akid)
	if !known {
		s.finish(rq, h, authError(service))
		return
	}
	rq.account = account
	if s.opts.Fault != nil {
		if err := s.opts.Fault(Call{Service: service, Operation: rq.op, Account: account, Region: region, Resource: rq.resource}); err != nil {
			s.finish(rq, h, err)
			return
		}
	}
	s.finish(rq, h, h.serve(rq))
}

// finish writes err, if any, in the service's error format.
func (s *Server) finish(rq *request, h handler, err *APIError) {
	if err == nil {
		return
	}
	s.stats.fail(rq, err.Code)
	for k, vs := range err.Header {
		for _, v := range vs {
			rq.w.Header().Add(k, v)
		}
	}
	h.writeError(rq, err)
}

// throttled decides, deterministically from the request sequence, whether to
// answer with a throttling error.
func (s *Server) throttled() bool {
	if s.opts.Throttle <= 0 {
		return false
	}
	n := s.stats.throttleSeq.Add(1)
	return float64(splitmix(n+s.opts.Seed)>>11)/(1<<53) < s.opts.Throttle
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// throttleError is the throttling answer of each service.
func throttleError(service string) *APIError {
	switch service {
	case "s3":
		return apiError(http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
	case "iam", "sts":
		return apiError(http.StatusBadRequest, "Throttling", "Rate exceeded")
	case "kms":
		return apiError(http.StatusBadRequest, "ThrottlingException", "You have exceeded the rate at which you may call KMS.")
	case "ec2":
		return apiError(http.StatusServiceUnavailable, "RequestLimitExceeded", "Request limit exceeded.")
	default:
		return apiError(http.StatusTooManyRequests, "TooManyRequestsException", "Rate exceeded")
	}
}

// authError answers an unknown access key, or a key of an account that is not ACTIVE.
func authError(service string) *APIError {
	switch service {
	case "s3":
		return apiError(http.StatusForbidden, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
	case "iam", "sts", "ec2":
		return apiError(http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
	default:
		return apiError(http.StatusBadRequest, "UnrecognizedClientException", "The security token included in the request is invalid.")
	}
}

// parseAuthorization reads the access key, region and service of a SigV4
// Authorization header:
// AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/s3/aws4_request, SignedHeaders=…, Signature=…
func parseAuthorization(h string) (akid, region, service string, ok bool) {
	_, rest, found := strings.Cut(h, "Credential=")
	if !found || !strings.HasPrefix(h, "AWS4-HMAC-SHA256") {
		return "", "", "", false
	}
	scope, _, _ := strings.Cut(rest, ",")
	parts := strings.Split(strings.TrimSpace(scope), "/")
	if len(parts) != 5 || parts[4] != "aws4_request" {
		return "", "", "", false
	}
	return parts[0], parts[2], parts[3], true
}

// request is one request in flight.
type request struct {
	w       http.ResponseWriter
	r       *http.Request
	srv     *Server
	service string
	region  string
	akid    string
	account string // set once the caller is authenticated
	reqID   string

	op       string
	resource string
	bucket   int // index of the bucket the S3 request names, -1 if none
	json     jsonRequest
}

// handler is one service's protocol: parse names the operation (and the
// resource) before latency, throttling and authentication; serve answers it.
type handler interface {
	parse(rq *request) *APIError
	serve(rq *request) *APIError
	writeError(rq *request, err *APIError)
}

// serveAdmin answers unsigned requests: GET /__fakeaws/stats.
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/__fakeaws/stats" && r.Method == http.MethodGet:
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(s.Stats())
	case r.URL.Path == "/__fakeaws/reset" && r.Method == http.MethodPost:
		s.ResetStats()
		w.WriteHeader(http.StatusNoContent)
	default:
		http.Error(w, "fakeaws: the request carries no AWS Signature Version 4 Authorization header", http.StatusForbidden)
	}
}

// index is the estate indexed for lookups.
type index struct {
	estate     *Estate
	accounts   map[string]Account
	buckets    map[string]int // name -> index in estate.Buckets
	byAccount  map[string][]int
	kinds      []string         // kind names, sorted
	kindOf     []int            // bucket index -> index in kinds
	roles      map[string]*Role // account + "/" + name
	policies   map[string]*ManagedPolicy
	keys       map[string]*Key // arn
	keyIDs     map[string]*Key // region/account/id
	aliases    map[string]*Key // region/account/alias/name
	accessRole string
}

func newIndex(e *Estate) *index {
	ix := &index{
		estate:     e,
		accounts:   map[string]Account{},
		buckets:    make(map[string]int, len(e.Buckets)),
		byAccount:  map[string][]int{},
		kindOf:     make([]int, len(e.Buckets)),
		roles:      map[string]*Role{},
		policies:   map[string]*ManagedPolicy{},
		keys:       map[string]*Key{},
		keyIDs:     map[string]*Key{},
		aliases:    map[string]*Key{},
		accessRole: e.AccessRole,
	}
	if ix.accessRole == "" {
		ix.accessRole = DefaultAccessRole
	}
	for _, a := range e.Accounts {
		ix.accounts[a.ID] = a
	}
	kinds := map[string]bool{}
	for i, b := range e.Buckets {
		if _, dup := ix.buckets[b.Name]; dup {
			panic("fakeaws: duplicate bucket " + b.Name)
		}
		ix.buckets[b.Name] = i
		ix.byAccount[b.Account] = append(ix.byAccount[b.Account], i)
		kinds[kindName(b)] = true
	}
	for k := range kinds {
		ix.kinds = append(ix.kinds, k)
	}
	sort.Strings(ix.kinds)
	for i, b := range e.Buckets {
		ix.kindOf[i] = sort.SearchStrings(ix.kinds, kindName(b))
	}
	for _, list := range ix.byAccount {
		sort.Slice(list, func(i, j int) bool { return e.Buckets[list[i]].Name < e.Buckets[list[j]].Name })
	}
	for _, r := range e.Roles {
		ix.roles[r.Account+"/"+r.Name] = r
	}
	for _, p := range e.Policies {
		ix.policies[p.Arn] = p
	}
	for _, k := range e.Keys {
		ix.keys[k.Arn()] = k
		ix.keyIDs[k.Region+"/"+k.Account+"/"+k.ID] = k
		for _, a := range k.Aliases {
			ix.aliases[k.Region+"/"+k.Account+"/"+a] = k
		}
	}
	return ix
}

func kindName(b *Bucket) string {
	if b.Kind == "" {
		return KindPlain
	}
	return b.Kind
}

// Stats are the counters of a Server since it started or was last reset.
type Stats struct {
	// Requests counts the AWS requests whose operation the fake recognised,
	// throttled and refused ones included.
	Requests int64 `json:"requests"`
	// Calls counts requests by "service:Operation", throttled ones included.
	Calls map[string]int64 `json:"calls"`
	// Throttled counts the requests answered with a throttling error.
	Throttled map[string]int64 `json:"throttled,omitempty"`
	// Errors counts the other error answers by "service:Operation:Code".
	Errors map[string]int64 `json:"errors,omitempty"`
	// Kinds are, per bucket kind, the number of buckets and the S3 requests that
	// named a bucket of that kind, by operation.
	Kinds map[string]KindStats `json:"kinds"`
	// MaxPerBucket is, per S3 operation, the most requests any one bucket got.
	MaxPerBucket map[string]int64 `json:"max_per_bucket"`
	// Resources count the requests of the non-S3 operations by the resource they
	// name ("iam:GetRole" -> role name, "sts:AssumeRole" -> role ARN…), per
	// calling account ("iam:GetRole" -> "111122223333/role-name").
	Resources map[string]map[string]int64 `json:"resources"`
	// Accounts count the requests by the account of the access key that signed
	// them, then by service.
	Accounts map[string]map[string]int64 `json:"accounts"`
	// PeakInFlight is the most requests the server held at once.
	PeakInFlight int64 `json:"peak_in_flight"`
	// InFlight are the requests in flight sampled every SampleEvery (ms), from
	// the first request after the start or the last reset.
	InFlight      []int32 `json:"in_flight,omitempty"`
	SampleEveryMS float64 `json:"sample_every_ms,omitempty"`
	// PeakRSSKB is the server process's peak resident set (VmHWM), 0 if unknown.
	PeakRSSKB int64 `json:"peak_rss_kb"`
}

// KindStats are the S3 requests on the buckets of one kind.
type KindStats struct {
	Buckets int              `json:"buckets"`
	Calls   map[string]int64 `json:"calls"`
}

// s3BucketOps are the S3 operations counted per bucket, in a fixed order.
var s3BucketOps = []string{
	"HeadBucket", "GetBucketLocation", "GetBucketReplication", "GetBucketVersioning",
	"GetBucketTagging", "GetBucketEncryption", "GetObjectLockConfiguration",
	"GetBucketOwnershipControls", "GetPublicAccessBlock", "GetBucketLifecycleConfiguration",
	"GetBucketRequestPayment", "GetBucketPolicy", "ListObjectsV2", "other",
}

func s3OpIndex(op string) int {
	for i, o := range s3BucketOps {
		if o == op {
			return i
		}
	}
	return len(s3BucketOps) - 1
}

// counters are the live counters behind Stats.
type counters struct {
	ix          *index
	requests    atomic.Int64
	inFlight    atomic.Int64
	peak        atomic.Int64
	throttleSeq atomic.Uint64
	perBucket   []atomic.Int32 // bucket index * len(s3BucketOps) + op index

	mu        sync.Mutex
	calls     map[string]int64
	throttled map[string]int64
	errors    map[string]int64
	resources map[string]map[string]int64
	accounts  map[string]map[string]int64
	samples   []int32
	sampling  atomic.Bool
}

func newCounters(ix *index) *counters {
	c := &counters{ix: ix, perBucket: make([]atomic.Int32, len(ix.estate.Buckets)*len(s3BucketOps))}
	c.reset()
	return c
}

func (c *counters) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.requests.Store(0)
	c.peak.Store(c.inFlight.Load())
	for i := range c.perBucket {
		c.perBucket[i].Store(0)
	}
	c.calls = map[string]int64{}
	c.throttled = map[string]int64{}
	c.errors = map[string]int64{}
	c.resources = map[string]map[string]int64{}
	c.accounts = map[string]map[string]int64{}
	c.samples = nil
}

// sample records the requests in flight every interval until stop closes; it
// starts with the first request.
func (c *counters) sample(every time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			c.mu.Lock()
			if c.requests.Load() > 0 || len(c.samples) > 0 {
				c.samples = append(c.samples, int32(c.inFlight.Load()))
			}
			c.mu.Unlock()
		}
	}
}

func (c *counters) enter() int64 {
	n := c.inFlight.Add(1)
	for {
		p := c.peak.Load()
		if n <= p || c.peak.CompareAndSwap(p, n) {
			return n
		}
	}
}

func (c *counters) leave(int64) { c.inFlight.Add(-1) }

func (c *counters) count(rq *request) {
	c.requests.Add(1)
	if rq.bucket >= 0 {
		c.perBucket[rq.bucket*len(s3BucketOps)+s3OpIndex(rq.op)].Add(1)
	}
	key := rq.service + ":" + rq.op
	account := ""
	if len(rq.akid) >= 16 {
		account = rq.akid[4:16]
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls[key]++
	if rq.service != "s3" && rq.resource != "" {
		res := rq.resource
		if rq.service == "iam" && !strings.HasPrefix(res, "arn:") {
			res = account + "/" + res
		}
		bump(c.resources, key, res)
	}
	bump(c.accounts, account, rq.service)
}

func bump(m map[string]map[string]int64, k1, k2 string) {
	inner := m[k1]
	if inner == nil {
		inner = map[string]int64{}
		m[k1] = inner
	}
	inner[k2]++
}

func (c *counters) throttle(rq *request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.throttled[rq.service+":"+rq.op]++
}

func (c *counters) fail(rq *request, code string) {
	if isThrottleCode(code) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.errors[rq.service+":"+rq.op+":"+code]++
}

func isThrottleCode(code string) bool {
	switch code {
	case "SlowDown", "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException":
		return true
	}
	return false
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	c := s.stats
	st := Stats{
		Requests:     c.requests.Load(),
		PeakInFlight: c.peak.Load(),
		PeakRSSKB:    PeakRSSKB(),
		Kinds:        map[string]KindStats{},
		MaxPerBucket: map[string]int64{},
	}
	c.mu.Lock()
	st.Calls = copyCounts(c.calls)
	st.Throttled = copyCounts(c.throttled)
	st.Errors = copyCounts(c.errors)
	st.Resources = make(map[string]map[string]int64, len(c.resources))
	for k, m := range c.resources {
		st.Resources[k] = copyCounts(m)
	}
	st.Accounts = make(map[string]map[string]int64, len(c.accounts))
	for k, m := range c.accounts {
		st.Accounts[k] = copyCounts(m)
	}
	st.InFlight = append([]int32(nil), c.samples...)
	c.mu.Unlock()
	if s.opts.SampleEvery > 0 {
		st.SampleEveryMS = float64(s.opts.SampleEvery) / float64(time.Millisecond)
	}

	nops := len(s3BucketOps)
	perKind := make([][]int64, len(c.ix.kinds))
	buckets := make([]int, len(c.ix.kinds))
	for k := range perKind {
		perKind[k] = make([]int64, nops)
	}
	maxes := make([]int64, nops)
	for b := range c.ix.estate.Buckets {
		k := c.ix.kindOf[b]
		buckets[k]++
		for o := range nops {
			n := int64(c.perBucket[b*nops+o].Load())
			perKind[k][o] += n
			maxes[o] = max(maxes[o], n)
		}
	}
	for k, name := range c.ix.kinds {
		ks := KindStats{Buckets: buckets[k], Calls: map[string]int64{}}
		for o, n := range perKind[k] {
			if n > 0 {
				ks.Calls[s3BucketOps[o]] = n
			}
		}
		st.Kinds[name] = ks
	}
	for o, n := range maxes {
		if n > 0 {
			st.MaxPerBucket[s3BucketOps[o]] = n
		}
	}
	return st
}

// ResetStats zeroes the counters.
func (s *Server) ResetStats() { s.stats.reset() }

func copyCounts(m map[string]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// PeakRSSKB returns this process's peak resident set size (VmHWM) in KiB, or 0
// where /proc/self/status cannot be read.
func PeakRSSKB() int64 {
	return procStatusKB("VmHWM:")
}

// RSSKB returns this process's current resident set size (VmRSS) in KiB, or 0.
func RSSKB() int64 {
	return procStatusKB("VmRSS:")
}

func procStatusKB(field string) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, field); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				n, err := strconv.ParseInt(f[0], 10, 64)
				if err == nil {
					return n
				}
			}
		}
	}
	return 0
}

// epochSeconds is a timestamp as awsJson sends it: seconds as a JSON number.
func epochSeconds(t time.Time) float64 {
	return math.Round(float64(t.UnixMilli())) / 1000
}
