package objstore_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/crrscan/crrscan/internal/objstore"
	"github.com/crrscan/crrscan/scanner/scantest"
)

// calls records the S3 operations a Store sends.
type calls struct {
	mu  sync.Mutex
	ops []string
}

func (c *calls) record(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("record", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		c.mu.Lock()
		c.ops = append(c.ops, awsmiddleware.GetOperationName(ctx))
		c.mu.Unlock()
		return next.HandleInitialize(ctx, in)
	}), middleware.After)
}

func (c *calls) count(op string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, o := range c.ops {
		if o == op {
			n++
		}
	}
	return n
}

// every operation any test of this file sent, for TestActionsCoverTheCalls.
var all calls

// store is a Store for the emulator (or proxy) at endpoint, recording its calls.
func store(endpoint string, rec *calls, o objstore.Options) *objstore.Store {
	return objstore.New(func() (aws.Config, error) {
		cfg := scantest.AWSConfig(endpoint, "us-east-1")
		cfg.APIOptions = append(cfg.APIOptions, rec.record, all.record)
		return cfg, nil
	}, o)
}

func makeBucket(t *testing.T, endpoint, name, region string) *s3.Client {
	t.Helper()
	c := scantest.NewS3(endpoint, region)
	in := &s3.CreateBucketInput{Bucket: aws.String(name)}
	if region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(region)}
	}
	if _, err := c.CreateBucket(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	return c
}

func write(t *testing.T, s *objstore.Store, loc string, data []byte) error {
	t.Helper()
	return s.WriteFile(context.Background(), loc, func(w io.Writer) error { _, err := w.Write(data); return err })
}

// TestS3RoundTripAndList: files written to a bucket in another region than the
// client's read back the same; a prefix lists its own files with the suffix, not
// those of a deeper prefix or with another suffix.
func TestS3RoundTripAndList(t *testing.T) {
	m := scantest.RequireMoto(t)
	makeBucket(t, m.URL, "out", "eu-west-1")
	var rec calls
	s := store(m.URL, &rec, objstore.Options{})
	ctx := context.Background()
	files := map[string]string{
		"s3://out/run/shard-0.snapshot.json":  `{"a":1}`,
		"s3://out/run/shard-1.snapshot.json":  `{"b":2}`,
		"s3://out/run/crrscan.json":           `{}`,
		"s3://out/run/deeper/x.snapshot.json": `{}`,
		"s3://out/other/y.snapshot.json":      `{}`,
	}
	for loc, body := range files {
		if err := write(t, s, loc, []byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.ReadFile(ctx, "s3://out/run/shard-1.snapshot.json")
	if err != nil || string(got) != `{"b":2}` {
		t.Fatalf("read back %q, %v", got, err)
	}
	for _, prefix := range []string{"s3://out/run/", "s3://out/run"} {
		list, err := s.List(ctx, prefix, ".snapshot.json")
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"s3://out/run/shard-0.snapshot.json", "s3://out/run/shard-1.snapshot.json"}
		if !slices.Equal(list, want) {
			t.Errorf("List(%s) = %v, want %v", prefix, list, want)
		}
	}
	if rec.count("PutObject") != len(files) || rec.count("CreateMultipartUpload") != 0 {
		t.Errorf("small files: %v", rec.ops)
	}
	if _, err := s.ReadFile(ctx, "s3://out/run/none.json"); !hasCode(err, "NoSuchKey") {
		t.Errorf("a missing object: %v", err)
	}
	if err := write(t, s, "s3://no-such-bucket/x.json", []byte("{}")); !hasCode(err, "NoSuchBucket") && !hasCode(err, "NotFound") {
		t.Errorf("a missing bucket: %v", err)
	}
}

func hasCode(err error, code string) bool {
	var e *objstore.Error
	return errors.As(err, &e) && e.Code == code && strings.Contains(err.Error(), code)
}

// TestS3MultipartAndSSEKMS: a file larger than a part goes up as a multipart
// upload of ceil(size/part) parts and reads back the same; a bucket whose default
// encryption is SSE-KMS gets the aws:kms header with its key on every upload
// (a bucket policy may deny uploads without it: "Requiring server-side
// encryption", Amazon S3 User Guide, Protecting data with server-side encryption).
func TestS3MultipartAndSSEKMS(t *testing.T) {
	m := scantest.RequireMoto(t)
	ctx := context.Background()
	c := makeBucket(t, m.URL, "enc", "us-east-1")
	key, err := scantest.NewKMS(m.URL, "us-east-1").CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	keyArn := aws.ToString(key.KeyMetadata.Arn)
	if _, err := c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String("enc"),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(keyArn)},
		}}}}); err != nil {
		t.Fatal(err)
	}
	var rec calls
	s := store(m.URL, &rec, objstore.Options{})
	s.PartSize = 5 << 20
	big := bytes.Repeat([]byte("0123456789abcdef"), (11<<20)/16+3)
	if err := write(t, s, "s3://enc/big.json", big); err != nil {
		t.Fatal(err)
	}
	if err := write(t, s, "s3://enc/small.json", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	if rec.count("CreateMultipartUpload") != 1 || rec.count("UploadPart") != 3 || rec.count("CompleteMultipartUpload") != 1 {
		t.Errorf("multipart calls: %v", rec.ops)
	}
	got, err := s.ReadFile(ctx, "s3://enc/big.json")
	if err != nil || !bytes.Equal(got, big) {
		t.Fatalf("big file read back: %d bytes of %d, %v", len(got), len(big), err)
	}
	for _, k := range []string{"big.json", "small.json"} {
		head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("enc"), Key: aws.String(k)})
		if err != nil {
			t.Fatal(err)
		}
		if head.ServerSideEncryption != s3types.ServerSideEncryptionAwsKms || !strings.Contains(aws.ToString(head.SSEKMSKeyId), aws.ToString(key.KeyMetadata.KeyId)) {
			t.Errorf("%s: encryption %q key %q, want aws:kms with %s", k, head.ServerSideEncryption, aws.ToString(head.SSEKMSKeyId), keyArn)
		}
	}
}

