package fakeaws

import (
	"context"
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// decoded URL-decodes and parses an IAM document the way the scanner does.
func decoded(t *testing.T, s *string) map[string]any {
	t.Helper()
	if s == nil || strings.ContainsAny(*s, "{}\" ") {
		t.Fatalf("document is not URL-encoded: %v", aws.ToString(s))
	}
	text, err := url.QueryUnescape(*s)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatalf("%v: %s", err, text)
	}
	return doc
}

func TestIAM(t *testing.T) {
	s := start(t, testEstate(), Options{})
	c := iamFor(s, acctA)
	ctx := context.Background()

	role, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("repl")})
	must(t, "GetRole", err)
	r := role.Role
	if aws.ToString(r.Arn) != "arn:aws:iam::111111111111:role/service-role/repl" || aws.ToString(r.Path) != "/service-role/" ||
		r.CreateDate == nil || !r.CreateDate.Equal(created) ||
		aws.ToString(r.PermissionsBoundary.PermissionsBoundaryArn) != "arn:aws:iam::111111111111:policy/boundary" {
		t.Errorf("role = %+v", r)
	}
	trust := decoded(t, r.AssumeRolePolicyDocument)
	// Spaces and a literal + survive the round trip.
	if got := trust["Statement"].([]any)[0].(map[string]any)["Condition"].(map[string]any)["StringLike"].(map[string]any)["aws:SourceArn"]; got != "arn:aws:s3:::a b+c" {
		t.Errorf("trust policy condition = %v", got)
	}
	if strings.Contains(aws.ToString(r.AssumeRolePolicyDocument), "+") {
		t.Errorf("document encodes a space as +: %s", aws.ToString(r.AssumeRolePolicyDocument))
	}

	var names []string
	pages := 0
	lp := iam.NewListRolePoliciesPaginator(c, &iam.ListRolePoliciesInput{RoleName: aws.String("repl"), MaxItems: aws.Int32(1)})
	for lp.HasMorePages() {
		page, err := lp.NextPage(ctx)
		must(t, "ListRolePolicies", err)
		pages++
		names = append(names, page.PolicyNames...)
	}
	if !reflect.DeepEqual(names, []string{"one", "two"}) || pages != 2 {
		t.Errorf("inline policies = %v in %d pages", names, pages)
	}
	inline, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("repl"), PolicyName: aws.String("two")})
	must(t, "GetRolePolicy", err)
	if doc := decoded(t, inline.PolicyDocument); doc["Statement"].([]any)[0].(map[string]any)["Action"] != "kms:Encrypt" {
		t.Errorf("inline policy = %v", doc)
	}

	att, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("repl")})
	must(t, "ListAttachedRolePolicies", err)
	if len(att.AttachedPolicies) != 2 || aws.ToString(att.AttachedPolicies[1].PolicyName) != "AmazonS3ReadOnlyAccess" || att.IsTruncated {
		t.Errorf("attached = %+v", att.AttachedPolicies)
	}
	pol, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::111111111111:policy/base")})
	must(t, "GetPolicy", err)
	if aws.ToString(pol.Policy.DefaultVersionId) != "v2" || aws.ToString(pol.Policy.PolicyName) != "base" {
		t.Errorf("policy = %+v", pol.Policy)
	}
	ver, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String("arn:aws:iam::111111111111:policy/base"), VersionId: aws.String("v2")})
	must(t, "GetPolicyVersion", err)
	if doc := decoded(t, ver.PolicyVersion.Document); doc["Version"] != "2012-10-17" || !ver.PolicyVersion.IsDefaultVersion {
		t.Errorf("policy version = %v", doc)
	}
	_, err = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")})
	must(t, "GetPolicy of an AWS managed policy", err)

	_, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("gone")})
	var nse *iamtypes.NoSuchEntityException
	if !errorsAs(err, &nse) || status(err) != 404 {
		t.Errorf("missing role: %v, want typed NoSuchEntityException with 404", err)
	}
	_, err = c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("repl"), PolicyName: aws.String("gone")})
	wantCode(t, "missing inline policy", err, "NoSuchEntity")
	_, err = c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String("arn:aws:iam::111111111111:policy/base"), VersionId: aws.String("v9")})
	wantCode(t, "missing policy version", err, "NoSuchEntity")
	_, err = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::222222222222:policy/theirs")})
	wantCode(t, "another account's policy", err, "AccessDenied")
	// Roles are per account.
	_, err = iamFor(s, acctB).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("repl")})
	wantCode(t, "another account's role", err, "NoSuchEntity")
}

