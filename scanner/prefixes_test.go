package scanner

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/crrscan/crrscan/scanner/scantest"
)

func TestRulePrefixes(t *testing.T) {
	str := aws.String
	cfg := &ReplicationConfiguration{Rules: []ReplicationRule{
		{Prefix: str("old/")}, // V1
		{Prefix: str("ignored/"), Filter: &ReplicationRuleFilter{}}, // V2: the rule's Prefix is not the filter
		{Filter: &ReplicationRuleFilter{Prefix: str("logs/")}},
		{Filter: &ReplicationRuleFilter{And: &ReplicationRuleAndOperator{Prefix: str("img/"), Tags: []Tag{{Key: "k", Value: "v"}}}}},
		{Filter: &ReplicationRuleFilter{And: &ReplicationRuleAndOperator{Prefix: str("logs/")}}}, // same prefix: listed once
		{Filter: &ReplicationRuleFilter{Prefix: str("")}},
		{Filter: &ReplicationRuleFilter{Tag: &Tag{Key: "k", Value: "v"}}},
		{Prefix: str("")},
		{},
	}}
	want := []string{"img/", "logs/", "old/"}
	if got := rulePrefixes(cfg); !reflect.DeepEqual(got, want) {
		t.Errorf("rulePrefixes = %q, want %q", got, want)
	}
	if got := rulePrefixes(nil); got != nil {
		t.Errorf("rulePrefixes(nil) = %q, want nil", got)
	}
}

// prefixRules is a replication configuration to a missing destination of another
// account, with one V2 rule per prefix.
func prefixRules(prefixes ...string) *s3.GetBucketReplicationOutput {
	cfg := &s3types.ReplicationConfiguration{Role: aws.String("arn:aws:iam::" + otherAccount + ":role/repl")}
	for i, p := range prefixes {
		cfg.Rules = append(cfg.Rules, s3types.ReplicationRule{
			ID: aws.String("r" + string(rune('1'+i))), Priority: aws.Int32(int32(i + 1)), Status: s3types.ReplicationRuleStatusEnabled,
			Filter:                  &s3types.ReplicationRuleFilter{Prefix: aws.String(p)},
			DeleteMarkerReplication: &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusDisabled},
			Destination:             &s3types.Destination{Bucket: aws.String("arn:aws:s3:::gone")},
		})
	}
	return &s3.GetBucketReplicationOutput{ReplicationConfiguration: cfg}
}

// prefixEstate is a replicating bucket src with the given rule prefixes, a
// replicating bucket all whose one rule selects every key, and a plain bucket.
func prefixEstate(prefixes ...string) map[string]any {
	a := fakeEstate(listed("src", "eu-west-1"), listed("all", "eu-west-1"), listed("plain", "eu-west-1"))
	for name, out := range map[string]*s3.GetBucketReplicationOutput{"src": prefixRules(prefixes...), "all": prefixRules("")} {
		a["GetBucketReplication "+name] = out
		a["GetBucketVersioning "+name] = &s3.GetBucketVersioningOutput{Status: s3types.BucketVersioningStatusEnabled}
		sourceNotConfigured(a, name)
	}
	plainReads(a, "plain")
	a["HeadBucket gone"] = apiErr(404, "NotFound", "")
	return a
}

// listCalls are the ListObjectsV2 calls among calls.
func listCalls(calls []string) []string {
	var out []string
	for _, c := range calls {
		if strings.Contains(c, " ListObjectsV2 ") {
			out = append(out, c)
		}
	}
	return out
}

