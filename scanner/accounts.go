package scanner

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// ErrOptions marks Options that cannot describe a scan (e.g. Org without RoleName).
var ErrOptions = errors.New("invalid scan options")

// accountIDPattern is an AWS account id.
var accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)

// regionPattern is the shape of a region name (us-east-1, us-gov-west-1, ...).
var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// ValidAccountID reports whether id is a 12-digit AWS account id.
func ValidAccountID(id string) bool { return accountIDPattern.MatchString(id) }

// ValidRegion reports whether name has the shape of an AWS region name.
func ValidRegion(name string) bool { return regionPattern.MatchString(name) }

// validate checks that o can describe a scan from n sets of credentials.
func (o Options) validate(n int) error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrOptions, fmt.Sprintf(format, a...))
	}
	switch {
	case n == 0:
		return bad("no credentials to scan with")
	case o.Org && len(o.Accounts) > 0:
		return bad("Org and Accounts exclude each other")
	case (o.Org || len(o.Accounts) > 0) && o.RoleName == "":
		return bad("scanning an organisation or a list of accounts needs the name of the role to assume in each account (e.g. OrganizationAccountAccessRole)")
	case (o.Org || len(o.Accounts) > 0) && n != 1:
		return bad("an organisation or a list of accounts is scanned from one set of credentials, got %d", n)
	case !o.Org && len(o.Accounts) == 0 && (o.RoleName != "" || o.ExternalID != ""):
		return bad("a role name or external id is used only with Org or Accounts")
	}
	if sh := o.Shard; sh != nil && (sh.Count < 1 || sh.Index < 0 || sh.Index >= sh.Count || sh.RunID == "") {
		return bad("shard %s: want 0 <= index < count and a run id", sh)
	}
	if strings.ContainsAny(o.RoleName, ":*") {
		return bad("role name %q: give the role's name (or path/name), not an ARN", o.RoleName)
	}
	for _, id := range o.Accounts {
		if !ValidAccountID(id) {
			return bad("account id %q is not 12 digits", id)
		}
	}
	for _, r := range o.Regions {
		if !ValidRegion(r) {
			return bad("region %q is not a region name", r)
		}
	}
	return nil
}

// scanAccount is one account the scan reads.
type scanAccount struct {
	id string
	// clients are the account's clients; nil until reached, and for good when the
	// account could not be reached (errs says why).
	clients Clients
	// roleArn is the role assumed to reach the account; "" for credentials used as given.
	roleArn string
	// assumeFrom are the credentials roleArn is assumed with.
	assumeFrom Clients
	// foreign is set on another shard's account: it is reached and listed only.
	foreign bool

	// Written by the account's own work item only, read after it.
	regions []string
	errs    []CollectionError
	buckets []*listedBucket

	// remaining counts the account's buckets not read yet (progress).
	remaining atomic.Int64
}

// reachable reports whether the account's clients could be had.
func (a *scanAccount) reachable() bool { return a != nil && a.clients != nil }

// rootArn names an account in errors about account-level reads.
func (col *collector) rootArn(id string) string {
	return "arn:" + col.partition + ":iam::" + id + ":root"
}

// identity is a source's own account, from GetCallerIdentity.
type identity struct {
	account, arn string
	err          *CollectionError
}

// discover decides which accounts the scan reads and how it reaches them. It
// returns them sorted by id; failures that stop an account or the whole discovery
// are recorded on snap.
func (col *collector) discover(ctx context.Context, sources []Clients, snap *Snapshot) []*scanAccount {
	ids := make([]identity, len(sources))
	col.forEach(len(sources), func(i int) {
		out, err := sources[i].STS().GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			ce := newCollectionError("GetCallerIdentity", "", ComponentAccount, err)
			ids[i].err = &ce
			return
		}
		ids[i] = identity{account: aws.ToString(out.Account), arn: aws.ToString(out.Arn)}
	})
	if ctx.Err() != nil {
		return nil
	}
	var accounts []*scanAccount
	seen := map[string]bool{}
	for i, id := range ids {
		if id.err != nil {
			snap.Errors = append(snap.Errors, *id.err)
			col.log.Warn("cannot tell whose credentials these are", "source", i+1, "code", id.err.Code, "message", id.err.Message)
			continue
		}
		if col.partition == "" {
			col.partition = partitionOf(id.arn)
		}
		if seen[id.account] {
			col.log.Warn("two sets of credentials belong to one account: scanning it once", "account", id.account)
			continue
		}
		seen[id.account] = true
		accounts = append(accounts, &scanAccount{id: id.account, clients: sources[i]})
	}
	if col.partition == "" {
		col.partition = "aws"
	}
	switch {
	case len(accounts) == 0:
		return nil
	case col.opts.Org:
		accounts = col.orgAccounts(ctx, accounts[0], snap)
	case len(col.opts.Accounts) > 0:
		accounts = col.listedAccounts(accounts[0], col.opts.Accounts)
	}
	sort.Slice(accounts, func(i, j int) bool { return accounts[i].id < accounts[j].id })
	return accounts
}

// roleIn is the ARN of the scan's role in account id.
func (col *collector) roleIn(id string) string {
	return "arn:" + col.partition + ":iam::" + id + ":role/" + strings.TrimPrefix(col.opts.RoleName, "/")
}

