package scanner

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/sourcegraph/conc/pool"
)

// listPageSize is sent as MaxBuckets: a paginated ListBuckets makes S3 return
// each bucket's region.
const listPageSize = 1000

// Scan collects the replication setup of the buckets of the accounts o names,
// reached from the credentials of c: by default c's own account; with o.Org every
// ACTIVE account of the organisation c manages; with o.Accounts the listed
// accounts. Accounts other than c's own are reached by assuming o.RoleName in
// them. See ScanEach.
func Scan(ctx context.Context, c Clients, o Options) (*Snapshot, error) {
	return ScanEach(ctx, []Clients{c}, o)
}

// ScanEach collects the replication setup of every bucket of the accounts o names
// (see Scan; with several sets of credentials, one per named profile, each one's
// own account), and the destinations, roles and KMS keys those buckets name, each
// read once, with the credentials of the account it belongs to when that account
// is scanned.
//
// It runs as a few steps, each a bounded pool of work items (o.Concurrency):
// whose credentials these are (and the organisation's accounts); per account,
// AssumeRole, its enabled regions and its buckets; per bucket, its region (buckets
// outside o.Regions stop there), replication configuration and versioning (tags
// with o.ReadTags), encryption and object lock when it replicates, and the role;
// then the destinations, which need every bucket's configuration and region (listed
// destinations with their owner's credentials, sharing what the bucket's own reads
// found; others with the credentials of the first account, by id, whose buckets
// name them), each read only for the settings the rules into it need checked (see
// destNeeds); then the KMS keys, which need the destinations' regions.
//
// Every AWS failure becomes data: a CollectionError on the bucket, destination,
// role or KMS key it concerns, or on the snapshot when an account could not be
// reached or listed. Scan returns an error only when ctx ends before the scan does
// (the context's error) or when o is invalid (ErrOptions).
func ScanEach(ctx context.Context, sources []Clients, o Options) (*Snapshot, error) {
	if err := o.validate(len(sources)); err != nil {
		return nil, err
	}
	col := &collector{
		opts:     o,
		log:      o.logger(),
		progress: o.Progress,
		dests:    newOnceCache[LinkedBucket](),
		settings: newOnceCache[destConfig](),
		roles:    newOnceCache[Role](),
		policies: newOnceCache[managedResult](),
		keys:     newOnceCache[KmsKey](),
	}
	if len(o.Regions) > 0 {
		col.inRegions = map[string]bool{}
		for _, r := range o.Regions {
			col.inRegions[r] = true
		}
	}
	snap := &Snapshot{
		SchemaVersion: SchemaVersion,
		Accounts:      []string{},
		Regions:       []string{},
		Buckets:       []Bucket{},
		Destinations:  []LinkedBucket{},
		Roles:         []Role{},
	}
	cancelled := func() (*Snapshot, error) { return nil, fmt.Errorf("scan: %w", ctx.Err()) }

	accounts := col.discover(ctx, sources, snap)
	if ctx.Err() != nil {
		return cancelled()
	}
	col.accounts = make(map[string]*scanAccount, len(accounts))
	for _, a := range accounts {
		col.accounts[a.id] = a
		snap.Accounts = append(snap.Accounts, a.id)
	}
	col.progress.addAccounts(len(accounts))
	col.log.Info("scanning", "accounts", len(accounts), "skipped_accounts", len(snap.SkippedAccounts))

	col.forEach(len(accounts), func(i int) {
		a := accounts[i]
		col.openAccount(ctx, a)
		a.remaining.Store(int64(len(a.buckets)))
		col.progress.accountListed(len(a.buckets))
		if len(a.buckets) == 0 {
			col.progress.accountDone()
		}
	})
	if ctx.Err() != nil {
		return cancelled()
	}
	col.index(accounts, snap)

	// Every bucket's replication configuration first: then the estate's graph is
	// complete, and a bucket that does not replicate can be judged (Options.Ready) as
	// soon as the rest of its reads are done, while the scan goes on.
	work := interleave(accounts)
	col.forEach(len(work), func(i int) { col.readReplication(ctx, work[i]) })
	if ctx.Err() != nil {
		return cancelled()
	}
	var g *Graph
	if o.Ready != nil {
		g = NewGraph()
		for _, lb := range work {
			if !lb.excluded {
				g.AddBucket(lb.bucket)
			}
		}
	}
	for _, lb := range work {
		if lb.excluded {
			col.bucketDone(lb.account)
		}
	}
	col.forEach(len(work), func(i int) { col.collectBucket(ctx, work[i], g) })
	if ctx.Err() != nil {
		return cancelled()
	}

	var buckets []*Bucket
	for _, a := range accounts {
		for _, lb := range a.buckets {
			if !lb.excluded {
				buckets = append(buckets, lb.bucket)
			}
		}
	}
	dests := col.destinationReads(ctx, buckets)
	col.progress.addLinked(len(dests))
	em := col.newLinkedEmitter(buckets, dests, g)
	col.forEach(len(dests), func(i int) {
		dests[i].read()
		col.progress.linkedRead()
		em.done(dests[i].arn)
	})
	if ctx.Err() != nil {
		return cancelled()
	}
	// After the destinations: a key named without a region lives in its destination's.
	keys := col.keyRefs(buckets)
	col.progress.addLinked(len(keys))
	col.forEach(len(keys), func(i int) {
		kr := keys[i]
		col.keys.get(kr.cacheKey(), func() KmsKey { return col.readKey(ctx, kr) })
		col.progress.linkedRead()
	})
	if ctx.Err() != nil {
		return cancelled()
	}

	regions := map[string]bool{}
	for _, b := range buckets {
		snap.Buckets = append(snap.Buckets, *b)
		if b.Region != "" {
			regions[b.Region] = true
		}
	}
	for r := range regions {
		snap.Regions = append(snap.Regions, r)
	}
	for _, a := range accounts {
		snap.Errors = append(snap.Errors, a.errs...)
		if a.regions != nil {
			if snap.EnabledRegions == nil {
				snap.EnabledRegions = map[string][]string{}
			}
			snap.EnabledRegions[a.id] = a.regions
		}
	}
	snap.Destinations = col.destinations(snap.Buckets)
	snap.Roles = col.linkedRoles(snap.Buckets)
	snap.KmsKeys = col.kmsKeys(keys)
	col.log.Info("scan finished", "accounts", len(snap.Accounts), "buckets", len(snap.Buckets),
		"destinations", len(snap.Destinations), "roles", len(snap.Roles), "kms_keys", len(snap.KmsKeys))
	return col.finish(snap), nil
}

