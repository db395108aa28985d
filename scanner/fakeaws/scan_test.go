package fakeaws_test

import (
	"context"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/crrscan/crrscan/policies"
	"github.com/crrscan/crrscan/scanner"
	"github.com/crrscan/crrscan/scanner/fakeaws"
)

// awsEnv makes the standard credential chain of NewAWSClients find account's
// access key at the fake, and nothing else of this machine's AWS setup.
func awsEnv(t testing.TB, account string) {
	t.Helper()
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":           fakeaws.AccessKey(account),
		"AWS_SECRET_ACCESS_KEY":       "fakeaws",
		"AWS_SESSION_TOKEN":           "",
		"AWS_PROFILE":                 "",
		"AWS_DEFAULT_PROFILE":         "",
		"AWS_REGION":                  "",
		"AWS_DEFAULT_REGION":          "",
		"AWS_ENDPOINT_URL":            "",
		"AWS_CONFIG_FILE":             filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED":   "true",
	} {
		t.Setenv(k, v)
	}
}

// scan runs scanner.Scan through NewAWSClients against the fake at url as the
// estate's management account; an estate of several accounts is scanned as an
// organisation through its access role (crrscan scan --org --role-name …). Each
// of tune may change the options first.
func scan(t testing.TB, url string, e *fakeaws.Estate, concurrency int, tune ...func(*scanner.Options)) *scanner.Snapshot {
	t.Helper()
	awsEnv(t, e.ManagementAccount)
	ctx := context.Background()
	o := scanner.Options{Region: "us-east-1", EndpointURL: url, Concurrency: concurrency}
	if len(e.Accounts) > 1 {
		o.Org, o.RoleName = true, fakeaws.DefaultAccessRole
	}
	for _, f := range tune {
		f(&o)
	}
	clients, err := scanner.NewAWSClients(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := scanner.Scan(ctx, clients, o)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// collectionErrors lists every read error of the snapshot.
func collectionErrors(s *scanner.Snapshot) []scanner.CollectionError {
	errs := append([]scanner.CollectionError{}, s.Errors...)
	for _, b := range s.Buckets {
		errs = append(errs, b.Errors...)
	}
	for _, d := range s.Destinations {
		errs = append(errs, d.Errors...)
	}
	for _, r := range s.Roles {
		errs = append(errs, r.Errors...)
	}
	for _, k := range s.KmsKeys {
		errs = append(errs, k.Errors...)
	}
	return errs
}

func TestScanThroughTheFake(t *testing.T) {
	e := fakeaws.Generate(fakeaws.DefaultSpec(400, 4))
	srv := fakeaws.NewServer(e, fakeaws.Options{})
	defer srv.Close()
	snap := scan(t, srv.URL, e, 16)

	if len(snap.Buckets) != len(e.Buckets) || len(snap.Accounts) != 4 {
		t.Fatalf("scanned %d buckets of %d in %d accounts of 4", len(snap.Buckets), len(e.Buckets), len(snap.Accounts))
	}
	if errs := collectionErrors(snap); len(errs) > 0 {
		t.Fatalf("%d read errors, first %+v", len(errs), errs[0])
	}
	want := map[string]*fakeaws.Bucket{}
	for _, b := range e.Buckets {
		want[b.Name] = b
	}
	replicating := 0
	for _, b := range snap.Buckets {
		w := want[b.Name]
		if b.Region != w.Region || b.AccountID != w.Account || b.Versioning == nil || b.Versioning.Status != w.Versioning {
			t.Errorf("%s: region %s account %s versioning %+v; want %s %s %q", b.Name, b.Region, b.AccountID, b.Versioning, w.Region, w.Account, w.Versioning)
		}
		if (b.ReplicationConfiguration != nil) != (w.Replication != nil) {
			t.Errorf("%s: replication %v, want %v", b.Name, b.ReplicationConfiguration != nil, w.Replication != nil)
		}
		if b.ReplicationConfiguration != nil {
			replicating++
			if b.ServerSideEncryptionConfiguration == nil || b.ObjectLockConfiguration == nil {
				t.Errorf("%s: source settings not read", b.Name)
			}
		}
	}
	if replicating != 120 || len(snap.Destinations) != 120 || len(snap.Roles) != 12 {
		t.Errorf("%d replicating buckets, %d destinations, %d roles; want 120, 120, 12", replicating, len(snap.Destinations), len(snap.Roles))
	}
	// Cross-account pairs: the destination is read with its owner's credentials.
	cross := 0
	for _, d := range snap.Destinations {
		w := want[d.Name]
		if !d.InScan || d.AccountID != w.Account || d.Versioning == nil || d.Policy == nil {
			t.Errorf("destination %s read as %+v", d.Name, d)
		}
		crossAccount := false
		for _, b := range e.Buckets {
			if b.Replication != nil && b.Replication.Rules[0].Destination.Bucket == d.Arn && b.Account != d.AccountID {
				cross++
				crossAccount = true
			}
		}
		// Ownership and request payment matter only across accounts (CRR-027, 051,
		// 052): the scanner reads them there and nowhere else.
		if crossAccount != (d.OwnershipControls != nil && d.RequestPaymentConfiguration != nil) {
			t.Errorf("destination %s (cross-account %v): ownership read %v, request payment read %v",
				d.Name, crossAccount, d.OwnershipControls != nil, d.RequestPaymentConfiguration != nil)
		}
	}
	if cross == 0 {
		t.Error("the estate has no cross-account pair")
	}
	for _, r := range snap.Roles {
		if r.Exists == nil || !*r.Exists || r.AssumeRolePolicyDocument == nil || len(r.RolePolicies) != 1 || len(r.AttachedPolicies) != 2 {
			t.Errorf("role %s read as %+v", r.Arn, r)
		}
	}

	st := srv.Stats()
	// The generated rules select whole buckets (empty prefixes): nothing to list.
	if n := st.Calls["s3:ListObjectsV2"]; n != 0 {
		t.Errorf("%d ListObjectsV2 calls, want 0 (no rule has a prefix)", n)
	}
	for op, n := range st.MaxPerBucket {
		if n > 1 {
			t.Errorf("a bucket got %d %s requests", n, op)
		}
	}
	// One AssumeRole per member account; the management account uses its own credentials.
	if assumed := st.Resources["sts:AssumeRole"]; len(assumed) != 3 {
		t.Errorf("AssumeRole into %d roles, want the 3 member accounts: %v", len(assumed), assumed)
	}
	for _, op := range []string{"sts:AssumeRole", "iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:GetPolicy", "kms:DescribeKey"} {
		for res, n := range st.Resources[op] {
			if n != 1 {
				t.Errorf("%s on %s: %d calls, want 1", op, res, n)
			}
		}
	}
	if n := len(st.Resources["iam:GetRole"]); n != 12 {
		t.Errorf("GetRole read %d roles, want 12", n)
	}

	eng, err := policies.New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	findings, _, err := eng.EvaluateSnapshotWith(context.Background(), snap, policies.DefaultSettings(), time.Now(), 2)
	if err != nil {
		t.Fatal(err)
	}
	byCheck := map[string]int{}
	for _, f := range findings {
		byCheck[f.CheckID]++
	}
	if byCheck[policies.ErrorCheckID] > 0 {
		t.Errorf("%d %s findings", byCheck[policies.ErrorCheckID], policies.ErrorCheckID)
	}
	ids := make([]string, 0, len(byCheck))
	for id := range byCheck {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		t.Logf("%s: %d findings", id, byCheck[id])
	}
}

// Under 30 % throttling of every service no bucket is lost and no read gives up.
func TestScanUnderThrottling(t *testing.T) {
	if testing.Short() {
		t.Skip("retries with backoff take seconds")
	}
	e := fakeaws.Generate(fakeaws.DefaultSpec(60, 3))
	srv := fakeaws.NewServer(e, fakeaws.Options{Throttle: 0.3, Seed: 3})
	defer srv.Close()
	snap := scan(t, srv.URL, e, 16)
	if len(snap.Buckets) != len(e.Buckets) || len(snap.Accounts) != 3 {
		t.Fatalf("scanned %d buckets of %d in %d accounts of 3", len(snap.Buckets), len(e.Buckets), len(snap.Accounts))
	}
	if errs := collectionErrors(snap); len(errs) > 0 {
		t.Fatalf("%d read errors under throttling, first %+v", len(errs), errs[0])
	}
	st := srv.Stats()
	throttled := int64(0)
	for _, n := range st.Throttled {
		throttled += n
	}
	if throttled == 0 {
		t.Fatal("nothing was throttled")
	}
	t.Logf("%d requests, %d throttled", st.Requests, throttled)
}
