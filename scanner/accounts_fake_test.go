package scanner

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

const (
	memberA   = "222200000001"
	memberB   = "222200000002"
	suspended = "222200000003"
	auditRole = "CrrscanAudit"
)

func auditRoleIn(acct string) string { return "arn:aws:iam::" + acct + ":role/" + auditRole }

// member is the fake of an account reached through the audit role: its regions
// and one page of buckets.
func member(buckets ...s3types.Bucket) *fakeAWS {
	return &fakeAWS{answers: map[string]any{
		"ListRegions ": fakeRegions("eu-west-1", "us-east-1"),
		"ListBuckets ": &s3.ListBucketsOutput{Buckets: buckets},
	}}
}

// orgAccount is an account as ListAccounts lists it.
func orgAccount(id, name string, state orgtypes.AccountState, status orgtypes.AccountStatus) orgtypes.Account {
	return orgtypes.Account{Id: aws.String(id), Name: aws.String(name), State: state, Status: status}
}

// fakeOrganization is a management account (fakeAccount) with members A and B, a suspended
// member, and a member whose state is only in the retiring Status field. The
// listing has an empty page with a NextToken in the middle.
func fakeOrganization(mgmtBuckets []s3types.Bucket, a, b *fakeAWS) *fakeAWS {
	mgmt := &fakeAWS{answers: fakeEstate(mgmtBuckets...), roles: map[string]*fakeAWS{
		auditRoleIn(memberA): a, auditRoleIn(memberB): b,
	}}
	mgmt.answers["ListAccounts "] = &organizations.ListAccountsOutput{
		Accounts: []orgtypes.Account{
			orgAccount(fakeAccount, "management", orgtypes.AccountStateActive, orgtypes.AccountStatusActive),
			orgAccount(memberA, "alpha", orgtypes.AccountStateActive, ""),
		},
		NextToken: aws.String("p2"),
	}
	mgmt.answers["ListAccounts p2"] = &organizations.ListAccountsOutput{NextToken: aws.String("p3")}
	mgmt.answers["ListAccounts p3"] = &organizations.ListAccountsOutput{Accounts: []orgtypes.Account{
		orgAccount(memberB, "beta", "", orgtypes.AccountStatusActive),
		orgAccount(suspended, "gamma", orgtypes.AccountStateSuspended, orgtypes.AccountStatusSuspended),
		orgAccount("222200000004", "delta", "", orgtypes.AccountStatusPendingClosure),
	}}
	return mgmt
}

func scanWith(t *testing.T, c Clients, o Options) *Snapshot {
	t.Helper()
	snap, err := Scan(context.Background(), c, o)
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	return snap
}

func bucketNames(s *Snapshot) []string {
	var out []string
	for _, b := range s.Buckets {
		out = append(out, b.AccountID+"/"+b.Region+"/"+b.Name)
	}
	return out
}

