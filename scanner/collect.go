package scanner

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/sourcegraph/conc/pool"
)

// listPageSize is sent as MaxBuckets: a paginated ListBuckets makes S3 return
// each bucket's region.
const listPageSize = 1000

// Scan collects the replication setup of every bucket of the credentials' own
// account, and the destinations, roles and KMS keys those buckets name, each read
// once.
//
// It runs in two passes. The first reads every listed bucket (replication,
// versioning, tags; encryption and object lock when it replicates), the role and
// the destinations outside the scan. The second, which needs every replication
// configuration and region, reads the settings of listed destinations (sharing
// what the first pass read when the destination replicates too) and the KMS keys.
//
// Every AWS failure becomes data: a CollectionError on the bucket, destination,
// role or KMS key it concerns, or on the snapshot when the account itself could
// not be listed.
// Scan returns an error only when ctx ends before the scan does.
func Scan(ctx context.Context, c Clients, o Options) (*Snapshot, error) {
	col := &collector{
		clients:  c,
		log:      o.logger(),
		dests:    newOnceCache[LinkedBucket](),
		listed:   newOnceCache[destConfig](),
		roles:    newOnceCache[Role](),
		policies: newOnceCache[managedResult](),
		keys:     newOnceCache[KmsKey](),
	}
	snap := &Snapshot{
		SchemaVersion: SchemaVersion,
		Accounts:      []string{},
		Regions:       []string{},
		Buckets:       []Bucket{},
		Destinations:  []LinkedBucket{},
		Roles:         []Role{},
	}

	id, err := c.STS().GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("scan: %w", ctx.Err())
		}
		snap.Errors = append(snap.Errors, newCollectionError("GetCallerIdentity", "", ComponentAccount, err))
		return col.finish(snap), nil
	}
	col.account = aws.ToString(id.Account)
	col.partition = partitionOf(aws.ToString(id.Arn))
	snap.Accounts = append(snap.Accounts, col.account)

	listed, listErr := col.listBuckets(ctx)
	if ctx.Err() != nil {
		return nil, fmt.Errorf("scan: %w", ctx.Err())
	}
	if listErr != nil {
		snap.Errors = append(snap.Errors, *listErr)
	}
	col.log.Debug("listed buckets", "account", col.account, "buckets", len(listed))

	col.byName = make(map[string]*Bucket, len(listed))
	for _, lb := range listed {
		col.byName[lb.bucket.Name] = lb.bucket
	}

	p := pool.New().WithMaxGoroutines(o.concurrency())
	for _, lb := range listed {
		p.Go(func() { col.collectBucket(ctx, lb.bucket, lb.region) })
	}
	p.Wait()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("scan: %w", ctx.Err())
	}

	buckets := make([]*Bucket, 0, len(listed))
	for _, lb := range listed {
		buckets = append(buckets, lb.bucket)
	}
	keys := col.keyRefs(buckets)
	p = pool.New().WithMaxGoroutines(o.concurrency())
	for _, arn := range col.listedDestinations(buckets) {
		p.Go(func() { col.readListedDestination(ctx, arn) })
	}
	for _, kr := range keys {
		p.Go(func() { col.keys.get(kr.cacheKey(), func() KmsKey { return col.readKey(ctx, kr) }) })
	}
	p.Wait()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("scan: %w", ctx.Err())
	}

	regions := map[string]bool{}
	for _, lb := range listed {
		snap.Buckets = append(snap.Buckets, *lb.bucket)
		if lb.bucket.Region != "" {
			regions[lb.bucket.Region] = true
		}
	}
	for r := range regions {
		snap.Regions = append(snap.Regions, r)
	}
	snap.Destinations = col.destinations(snap.Buckets)
	snap.Roles = col.linkedRoles(snap.Buckets)
	snap.KmsKeys = col.kmsKeys(keys)
	col.log.Debug("scan finished", "account", col.account, "buckets", len(snap.Buckets),
		"destinations", len(snap.Destinations), "roles", len(snap.Roles), "kms_keys", len(snap.KmsKeys))
	return col.finish(snap), nil
}

// collector holds one scan's state. Each bucket is written only by its own work
// item; linked resources go through the once-caches.
type collector struct {
	clients   Clients
	log       *slog.Logger
	account   string
	partition string
	// byName indexes the listed buckets; it is read-only once listing is done.
	byName map[string]*Bucket

	// dests are destinations outside the scan; listed holds the settings read on
	// destinations that are listed buckets.
	dests    *onceCache[LinkedBucket]
	listed   *onceCache[destConfig]
	roles    *onceCache[Role]
	policies *onceCache[managedResult]
	keys     *onceCache[KmsKey]
}