// collector holds one scan's state. Each bucket is written only by its own work
// item; linked resources go through the once-caches.
type collector struct {
	opts      Options
	log       *slog.Logger
	progress  *Progress
	partition string
	// inRegions are Options.Regions as a set; nil scans every region.
	inRegions map[string]bool
	// accounts are the scanned accounts by id; read-only once discovery is done.
	accounts map[string]*scanAccount
	// listed indexes the listed buckets of every scanned account by name (bucket
	// names are global); read-only once listing is done.
	listed map[string]*listedBucket

	// dests are destinations that are not scanned buckets (outside the scan, or
	// left out by the regions filter); settings holds the settings read on
	// destinations that are scanned buckets.
	dests    *onceCache[LinkedBucket]
	settings *onceCache[destConfig]
	roles    *onceCache[Role]
	policies *onceCache[managedResult]
	keys     *onceCache[KmsKey]
}

// forEach runs f(0) ... f(n-1) in a pool of at most Options.Concurrency
// goroutines and waits for them. The scan's steps run one after the other, so the
// bound holds for the whole scan.
func (col *collector) forEach(n int, f func(i int)) {
	p := pool.New().WithMaxGoroutines(col.opts.concurrency())
	for i := range n {
		p.Go(func() { f(i) })
	}
	p.Wait()
}

// destConfig is what was read on a destination that is a scanned bucket.
type destConfig struct {
	cfg  BucketConfig
	errs []CollectionError
}

// listedBucket is a bucket from ListBuckets.
type listedBucket struct {
	bucket  *Bucket
	account *scanAccount
	// listedRegion is the region ListBuckets gave ("" if none).
	listedRegion string
	// excluded is set when the bucket's region is outside Options.Regions: it is
	// not in the snapshot (but is still read as a destination of scanned buckets).
	excluded bool
}