func TestScanOrgScansActiveAccountsOnce(t *testing.T) {
	a := member(listed("a-1", "eu-west-1"), listed("a-2", "us-east-1"))
	plainReads(a.answers, "a-1")
	plainReads(a.answers, "a-2")
	b := member(listed("b-1", "eu-west-1"))
	plainReads(b.answers, "b-1")
	mgmt := fakeOrganization([]s3types.Bucket{listed("m-1", "us-east-1")}, a, b)
	plainReads(mgmt.answers, "m-1")
	progress := &Progress{}

	snap := scanWith(t, mgmt, Options{Org: true, RoleName: auditRole, Concurrency: 3, Progress: progress})

	if !snap.Complete() {
		t.Fatalf("incomplete: %s", mustJSON(t, snap.Errors))
	}
	if want := []string{fakeAccount, memberA, memberB}; !reflect.DeepEqual(snap.Accounts, want) {
		t.Errorf("accounts = %q, want %q", snap.Accounts, want)
	}
	wantBuckets := []string{fakeAccount + "/us-east-1/m-1", memberA + "/eu-west-1/a-1", memberA + "/us-east-1/a-2", memberB + "/eu-west-1/b-1"}
	if got := bucketNames(snap); !reflect.DeepEqual(got, wantBuckets) {
		t.Errorf("buckets = %q, want %q", got, wantBuckets)
	}
	wantSkipped := []SkippedAccount{{ID: suspended, Name: "gamma", State: "SUSPENDED"}, {ID: "222200000004", Name: "delta", State: "PENDING_CLOSURE"}}
	if !reflect.DeepEqual(snap.SkippedAccounts, wantSkipped) {
		t.Errorf("skipped = %+v, want %+v", snap.SkippedAccounts, wantSkipped)
	}
	wantRegions := map[string][]string{
		fakeAccount: {"eu-west-1", "us-east-1", "us-west-2"}, memberA: {"eu-west-1", "us-east-1"}, memberB: {"eu-west-1", "us-east-1"},
	}
	if !reflect.DeepEqual(snap.EnabledRegions, wantRegions) {
		t.Errorf("enabled regions = %v, want %v", snap.EnabledRegions, wantRegions)
	}
	// One AssumeRole per member, none for the management account, and every
	// account's reads made with its own credentials.
	assumes := 0
	for _, c := range mgmt.callList() {
		if strings.Contains(c, "AssumeRole") {
			assumes++
		}
		if strings.Contains(c, " a-") || strings.Contains(c, " b-") {
			t.Errorf("management credentials read a member's bucket: %q", c)
		}
	}
	if assumes != 2 {
		t.Errorf("%d AssumeRole calls, want 2: %q", assumes, mgmt.callList())
	}
	for _, c := range a.callList() {
		if strings.Contains(c, " m-") || strings.Contains(c, " b-") {
			t.Errorf("account A's credentials read another account's bucket: %q", c)
		}
	}
	want := ProgressCounts{AccountsTotal: 3, AccountsListed: 3, AccountsDone: 3, BucketsTotal: 4, ConfigsRead: 4, BucketsDone: 4}
	if got := progress.Counts(); got != want {
		t.Errorf("progress = %+v, want %+v", got, want)
	}
}

func TestScanOrgSortsSkippedAccounts(t *testing.T) {
	mgmt := fakeOrganization(nil, member(), member())
	snap := scanWith(t, mgmt, Options{Org: true, RoleName: auditRole})
	var ids []string
	for _, s := range snap.SkippedAccounts {
		ids = append(ids, s.ID+" "+s.State)
	}
	if want := []string{suspended + " SUSPENDED", "222200000004 PENDING_CLOSURE"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("skipped = %q, want %q", ids, want)
	}
}

func TestScanOrgAssumeRoleFailure(t *testing.T) {
	b := member(listed("b-1", "eu-west-1"))
	plainReads(b.answers, "b-1")
	// A's bucket replicates with a role of account A, which cannot be reached.
	mgmt := fakeOrganization([]s3types.Bucket{listed("m-1", "us-east-1")}, nil, b)
	delete(mgmt.roles, auditRoleIn(memberA))
	mgmt.answers["AssumeRole "+auditRoleIn(memberA)] = apiErr(403, "AccessDenied", "not authorized to perform sts:AssumeRole")
	plainReads(mgmt.answers, "m-1")
	roleInA := "arn:aws:iam::" + memberA + ":role/repl"
	mgmt.answers["GetBucketReplication m-1"] = replicating(roleInA, "arn:aws:s3:::b-1")
	sourceNotConfigured(mgmt.answers, "m-1")
	destinationNotConfigured(b.answers, "b-1")

	snap := scanWith(t, mgmt, Options{Org: true, RoleName: auditRole})

	if snap.Complete() {
		t.Fatal("complete although account A could not be reached")
	}
	if want := []string{fakeAccount, memberA, memberB}; !reflect.DeepEqual(snap.Accounts, want) {
		t.Errorf("accounts = %q, want %q (an unreachable account is still one the scan covers)", snap.Accounts, want)
	}
	if len(snap.Errors) != 1 {
		t.Fatalf("errors = %s, want one", mustJSON(t, snap.Errors))
	}
	e := snap.Errors[0]
	if e.Operation != "AssumeRole" || e.Code != "AccessDenied" || e.Resource != auditRoleIn(memberA) || e.Component != ComponentAccount ||
		!strings.Contains(e.Message, memberA) {
		t.Errorf("error = %+v", e)
	}
	if got := bucketNames(snap); !reflect.DeepEqual(got, []string{fakeAccount + "/us-east-1/m-1", memberB + "/eu-west-1/b-1"}) {
		t.Errorf("buckets = %q", got)
	}
	// The role of the unreachable account is unknown for that reason, which the
	// bucket using it carries.
	if len(snap.Roles) != 1 || len(snap.Roles[0].Errors) != 1 || snap.Roles[0].Errors[0].Code != "AccessDenied" ||
		snap.Roles[0].Errors[0].Component != ComponentRole || snap.Roles[0].Exists != nil {
		t.Errorf("roles = %s", mustJSON(t, snap.Roles))
	}
	if _, ok := snap.EnabledRegions[memberA]; ok {
		t.Errorf("enabled regions recorded for an unreachable account: %v", snap.EnabledRegions)
	}
}