func TestSTS(t *testing.T) {
	e := testEstate()
	e.ExternalID = "ext-1"
	s := start(t, e, Options{})
	ctx := context.Background()
	c := stsFor(s, acctA)

	id, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	must(t, "GetCallerIdentity", err)
	if aws.ToString(id.Account) != acctA || aws.ToString(id.Arn) != "arn:aws:iam::111111111111:user/fakeaws" {
		t.Errorf("identity = %s %s", aws.ToString(id.Account), aws.ToString(id.Arn))
	}

	arnB := "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole"
	out, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arnB), RoleSessionName: aws.String("crrscan"), ExternalId: aws.String("ext-1"), DurationSeconds: aws.Int32(900)})
	must(t, "AssumeRole", err)
	cr := out.Credentials
	if cr == nil || aws.ToString(cr.AccessKeyId) == "" || aws.ToString(cr.SessionToken) == "" ||
		cr.Expiration == nil || time.Until(*cr.Expiration) < 14*time.Minute || time.Until(*cr.Expiration) > 16*time.Minute {
		t.Fatalf("credentials = %+v", cr)
	}
	if aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::222222222222:assumed-role/OrganizationAccountAccessRole/crrscan" {
		t.Errorf("assumed role user = %s", aws.ToString(out.AssumedRoleUser.Arn))
	}
	cfgB := aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider(aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey), aws.ToString(cr.SessionToken)),
		BaseEndpoint:     aws.String(s.URL),
		RetryMaxAttempts: 1,
	}
	idB, err := sts.NewFromConfig(cfgB).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	must(t, "GetCallerIdentity as the session", err)
	if aws.ToString(idB.Account) != acctB || !strings.HasPrefix(aws.ToString(idB.Arn), "arn:aws:sts::222222222222:assumed-role/OrganizationAccountAccessRole/") {
		t.Errorf("session identity = %s %s", aws.ToString(idB.Account), aws.ToString(idB.Arn))
	}
	list, err := s3.NewFromConfig(cfgB, func(o *s3.Options) { o.UsePathStyle = true }).ListBuckets(ctx, &s3.ListBucketsInput{MaxBuckets: aws.Int32(10)})
	must(t, "ListBuckets as the session", err)
	if len(list.Buckets) != 1 || aws.ToString(list.Buckets[0].Name) != "dst-b" {
		t.Errorf("session lists %+v", list.Buckets)
	}

	// A role of the estate can be assumed too.
	_, err = c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111111111111:role/service-role/repl"), RoleSessionName: aws.String("s"), ExternalId: aws.String("ext-1")})
	must(t, "AssumeRole of an estate role", err)

	for _, tc := range []struct{ what, arn, ext string }{
		{"suspended account", "arn:aws:iam::333333333333:role/OrganizationAccountAccessRole", "ext-1"},
		{"unknown account", "arn:aws:iam::444444444444:role/OrganizationAccountAccessRole", "ext-1"},
		{"unknown role", "arn:aws:iam::222222222222:role/Other", "ext-1"},
		{"wrong external id", arnB, "nope"},
	} {
		_, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(tc.arn), RoleSessionName: aws.String("s"), ExternalId: aws.String(tc.ext)})
		wantCode(t, tc.what, err, "AccessDenied")
		if status(err) != 403 {
			t.Errorf("%s: status %d, want 403", tc.what, status(err))
		}
	}
	_, err = sts.NewFromConfig(cfgWithKey(s, "AKIANOBODY", "us-east-1")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantCode(t, "unknown access key", err, "InvalidClientTokenId")
	// A session key the fake never issued is unknown too.
	_, err = sts.NewFromConfig(cfgWithKey(s, "ASIA"+acctB+"FFFF", "us-east-1")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantCode(t, "forged session key", err, "InvalidClientTokenId")
}

func TestKMS(t *testing.T) {
	s := start(t, testEstate(), Options{})
	ctx := context.Background()
	c := kmsFor(s, acctA, "eu-west-1")
	arnA := "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"

	for _, ref := range []string{arnA, "1234abcd-12ab-34cd-56ef-1234567890ab", "alias/crr", "arn:aws:kms:eu-west-1:111111111111:alias/crr"} {
		out, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(ref)})
		must(t, "DescribeKey "+ref, err)
		md := out.KeyMetadata
		if aws.ToString(md.Arn) != arnA || aws.ToString(md.AWSAccountId) != acctA || !md.Enabled || md.KeyState != kmstypes.KeyStateEnabled ||
			md.KeyManager != kmstypes.KeyManagerTypeCustomer || md.KeySpec != kmstypes.KeySpecSymmetricDefault || md.CreationDate == nil || !md.CreationDate.Equal(created) {
			t.Errorf("DescribeKey %s = %+v", ref, md)
		}
	}
	pol, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(arnA), PolicyName: aws.String("default")})
	must(t, "GetKeyPolicy", err)
	var doc map[string]any
	if err := json.Unmarshal([]byte(aws.ToString(pol.Policy)), &doc); err != nil || doc["Version"] != "2012-10-17" {
		t.Errorf("key policy %q (%v)", aws.ToString(pol.Policy), err)
	}
	gone, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("dddddddd-0000-4000-8000-000000000009")})
	must(t, "DescribeKey pending deletion", err)
	if gone.KeyMetadata.KeyState != kmstypes.KeyStatePendingDeletion || gone.KeyMetadata.Enabled || gone.KeyMetadata.DeletionDate == nil {
		t.Errorf("pending deletion key = %+v", gone.KeyMetadata)
	}

	_, err = c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("00000000-0000-0000-0000-000000000000")})
	var nf *kmstypes.NotFoundException
	if !errorsAs(err, &nf) {
		t.Errorf("missing key: %v, want typed NotFoundException", err)
	}
	// Keys are regional.
	_, err = kmsFor(s, acctA, "us-east-1").DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/crr")})
	wantCode(t, "alias in another region", err, "NotFoundException")

	// Another account's key: described when its policy lets the caller, never its policy.
	east := kmsFor(s, acctA, "us-east-1")
	arnB := "arn:aws:kms:us-east-1:222222222222:key/bbbbbbbb-0000-4000-8000-000000000001"
	out, err := east.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(arnB)})
	must(t, "DescribeKey of a shared key", err)
	if aws.ToString(out.KeyMetadata.AWSAccountId) != acctB {
		t.Errorf("shared key account = %s", aws.ToString(out.KeyMetadata.AWSAccountId))
	}
	_, err = east.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(arnB), PolicyName: aws.String("default")})
	wantCode(t, "GetKeyPolicy of another account's key", err, "AccessDeniedException")
	_, err = kmsFor(s, acctB, "eu-west-1").DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(arnA)})
	wantCode(t, "DescribeKey of an unshared key", err, "AccessDeniedException")
}