func TestScanListsEachRulePrefixOnce(t *testing.T) {
	a := prefixEstate("logs/", "nothing/", "logs/", "")
	a["ListObjectsV2 src/logs/"] = &s3.ListObjectsV2Output{KeyCount: aws.Int32(1), Contents: []s3types.Object{{Key: aws.String("logs/a")}}}
	a["ListObjectsV2 src/nothing/"] = &s3.ListObjectsV2Output{KeyCount: aws.Int32(0)}

	snap, f := scanFake(t, a)

	if !snap.Complete() {
		t.Fatalf("snapshot incomplete: %s", mustJSON(t, snap))
	}
	// One call per distinct non-empty prefix of a replicating bucket; nothing for
	// an empty prefix or a bucket that does not replicate.
	want := []string{"eu-west-1 ListObjectsV2 src/logs/", "eu-west-1 ListObjectsV2 src/nothing/"}
	if got := listCalls(f.callList()); !reflect.DeepEqual(got, want) {
		t.Errorf("listings = %q, want %q", got, want)
	}
	if got, want := bucketNamed(t, snap, "src").PrefixHasObjects, map[string]bool{"logs/": true, "nothing/": false}; !reflect.DeepEqual(got, want) {
		t.Errorf("src PrefixHasObjects = %v, want %v", got, want)
	}
	for _, name := range []string{"all", "plain"} {
		if got := bucketNamed(t, snap, name).PrefixHasObjects; got != nil {
			t.Errorf("%s PrefixHasObjects = %v, want nil", name, got)
		}
	}
	// The JSON says it only where it is known, keys sorted.
	if js := mustJSON(t, bucketNamed(t, snap, "src")); !strings.Contains(js, `"PrefixHasObjects":{"logs/":true,"nothing/":false}`) {
		t.Errorf("src JSON: %s", js)
	}
	if js := mustJSON(t, bucketNamed(t, snap, "all")); strings.Contains(js, "PrefixHasObjects") {
		t.Errorf("all JSON: %s", js)
	}
}

func TestScanListObjectsDenied(t *testing.T) {
	a := prefixEstate("a/", "b/")
	a["ListObjectsV2 src/a/"] = apiErr(403, "AccessDenied", "Access Denied")
	a["ListObjectsV2 src/b/"] = &s3.ListObjectsV2Output{KeyCount: aws.Int32(0)}

	snap, f := scanFake(t, a)

	src := bucketNamed(t, snap, "src")
	want := []CollectionError{{Operation: "ListObjectsV2", Code: "AccessDenied", Message: `prefix "a/": Access Denied`,
		Resource: "arn:aws:s3:::src", Component: ComponentObjects}}
	if !reflect.DeepEqual(src.Errors, want) {
		t.Errorf("src errors:\n got %+v\nwant %+v", src.Errors, want)
	}
	// The failure ends the bucket's listing: every prefix stays unknown.
	if src.PrefixHasObjects != nil {
		t.Errorf("src PrefixHasObjects = %v, want nil (unknown)", src.PrefixHasObjects)
	}
	if got := listCalls(f.callList()); !reflect.DeepEqual(got, []string{"eu-west-1 ListObjectsV2 src/a/"}) {
		t.Errorf("listings = %q, want only src/a/", got)
	}
	if snap.Complete() {
		t.Error("a failed listing must leave the snapshot incomplete")
	}
}

// storedReplication hands out the clients of inner, except that GetBucketReplication
// answers from the configurations as the test put them: moto 5.2.1 answers every
// rule with Filter{Prefix:""}, whatever was stored.
type storedReplication struct {
	Clients
	configs map[string]*s3types.ReplicationConfiguration
}

func (c storedReplication) S3(region string) S3API {
	return storedReplicationS3{c.Clients.S3(region), c.configs}
}

type storedReplicationS3 struct {
	S3API
	configs map[string]*s3types.ReplicationConfiguration
}

func (s storedReplicationS3) GetBucketReplication(ctx context.Context, in *s3.GetBucketReplicationInput, o ...func(*s3.Options)) (*s3.GetBucketReplicationOutput, error) {
	out, err := s.S3API.GetBucketReplication(ctx, in, o...)
	if cfg, ok := s.configs[aws.ToString(in.Bucket)]; ok && err == nil {
		out.ReplicationConfiguration = cfg
	}
	return out, err
}