// listedAccounts are the accounts of Options.Accounts: the caller's own with its
// credentials, the others through the role.
func (col *collector) listedAccounts(caller *scanAccount, ids []string) []*scanAccount {
	var out []*scanAccount
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if id == caller.id {
			out = append(out, caller)
			continue
		}
		out = append(out, &scanAccount{id: id, roleArn: col.roleIn(id), assumeFrom: caller.clients})
	}
	return out
}

// orgAccounts lists the organisation's accounts with the management (or
// delegated administrator) account's credentials and keeps the ACTIVE ones; the
// others are recorded as skipped. When the organisation cannot be listed, the
// caller's own account is scanned alone and the failure recorded.
func (col *collector) orgAccounts(ctx context.Context, caller *scanAccount, snap *Snapshot) []*scanAccount {
	var all []orgtypes.Account
	pager := organizations.NewListAccountsPaginator(caller.clients.Organizations(), &organizations.ListAccountsInput{})
	// The paginator follows NextToken even after an empty page: Organizations
	// may return one while more accounts follow.
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			ce := col.failed("ListAccounts", col.rootArn(caller.id), ComponentAccount, err)
			ce.Message = "the organisation's accounts could not be listed, only the caller's own account is scanned: " + ce.Message
			snap.Errors = append(snap.Errors, ce)
			col.log.Warn("cannot list the organisation's accounts: scanning the caller's own account only",
				"account", caller.id, "code", ce.Code)
			return []*scanAccount{caller}
		}
		all = append(all, page.Accounts...)
	}
	var out []*scanAccount
	seen := map[string]bool{}
	for _, a := range all {
		id := aws.ToString(a.Id)
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		// State replaces Status, which Organizations retires in September 2026.
		state := string(a.State)
		if state == "" {
			state = string(a.Status)
		}
		if state != string(orgtypes.AccountStateActive) {
			snap.SkippedAccounts = append(snap.SkippedAccounts, SkippedAccount{ID: id, Name: aws.ToString(a.Name), State: state})
			col.log.Warn("account skipped: it is not ACTIVE", "account", id, "name", aws.ToString(a.Name), "state", state)
			continue
		}
		if id == caller.id {
			out = append(out, caller)
			continue
		}
		out = append(out, &scanAccount{id: id, roleArn: col.roleIn(id), assumeFrom: caller.clients})
	}
	col.log.Info("organisation listed", "active", len(out), "skipped", len(snap.SkippedAccounts))
	return out
}

// openAccount reaches the account (AssumeRole when it is reached through a role),
// then reads its enabled regions and lists its buckets. Failures are recorded on
// the account; a failed AssumeRole leaves it without clients.
func (col *collector) openAccount(ctx context.Context, a *scanAccount) {
	if a.clients == nil {
		c, err := a.assumeFrom.Assume(ctx, a.roleArn, col.opts.ExternalID)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			ce := newCollectionError("AssumeRole", a.roleArn, ComponentAccount, err)
			ce.Message = fmt.Sprintf("account %s could not be scanned: %s", a.id, ce.Message)
			a.errs = append(a.errs, ce)
			col.log.Warn("account could not be scanned: AssumeRole failed", "account", a.id, "role", a.roleArn, "code", ce.Code)
			return
		}
		a.clients = c
	}
	if !a.foreign {
		regions, errs := col.enabledRegions(ctx, a)
		a.regions = regions
		a.errs = append(a.errs, errs...)
	}
	buckets, listErr := col.listBuckets(ctx, a)
	a.buckets = buckets
	if listErr != nil {
		a.errs = append(a.errs, *listErr)
	}
	col.log.Info("account listed", "account", a.id, "buckets", len(buckets), "regions", len(a.regions), "other_shard", a.foreign)
}

// enabledRegions reads the regions enabled in the account: Account Management's
// ListRegions, else EC2's DescribeRegions (which, without AllRegions, lists the
// enabled regions only). When both fail, both failures are returned.
func (col *collector) enabledRegions(ctx context.Context, a *scanAccount) ([]string, []CollectionError) {
	var out []string
	pager := account.NewListRegionsPaginator(a.clients.Account(), &account.ListRegionsInput{
		RegionOptStatusContains: []accounttypes.RegionOptStatus{
			accounttypes.RegionOptStatusEnabled, accounttypes.RegionOptStatusEnabledByDefault,
		},
	})
	var listErr error
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			listErr = err
			break
		}
		for _, r := range page.Regions {
			if r.RegionOptStatus == accounttypes.RegionOptStatusEnabled || r.RegionOptStatus == accounttypes.RegionOptStatusEnabledByDefault {
				out = append(out, aws.ToString(r.RegionName))
			}
		}
	}
	if listErr == nil {
		return sortedUnique(out), nil
	}
	if ctx.Err() != nil {
		return nil, nil
	}
	col.log.Debug("ListRegions failed, trying DescribeRegions", "account", a.id, "code", errorCode(listErr))
	got, err := a.clients.EC2().DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	if err != nil {
		return nil, []CollectionError{
			col.failed("ListRegions", col.rootArn(a.id), ComponentAccount, listErr),
			col.failed("DescribeRegions", col.rootArn(a.id), ComponentAccount, err),
		}
	}
	out = out[:0]
	for _, r := range got.Regions {
		// Without AllRegions EC2 lists enabled regions only; an emulator may list
		// them all, so the opt-in status is checked as well.
		if aws.ToString(r.OptInStatus) == "not-opted-in" {
			continue
		}
		out = append(out, aws.ToString(r.RegionName))
	}
	return sortedUnique(out), nil
}

func sortedUnique(s []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, v := range s {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}