// index builds the bucket index of every account. A name listed by two accounts
// (impossible on AWS, where names are global) is kept for the first account.
func (col *collector) index(accounts []*scanAccount, snap *Snapshot) {
	col.listed = map[string]*listedBucket{}
	for _, a := range accounts {
		kept := a.buckets[:0]
		for _, lb := range a.buckets {
			if other := col.listed[lb.bucket.Name]; other != nil {
				col.log.Warn("bucket listed by two accounts: kept in the first", "bucket", lb.bucket.Name,
					"account", other.account.id, "also", a.id)
				continue
			}
			col.listed[lb.bucket.Name] = lb
			kept = append(kept, lb)
		}
		if len(kept) == 0 && len(a.buckets) > 0 {
			col.progress.accountDone()
		}
		a.buckets = kept
		a.remaining.Store(int64(len(kept)))
	}
}

// interleave orders the buckets of every account round-robin, so that the work in
// flight is spread across accounts and their rate limits.
func interleave(accounts []*scanAccount) []*listedBucket {
	var out []*listedBucket
	for i := 0; ; i++ {
		added := false
		for _, a := range accounts {
			if i < len(a.buckets) {
				out = append(out, a.buckets[i])
				added = true
			}
		}
		if !added {
			return out
		}
	}
}

// listBuckets pages through the account's ListBuckets. A failing page ends the
// listing: the buckets listed so far are kept and the error is returned as data.
func (col *collector) listBuckets(ctx context.Context, a *scanAccount) ([]*listedBucket, *CollectionError) {
	var out []*listedBucket
	seen := map[string]bool{}
	pager := s3.NewListBucketsPaginator(a.clients.S3(""), &s3.ListBucketsInput{MaxBuckets: aws.Int32(listPageSize)})
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			ce := col.failed("ListBuckets", col.rootArn(a.id), ComponentAccount, err)
			return out, &ce
		}
		for _, b := range page.Buckets {
			name := aws.ToString(b.Name)
			if name == "" || seen[name] {
				continue
			}
			seen[name] = true
			out = append(out, &listedBucket{
				bucket: &Bucket{
					Name:         name,
					Arn:          bucketArn(col.partition, name),
					AccountID:    a.id,
					CreationDate: b.CreationDate,
					Tags:         []Tag{},
				},
				account:      a,
				listedRegion: aws.ToString(b.BucketRegion),
			})
		}
	}
	return out, nil
}

// readReplication resolves the bucket's region and, unless the regions filter
// leaves it out, reads its replication configuration: what the estate's replication
// graph needs. A bucket left out, or whose region cannot be found, is done.
func (col *collector) readReplication(ctx context.Context, lb *listedBucket) {
	if ctx.Err() != nil {
		return
	}
	defer col.progress.configRead()
	b, a := lb.bucket, lb.account
	b.Region = lb.listedRegion
	if b.Region == "" {
		var ce *CollectionError
		b.Region, ce = col.bucketRegion(ctx, a.clients, b.Name, b.Arn)
		if ce != nil {
			// Without its region no read of the bucket can be sent to the right
			// endpoint, nor can the regions filter tell: the bucket stays, unread.
			b.Errors = append(b.Errors, *ce)
			return
		}
	}
	if col.inRegions != nil && !col.inRegions[b.Region] {
		lb.excluded = true
		return
	}
	repl, err := a.clients.S3(b.Region).GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: aws.String(b.Name)})
	switch {
	case err == nil:
		b.ReplicationConfiguration = convertReplication(repl.ReplicationConfiguration)
	case errorCode(err) == codeReplicationNotFound:
	default:
		b.Errors = append(b.Errors, col.failed("GetBucketReplication", b.Arn, ComponentReplication, err))
	}
}

// collectBucket reads the rest of a bucket that readReplication read: versioning
// (tags with Options.ReadTags), and when it replicates its encryption and object
// lock, then the role. A bucket without a configuration is then complete and goes
// to Options.Ready with the estate's graph g.
func (col *collector) collectBucket(ctx context.Context, lb *listedBucket, g *Graph) {
	if ctx.Err() != nil || lb.excluded {
		return
	}
	defer col.bucketDone(lb.account)
	b, a := lb.bucket, lb.account
	if b.Region != "" {
		col.readBucket(ctx, a.clients.S3(b.Region), b)
	}
	if col.opts.Ready != nil && b.ReplicationConfiguration == nil && ctx.Err() == nil {
		col.ready(b, Linked{Graph: g})
	}
}

