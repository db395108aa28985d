// Package objstore reads and writes crrscan's files (snapshots, results,
// reports) at a local path or an S3 location (s3://bucket/key), so that a
// nightly job on Kubernetes, AWS Batch or CI needs no shared disk. Local writes go
// through a temporary file renamed into place; S3 writes are one PutObject, or a
// multipart upload for large files, and send SSE-KMS headers when the bucket's
// default encryption is SSE-KMS (so that a bucket policy requiring them is met).
// A failed write is an error naming the location and the S3 error code.
package objstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// Scheme starts every S3 location.
const Scheme = "s3://"

// IsS3 reports whether loc is an S3 location.
func IsS3(loc string) bool { return strings.HasPrefix(loc, Scheme) }

// Join appends name to a directory or an S3 prefix.
func Join(dir, name string) string {
	if IsS3(dir) {
		if strings.HasSuffix(dir, "/") {
			return dir + name
		}
		return dir + "/" + name
	}
	return filepath.Join(dir, name)
}

// Base is the last element of a path or an S3 key.
func Base(loc string) string {
	if IsS3(loc) {
		return path.Base(strings.TrimSuffix(loc, "/"))
	}
	return filepath.Base(loc)
}

// ParseS3 splits s3://bucket/key into the bucket and the key ("" for a bucket alone).
func ParseS3(loc string) (bucket, key string, err error) {
	rest, ok := strings.CutPrefix(loc, Scheme)
	if !ok {
		return "", "", fmt.Errorf("%q is not an s3:// location", loc)
	}
	bucket, key, _ = strings.Cut(rest, "/")
	if bucket == "" || strings.ContainsAny(bucket, " \\?#") {
		return "", "", fmt.Errorf("%q names no bucket: want s3://bucket/key", loc)
	}
	return bucket, key, nil
}