// TestScanCrossAccountPair scans a source in account A that replicates with a
// role of account B into a bucket of account B: both are read with B's
// credentials, and the destination is the scanned bucket.
func TestScanCrossAccountPair(t *testing.T) {
	const roleInB = "arn:aws:iam::" + memberB + ":role/repl"
	a := member(listed("src", "eu-west-1"))
	plainReads(a.answers, "src")
	a.answers["GetBucketReplication src"] = replicating(roleInB, "arn:aws:s3:::dst")
	sourceNotConfigured(a.answers, "src")
	b := member(listed("dst", "us-east-1"))
	plainReads(b.answers, "dst")
	b.answers["GetBucketVersioning dst"] = &s3.GetBucketVersioningOutput{Status: s3types.BucketVersioningStatusSuspended}
	destinationNotConfigured(b.answers, "dst")
	b.answers["GetBucketPolicy dst"] = &s3.GetBucketPolicyOutput{Policy: aws.String(`{"Version":"2012-10-17","Statement":[]}`)}
	b.answers["GetRole repl"] = &iam.GetRoleOutput{Role: &iamtypes.Role{RoleName: aws.String("repl"), Arn: aws.String(roleInB)}}
	b.answers["ListRolePolicies repl"] = &iam.ListRolePoliciesOutput{}
	b.answers["ListAttachedRolePolicies repl"] = &iam.ListAttachedRolePoliciesOutput{}
	mgmt := &fakeAWS{answers: fakeEstate(), roles: map[string]*fakeAWS{auditRoleIn(memberA): a, auditRoleIn(memberB): b}}

	snap := scanWith(t, mgmt, Options{Accounts: []string{memberB, memberA}, RoleName: auditRole})

	if !snap.Complete() {
		t.Fatalf("incomplete: %s", mustJSON(t, snap))
	}
	if want := []string{memberA, memberB}; !reflect.DeepEqual(snap.Accounts, want) {
		t.Errorf("accounts = %q, want %q (the caller's own account is not listed)", snap.Accounts, want)
	}
	d := destinationNamed(t, snap, "arn:aws:s3:::dst")
	if !d.InScan || d.AccountID != memberB || d.Versioning == nil || d.Versioning.Status != "Suspended" ||
		d.Policy == nil || d.Policy.Document == nil || d.Region != "us-east-1" {
		t.Errorf("destination = %s", mustJSON(t, d))
	}
	if len(snap.Roles) != 1 || snap.Roles[0].Exists == nil || !*snap.Roles[0].Exists || snap.Roles[0].AccountID != memberB {
		t.Errorf("roles = %s", mustJSON(t, snap.Roles))
	}
	for _, c := range a.callList() {
		if strings.Contains(c, " dst") || strings.Contains(c, " repl") {
			t.Errorf("account A's credentials read account B's resource: %q", c)
		}
	}
	for _, want := range []string{"iam GetRole repl", "us-east-1 GetBucketPolicy dst"} {
		if !contains(b.callList(), want) {
			t.Errorf("account B's credentials did not call %q: %q", want, b.callList())
		}
	}
	for _, c := range mgmt.callList() {
		if strings.Contains(c, "ListBuckets") {
			t.Errorf("the caller's own account was listed although --accounts does not name it: %q", c)
		}
	}
}