// ready hands a bucket whose judgement needs nothing more to Options.Ready: a copy
// with its own sorted errors, since other work items may still read b.
func (col *collector) ready(b *Bucket, l Linked) {
	c := *b
	c.Errors = slices.Clone(b.Errors)
	sortErrorsFully(c.Errors)
	col.opts.Ready(c, l)
}

// readBucket reads a bucket's versioning (and its tags with Options.ReadTags), and
// when it replicates its encryption and object lock and whether its rules'
// prefixes match objects, then the role.
func (col *collector) readBucket(ctx context.Context, c S3API, b *Bucket) {
	ver, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(b.Name)})
	if err != nil {
		b.Errors = append(b.Errors, col.failed("GetBucketVersioning", b.Arn, ComponentVersioning, err))
	} else {
		b.Versioning = &Versioning{Status: string(ver.Status), MFADelete: string(ver.MFADelete)}
	}

	if col.opts.ReadTags || col.opts.ReadAll {
		tags, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(b.Name)})
		switch {
		case err == nil:
			b.Tags = convertBucketTags(tags.TagSet)
		case errorCode(err) == codeNoSuchTagSet:
		default:
			b.Errors = append(b.Errors, col.failed("GetBucketTagging", b.Arn, ComponentTags, err))
		}
	} else {
		// Not read: nothing needs the tags (Options.ReadTags).
		b.Tags = nil
	}

	if readsSourceConfig(b) {
		reads := sourceReads()
		if monitorsMetrics(b) {
			reads = append(reads, notificationRead)
		}
		b.Errors = append(b.Errors, col.readConfigs(ctx, c, b.Name, b.Arn, true, &b.BucketConfig, reads)...)
		col.readPrefixes(ctx, c, b)
	}

	col.readRoleOf(ctx, b.ReplicationConfiguration)
}

// bucketDone counts a bucket of a as read.
func (col *collector) bucketDone(a *scanAccount) {
	col.progress.bucketDone()
	if a.remaining.Add(-1) == 0 {
		col.progress.accountDone()
	}
}

// bucketRegion finds a listed bucket's region when ListBuckets did not say:
// HeadBucket's x-amz-bucket-region (present on errors too), then GetBucketLocation.
func (col *collector) bucketRegion(ctx context.Context, cl Clients, name, arn string) (string, *CollectionError) {
	c := cl.S3("")
	head, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(name)})
	if err == nil && aws.ToString(head.BucketRegion) != "" {
		return aws.ToString(head.BucketRegion), nil
	}
	if r := responseHeader(err, headerBucketRegion); err != nil && r != "" {
		return r, nil
	}
	loc, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(name)})
	if err != nil {
		ce := col.failed("GetBucketLocation", arn, ComponentBucket, err)
		return "", &ce
	}
	return regionOfLocation(loc.LocationConstraint), nil
}

// readRoleOf reads, once per scan, the role cfg names when its account is scanned
// and reachable, with that account's credentials.
func (col *collector) readRoleOf(ctx context.Context, cfg *ReplicationConfiguration) {
	if cfg == nil {
		return
	}
	if acct, name, ok := roleOf(cfg.Role); ok && col.accounts[acct].reachable() {
		a := col.accounts[acct]
		col.roles.get(cfg.Role, func() Role { return col.readRole(ctx, a, cfg.Role, name) })
	}
}

// destinationReads returns one work item per destination ARN the scanned buckets
// name, sorted by ARN: the settings of a destination that is a scanned bucket,
// read with its account's credentials; every read of a destination that is not,
// with its account's credentials when the regions filter left it out of a scanned
// account, else with the first account (by id) whose buckets name it.
func (col *collector) destinationReads(ctx context.Context, buckets []*Bucket) []destRead {
	via := map[string]string{}
	for _, b := range buckets {
		if b.ReplicationConfiguration == nil {
			continue
		}
		for _, r := range b.ReplicationConfiguration.Rules {
			arn := r.Destination.Bucket
			if cur, ok := via[arn]; !ok || b.AccountID < cur {
				via[arn] = b.AccountID
			}
		}
	}
	needs := col.destinationNeeds(buckets)
	arns := make([]string, 0, len(via))
	for arn := range via {
		arns = append(arns, arn)
	}
	sort.Strings(arns)
	var out []destRead
	for _, arn := range arns {
		name, ok := bucketNameOf(arn)
		if !ok {
			continue
		}
		lb := col.listed[name]
		n := needs[arn]
		switch {
		case lb != nil && !lb.excluded && lb.bucket.Region != "":
			out = append(out, destRead{arn, func() { col.readListedDestination(ctx, lb, arn, n) }})
		case lb != nil && lb.excluded:
			out = append(out, destRead{arn, func() {
				col.dests.get(arn, func() LinkedBucket { return col.readOwnedDestination(ctx, lb, arn, n) })
			}})
		case lb == nil:
			from := col.accounts[via[arn]]
			out = append(out, destRead{arn, func() {
				col.dests.get(arn, func() LinkedBucket { return col.readDestination(ctx, from, arn, name, n) })
			}})
		}
	}
	return out
}