// API is the part of the S3 client the store calls.
type API interface {
	HeadBucket(context.Context, *s3.HeadBucketInput, ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
	GetBucketEncryption(context.Context, *s3.GetBucketEncryptionInput, ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
	GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	ListObjectsV2(context.Context, *s3.ListObjectsV2Input, ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	PutObject(context.Context, *s3.PutObjectInput, ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	CreateMultipartUpload(context.Context, *s3.CreateMultipartUploadInput, ...func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error)
	UploadPart(context.Context, *s3.UploadPartInput, ...func(*s3.Options)) (*s3.UploadPartOutput, error)
	CompleteMultipartUpload(context.Context, *s3.CompleteMultipartUploadInput, ...func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error)
	AbortMultipartUpload(context.Context, *s3.AbortMultipartUploadInput, ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error)
}

// Actions are the IAM actions the store needs on an S3 location: to read
// (GetObject, ListBucket for prefixes) and to write (PutObject, which also covers
// multipart uploads, AbortMultipartUpload; GetEncryptionConfiguration to send
// SSE-KMS headers; kms:GenerateDataKey on the bucket's key is needed by S3 too).
var Actions = []string{
	"s3:AbortMultipartUpload", "s3:GetEncryptionConfiguration", "s3:GetObject", "s3:ListBucket", "s3:PutObject",
}

// DefaultPartSize is the part size of multipart uploads; files smaller than one
// part are sent with one PutObject. S3 wants parts of at least 5 MiB.
const DefaultPartSize = 8 << 20

// Store reads and writes local paths and S3 locations.
type Store struct {
	// newClient returns the S3 client for a region ("" for the default).
	newClient func(region string) (API, error)
	// PartSize is the multipart part size (DefaultPartSize when 0).
	PartSize int
	// SSEKMSKeyID, when set, encrypts every S3 write with this KMS key
	// (aws:kms); otherwise the bucket's default encryption decides.
	SSEKMSKeyID string
	// Logger records each write.
	Logger *slog.Logger

	mu      sync.Mutex
	clients map[string]API // by bucket
}

// Options configure a Store.
type Options struct {
	// SSEKMSKeyID: see Store.SSEKMSKeyID.
	SSEKMSKeyID string
	// Logger records each write; nil discards.
	Logger *slog.Logger
}

// New returns a Store whose S3 clients are built from the configuration load
// returns, loaded once, when an S3 location is first used.
func New(load func() (aws.Config, error), o Options) *Store {
	load = sync.OnceValues(load)
	return NewWithClients(func(region string) (API, error) {
		c, err := load()
		if err != nil {
			return nil, err
		}
		return s3.NewFromConfig(c, func(so *s3.Options) {
			if region != "" {
				so.Region = region
			}
			so.UsePathStyle = c.BaseEndpoint != nil
		}), nil
	}, o)
}

// NewWithClients returns a Store whose S3 clients come from newClient.
func NewWithClients(newClient func(region string) (API, error), o Options) *Store {
	l := o.Logger
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	return &Store{newClient: newClient, SSEKMSKeyID: o.SSEKMSKeyID, Logger: l, clients: map[string]API{}}
}

// client is the S3 client for bucket, in the bucket's own region.
func (s *Store) client(ctx context.Context, bucket string) (API, error) {
	s.mu.Lock()
	c := s.clients[bucket]
	s.mu.Unlock()
	if c != nil {
		return c, nil
	}
	c, err := s.newClient("")
	if err != nil {
		return nil, err
	}
	head, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	region := ""
	if err == nil {
		region = aws.ToString(head.BucketRegion)
	} else if code := errorCode(err); code != "" && code != "AccessDenied" && code != "Forbidden" && code != "MovedPermanently" {
		// A bucket that is not there (or unreachable) fails here, before any write.
		return nil, s3Error("s3://"+bucket, "HeadBucket", err)
	}
	if region != "" {
		if c, err = s.newClient(region); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	s.clients[bucket] = c
	s.mu.Unlock()
	return c, nil
}

// Open reads the file at loc.
func (s *Store) Open(ctx context.Context, loc string) (io.ReadCloser, error) {
	if !IsS3(loc) {
		return os.Open(loc)
	}
	bucket, key, err := ParseS3(loc)
	if err != nil {
		return nil, err
	}
	c, err := s.client(ctx, bucket)
	if err != nil {
		return nil, err
	}
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, s3Error(loc, "GetObject", err)
	}
	return out.Body, nil
}

// ReadFile reads the whole file at loc.
func (s *Store) ReadFile(ctx context.Context, loc string) ([]byte, error) {
	r, err := s.Open(ctx, loc)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", loc, err)
	}
	return data, nil
}

// Exists reports whether a file is at loc (false on any failure to tell).
func (s *Store) Exists(ctx context.Context, loc string) bool {
	if !IsS3(loc) {
		_, err := os.Stat(loc)
		return err == nil
	}
	r, err := s.Open(ctx, loc)
	if err != nil {
		return false
	}
	r.Close()
	return true
}

// List returns, sorted, the files directly in a directory, or the objects under
// an S3 prefix (a prefix ending in "/" or naming a "folder"), whose names end with
// suffix.
func (s *Store) List(ctx context.Context, dir, suffix string) ([]string, error) {
	if !IsS3(dir) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		var out []string
		for _, e := range entries {
			if !e.IsDir() && strings.HasSuffix(e.Name(), suffix) {
				out = append(out, filepath.Join(dir, e.Name()))
			}
		}
		return out, nil
	}
	bucket, prefix, err := ParseS3(dir)
	if err != nil {
		return nil, err
	}
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	c, err := s.client(ctx, bucket)
	if err != nil {
		return nil, err
	}
	var out []string
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, s3Error(dir, "ListObjectsV2", err)
		}
		for _, o := range page.Contents {
			k := aws.ToString(o.Key)
			if strings.HasSuffix(k, suffix) && !strings.Contains(strings.TrimPrefix(k, prefix), "/") {
				out = append(out, Scheme+bucket+"/"+k)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// MkdirAll makes a local directory; S3 prefixes need none.
func (s *Store) MkdirAll(dir string) error {
	if IsS3(dir) {
		_, _, err := ParseS3(dir)
		return err
	}
	return os.MkdirAll(dir, 0o755)
}

// WriteFile writes what write produces to loc: locally through a temporary file
// renamed into place, to S3 once write has succeeded. Nothing is left at loc when
// write or the upload fails.
func (s *Store) WriteFile(ctx context.Context, loc string, write func(io.Writer) error) error {
	if !IsS3(loc) {
		return WriteLocalAtomic(loc, write)
	}
	bucket, key, err := ParseS3(loc)
	if err != nil {
		return err
	}
	if key == "" || strings.HasSuffix(key, "/") {
		return fmt.Errorf("%s names no object key", loc)
	}
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	c, err := s.client(ctx, bucket)
	if err != nil {
		return err
	}
	sse, err := s.encryption(ctx, c, bucket)
	if err != nil {
		return err
	}
	part := s.PartSize
	if part <= 0 {
		part = DefaultPartSize
	}
	size := buf.Len()
	if size <= part {
		in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(buf.Bytes()),
			ContentLength: aws.Int64(int64(size)), ContentType: aws.String(contentType(key))}
		sse.put(in)
		if _, err := c.PutObject(ctx, in); err != nil {
			return s3Error(loc, "PutObject", err)
		}
	} else if err := s.multipart(ctx, c, loc, bucket, key, buf.Bytes(), part, sse); err != nil {
		return err
	}
	s.Logger.Info("wrote to S3", "location", loc, "bytes", size, "sse", string(sse.alg))
	return nil
}

// sseHeaders are the encryption headers of an upload.
type sseHeaders struct {
	alg s3types.ServerSideEncryption
	key string
}

func (h sseHeaders) put(in *s3.PutObjectInput) {
	if h.alg != "" {
		in.ServerSideEncryption = h.alg
		if h.key != "" {
			in.SSEKMSKeyId = aws.String(h.key)
		}
	}
}

// encryption decides the upload's encryption headers: Store.SSEKMSKeyID, else
// the bucket's default encryption when it is SSE-KMS (a bucket policy may deny
// uploads without the headers). A bucket whose encryption cannot be read gets
// none: its default applies.
func (s *Store) encryption(ctx context.Context, c API, bucket string) (sseHeaders, error) {
	if s.SSEKMSKeyID != "" {
		return sseHeaders{s3types.ServerSideEncryptionAwsKms, s.SSEKMSKeyID}, nil
	}
	out, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
	if err != nil {
		s.Logger.Debug("bucket encryption not read: its default applies", "bucket", bucket, "code", errorCode(err))
		return sseHeaders{}, nil
	}
	if out.ServerSideEncryptionConfiguration == nil {
		return sseHeaders{}, nil
	}
	for _, r := range out.ServerSideEncryptionConfiguration.Rules {
		if d := r.ApplyServerSideEncryptionByDefault; d != nil &&
			(d.SSEAlgorithm == s3types.ServerSideEncryptionAwsKms || d.SSEAlgorithm == s3types.ServerSideEncryptionAwsKmsDsse) {
			return sseHeaders{d.SSEAlgorithm, aws.ToString(d.KMSMasterKeyID)}, nil
		}
	}
	return sseHeaders{}, nil
}

// multipart uploads data in parts of size part, aborting the upload on failure.
func (s *Store) multipart(ctx context.Context, c API, loc, bucket, key string, data []byte, part int, sse sseHeaders) error {
	in := &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key), ContentType: aws.String(contentType(key))}
	if sse.alg != "" {
		in.ServerSideEncryption = sse.alg
		if sse.key != "" {
			in.SSEKMSKeyId = aws.String(sse.key)
		}
	}
	up, err := c.CreateMultipartUpload(ctx, in)
	if err != nil {
		return s3Error(loc, "CreateMultipartUpload", err)
	}
	abort := func(cause error) error {
		// A background context: the upload must not linger even if ctx ended.
		if _, err := c.AbortMultipartUpload(context.WithoutCancel(ctx), &s3.AbortMultipartUploadInput{
			Bucket: aws.String(bucket), Key: aws.String(key), UploadId: up.UploadId,
		}); err != nil {
			s.Logger.Warn("multipart upload not aborted: its parts stay billed until a lifecycle rule removes them",
				"location", loc, "upload_id", aws.ToString(up.UploadId), "code", errorCode(err))
		}
		return cause
	}
	var parts []s3types.CompletedPart
	for i, off := int32(1), 0; off < len(data); i, off = i+1, off+part {
		chunk := data[off:min(off+part, len(data))]
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{
			Bucket: aws.String(bucket), Key: aws.String(key), UploadId: up.UploadId, PartNumber: aws.Int32(i),
			Body: bytes.NewReader(chunk), ContentLength: aws.Int64(int64(len(chunk))),
		})
		if err != nil {
			return abort(s3Error(loc, "UploadPart", err))
		}
		parts = append(parts, s3types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(i)})
	}
	if _, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: aws.String(bucket), Key: aws.String(key), UploadId: up.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: parts},
	}); err != nil {
		return abort(s3Error(loc, "CompleteMultipartUpload", err))
	}
	return nil
}

func contentType(key string) string {
	switch path.Ext(key) {
	case ".json", ".sarif":
		return "application/json"
	case ".html":
		return "text/html; charset=utf-8"
	case ".csv":
		return "text/csv; charset=utf-8"
	case ".xml":
		return "application/xml"
	case ".md":
		return "text/markdown; charset=utf-8"
	}
	return "application/octet-stream"
}

// Error is a failed S3 call: the location, the operation and S3's error code.
type Error struct {
	Location, Operation, Code, Message string
	Err                                error
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("%s: %s failed: %s", e.Location, e.Operation, e.Code)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

func s3Error(loc, op string, err error) error {
	code, msg := errorCode(err), ""
	var ae smithy.APIError
	if errors.As(err, &ae) {
		msg = ae.ErrorMessage()
	}
	if code == "" {
		code, msg = "RequestFailed", err.Error()
	}
	return &Error{Location: loc, Operation: op, Code: code, Message: msg, Err: err}
}

func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// WriteLocalAtomic writes through a temporary file in the same directory and
// renames it into place, so a failure never leaves a partial file behind.
func WriteLocalAtomic(path string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("chmod %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename %s: %w", path, err)
	}
	return nil
}