// destConfig is what the second pass read on a listed destination.
type destConfig struct {
	cfg  BucketConfig
	errs []CollectionError
}

// listedBucket is a bucket from ListBuckets with the region ListBuckets gave ("" if none).
type listedBucket struct {
	bucket *Bucket
	region string
}

// listBuckets pages through ListBuckets. A failing page ends the listing: the
// buckets listed so far are kept and the error is returned as data.
func (col *collector) listBuckets(ctx context.Context) ([]listedBucket, *CollectionError) {
	var out []listedBucket
	seen := map[string]bool{}
	pager := s3.NewListBucketsPaginator(col.clients.S3(""), &s3.ListBucketsInput{MaxBuckets: aws.Int32(listPageSize)})
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			ce := newCollectionError("ListBuckets", "arn:"+col.partition+":iam::"+col.account+":root", ComponentAccount, err)
			return out, &ce
		}
		for _, b := range page.Buckets {
			name := aws.ToString(b.Name)
			if name == "" || seen[name] {
				continue
			}
			seen[name] = true
			out = append(out, listedBucket{
				bucket: &Bucket{
					Name:         name,
					Arn:          bucketArn(col.partition, name),
					AccountID:    col.account,
					CreationDate: b.CreationDate,
					Tags:         []Tag{},
				},
				region: aws.ToString(b.BucketRegion),
			})
		}
	}
	return out, nil
}

// collectBucket resolves b's region, reads its replication configuration,
// versioning and tags, and when it replicates its encryption and object lock,
// then the role and the destinations outside the scan.
func (col *collector) collectBucket(ctx context.Context, b *Bucket, listedRegion string) {
	if ctx.Err() != nil {
		return
	}
	b.Region = listedRegion
	if b.Region == "" {
		var ce *CollectionError
		b.Region, ce = col.bucketRegion(ctx, b.Name, b.Arn)
		if ce != nil {
			// Without its region no read of the bucket can be sent to the right endpoint.
			b.Errors = append(b.Errors, *ce)
			return
		}
	}
	c := col.clients.S3(b.Region)

	repl, err := c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: aws.String(b.Name)})
	switch {
	case err == nil:
		b.ReplicationConfiguration = convertReplication(repl.ReplicationConfiguration)
	case errorCode(err) == codeReplicationNotFound:
	default:
		b.Errors = append(b.Errors, col.failed("GetBucketReplication", b.Arn, ComponentReplication, err))
	}

	ver, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(b.Name)})
	if err != nil {
		b.Errors = append(b.Errors, col.failed("GetBucketVersioning", b.Arn, ComponentVersioning, err))
	} else {
		b.Versioning = &Versioning{Status: string(ver.Status), MFADelete: string(ver.MFADelete)}
	}

	tags, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(b.Name)})
	switch {
	case err == nil:
		b.Tags = convertBucketTags(tags.TagSet)
	case errorCode(err) == codeNoSuchTagSet:
	default:
		b.Errors = append(b.Errors, col.failed("GetBucketTagging", b.Arn, ComponentTags, err))
	}

	if readsSourceConfig(b) {
		b.Errors = append(b.Errors, col.readConfigs(ctx, c, b.Name, b.Arn, true, &b.BucketConfig, sourceReads())...)
	}

	col.readLinked(ctx, b.ReplicationConfiguration)
}