// destinationNeeds returns, by destination ARN, the destination-side settings the
// checks need for the rules (enabled or not) of buckets that replicate into it
// (see destNeeds); with Options.ReadAll, every setting.
func (col *collector) destinationNeeds(buckets []*Bucket) map[string]destNeeds {
	// The account of a destination no scanned account listed is, as
	// destinations() records it, the first account a rule declares for it.
	declared := map[string]string{}
	for _, b := range buckets {
		if b.ReplicationConfiguration == nil {
			continue
		}
		for _, r := range b.ReplicationConfiguration.Rules {
			a := aws.ToString(r.Destination.Account)
			if cur, ok := declared[r.Destination.Bucket]; a != "" && (!ok || a < cur) {
				declared[r.Destination.Bucket] = a
			}
		}
	}
	out := map[string]destNeeds{}
	for _, b := range buckets {
		cfg := b.ReplicationConfiguration
		if cfg == nil {
			continue
		}
		roleRead := false
		if acct, _, ok := roleOf(cfg.Role); ok && col.accounts[acct].reachable() {
			roleRead = true
		}
		for _, r := range cfg.Rules {
			arn := r.Destination.Bucket
			n := out[arn]
			if col.opts.ReadAll {
				out[arn] = everything
				continue
			}
			destAccount := declared[arn]
			if name, ok := bucketNameOf(arn); ok && col.listed[name] != nil {
				destAccount = col.listed[name].account.id
			}
			ruleAccount := aws.ToString(r.Destination.Account)
			same := b.AccountID != "" && destAccount == b.AccountID && (ruleAccount == "" || ruleAccount == b.AccountID)
			if !same {
				n.policy, n.ownership, n.requestPayment = true, true, true
			} else if roleRead {
				n.policy = true
			}
			if col.opts.ReadLifecycle {
				n.lifecycle = true
			}
			if b.ServerSideEncryptionConfiguration == nil || !blocksSSEC(b.ServerSideEncryptionConfiguration) {
				n.encryption = true
			}
			if l := b.ObjectLockConfiguration; l == nil || l.ObjectLockEnabled == "Enabled" {
				n.objectLock = true
			}
			out[arn] = n
		}
	}
	return out
}

// readDestination reads a destination bucket that no scanned account listed, with
// the credentials of account from: its existence and region (HeadBucket answers
// with the region even when it denies), versioning and settings. It lies outside
// the scanned accounts, so AccessDenied leaves a setting unknown rather than failing.
func (col *collector) readDestination(ctx context.Context, from *scanAccount, arn, name string, n destNeeds) LinkedBucket {
	lb := LinkedBucket{Arn: arn, Name: name}
	head, err := from.clients.S3("").HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(name)})
	if err == nil {
		lb.Exists = aws.Bool(true)
		lb.Region = aws.ToString(head.BucketRegion)
	} else {
		region := responseHeader(err, headerBucketRegion)
		switch st := httpStatus(err); {
		case st == 404 || errorCode(err) == codeNotFound:
			lb.Exists = aws.Bool(false)
			return lb
		case st == 301 || st == 403 || region != "":
			// The bucket answered: it exists, in another region or another account.
			lb.Exists = aws.Bool(true)
			lb.Region = region
		default:
			lb.Errors = append(lb.Errors, col.failed("HeadBucket", arn, ComponentDestination, err))
			return lb
		}
	}
	c := from.clients.S3(lb.Region)
	ver, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(name)})
	switch {
	case err == nil:
		lb.Versioning = &Versioning{Status: string(ver.Status), MFADelete: string(ver.MFADelete)}
	case errorCode(err) == codeAccessDenied:
		// Not a scanned account's bucket: its versioning stays unknown, which is
		// not a failure of this scan.
	default:
		lb.Errors = append(lb.Errors, col.failed("GetBucketVersioning", arn, ComponentDestination, err))
	}
	lb.Errors = append(lb.Errors, col.readDestinationConfig(ctx, c, name, arn, false, &lb.BucketConfig, n, false)...)
	return lb
}

