package scanner

import (
	"context"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/crrscan/crrscan/scanner/scantest"
)

// orgClients are the management account's clients for endpoint, with the
// scanner's retryer (fifteen attempts, no retry quota) and rate limiters.
func orgClients(endpoint string) Clients {
	cfg := scantest.AWSConfig(endpoint, "us-east-1")
	cfg.RetryMaxAttempts = 0
	cfg.Retryer = newRetryer
	return newLimitedClients(cfg, RateLimits{})
}

func seedOrg(t *testing.T, url string) *scantest.OrgEstate {
	t.Helper()
	e, err := scantest.SeedOrgEstate(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func newOrgProxy(t *testing.T, m *scantest.Moto, e *scantest.OrgEstate, f scantest.Faults, rules ...scantest.Rule) *scantest.Proxy {
	t.Helper()
	p := scantest.NewFaultProxy(m.URL, f, append(rules, e.CrossAccountRules()...)...)
	p.RegisterKey("testing", e.Management)
	t.Cleanup(p.Close)
	return p
}

func scanOrg(t *testing.T, endpoint string) *Snapshot {
	t.Helper()
	snap, err := Scan(context.Background(), orgClients(endpoint), Options{Org: true, RoleName: scantest.MemberRole, Concurrency: 8, ReadTags: true})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	return snap
}

func TestScanMotoOrganization(t *testing.T) {
	m := moto.Require(t)
	e := seedOrg(t, m.URL)
	p := newOrgProxy(t, m, e, scantest.Faults{})

	snap := scanOrg(t, p.URL)

	if !snap.Complete() {
		t.Fatalf("incomplete: %s", mustJSON(t, snap))
	}
	alpha, beta, gamma := e.Members["alpha"], e.Members["beta"], e.Members["gamma"]
	wantAccounts := []string{e.Management, alpha, beta}
	sort.Strings(wantAccounts)
	if !reflect.DeepEqual(snap.Accounts, wantAccounts) {
		t.Errorf("accounts = %q, want %q", snap.Accounts, wantAccounts)
	}
	var names []string
	for _, b := range snap.Buckets {
		names = append(names, b.Name)
		if want := e.Buckets[b.AccountID]; !contains(want, b.Name) {
			t.Errorf("bucket %s listed under account %s", b.Name, b.AccountID)
		}
	}
	sort.Strings(names)
	if !reflect.DeepEqual(names, e.AllBuckets()) {
		t.Errorf("buckets = %q, want %q (every bucket of every active account, none of the suspended one)", names, e.AllBuckets())
	}
	if want := []SkippedAccount{{ID: gamma, Name: "gamma", State: "SUSPENDED"}}; !reflect.DeepEqual(snap.SkippedAccounts, want) {
		t.Errorf("skipped = %+v, want %+v", snap.SkippedAccounts, want)
	}
	if want := []string{"eu-west-1", "us-east-1", "us-west-2"}; !reflect.DeepEqual(snap.Regions, want) {
		t.Errorf("regions = %q, want %q", snap.Regions, want)
	}
	for _, id := range wantAccounts {
		// moto has no Account Management ListRegions: EC2's DescribeRegions answers.
		if r := snap.EnabledRegions[id]; !contains(r, "eu-west-1") || contains(r, "ap-east-1") {
			t.Errorf("enabled regions of %s = %q", id, r)
		}
	}

	// The pairs across alpha and beta are read with beta's credentials: the proxy
	// denies alpha's, as AWS would.
	dst := destinationNamed(t, snap, "arn:aws:s3:::org-beta-dst")
	if !dst.InScan || dst.AccountID != beta || dst.Region != "us-west-2" || dst.Versioning == nil || dst.Versioning.Status != "Enabled" ||
		dst.Policy == nil || dst.Policy.Document == nil || dst.OwnershipControls == nil || len(dst.OwnershipControls.Rules) != 1 {
		t.Errorf("org-beta-dst = %s", mustJSON(t, dst))
	}
	nogrant := destinationNamed(t, snap, "arn:aws:s3:::org-beta-nogrant")
	if nogrant.Versioning == nil || nogrant.Versioning.Status != "Suspended" || nogrant.Policy == nil || nogrant.Policy.Document != nil {
		t.Errorf("org-beta-nogrant = %s", mustJSON(t, nogrant))
	}
	if len(snap.Roles) != 1 || snap.Roles[0].Arn != e.Role || snap.Roles[0].Exists == nil || !*snap.Roles[0].Exists ||
		len(snap.Roles[0].RolePolicies) != 1 {
		t.Errorf("roles = %s", mustJSON(t, snap.Roles))
	}
	denied := 0
	for i := range len(e.CrossAccountRules()) {
		denied += p.Hits(i)
	}
	if denied != 0 {
		t.Errorf("%d reads were made with another account's credentials", denied)
	}
}

// TestScanMotoOrganizationUnderFaults scans the organisation through a proxy that
// answers 30 % of the requests with throttling errors or connection resets, after
// a random delay: the snapshot is the one a scan without faults gives.
func TestScanMotoOrganizationUnderFaults(t *testing.T) {
	m := moto.Require(t)
	e := seedOrg(t, m.URL)
	clean := scanOrg(t, newOrgProxy(t, m, e, scantest.Faults{}).URL)
	if !clean.Complete() {
		t.Fatalf("clean scan incomplete: %s", mustJSON(t, clean))
	}

	p := newOrgProxy(t, m, e, scantest.Faults{Seed: 41, Rate: 0.3, ResetShare: 0.2, Latency: 30 * time.Millisecond})
	faulty := scanOrg(t, p.URL)

	for _, ce := range allErrors(faulty) {
		if strings.Contains(ce.Message, "retry quota exceeded") {
			t.Errorf("a read gave up on the retry quota: %+v", ce)
		}
	}
	if len(faulty.Buckets) != len(e.AllBuckets()) {
		t.Errorf("%d buckets under faults, want %d", len(faulty.Buckets), len(e.AllBuckets()))
	}
	clean.CollectedAt, faulty.CollectedAt = time.Time{}, time.Time{}
	if got, want := mustJSON(t, faulty), mustJSON(t, clean); got != want {
		t.Errorf("under faults the snapshot differs:\n got %s\nwant %s", got, want)
	}
	counts := p.FaultCounts()
	services := map[string]bool{}
	for k := range counts {
		services[strings.Fields(k)[0]] = true
	}
	if counts["s3 "+scantest.FaultThrottle] == 0 || counts["s3 "+scantest.FaultReset] == 0 || len(services) < 3 {
		t.Errorf("faults injected = %v: the test did not exercise throttling and resets across services", counts)
	}
	t.Logf("%d requests, faults %v", p.Requests(), counts)
}

// TestScanMotoOrganizationDenied: AssumeRole into alpha is denied, and beta's
// credentials may not read tags: alpha is an account-level error, beta's buckets
// carry a tags error each, and nothing else is lost.
func TestScanMotoOrganizationDenied(t *testing.T) {
	m := moto.Require(t)
	e := seedOrg(t, m.URL)
	alpha, beta := e.Members["alpha"], e.Members["beta"]
	p := newOrgProxy(t, m, e, scantest.Faults{Seed: 7, Rate: 0.3, ResetShare: 0.2},
		scantest.Rule{RoleAccount: alpha, Action: "AssumeRole", Message: "not authorized to perform sts:AssumeRole"},
		scantest.Rule{Account: beta, Query: "tagging"},
	)
	snap := scanOrg(t, p.URL)

	if snap.Complete() {
		t.Fatal("complete despite the denials")
	}
	if len(snap.Errors) != 1 || snap.Errors[0].Operation != "AssumeRole" || snap.Errors[0].Code != "AccessDenied" ||
		!strings.Contains(snap.Errors[0].Message, alpha) || snap.Errors[0].Resource != "arn:aws:iam::"+alpha+":role/"+scantest.MemberRole {
		t.Errorf("account errors = %s", mustJSON(t, snap.Errors))
	}
	for _, b := range snap.Buckets {
		var tagErrs int
		for _, ce := range b.Errors {
			if ce.Operation == "GetBucketTagging" && ce.Code == "AccessDenied" && ce.Component == ComponentTags {
				tagErrs++
			}
		}
		wantErrs := 0
		if b.AccountID == beta {
			wantErrs = 1
		}
		if tagErrs != wantErrs || len(b.Errors) != wantErrs {
			t.Errorf("bucket %s (%s): errors %s", b.Name, b.AccountID, mustJSON(t, b.Errors))
		}
	}
	want := append(append([]string{}, e.Buckets[e.Management]...), e.Buckets[beta]...)
	sort.Strings(want)
	var got []string
	for _, b := range snap.Buckets {
		got = append(got, b.Name)
	}
	sort.Strings(got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("buckets = %q, want %q", got, want)
	}
	if !contains(snap.Accounts, alpha) {
		t.Errorf("accounts %q lack the unreachable account %s", snap.Accounts, alpha)
	}
}

// allErrors returns every collection error of s.
func allErrors(s *Snapshot) []CollectionError {
	out := append([]CollectionError{}, s.Errors...)
	for _, b := range s.Buckets {
		out = append(out, b.Errors...)
	}
	for _, d := range s.Destinations {
		out = append(out, d.Errors...)
	}
	for _, r := range s.Roles {
		out = append(out, r.Errors...)
	}
	for _, k := range s.KmsKeys {
		out = append(out, k.Errors...)
	}
	return out
}
