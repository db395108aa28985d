package scantest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// upstream answers every request with 200 and an empty body and counts them.
func upstream(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestProxyInjectsAWSShapedErrors(t *testing.T) {
	up, forwarded := upstream(t)
	p := NewProxy(up.URL,
		Rule{Bucket: "locked", Query: "versioning"},
		Rule{Action: "GetRole", Status: 404, Code: "NoSuchEntity", Message: "The role with name r cannot be found."},
		Rule{Method: "HEAD", Bucket: "gone", Status: 404, Code: "NotFound"},
		Rule{Target: "DescribeKey", Message: "not authorized"},
	)
	defer p.Close()
	ctx := context.Background()
	s3c := NewS3(p.URL, "us-east-1")

	tests := []struct {
		name          string
		call          func() error
		wantCode      string
		wantForwarded bool
	}{
		{"matching S3 read", func() error {
			_, err := s3c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("locked")})
			return err
		}, "AccessDenied", false},
		{"other query key on the bucket", func() error {
			_, err := s3c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("locked")})
			return err
		}, "", true},
		{"other bucket", func() error {
			_, err := s3c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("open")})
			return err
		}, "", true},
		{"IAM action", func() error {
			_, err := NewIAM(p.URL).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("r")})
			return err
		}, "NoSuchEntity", false},
		{"other IAM action", func() error {
			_, err := NewIAM(p.URL).GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/x")})
			return err
		}, "", true},
		{"HEAD has no body", func() error {
			_, err := s3c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("gone")})
			return err
		}, "NotFound", false},
		{"KMS operation", func() error {
			_, err := NewKMS(p.URL, "eu-west-1").DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/x")})
			return err
		}, "AccessDeniedException", false},
		{"other KMS operation", func() error {
			_, err := NewKMS(p.URL, "eu-west-1").GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String("k"), PolicyName: aws.String("default")})
			return err
		}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := forwarded.Load()
			err := tt.call()
			if got := code(err); got != tt.wantCode {
				t.Errorf("error code = %q, want %q (err: %v)", got, tt.wantCode, err)
			}
			if got := forwarded.Load() > before; got != tt.wantForwarded {
				t.Errorf("forwarded = %v, want %v", got, tt.wantForwarded)
			}
		})
	}
	for i, want := range []int{1, 1, 1, 1} {
		if got := p.Hits(i); got != want {
			t.Errorf("Hits(%d) = %d, want %d", i, got, want)
		}
	}
}

func TestProxyIAMErrorIsTyped(t *testing.T) {
	up, _ := upstream(t)
	p := NewProxy(up.URL, Rule{Action: "GetRole", Status: 404, Code: "NoSuchEntity", Message: "gone"})
	defer p.Close()
	_, err := NewIAM(p.URL).GetRole(context.Background(), &iam.GetRoleInput{RoleName: aws.String("r")})
	var nse interface{ ErrorMessage() string }
	if !errors.As(err, &nse) || nse.ErrorMessage() != "gone" {
		t.Fatalf("GetRole error = %v, want the message %q", err, "gone")
	}
}

func TestProxyKMSErrorIsTyped(t *testing.T) {
	up, _ := upstream(t)
	p := NewProxy(up.URL, Rule{Target: "DescribeKey", Code: "NotFoundException", Message: "Key is not found."})
	defer p.Close()
	_, err := NewKMS(p.URL, "eu-west-1").DescribeKey(context.Background(), &kms.DescribeKeyInput{KeyId: aws.String("k")})
	var nf *kmstypes.NotFoundException
	if !errors.As(err, &nf) || nf.ErrorMessage() != "Key is not found." {
		t.Fatalf("DescribeKey error = %v, want a typed NotFoundException", err)
	}
}

func TestMoto(t *testing.T) {
	m := RequireMoto(t)
	ctx := context.Background()
	s3c := NewS3(m.URL, "us-east-1")
	_, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("scantest-bucket")})
	if err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	id, err := NewSTS(m.URL).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Account) == "" {
		t.Fatalf("GetCallerIdentity = %v, %v", id, err)
	}
	if err := m.Reset(); err != nil {
		t.Fatal(err)
	}
	out, err := s3c.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatalf("ListBuckets: %v", err)
	}
	if len(out.Buckets) != 0 {
		t.Errorf("after Reset, buckets = %d, want 0", len(out.Buckets))
	}
	m.Close()
	if _, err := http.Get(m.URL); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("after Close, GET %s: err = %v, want connection refused", m.URL, err)
	}
}

func TestSkipOrFail(t *testing.T) {
	for _, ci := range []string{"", "true"} {
		t.Run("CI="+ci, func(t *testing.T) {
			t.Setenv("CI", ci)
			rec := &recordingTB{TB: t}
			func() {
				// Skipf and Fatalf end the goroutine in a real test; here they are recorded.
				defer func() { _ = recover() }()
				skipOrFail(rec, errors.New("no moto"))
			}()
			if ci == "true" && !rec.failed {
				t.Error("CI=true: the test was not failed")
			}
			if ci != "true" && !rec.skipped {
				t.Error("CI unset: the test was not skipped")
			}
		})
	}
}

// recordingTB records Skipf and Fatalf instead of acting on them.
type recordingTB struct {
	testing.TB
	skipped, failed bool
}

func (r *recordingTB) Helper()               {}
func (r *recordingTB) Skipf(string, ...any)  { r.skipped = true; panic("skip") }
func (r *recordingTB) Fatalf(string, ...any) { r.failed = true; panic("fatal") }