func TestOrganizations(t *testing.T) {
	s := start(t, testEstate(), Options{})
	ctx := context.Background()
	c := organizations.NewFromConfig(cfgFor(s, acctA, "us-east-1"))
	var ids []string
	var states []orgtypes.AccountState
	pages := 0
	p := organizations.NewListAccountsPaginator(c, &organizations.ListAccountsInput{MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		must(t, "ListAccounts", err)
		pages++
		for _, a := range page.Accounts {
			ids = append(ids, aws.ToString(a.Id))
			states = append(states, a.State)
			if a.JoinedTimestamp == nil || a.JoinedTimestamp.Year() != 2024 {
				t.Errorf("%s joined %v", aws.ToString(a.Id), a.JoinedTimestamp)
			}
		}
	}
	if !reflect.DeepEqual(ids, []string{acctA, acctB, acctC}) || pages != 2 ||
		!reflect.DeepEqual(states, []orgtypes.AccountState{"ACTIVE", "ACTIVE", "SUSPENDED"}) {
		t.Errorf("accounts %v states %v in %d pages", ids, states, pages)
	}

	_, err := organizations.NewFromConfig(cfgFor(s, acctB, "us-east-1")).ListAccounts(ctx, &organizations.ListAccountsInput{})
	var denied *orgtypes.AccessDeniedException
	if !errorsAs(err, &denied) {
		t.Errorf("ListAccounts from a member account: %v, want typed AccessDeniedException", err)
	}
	org, err := organizations.NewFromConfig(cfgFor(s, acctB, "us-east-1")).DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	must(t, "DescribeOrganization", err)
	if aws.ToString(org.Organization.MasterAccountId) != acctA {
		t.Errorf("management account = %s", aws.ToString(org.Organization.MasterAccountId))
	}

	e := testEstate()
	e.ManagementAccount = ""
	_, err = organizations.NewFromConfig(cfgFor(start(t, e, Options{}), acctA, "us-east-1")).ListAccounts(ctx, &organizations.ListAccountsInput{})
	var notInUse *orgtypes.AWSOrganizationsNotInUseException
	if !errorsAs(err, &notInUse) {
		t.Errorf("ListAccounts outside an organisation: %v, want typed AWSOrganizationsNotInUseException", err)
	}
}

func TestRegionDiscovery(t *testing.T) {
	s := start(t, testEstate(), Options{})
	ctx := context.Background()
	out, err := account.NewFromConfig(cfgFor(s, acctA, "us-east-1")).ListRegions(ctx, &account.ListRegionsInput{
		AccountId: aws.String(acctB), MaxResults: aws.Int32(1),
		RegionOptStatusContains: []accounttypes.RegionOptStatus{"ENABLED", "ENABLED_BY_DEFAULT"},
	})
	must(t, "ListRegions", err)
	if len(out.Regions) != 1 || aws.ToString(out.Regions[0].RegionName) != "us-east-1" || out.Regions[0].RegionOptStatus != "ENABLED_BY_DEFAULT" || aws.ToString(out.NextToken) == "" {
		t.Errorf("first page = %+v, next %q", out.Regions, aws.ToString(out.NextToken))
	}
	var names []string
	p := account.NewListRegionsPaginator(account.NewFromConfig(cfgFor(s, acctB, "eu-west-1")), &account.ListRegionsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		must(t, "ListRegions page", err)
		for _, r := range page.Regions {
			names = append(names, aws.ToString(r.RegionName))
		}
	}
	if !reflect.DeepEqual(names, []string{"us-east-1", "eu-west-1"}) {
		t.Errorf("own regions = %v", names)
	}
	_, err = account.NewFromConfig(cfgFor(s, acctB, "us-east-1")).ListRegions(ctx, &account.ListRegionsInput{AccountId: aws.String(acctA)})
	var denied *accounttypes.AccessDeniedException
	if !errorsAs(err, &denied) {
		t.Errorf("ListRegions of another account from a member: %v, want typed AccessDeniedException", err)
	}

	dr, err := ec2.NewFromConfig(cfgFor(s, acctA, "us-east-1")).DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true)})
	must(t, "DescribeRegions", err)
	if len(dr.Regions) != 2 || aws.ToString(dr.Regions[1].RegionName) != "eu-west-1" || aws.ToString(dr.Regions[1].OptInStatus) != "opt-in-not-required" ||
		aws.ToString(dr.Regions[1].Endpoint) != "ec2.eu-west-1.amazonaws.com" {
		t.Errorf("DescribeRegions = %+v", dr.Regions)
	}
	_, err = ec2.NewFromConfig(cfgWithKey(s, "AKIANOBODY", "us-east-1")).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	wantCode(t, "DescribeRegions with an unknown key", err, "InvalidClientTokenId")
}