// readOwnedDestination reads a destination that a scanned account listed but the
// regions filter left out of the snapshot, with its account's credentials: its
// versioning and settings (its region is known).
func (col *collector) readOwnedDestination(ctx context.Context, lb *listedBucket, arn string, n destNeeds) LinkedBucket {
	b := lb.bucket
	d := LinkedBucket{Arn: arn, Name: b.Name, AccountID: b.AccountID, Exists: aws.Bool(true), Region: b.Region}
	c := lb.account.clients.S3(b.Region)
	ver, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(b.Name)})
	if err != nil {
		d.Errors = append(d.Errors, col.failed("GetBucketVersioning", arn, ComponentDestination, err))
	} else {
		d.Versioning = &Versioning{Status: string(ver.Status), MFADelete: string(ver.MFADelete)}
	}
	d.Errors = append(d.Errors, col.readDestinationConfig(ctx, c, b.Name, arn, true, &d.BucketConfig, n, false)...)
	return d
}

// readListedDestination reads, once per scan, the settings of a destination that
// is a scanned bucket, with its account's credentials. What the bucket's own reads
// already hold (encryption, object lock of a bucket that replicates) is not read
// again: linkedFromListed copies it.
func (col *collector) readListedDestination(ctx context.Context, lb *listedBucket, arn string, n destNeeds) {
	b := lb.bucket
	col.settings.get(arn, func() destConfig {
		var d destConfig
		d.errs = col.readDestinationConfig(ctx, lb.account.clients.S3(b.Region), b.Name, arn, true, &d.cfg, n, readsSourceConfig(b))
		return d
	})
}

// destinations assembles one LinkedBucket per destination ARN named by any rule
// (enabled or not) of the scanned buckets.
func (col *collector) destinations(buckets []Bucket) []LinkedBucket {
	ptrs := make([]*Bucket, len(buckets))
	for i := range buckets {
		ptrs[i] = &buckets[i]
	}
	accounts := destinationAccounts(ptrs)
	out := make([]LinkedBucket, 0, len(accounts))
	for arn, hints := range accounts {
		out = append(out, col.linkedDestination(arn, hints))
	}
	return out
}

// destinationAccounts are, per destination ARN named by any rule (enabled or not)
// of buckets, the accounts those rules declare for it, sorted.
func destinationAccounts(buckets []*Bucket) map[string][]string {
	accounts := map[string][]string{}
	for _, b := range buckets {
		if b.ReplicationConfiguration == nil {
			continue
		}
		for _, r := range b.ReplicationConfiguration.Rules {
			arn := r.Destination.Bucket
			if _, ok := accounts[arn]; !ok {
				accounts[arn] = nil
			}
			if a := aws.ToString(r.Destination.Account); a != "" {
				accounts[arn] = append(accounts[arn], a)
			}
		}
	}
	for _, hints := range accounts {
		sort.Strings(hints)
	}
	return accounts
}

// linkedDestination assembles the destination arn from what its reads found;
// hints are the accounts the rules into it declare, sorted (destinationAccounts).
func (col *collector) linkedDestination(arn string, hints []string) LinkedBucket {
	name, ok := bucketNameOf(arn)
	lb := col.listed[name]
	var d LinkedBucket
	switch {
	case !ok:
		d = LinkedBucket{Arn: arn, Errors: []CollectionError{{
			Operation: "HeadBucket", Code: codeInvalidArn, Resource: arn, Component: ComponentDestination,
			Message: "the destination is not an S3 bucket ARN; the bucket cannot be looked up",
		}}}
	case lb != nil && !lb.excluded:
		cfg, _ := col.settings.lookup(arn)
		d = linkedFromListed(arn, lb.bucket, cfg)
	case lb != nil:
		d, _ = col.dests.lookup(arn)
	default:
		d, _ = col.dests.lookup(arn)
		if len(hints) > 0 {
			d.AccountID = hints[0]
		}
	}
	d.Errors = append([]CollectionError{}, d.Errors...)
	sortErrorsFully(d.Errors)
	if len(d.Errors) == 0 {
		d.Errors = nil
	}
	return d
}

