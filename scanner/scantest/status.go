package scantest

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"sync"
)

// StatusProxy is a Proxy that stands in for what S3 replication shows and moto,
// which replicates nothing, cannot: HeadObject on a version the test Set a status
// for answers with S3's x-amz-replication-status header; a version written before
// its bucket's rule is left without one, as on S3
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-status.html).
// It also restores the optional fields moto 5.2.1 drops from
// ListBucketInventoryConfigurations (it answers <Field>Field</Field>, while
// GetBucketInventoryConfiguration keeps them): the tests' inventory
// configurations all name LastModifiedDate and ReplicationStatus.
type StatusProxy struct {
	*Proxy
	mu     sync.Mutex
	status map[string]string // version id → status
}

// NewStatusProxy starts a StatusProxy in front of target. The caller must Close it.
func NewStatusProxy(target string, rules ...Rule) *StatusProxy {
	p := &StatusProxy{Proxy: NewProxy(target, rules...), status: map[string]string{}}
	p.OnResponse(p.Answer)
	return p
}

// Set makes HeadObject on version answer with status.
func (p *StatusProxy) Set(version, status string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.status[version] = status
}

// Answer is the StatusProxy's response hook, for a test that sets its own
// OnResponse and still wants it.
func (p *StatusProxy) Answer(resp *http.Response) error {
	r := resp.Request
	if resp.StatusCode != http.StatusOK {
		return nil
	}
	if r.Method == http.MethodHead {
		p.mu.Lock()
		st := p.status[r.URL.Query().Get("versionId")]
		p.mu.Unlock()
		if st != "" {
			resp.Header.Set("X-Amz-Replication-Status", st)
		}
	}
	if r.Method == http.MethodGet && r.URL.Query().Has("inventory") && !r.URL.Query().Has("id") {
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		body = bytes.ReplaceAll(body, []byte("<OptionalFields><Field>Field</Field></OptionalFields>"),
			[]byte("<OptionalFields><Field>LastModifiedDate</Field><Field>ReplicationStatus</Field></OptionalFields>"))
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	}
	return nil
}
