package scantest

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
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
	copies sync.WaitGroup
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

// Replicate makes the proxy replicate as S3 would every object PUT through it
// into src under prefix: the new version reports PENDING, and after delay a copy
// appears in each of dsts (written straight to the target) and the version
// reports COMPLETED. Wait waits for the copies in flight.
func (p *StatusProxy) Replicate(target, src, prefix string, delay time.Duration, dsts ...string) {
	p.OnResponse(func(resp *http.Response) error {
		r := resp.Request
		if err := p.Answer(resp); err != nil || r.Method != http.MethodPut || resp.StatusCode != http.StatusOK ||
			r.URL.Query().Has("tagging") || !strings.HasPrefix(r.URL.Path, "/"+src+"/"+prefix) {
			return err
		}
		key, version := strings.TrimPrefix(r.URL.Path, "/"+src+"/"), resp.Header.Get("X-Amz-Version-Id")
		p.Set(version, "PENDING")
		p.copies.Add(1)
		go func() {
			defer p.copies.Done()
			time.Sleep(delay)
			for _, dst := range dsts {
				_, err := NewS3(target, "us-east-1").PutObject(context.Background(), &s3.PutObjectInput{
					Bucket: aws.String(dst), Key: aws.String(key), Body: strings.NewReader("replica"),
				})
				if err != nil {
					return
				}
			}
			p.Set(version, "COMPLETED")
		}()
		return nil
	})
}

// Wait waits until the copies Replicate started are written.
func (p *StatusProxy) Wait() { p.copies.Wait() }

// InventoryCSV is a gzip-compressed CSV inventory file as S3 Inventory delivers
// it: every field quoted, one object version a row.
func InventoryCSV(rows [][]string) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	for _, r := range rows {
		q := make([]string, len(r))
		for i, f := range r {
			q[i] = strconv.Quote(f)
		}
		fmt.Fprintln(zw, strings.Join(q, ","))
	}
	zw.Close()
	return buf.Bytes()
}

// InventoryManifest is a CSV inventory's manifest.json listing files
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory-location.html).
func InventoryManifest(source, destinationArn, schema string, created time.Time, files ...string) []byte {
	var fs []string
	for _, f := range files {
		fs = append(fs, fmt.Sprintf(`{"key":%q,"size":1,"MD5checksum":"0"}`, f))
	}
	return []byte(fmt.Sprintf(`{"sourceBucket":%q,"destinationBucket":%q,"version":"2016-11-30","creationTimestamp":"%d",`+
		`"fileFormat":"CSV","fileSchema":%q,"files":[%s]}`, source, destinationArn, created.UnixMilli(), schema, strings.Join(fs, ",")))
}

// PutInventoryConfiguration gives bucket an enabled daily CSV inventory
// configuration id of every version, with LastModifiedDate and
// ReplicationStatus, delivered to destinationArn under prefix ("" for none).
func PutInventoryConfiguration(ctx context.Context, c *s3.Client, bucket, id, destinationArn, prefix string) error {
	dst := &s3types.InventoryS3BucketDestination{Bucket: aws.String(destinationArn), Format: s3types.InventoryFormatCsv}
	if prefix != "" {
		dst.Prefix = aws.String(prefix)
	}
	_, err := c.PutBucketInventoryConfiguration(ctx, &s3.PutBucketInventoryConfigurationInput{
		Bucket: aws.String(bucket), Id: aws.String(id),
		InventoryConfiguration: &s3types.InventoryConfiguration{
			Id: aws.String(id), IsEnabled: aws.Bool(true), IncludedObjectVersions: s3types.InventoryIncludedObjectVersionsAll,
			Schedule: &s3types.InventorySchedule{Frequency: s3types.InventoryFrequencyDaily},
			OptionalFields: []s3types.InventoryOptionalField{
				s3types.InventoryOptionalFieldLastModifiedDate, s3types.InventoryOptionalFieldReplicationStatus,
			},
			Destination: &s3types.InventoryDestination{S3BucketDestination: dst},
		},
	})
	if err != nil {
		return fmt.Errorf("put inventory configuration %s on %s: %w", id, bucket, err)
	}
	return nil
}
