package scanner

import (
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestBucketNameOf(t *testing.T) {
	tests := []struct {
		arn, want string
		ok        bool
	}{
		{"arn:aws:s3:::dst", "dst", true},
		{"arn:aws-cn:s3:::dst.with.dots", "dst.with.dots", true},
		{"arn:aws:s3:::dst/key", "", false},
		{"arn:aws:s3:eu-west-1::dst", "", false},
		{"arn:aws:s3:::", "", false},
		{"arn:aws:iam::123456789012:role/x", "", false},
		{"dst", "", false},
	}
	for _, tt := range tests {
		got, ok := bucketNameOf(tt.arn)
		if got != tt.want || ok != tt.ok {
			t.Errorf("bucketNameOf(%q) = %q, %v; want %q, %v", tt.arn, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRoleOf(t *testing.T) {
	tests := []struct {
		arn, account, name string
		ok                 bool
	}{
		{"arn:aws:iam::111122223333:role/repl", "111122223333", "repl", true},
		{"arn:aws:iam::111122223333:role/service-role/s3crr_role", "111122223333", "s3crr_role", true},
		{"arn:aws-us-gov:iam::111122223333:role/a/b/c", "111122223333", "c", true},
		{"arn:aws:iam::111122223333:user/repl", "", "", false},
		{"arn:aws:iam::111122223333:role/", "", "", false},
		{"arn:aws:iam:::role/repl", "", "", false},
		{"arn:aws:s3:::bucket", "", "", false},
		{"", "", "", false},
	}
	for _, tt := range tests {
		acct, name, ok := roleOf(tt.arn)
		if acct != tt.account || name != tt.name || ok != tt.ok {
			t.Errorf("roleOf(%q) = %q, %q, %v; want %q, %q, %v", tt.arn, acct, name, ok, tt.account, tt.name, tt.ok)
		}
	}
}

func TestPartitionOf(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:sts::111122223333:assumed-role/a/b": "aws",
		"arn:aws-cn:iam::111122223333:user/u":        "aws-cn",
		"garbage":                                    "aws",
	} {
		if got := partitionOf(arn); got != want {
			t.Errorf("partitionOf(%q) = %q, want %q", arn, got, want)
		}
	}
}

func TestRegionOfLocation(t *testing.T) {
	for lc, want := range map[s3types.BucketLocationConstraint]string{
		"":           "us-east-1",
		"EU":         "eu-west-1",
		"eu-west-1":  "eu-west-1",
		"ap-south-2": "ap-south-2",
		"us-west-2":  "us-west-2",
	} {
		if got := regionOfLocation(lc); got != want {
			t.Errorf("regionOfLocation(%q) = %q, want %q", lc, got, want)
		}
	}
}

func TestDecodePolicyDocument(t *testing.T) {
	str := func(s string) *string { return &s }
	tests := []struct {
		name    string
		in      *string
		want    any
		wantErr bool
	}{
		{"absent", nil, nil, false},
		{"empty", str(""), nil, false},
		{"url-encoded, %20 and %2B", str("%7B%22Sid%22%3A%22a%20b%2Bc%22%7D"), map[string]any{"Sid": "a b+c"}, false},
		{"already plain JSON", str(`{"Version":"2012-10-17"}`), map[string]any{"Version": "2012-10-17"}, false},
		{"bad escape", str("%7B%ZZ"), nil, true},
		{"not JSON", str("%7B"), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodePolicyDocument(tt.in)
			if (err != nil) != tt.wantErr || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("decodePolicyDocument = %#v, %v; want %#v, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestOnceCacheReadsOnceUnderConcurrency(t *testing.T) {
	c := newOnceCache[int]()
	var reads atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	results := make([]int, 20)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = c.get("k", func() int {
				reads.Add(1)
				<-release // hold the read open so that the other callers pile up
				return 42
			})
		}()
	}
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()
	if got := c.get("k", func() int { reads.Add(1); return 0 }); got != 42 {
		t.Errorf("stored value = %d, want 42", got)
	}
	if n := reads.Load(); n != 1 {
		t.Errorf("read %d times, want 1", n)
	}
	for i, r := range results {
		if r != 42 {
			t.Errorf("caller %d got %d, want 42", i, r)
		}
	}
}

func TestSortErrorsFully(t *testing.T) {
	es := []CollectionError{
		{Resource: "b", Operation: "GetRolePolicy", Message: "inline policy \"z\": no"},
		{Resource: "b", Operation: "GetRolePolicy", Message: "inline policy \"a\": no"},
		{Resource: "a", Operation: "GetRole"},
	}
	sortErrorsFully(es)
	want := []string{"a", `inline policy "a": no`, `inline policy "z": no`}
	got := []string{es[0].Resource, es[1].Message, es[2].Message}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order = %q, want %q", got, want)
	}
}