// bucketRegion finds a listed bucket's region when ListBuckets did not say:
// HeadBucket's x-amz-bucket-region (present on errors too), then GetBucketLocation.
func (col *collector) bucketRegion(ctx context.Context, name, arn string) (string, *CollectionError) {
	c := col.clients.S3("")
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

// readLinked reads, once per scan, the role and the destinations outside the scan
// that cfg names. Destinations inside the scan are copied from the listed bucket
// when the snapshot is assembled, once every listed bucket has been read.
func (col *collector) readLinked(ctx context.Context, cfg *ReplicationConfiguration) {
	if cfg == nil {
		return
	}
	for _, r := range cfg.Rules {
		arn := r.Destination.Bucket
		name, ok := bucketNameOf(arn)
		if !ok || col.byName[name] != nil {
			continue
		}
		col.dests.get(arn, func() LinkedBucket { return col.readDestination(ctx, arn, name) })
	}
	if acct, name, ok := roleOf(cfg.Role); ok && acct == col.account {
		col.roles.get(cfg.Role, func() Role { return col.readRole(ctx, cfg.Role, name) })
	}
}

// readDestination reads a destination bucket that is not one of the listed
// buckets: its existence and region, versioning and settings. It lies outside the
// scanned account, so AccessDenied leaves a setting unknown rather than failing.
func (col *collector) readDestination(ctx context.Context, arn, name string) LinkedBucket {
	lb := LinkedBucket{Arn: arn, Name: name}
	head, err := col.clients.S3("").HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(name)})
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
	c := col.clients.S3(lb.Region)
	ver, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(name)})
	switch {
	case err == nil:
		lb.Versioning = &Versioning{Status: string(ver.Status), MFADelete: string(ver.MFADelete)}
	case errorCode(err) == codeAccessDenied:
		// Not this account's bucket: its versioning stays unknown, which is not a
		// failure of this scan.
	default:
		lb.Errors = append(lb.Errors, col.failed("GetBucketVersioning", arn, ComponentDestination, err))
	}
	lb.Errors = append(lb.Errors, col.readConfigs(ctx, c, name, arn, false, &lb.BucketConfig, destinationReads(false))...)
	return lb
}

// listedDestinations returns, sorted, the ARNs of destinations that are listed
// buckets with a known region: their settings are read in the second pass. A
// listed bucket whose region is unknown could not be read at all (its error is
// repeated on the destination).
func (col *collector) listedDestinations(buckets []*Bucket) []string {
	seen := map[string]bool{}
	var out []string
	for _, b := range buckets {
		if b.ReplicationConfiguration == nil {
			continue
		}
		for _, r := range b.ReplicationConfiguration.Rules {
			arn := r.Destination.Bucket
			name, ok := bucketNameOf(arn)
			if !ok || seen[arn] || col.byName[name] == nil || col.byName[name].Region == "" {
				continue
			}
			seen[arn] = true
			out = append(out, arn)
		}
	}
	sort.Strings(out)
	return out
}

// readListedDestination reads, once per scan, the settings of a destination that
// is a listed bucket, with the scanned account's credentials. What the bucket's
// own reads already hold (encryption, object lock of a bucket that replicates) is
// not read again: linkedFromListed copies it.
func (col *collector) readListedDestination(ctx context.Context, arn string) {
	name, _ := bucketNameOf(arn)
	b := col.byName[name]
	col.listed.get(arn, func() destConfig {
		var d destConfig
		d.errs = col.readConfigs(ctx, col.clients.S3(b.Region), name, arn, true, &d.cfg, destinationReads(readsSourceConfig(b)))
		return d
	})
}

// destinations assembles one LinkedBucket per destination ARN named by any rule
// (enabled or not) of the scanned buckets.
func (col *collector) destinations(buckets []Bucket) []LinkedBucket {
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
	out := make([]LinkedBucket, 0, len(accounts))
	for arn, hints := range accounts {
		sort.Strings(hints)
		name, ok := bucketNameOf(arn)
		var lb LinkedBucket
		switch {
		case !ok:
			lb = LinkedBucket{Arn: arn, Errors: []CollectionError{{
				Operation: "HeadBucket", Code: codeInvalidArn, Resource: arn, Component: ComponentDestination,
				Message: "the destination is not an S3 bucket ARN; the bucket cannot be looked up",
			}}}
		case col.byName[name] != nil:
			d, _ := col.listed.lookup(arn)
			lb = linkedFromListed(arn, col.byName[name], d)
		default:
			lb, _ = col.dests.lookup(arn)
			if len(hints) > 0 {
				lb.AccountID = hints[0]
			}
		}
		sortErrorsFully(lb.Errors)
		out = append(out, lb)
	}
	return out
}

// linkedFromListed describes a destination that is one of the listed buckets with
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
		acct, name, ok := roleOf(arn)
		var r Role
		switch {
		case !ok:
			r = Role{Arn: arn, Errors: []CollectionError{{
				Operation: "GetRole", Code: codeInvalidArn, Resource: arn, Component: ComponentRole,
				Message: "the replication role is not an IAM role ARN; the role cannot be looked up",
			}}}
		case acct != col.account:
			// Another account's role lies outside this scan: unknown, not an error.
			r = Role{Arn: arn, RoleName: name, AccountID: acct}
		default:
			r, _ = col.roles.lookup(arn)
		}
		sortErrorsFully(r.Errors)
		out = append(out, r)
	}
	if out == nil {
		out = []Role{}
	}
	return out
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