// TestScanAccountsIncludesCallerWithOwnCredentials: the caller's own account in
// --accounts is read with the caller's credentials, no AssumeRole.
func TestScanAccountsIncludesCallerWithOwnCredentials(t *testing.T) {
	mgmt := &fakeAWS{answers: fakeEstate(listed("m-1", "us-east-1")), roles: map[string]*fakeAWS{auditRoleIn(memberA): member()}}
	plainReads(mgmt.answers, "m-1")
	snap := scanWith(t, mgmt, Options{Accounts: []string{fakeAccount, memberA, memberA}, RoleName: auditRole, ExternalID: "ext"})
	if !snap.Complete() || !reflect.DeepEqual(snap.Accounts, []string{fakeAccount, memberA}) || len(snap.Buckets) != 1 {
		t.Fatalf("snapshot = %s", mustJSON(t, snap))
	}
	var assumed []string
	for _, c := range mgmt.callList() {
		if strings.Contains(c, "AssumeRole") {
			assumed = append(assumed, c)
		}
	}
	if want := []string{"sts AssumeRole " + auditRoleIn(memberA) + " ext"}; !reflect.DeepEqual(assumed, want) {
		t.Errorf("AssumeRole calls = %q, want %q (with the external id, once)", assumed, want)
	}
}

// TestScanRegionsFilter leaves out buckets of other regions, but still reads a
// destination among them with its account's credentials.
func TestScanRegionsFilter(t *testing.T) {
	a := fakeEstate(listed("src", "eu-west-1"), listed("dst", "us-west-2"), listed("other", "us-west-2"), listed("here", ""))
	plainReads(a, "src")
	a["GetBucketReplication src"] = replicating("arn:aws:iam::"+fakeAccount+":role/gone", "arn:aws:s3:::dst")
	a["GetRole gone"] = apiErr(404, "NoSuchEntity", "gone")
	sourceNotConfigured(a, "src")
	a["GetBucketVersioning dst"] = &s3.GetBucketVersioningOutput{Status: s3types.BucketVersioningStatusEnabled}
	destinationNotConfigured(a, "dst")
	a["HeadBucket here"] = &s3.HeadBucketOutput{BucketRegion: aws.String("eu-west-1")}
	plainReads(a, "here")
	s, f := scanFake(t, a, func(o *Options) { o.Regions = []string{"eu-west-1"} }, readAll)
	if !s.Complete() {
		t.Fatalf("incomplete: %s", mustJSON(t, s))
	}
	if got, want := bucketNames(s), []string{fakeAccount + "/eu-west-1/here", fakeAccount + "/eu-west-1/src"}; !reflect.DeepEqual(got, want) {
		t.Errorf("buckets = %q, want %q", got, want)
	}
	d := destinationNamed(t, s, "arn:aws:s3:::dst")
	want := LinkedBucket{Arn: "arn:aws:s3:::dst", Name: "dst", AccountID: fakeAccount, Exists: aws.Bool(true), Region: "us-west-2",
		Versioning: &Versioning{Status: "Enabled"}, BucketConfig: notConfigured()}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("destination:\n got %s\nwant %s", mustJSON(t, d), mustJSON(t, want))
	}
	for _, c := range f.callList() {
		if strings.Contains(c, " other") {
			t.Errorf("a bucket outside the regions was read: %q", c)
		}
	}
	if !reflect.DeepEqual(s.Regions, []string{"eu-west-1"}) {
		t.Errorf("regions = %q", s.Regions)
	}
}

func TestScanEnabledRegionsFallback(t *testing.T) {
	tests := []struct {
		name    string
		answers map[string]any
		want    []string
		errs    []string
	}{
		{"ListRegions", map[string]any{"ListRegions ": fakeRegions("us-east-1", "af-south-1")}, []string{"af-south-1", "us-east-1"}, nil},
		{"denied: DescribeRegions", map[string]any{
			"ListRegions ": apiErr(403, "AccessDeniedException", "no"),
			"DescribeRegions ": &ec2.DescribeRegionsOutput{Regions: []ec2types.Region{
				{RegionName: aws.String("us-east-1"), OptInStatus: aws.String("opt-in-not-required")},
				{RegionName: aws.String("me-south-1"), OptInStatus: aws.String("opted-in")},
				{RegionName: aws.String("ap-east-1"), OptInStatus: aws.String("not-opted-in")},
			}},
		}, []string{"me-south-1", "us-east-1"}, nil},
		{"both fail", map[string]any{
			"ListRegions ":     apiErr(403, "AccessDeniedException", "no"),
			"DescribeRegions ": apiErr(403, "UnauthorizedOperation", "no"),
		}, nil, []string{"DescribeRegions UnauthorizedOperation", "ListRegions AccessDeniedException"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := fakeEstate()
			delete(a, "ListRegions ")
			for k, v := range tt.answers {
				a[k] = v
			}
			s, _ := scanFake(t, a)
			if got := s.EnabledRegions[fakeAccount]; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("enabled regions = %q, want %q", got, tt.want)
			}
			var errs []string
			for _, e := range s.Errors {
				errs = append(errs, e.Operation+" "+e.Code)
				if e.Resource != "arn:aws:iam::"+fakeAccount+":root" || e.Component != ComponentAccount {
					t.Errorf("error %+v", e)
				}
			}
			if !reflect.DeepEqual(errs, tt.errs) {
				t.Errorf("errors = %q, want %q", errs, tt.errs)
			}
		})
	}
}

