package scanner

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// isolateAWSEnv points the AWS configuration chain at files of the test and
// clears the variables that would otherwise leak in from the machine.
func isolateAWSEnv(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	config := "[profile audit]\nregion = eu-west-2\n"
	creds := "[audit]\naws_access_key_id = testing\naws_secret_access_key = testing\n"
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "credentials"), []byte(creds), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	for _, v := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL",
		"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_STS", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		t.Setenv(v, "")
	}
}

func s3Options(t *testing.T, c Clients, region string) s3.Options {
	t.Helper()
	cl, ok := c.S3(region).(*s3.Client)
	if !ok {
		t.Fatalf("S3(%q) is %T, want *s3.Client", region, c.S3(region))
	}
	return cl.Options()
}

func TestNewAWSClientsRegion(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		opts    Options
		want    string
		wantErr bool
	}{
		{name: "nothing configured", want: "us-east-1"},
		{name: "option", opts: Options{Region: "ap-southeast-2"}, want: "ap-southeast-2"},
		{name: "environment", env: map[string]string{"AWS_REGION": "eu-north-1"}, want: "eu-north-1"},
		{name: "profile", opts: Options{Profile: "audit"}, want: "eu-west-2"},
		{name: "option beats profile", opts: Options{Profile: "audit", Region: "sa-east-1"}, want: "sa-east-1"},
		{name: "unknown profile", opts: Options{Profile: "nope"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolateAWSEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			c, err := NewAWSClients(context.Background(), tt.opts)
			if tt.wantErr {
				if err == nil {
					t.Fatal("NewAWSClients succeeded, want an error")
				}
				return
			}
			if err != nil {
				t.Fatalf("NewAWSClients: %v", err)
			}
			if got := s3Options(t, c, "").Region; got != tt.want {
				t.Errorf("default S3 region = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewAWSClientsS3PerRegion(t *testing.T) {
	tests := []struct {
		name      string
		endpoint  string
		env       string
		pathStyle bool
	}{
		{name: "AWS endpoints", pathStyle: false},
		{name: "endpoint option", endpoint: "http://127.0.0.1:1", pathStyle: true},
		{name: "AWS_ENDPOINT_URL", env: "http://127.0.0.1:2", pathStyle: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolateAWSEnv(t)
			t.Setenv("AWS_ENDPOINT_URL", tt.env)
			c, err := NewAWSClients(context.Background(), Options{EndpointURL: tt.endpoint})
			if err != nil {
				t.Fatal(err)
			}
			if c.S3("eu-west-1") != c.S3("eu-west-1") || c.S3("") != c.S3("us-east-1") {
				t.Error("S3 clients are not cached per region")
			}
			if c.S3("eu-west-1") == c.S3("us-east-1") {
				t.Error("two regions share one S3 client")
			}
			o := s3Options(t, c, "eu-west-1")
			if o.Region != "eu-west-1" || o.UsePathStyle != tt.pathStyle {
				t.Errorf("S3 options: region %q, path style %v; want eu-west-1, %v", o.Region, o.UsePathStyle, tt.pathStyle)
			}
			wantEndpoint := tt.endpoint + tt.env
			if got := aws.ToString(o.BaseEndpoint); got != wantEndpoint {
				t.Errorf("S3 BaseEndpoint = %q, want %q", got, wantEndpoint)
			}
		})
	}
}

func TestRetryerNeverRunsOutOfRetryTokens(t *testing.T) {
	throttled := &smithy.GenericAPIError{Code: "Throttling", Message: "Rate exceeded"}
	exhausts := func(r aws.Retryer) bool {
		for range 1000 {
			if _, err := r.GetRetryToken(context.Background(), throttled); err != nil {
				return true
			}
		}
		return false
	}
	// The SDK's default quota runs out: this is what the scanner must not inherit.
	if !exhausts(retry.NewStandard()) {
		t.Fatal("the default retryer did not run out of tokens; the test proves nothing")
	}
	r := newRetryer()
	if exhausts(r) {
		t.Error("the scanner's retryer ran out of retry tokens")
	}
	if r.MaxAttempts() != maxAttempts {
		t.Errorf("MaxAttempts = %d, want %d", r.MaxAttempts(), maxAttempts)
	}
}

func TestNewAWSClientsScansMoto(t *testing.T) {
	m := moto.Require(t)
	s := newSeeder(t, m.URL)
	s.bucket("via-profile", "eu-west-1", true)
	isolateAWSEnv(t)
	c, err := NewAWSClients(context.Background(), Options{Profile: "audit", EndpointURL: m.URL})
	if err != nil {
		t.Fatal(err)
	}
	snap := scanMoto(t, c)
	if len(snap.Buckets) != 1 || snap.Buckets[0].Region != "eu-west-1" || !snap.Complete() {
		t.Errorf("snapshot = %s", mustJSON(t, snap))
	}
}