// linkedFromListed describes a destination that is one of the scanned buckets with
// what was read from that bucket and the destination settings d read for it. The
// bucket's failed region or versioning reads are repeated on the destination, and
// so are its encryption and object lock reads when the destination shares them, so
// that "unknown" carries its reason there too.
func linkedFromListed(arn string, b *Bucket, d destConfig) LinkedBucket {
	lb := LinkedBucket{
		Arn:       arn,
		Name:      b.Name,
		AccountID: b.AccountID,
		Exists:    aws.Bool(true),
		Region:    b.Region,
		InScan:    true,
	}
	if b.Versioning != nil {
		v := *b.Versioning
		lb.Versioning = &v
	}
	for _, e := range b.Errors {
		if e.Component == ComponentBucket || e.Component == ComponentVersioning {
			e.Component = ComponentDestination
			lb.Errors = append(lb.Errors, e)
		}
	}
	lb.BucketConfig = d.cfg
	lb.Errors = append(lb.Errors, d.errs...)
	if readsSourceConfig(b) {
		lb.ServerSideEncryptionConfiguration = cloneEncryption(b.ServerSideEncryptionConfiguration)
		lb.ObjectLockConfiguration = cloneObjectLock(b.ObjectLockConfiguration)
		for _, e := range b.Errors {
			if e.Component == ComponentEncryption || e.Component == ComponentObjectLock {
				lb.Errors = append(lb.Errors, e)
			}
		}
	}
	return lb
}

// linkedRoles assembles one Role per role ARN named by a scanned configuration.
func (col *collector) linkedRoles(buckets []Bucket) []Role {
	seen := map[string]bool{}
	var out []Role
	for _, b := range buckets {
		if b.ReplicationConfiguration == nil || b.ReplicationConfiguration.Role == "" || seen[b.ReplicationConfiguration.Role] {
			continue
		}
		arn := b.ReplicationConfiguration.Role
		seen[arn] = true
		out = append(out, col.linkedRole(arn))
	}
	if out == nil {
		out = []Role{}
	}
	return out
}

// linkedRole assembles the role arn from what its reads found.
func (col *collector) linkedRole(arn string) Role {
	acct, name, ok := roleOf(arn)
	owner := col.accounts[acct]
	var r Role
	switch {
	case !ok:
		// Not an IAM role ARN: no role S3 could assume. That is a misconfiguration
		// the checks judge from the configuration (CRR-030), not a failed read.
		r = Role{Arn: arn}
	case owner == nil:
		// Another account's role lies outside this scan: unknown, not an error.
		r = Role{Arn: arn, RoleName: name, AccountID: acct}
	case !owner.reachable():
		// Its account is scanned but could not be reached: the role is unknown
		// for that reason, which the buckets that use it must carry.
		r = Role{Arn: arn, RoleName: name, AccountID: acct}
		for _, e := range owner.errs {
			e.Resource, e.Component = arn, ComponentRole
			e.Message = "the role's account could not be reached: " + e.Message
			r.Errors = append(r.Errors, e)
		}
	default:
		r, _ = col.roles.lookup(arn)
		r.Errors = slices.Clone(r.Errors) // the cached role's stay as read
	}
	sortErrorsFully(r.Errors)
	return r
}

// failed records a failed read as data and logs it.
func (col *collector) failed(op, resource, component string, err error) CollectionError {
	ce := newCollectionError(op, resource, component, err)
	col.log.Debug("read failed", "operation", op, "resource", resource, "code", ce.Code, "message", ce.Message)
	return ce
}

// finish stamps and orders the snapshot.
func (col *collector) finish(s *Snapshot) *Snapshot {
	s.CollectedAt = time.Now().UTC()
	sortErrorsFully(s.Errors)
	for i := range s.Buckets {
		sortErrorsFully(s.Buckets[i].Errors)
	}
	s.Sort()
	return s
}