func TestScanOrgListAccountsFails(t *testing.T) {
	mgmt := &fakeAWS{answers: fakeEstate(listed("m-1", "us-east-1"))}
	plainReads(mgmt.answers, "m-1")
	mgmt.answers["ListAccounts "] = apiErr(400, "AWSOrganizationsNotInUseException", "not in an organization")
	s := scanWith(t, mgmt, Options{Org: true, RoleName: auditRole})
	if len(s.Buckets) != 1 || !reflect.DeepEqual(s.Accounts, []string{fakeAccount}) {
		t.Errorf("the caller's own account was not scanned: %s", mustJSON(t, s))
	}
	if len(s.Errors) != 1 || s.Errors[0].Operation != "ListAccounts" || s.Errors[0].Code != "AWSOrganizationsNotInUseException" {
		t.Errorf("errors = %s", mustJSON(t, s.Errors))
	}
}

func TestScanProfilesEachAccountOnce(t *testing.T) {
	one := &fakeAWS{answers: fakeEstate(listed("m-1", "us-east-1"))}
	plainReads(one.answers, "m-1")
	two := member(listed("b-1", "eu-west-1"))
	plainReads(two.answers, "b-1")
	two.answers["GetCallerIdentity "] = &sts.GetCallerIdentityOutput{Account: aws.String(memberB), Arn: aws.String("arn:aws:iam::" + memberB + ":user/x")}
	dup := &fakeAWS{answers: fakeEstate(listed("m-1", "us-east-1"))} // the same account again
	s, err := ScanEach(context.Background(), []Clients{two, one, dup}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Complete() || !reflect.DeepEqual(s.Accounts, []string{fakeAccount, memberB}) || len(s.Buckets) != 2 {
		t.Errorf("snapshot = %s", mustJSON(t, s))
	}
	if calls := dup.callList(); len(calls) != 1 {
		t.Errorf("the duplicate profile made %q, want only GetCallerIdentity", calls)
	}
}

func TestScanRejectsInvalidOptions(t *testing.T) {
	f := &fakeAWS{answers: fakeEstate()}
	for name, o := range map[string]Options{
		"org without role":      {Org: true},
		"accounts without role": {Accounts: []string{memberA}},
		"org and accounts":      {Org: true, Accounts: []string{memberA}, RoleName: "r"},
		"role alone":            {RoleName: "r"},
		"bad account id":        {Accounts: []string{"12"}, RoleName: "r"},
		"role ARN as name":      {Org: true, RoleName: "arn:aws:iam::1:role/r"},
		"bad region":            {Regions: []string{"Europe"}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Scan(context.Background(), f, o); !errors.Is(err, ErrOptions) {
				t.Errorf("Scan = %v, want ErrOptions", err)
			}
		})
	}
	if _, err := ScanEach(context.Background(), []Clients{f, f}, Options{Org: true, RoleName: "r"}); !errors.Is(err, ErrOptions) {
		t.Errorf("org from two sets of credentials: %v, want ErrOptions", err)
	}
	if calls := f.callList(); len(calls) != 0 {
		t.Errorf("invalid options made calls: %q", calls)
	}
}

func TestInterleaveSpreadsAccounts(t *testing.T) {
	mk := func(id string, n int) *scanAccount {
		a := &scanAccount{id: id}
		for i := range n {
			a.buckets = append(a.buckets, &listedBucket{bucket: &Bucket{Name: id + string(rune('a'+i))}})
		}
		return a
	}
	var got []string
	for _, lb := range interleave([]*scanAccount{mk("x", 3), mk("y", 1), mk("z", 2)}) {
		got = append(got, lb.bucket.Name)
	}
	if want := []string{"xa", "ya", "za", "xb", "zb", "xc"}; !reflect.DeepEqual(got, want) {
		t.Errorf("interleave = %q, want %q", got, want)
	}
}