func TestLatencyThrottlingFaultsAndStats(t *testing.T) {
	ctx := context.Background()

	slow := start(t, testEstate(), Options{Latency: 30 * time.Millisecond})
	t0 := time.Now()
	_, err := s3For(slow, acctA, "us-east-1").GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("bare-a")})
	must(t, "slow GetBucketVersioning", err)
	if d := time.Since(t0); d < 30*time.Millisecond {
		t.Errorf("a call took %v with 30ms latency", d)
	}

	// Every request throttled: each service's throttling error, which the SDK's
	// retryer recognises as throttling.
	thr := start(t, testEstate(), Options{Throttle: 1})
	isThrottle := retry.IsErrorThrottles(retry.DefaultThrottles)
	for _, tc := range []struct {
		what string
		call func() error
		code string
	}{
		{"s3", func() error {
			_, err := s3For(thr, acctA, "us-east-1").GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("bare-a")})
			return err
		}, "SlowDown"},
		{"iam", func() error {
			_, err := iamFor(thr, acctA).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("repl")})
			return err
		}, "Throttling"},
		{"sts", func() error {
			_, err := stsFor(thr, acctA).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		}, "Throttling"},
		{"kms", func() error {
			_, err := kmsFor(thr, acctA, "eu-west-1").DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/crr")})
			return err
		}, "ThrottlingException"},
	} {
		err := tc.call()
		wantCode(t, tc.what, err, tc.code)
		if isThrottle.IsErrorThrottle(err) != aws.TrueTernary {
			t.Errorf("%s: the SDK does not take %v for throttling", tc.what, err)
		}
	}
	if st := thr.Stats(); st.Throttled["s3:GetBucketVersioning"] != 1 || st.Throttled["kms:DescribeKey"] != 1 || len(st.Errors) != 0 {
		t.Errorf("throttled = %v, errors = %v", st.Throttled, st.Errors)
	}

	// A third of the requests throttled, deterministically.
	third := start(t, testEstate(), Options{Throttle: 0.3, Seed: 7})
	c := s3For(third, acctA, "us-east-1")
	n := 0
	for range 300 {
		if _, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("bare-a")}); code(err) == "SlowDown" {
			n++
		}
	}
	if n < 60 || n > 120 {
		t.Errorf("%d of 300 requests throttled at rate 0.3", n)
	}

	// The fault hook fails chosen requests in the service's format.
	faulty := start(t, testEstate(), Options{Fault: func(c Call) *APIError {
		if c.Service == "s3" && c.Operation == "GetBucketPolicy" && c.Resource == "src-a" && c.Account == acctA && c.Region == "eu-west-1" {
			return apiError(403, "AccessDenied", "Access Denied")
		}
		if c.Service == "iam" && c.Operation == "GetRolePolicy" {
			return apiError(403, "AccessDenied", "not allowed")
		}
		return nil
	}})
	_, err = s3For(faulty, acctA, "eu-west-1").GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("src-a")})
	wantCode(t, "injected bucket policy fault", err, "AccessDenied")
	_, err = iamFor(faulty, acctA).GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("repl"), PolicyName: aws.String("one")})
	wantCode(t, "injected IAM fault", err, "AccessDenied")
	_, err = s3For(faulty, acctA, "eu-west-1").GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: aws.String("src-a")})
	must(t, "request the hook lets through", err)

	st := faulty.Stats()
	if st.Requests != 3 || st.Calls["s3:GetBucketPolicy"] != 1 || st.Calls["iam:GetRolePolicy"] != 1 ||
		st.Errors["s3:GetBucketPolicy:AccessDenied"] != 1 || st.Resources["iam:GetRolePolicy"][acctA+"/repl"] != 1 ||
		st.Accounts[acctA]["s3"] != 2 || st.Accounts[acctA]["iam"] != 1 {
		t.Errorf("stats = %+v", st)
	}
	if k := st.Kinds[KindSource]; k.Buckets != 1 || k.Calls["GetBucketPolicy"] != 1 || k.Calls["GetBucketReplication"] != 1 {
		t.Errorf("source kind = %+v", k)
	}
	if st.Kinds[KindPlain].Buckets != 2 || st.MaxPerBucket["GetBucketPolicy"] != 1 {
		t.Errorf("kinds = %+v, max per bucket = %v", st.Kinds, st.MaxPerBucket)
	}
	faulty.ResetStats()
	if st := faulty.Stats(); st.Requests != 0 || len(st.Calls) != 0 || st.Kinds[KindSource].Calls["GetBucketPolicy"] != 0 {
		t.Errorf("after reset: %+v", st)
	}
}