func TestScanMotoRulePrefixes(t *testing.T) {
	m := moto.Require(t)
	s := newSeeder(t, m.URL)
	s.bucket("pfx-src", "us-east-1", true)
	dst := s.bucket("pfx-dst", "eu-west-1", true)
	role := s.role("pfx-role", nil)
	_, err := s.s3("us-east-1").PutObject(s.ctx, &s3.PutObjectInput{Bucket: aws.String("pfx-src"), Key: aws.String("logs/2024/01/a.log"), Body: strings.NewReader("x")})
	s.check("PutObject", err)
	cfg := &s3types.ReplicationConfiguration{Role: aws.String(role)}
	for i, p := range []string{"logs/", "reports/"} {
		cfg.Rules = append(cfg.Rules, s3types.ReplicationRule{
			ID: aws.String(strings.TrimSuffix(p, "/")), Priority: aws.Int32(int32(i + 1)), Status: s3types.ReplicationRuleStatusEnabled,
			DeleteMarkerReplication: &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusDisabled},
			Filter:                  &s3types.ReplicationRuleFilter{Prefix: aws.String(p)},
			Destination:             &s3types.Destination{Bucket: aws.String(dst)},
		})
	}
	_, err = s.s3("us-east-1").PutBucketReplication(s.ctx, &s3.PutBucketReplicationInput{Bucket: aws.String("pfx-src"), ReplicationConfiguration: cfg})
	s.check("PutBucketReplication", err)
	stored := map[string]*s3types.ReplicationConfiguration{"pfx-src": cfg}

	t.Run("listed", func(t *testing.T) {
		c := &countingClients{inner: storedReplication{motoClients(m.URL), stored}, n: map[string]int{}}
		snap := scanMoto(t, c)
		if !snap.Complete() {
			t.Fatalf("snapshot incomplete: %s", mustJSON(t, snap))
		}
		if got, want := bucketNamed(t, snap, "pfx-src").PrefixHasObjects, map[string]bool{"logs/": true, "reports/": false}; !reflect.DeepEqual(got, want) {
			t.Errorf("PrefixHasObjects = %v, want %v", got, want)
		}
		for _, k := range []string{"ListObjectsV2 pfx-src/logs/", "ListObjectsV2 pfx-src/reports/"} {
			if n := c.count(k); n != 1 {
				t.Errorf("%s: %d calls, want 1", k, n)
			}
		}
		if got := bucketNamed(t, snap, "pfx-dst").PrefixHasObjects; got != nil {
			t.Errorf("pfx-dst (no configuration) PrefixHasObjects = %v, want nil", got)
		}
	})

	t.Run("denied", func(t *testing.T) {
		proxy := scantest.NewProxy(m.URL, scantest.Rule{Bucket: "pfx-src", Query: "list-type", Message: "Access Denied"})
		defer proxy.Close()
		snap := scanMoto(t, storedReplication{motoClients(proxy.URL), stored})
		if proxy.Hits(0) != 1 {
			t.Errorf("the proxy answered %d ListObjectsV2 requests, want 1 (the listing stops at the first failure)", proxy.Hits(0))
		}
		src := bucketNamed(t, snap, "pfx-src")
		want := []CollectionError{{Operation: "ListObjectsV2", Code: "AccessDenied", Message: `prefix "logs/": Access Denied`,
			Resource: "arn:aws:s3:::pfx-src", Component: ComponentObjects}}
		if !reflect.DeepEqual(src.Errors, want) || src.PrefixHasObjects != nil {
			t.Errorf("pfx-src: errors %+v, PrefixHasObjects %v; want %+v and nil", src.Errors, src.PrefixHasObjects, want)
		}
	})
}

// The listing round-trips through the snapshot with its keys sorted, and a snapshot
// from before the scan listed still loads, with the listing unknown (nil).
func TestSnapshotPrefixListing(t *testing.T) {
	s := orgSnapshot()
	s.Buckets[0].PrefixHasObjects = map[string]bool{"z/": true, "a/": false}
	var out bytes.Buffer
	if err := WriteSnapshot(&out, s); err != nil {
		t.Fatal(err)
	}
	if frag := `"PrefixHasObjects": {` + "\n" + `        "a/": false,` + "\n" + `        "z/": true`; !strings.Contains(out.String(), frag) {
		t.Errorf("snapshot lacks %q:\n%s", frag, out.String())
	}
	back, err := ReadSnapshot(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Buckets[0].PrefixHasObjects, s.Buckets[0].PrefixHasObjects) {
		t.Errorf("read back %v", back.Buckets[0].PrefixHasObjects)
	}

	out.Reset()
	if err := WriteSnapshot(&out, orgSnapshot()); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "PrefixHasObjects") {
		t.Errorf("an unlisted bucket's snapshot names the listing:\n%s", out.String())
	}
	old, err := ReadSnapshot(bytes.NewReader(out.Bytes()))
	if err != nil || old.Buckets[0].PrefixHasObjects != nil {
		t.Errorf("older snapshot: %v, listing %v; want it read, listing nil", err, old.Buckets[0].PrefixHasObjects)
	}
}
