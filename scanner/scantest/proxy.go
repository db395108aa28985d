package scantest

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
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

	// Status is the HTTP status of the answer; 0 means 403, or 400 for an
	// awsJson request (KMS answers AccessDeniedException with 400).
	Status int
	// Code is the AWS error code; "" means "AccessDenied", or
	// "AccessDeniedException" for an awsJson request.
	Code string
	// Message is the error message.
	Message string
}

// Proxy is a reverse proxy in front of an AWS endpoint (moto) that injects
// faults. Point the SDK's BaseEndpoint at URL.
type Proxy struct {
	// URL is the proxy's base URL.
	URL string

	srv   *httptest.Server
	rules []Rule

	mu   sync.Mutex
	hits []int
}

// NewProxy starts a proxy forwarding to target (a base URL such as Moto.URL).
// The caller must Close it.
func NewProxy(target string, rules ...Rule) *Proxy {
	u, err := url.Parse(target)
	if err != nil || u.Scheme == "" || u.Host == "" {
		panic(fmt.Sprintf("scantest.NewProxy: invalid target %q", target))
	}
	p := &Proxy{rules: rules, hits: make([]int, len(rules))}
	rp := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(u) }}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		action := formAction(r)
		for i, rule := range p.rules {
			if rule.matches(r, action) {
				p.mu.Lock()
				p.hits[i]++
				p.mu.Unlock()
				rule.answer(w, r, action != "")
				return
			}
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

// Close stops the proxy.
func (p *Proxy) Close() { p.srv.Close() }

func (r Rule) matches(req *http.Request, action string) bool {
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
		if action != "" {
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
	_, _ = io.WriteString(w, xml.Header)
	_ = xml.NewEncoder(w).Encode(body)
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

// formAction returns the Action field of an awsQuery (IAM, STS) request, leaving
// the body readable for the upstream server; "" for other requests.
func formAction(r *http.Request) string {
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return ""
	}
	data, err := io.ReadAll(r.Body)
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(data))
	if err != nil {
		return ""
	}
	form, err := url.ParseQuery(string(data))
	if err != nil {
		return ""
	}
	return form.Get("Action")
}