// TestS3FailedUploadIsAnError: an upload S3 refuses is an error carrying S3's
// code, and a multipart upload whose part fails is aborted, leaving no object.
func TestS3FailedUploadIsAnError(t *testing.T) {
	m := scantest.RequireMoto(t)
	ctx := context.Background()
	c := makeBucket(t, m.URL, "locked", "us-east-1")
	p := scantest.NewProxy(m.URL,
		scantest.Rule{Method: "PUT", Bucket: "locked", Query: "partNumber", Status: 500, Code: "InternalError", Message: "part lost"},
		scantest.Rule{Method: "PUT", Bucket: "locked", Code: "AccessDenied", Message: "denied by the bucket policy"})
	t.Cleanup(p.Close)
	var rec calls
	s := store(p.URL, &rec, objstore.Options{})
	err := write(t, s, "s3://locked/crrscan.json", []byte("{}"))
	if !hasCode(err, "AccessDenied") || !strings.Contains(err.Error(), "s3://locked/crrscan.json") {
		t.Errorf("a refused PutObject: %v", err)
	}
	s.PartSize = 5 << 20
	err = write(t, s, "s3://locked/big.json", make([]byte, 6<<20))
	if err == nil {
		t.Fatal("a multipart upload whose part fails succeeded")
	}
	if rec.count("AbortMultipartUpload") != 1 {
		t.Errorf("calls after a failed part: %v", rec.ops)
	}
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("locked"), Key: aws.String("big.json")}); err == nil {
		t.Error("the failed upload left an object")
	}
}

// TestActionsCoverTheCalls: objstore.Actions, the IAM policy the README gives
// for S3 locations, are exactly the actions of the operations the tests above
// sent (Service Authorization Reference, "Actions defined by Amazon S3":
// HeadBucket and ListObjectsV2 need s3:ListBucket; multipart uploads need
// s3:PutObject).
func TestActionsCoverTheCalls(t *testing.T) {
	t.Run("round trip", TestS3RoundTripAndList)
	t.Run("multipart", TestS3MultipartAndSSEKMS)
	t.Run("failure", TestS3FailedUploadIsAnError)
	action := map[string]string{
		"HeadBucket": "s3:ListBucket", "ListObjectsV2": "s3:ListBucket", "GetObject": "s3:GetObject",
		"GetBucketEncryption": "s3:GetEncryptionConfiguration", "PutObject": "s3:PutObject",
		"CreateMultipartUpload": "s3:PutObject", "UploadPart": "s3:PutObject", "CompleteMultipartUpload": "s3:PutObject",
		"AbortMultipartUpload": "s3:AbortMultipartUpload",
	}
	set := map[string]bool{}
	all.mu.Lock()
	for _, op := range all.ops {
		a, ok := action[op]
		if !ok {
			t.Errorf("operation %s has no documented action", op)
		}
		set[a] = true
	}
	all.mu.Unlock()
	var got []string
	for a := range set {
		got = append(got, a)
	}
	sort.Strings(got)
	if !slices.Equal(got, objstore.Actions) {
		t.Errorf("actions called %v, documented %v", got, objstore.Actions)
	}
}
