package scanner

import (
	"os"
	"reflect"
	"slices"
	"sort"
	"testing"
)

func TestVerifyActionsCoverTheModeInterfaces(t *testing.T) {
	ifaces := map[string]reflect.Type{
		ModeObjects: reflect.TypeFor[ObjectsAPI](),
		ModeMetrics: reflect.TypeFor[CloudWatchAPI](),
		ModeCanary:  reflect.TypeFor[CanaryAPI](),
	}
	all := verifyOperationActions()
	if len(all) != len(ifaces) {
		t.Errorf("verifyOperationActions has modes %v, want %d", reflect.ValueOf(all).MapKeys(), len(ifaces))
	}
	for mode, iface := range ifaces {
		var methods []string
		for i := range iface.NumMethod() {
			methods = append(methods, iface.Method(i).Name)
		}
		var ops []string
		for op := range all[mode] {
			ops = append(ops, op)
		}
		sort.Strings(ops)
		if !slices.Equal(methods, ops) {
			t.Errorf("%s: %s has methods %v, verifyOperationActions maps %v", mode, iface, methods, ops)
		}
	}
}

func TestVerifyActions(t *testing.T) {
	// The IAM actions AWS documents for each call: HeadObject and GetObject with a
	// versionId need s3:GetObjectVersion, a tagged PutObject s3:PutObjectTagging, a
	// DeleteObject with a versionId s3:DeleteObjectVersion, ListObjectVersions
	// s3:ListBucketVersions, ListBucketInventoryConfigurations
	// s3:GetInventoryConfiguration (Service Authorization Reference, Amazon S3).
	want := map[string][]string{
		ModeObjects: {"s3:GetInventoryConfiguration", "s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:ListBucketVersions"},
		ModeMetrics: {"cloudwatch:GetMetricData"},
		ModeCanary:  {"s3:DeleteObjectVersion", "s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:PutObjectTagging"},
	}
	for mode, w := range want {
		got, err := VerifyActions(mode)
		if err != nil || !slices.Equal(got, w) {
			t.Errorf("VerifyActions(%s) = %q, %v; want %q", mode, got, err, w)
		}
	}
	if _, err := VerifyActions("everything"); err == nil {
		t.Error("VerifyActions(everything): no error")
	}
}

// The README's policy of each verification mode lists exactly what the mode calls.
func TestReadmeVerifyPoliciesListVerifyActions(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{ModeObjects, ModeMetrics, ModeCanary} {
		begin, end := "<!-- iam-policy-verify-"+mode+":begin -->", "<!-- iam-policy-verify-"+mode+":end -->"
		got, err := readmePolicyActionsBetween(string(data), begin, end)
		if err != nil {
			t.Errorf("README.md, %s: %v", mode, err)
			continue
		}
		want, _ := VerifyActions(mode)
		if !slices.Equal(got, want) {
			t.Errorf("README.md %s policy actions %q, VerifyActions(%s) %q", mode, got, mode, want)
		}
	}
}
