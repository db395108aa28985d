package scanner

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// ErrMerge marks shard snapshots that cannot be merged: not shards, shards of
// different runs, check catalogues or reads, or overlaps that disagree.
var ErrMerge = errors.New("cannot merge shards")

// CodeShardMissing is the Code of the snapshot error that a missing shard becomes.
const CodeShardMissing = "ShardMissing"

// NamedSnapshot is a shard snapshot and where it was read from (for messages).
type NamedSnapshot struct {
	Name     string
	Snapshot *Snapshot
}

// MergeShards merges the snapshots of the shards of one run into the snapshot an
// unsharded scan of the estate would have collected: the buckets, accounts and
// account-level errors of every shard, and the linked resources assembled as an
// unsharded scan assembles them. A destination is read by every shard whose buckets
// name it (those of another shard's account with all their settings: which ones
// the checks need depends on every bucket that replicates into it); the merge keeps
// the settings an unsharded scan reads, given every shard's buckets. A destination,
// role or KMS key of the estate's accounts is read with its owner's credentials in
// every shard, so shards that disagree on it are refused; one outside the estate is
// read with the credentials of the first account (by id) whose buckets name it, so
// that shard's reading is kept.
//
// Every shard must carry ShardInfo with the same run id, count, estate, reads and
// check digest; a shard given twice must be the same. A missing shard is not an
// error: it becomes a snapshot error (Code CodeShardMissing) naming it and its
// accounts, which makes the merged scan incomplete.
func MergeShards(in []NamedSnapshot) (*Snapshot, error) {
	if len(in) == 0 {
		return nil, fmt.Errorf("%w: no shard snapshot given", ErrMerge)
	}
	shards, err := checkShards(in)
	if err != nil {
		return nil, err
	}
	first := in[0].Snapshot.Shard
	out := &Snapshot{
		SchemaVersion: SchemaVersion, Accounts: []string{}, Regions: []string{}, Buckets: []Bucket{},
		Destinations: []LinkedBucket{}, Roles: []Role{},
	}
	for i := range first.Count {
		if shards[i] == nil {
			out.Errors = append(out.Errors, missingShard(first, i))
		}
	}
	var present []*Snapshot
	for _, s := range shards {
		if s != nil {
			present = append(present, s)
		}
	}
	if err := mergeAccounts(out, present); err != nil {
		return nil, err
	}
	if err := mergeLinked(out, present); err != nil {
		return nil, err
	}
	out.Sort()
	return out, nil
}

// checkShards checks that in are shards of one run and returns them by index.
func checkShards(in []NamedSnapshot) ([]*Snapshot, error) {
	first := in[0]
	for _, n := range in {
		if n.Snapshot.Shard == nil {
			return nil, fmt.Errorf("%w: %s is not a shard's snapshot (written by crrscan scan --shard)", ErrMerge, n.Name)
		}
	}
	f := first.Snapshot.Shard
	shards := make([]*Snapshot, f.Count)
	names := make([]string, f.Count)
	for _, n := range in {
		sh := n.Snapshot.Shard
		differ := func(what, a, b string) error {
			return fmt.Errorf("%w: %s and %s are shards of different runs (%s %s, %s)", ErrMerge, first.Name, n.Name, what, a, b)
		}
		switch {
		case sh.RunID != f.RunID:
			return nil, differ("run id", f.RunID, sh.RunID)
		case sh.Count != f.Count:
			return nil, differ("shard count", fmt.Sprint(f.Count), fmt.Sprint(sh.Count))
		case sh.CheckDigest != f.CheckDigest:
			return nil, fmt.Errorf("%w: %s and %s were judged with different check catalogues (digest %s, %s)", ErrMerge, first.Name, n.Name, f.CheckDigest, sh.CheckDigest)
		case sh.Reads != f.Reads || !slices.Equal(sh.Regions, f.Regions):
			return nil, fmt.Errorf("%w: %s and %s read differently (%s regions=%v; %s regions=%v): give every shard the same settings and --regions",
				ErrMerge, first.Name, n.Name, f.Reads, f.Regions, sh.Reads, sh.Regions)
		case !slices.Equal(sh.Estate, f.Estate):
			return nil, fmt.Errorf("%w: %s and %s found different accounts in the estate (%d, %d): were they scanned at different times?", ErrMerge, first.Name, n.Name, len(f.Estate), len(sh.Estate))
		case sh.Index < 0 || sh.Index >= f.Count:
			return nil, fmt.Errorf("%w: %s is shard %d of %d", ErrMerge, n.Name, sh.Index, sh.Count)
		}
		for _, id := range n.Snapshot.Accounts {
			if ShardOf(id, f.Count) != sh.Index {
				return nil, fmt.Errorf("%w: %s (shard %d/%d) holds account %s, which belongs to shard %d", ErrMerge, n.Name, sh.Index, sh.Count, id, ShardOf(id, f.Count))
			}
		}
		if prev := shards[sh.Index]; prev != nil {
			if !sameCollection(prev, n.Snapshot) {
				return nil, fmt.Errorf("%w: shard %d/%d is given twice and the two disagree: %s, %s", ErrMerge, sh.Index, sh.Count, names[sh.Index], n.Name)
			}
			continue
		}
		shards[sh.Index], names[sh.Index] = n.Snapshot, n.Name
	}
	return shards, nil
}

// sameCollection reports whether two snapshots hold the same data, whenever taken.
func sameCollection(a, b *Snapshot) bool {
	x, y := *a, *b
	x.CollectedAt = y.CollectedAt
	return reflect.DeepEqual(x, y)
}

// missingShard is the snapshot error of shard i, absent from the merge.
func missingShard(f *ShardInfo, i int) CollectionError {
	var ids []string
	for _, id := range f.Estate {
		if ShardOf(id, f.Count) == i {
			ids = append(ids, id)
		}
	}
	what := "it holds no account"
	if len(ids) > 0 {
		const most = 20
		list := strings.Join(ids[:min(len(ids), most)], ", ")
		if len(ids) > most {
			list += fmt.Sprintf(" and %d more", len(ids)-most)
		}
		what = fmt.Sprintf("its %d accounts were not scanned: %s", len(ids), list)
	}
	return CollectionError{
		Operation: "MergeShards", Code: CodeShardMissing, Component: ComponentAccount,
		Resource: fmt.Sprintf("shard %d/%d", i, f.Count),
		Message:  fmt.Sprintf("shard %d/%d of run %s is missing from the merge; %s", i, f.Count, f.RunID, what),
	}
}

// mergeAccounts gathers the shards' buckets, accounts, regions and
// account-level data into out.
func mergeAccounts(out *Snapshot, shards []*Snapshot) error {
	regions := map[string]bool{}
	skipped := map[string]SkippedAccount{}
	for _, s := range shards {
		if s.CollectedAt.After(out.CollectedAt) {
			out.CollectedAt = s.CollectedAt
		}
		out.Accounts = append(out.Accounts, s.Accounts...)
		out.Buckets = append(out.Buckets, s.Buckets...)
		for _, b := range s.Buckets {
			if b.Region != "" {
				regions[b.Region] = true
			}
		}
		for id, r := range s.EnabledRegions {
			if out.EnabledRegions == nil {
				out.EnabledRegions = map[string][]string{}
			}
			out.EnabledRegions[id] = r
		}
		for _, a := range s.SkippedAccounts {
			if prev, ok := skipped[a.ID]; ok && prev != a {
				return fmt.Errorf("%w: the shards disagree on skipped account %s (%s, %s)", ErrMerge, a.ID, prev.State, a.State)
			}
			skipped[a.ID] = a
		}
		for _, e := range s.Errors {
			// Discovery's failures are recorded by every shard.
			if !slices.Contains(out.Errors, e) {
				out.Errors = append(out.Errors, e)
			}
		}
	}
	for r := range regions {
		out.Regions = append(out.Regions, r)
	}
	for _, a := range skipped {
		out.SkippedAccounts = append(out.SkippedAccounts, a)
	}
	seen := map[string]string{}
	for _, b := range out.Buckets {
		if prev, ok := seen[b.Arn]; ok {
			return fmt.Errorf("%w: bucket %s is in two shards (accounts %s, %s)", ErrMerge, b.Arn, prev, b.AccountID)
		}
		seen[b.Arn] = b.AccountID
	}
	sortErrorsFully(out.Errors)
	out.Sort()
	return nil
}

// mergeLinked assembles out's destinations, roles and KMS keys from the shards'
// (see MergeShards); out's buckets are merged and sorted.
func mergeLinked(out *Snapshot, shards []*Snapshot) error {
	m := newMerger(out, shards)
	for _, arn := range m.destinationArns() {
		d, err := m.destination(arn)
		if err != nil {
			return err
		}
		out.Destinations = append(out.Destinations, d)
	}
	roles, err := mergeEach(m, func(s *Snapshot) []Role { return s.Roles }, func(r Role) string { return r.Arn },
		func(r Role) string { return r.AccountID }, func(arn string) func(*Bucket) bool {
			return func(b *Bucket) bool {
				return b.ReplicationConfiguration != nil && b.ReplicationConfiguration.Role == arn
			}
		}, "role")
	if err != nil {
		return err
	}
	out.Roles = append(out.Roles, roles...)
	keys, err := mergeEach(m, func(s *Snapshot) []KmsKey { return s.KmsKeys }, func(k KmsKey) string { return k.Ref },
		func(k KmsKey) string { return k.AccountID }, func(ref string) func(*Bucket) bool {
			return func(b *Bucket) bool { return slices.Contains(b.KMSKeyRefs(), ref) }
		}, "KMS key")
	if err != nil {
		return err
	}
	out.KmsKeys = keys
	return nil
}

// merger holds what assembling the merged linked resources needs.
type merger struct {
	out    *Snapshot
	shards []*Snapshot
	// buckets are out's buckets by name.
	buckets map[string]*Bucket
	// listed are the destinations some shard read as listed by the estate.
	listed map[string]bool
	// reachable are the scanned accounts whose role could be assumed.
	reachable map[string]bool
	// estate are the run's accounts.
	estate map[string]bool
	// entries are the shards' readings of each destination, by ARN, in shard order.
	entries map[string][]shardEntry
	needs   map[string]destNeeds
}

// shardEntry is one shard's reading of a destination.
type shardEntry struct {
	shard int
	d     LinkedBucket
}

func newMerger(out *Snapshot, shards []*Snapshot) *merger {
	m := &merger{
		out: out, shards: shards, buckets: map[string]*Bucket{},
		listed: map[string]bool{}, reachable: map[string]bool{}, estate: map[string]bool{}, entries: map[string][]shardEntry{},
	}
	for _, s := range shards {
		for _, id := range s.Shard.Estate {
			m.estate[id] = true
		}
		for _, arn := range s.Shard.Listed {
			m.listed[arn] = true
		}
		for _, d := range s.Destinations {
			m.entries[d.Arn] = append(m.entries[d.Arn], shardEntry{s.Shard.Index, d})
		}
	}
	ptrs := make([]*Bucket, len(out.Buckets))
	for i := range out.Buckets {
		ptrs[i] = &out.Buckets[i]
		m.buckets[out.Buckets[i].Name] = &out.Buckets[i]
	}
	for _, id := range out.Accounts {
		m.reachable[id] = true
	}
	for _, e := range out.Errors {
		if e.Operation == "AssumeRole" {
			if acct, _, ok := roleOf(e.Resource); ok {
				m.reachable[acct] = false
			}
		}
	}
	var opts Options
	if len(shards) > 0 {
		opts = optionsOfReads(shards[0].Shard.Reads)
	}
	listedBy := func(arn string) string {
		if name, ok := bucketNameOf(arn); ok && m.buckets[name] != nil {
			return m.buckets[name].AccountID
		}
		if m.listed[arn] {
			return m.accountOf(arn)
		}
		return ""
	}
	m.needs = neededSettings(ptrs, listedBy, func(id string) bool { return m.reachable[id] }, opts)
	return m
}

// optionsOfReads are the Options fields readsKey records that the checks' needs
// depend on.
func optionsOfReads(reads string) Options {
	var o Options
	for _, f := range strings.Fields(reads) {
		switch f {
		case "lifecycle=true":
			o.ReadLifecycle = true
		case "all=true":
			o.ReadAll = true
		case "tags=true":
			o.ReadTags = true
		}
	}
	return o
}

// destinationArns are the destinations out's buckets name, sorted.
func (m *merger) destinationArns() []string {
	ptrs := make([]*Bucket, len(m.out.Buckets))
	for i := range m.out.Buckets {
		ptrs[i] = &m.out.Buckets[i]
	}
	var arns []string
	for arn := range destinationAccounts(ptrs) {
		arns = append(arns, arn)
	}
	sort.Strings(arns)
	return arns
}

// accountOf is the account the shards' readings of a destination give, the
// first by id (an unsharded scan's destinations() takes the first a rule declares).
func (m *merger) accountOf(arn string) string {
	acct := ""
	for _, e := range m.entries[arn] {
		if a := e.d.AccountID; a != "" && (acct == "" || a < acct) {
			acct = a
		}
	}
	return acct
}

// firstNamer is the shard of the first account (by id) whose buckets match, -1
// when none does.
func (m *merger) firstNamer(match func(b *Bucket) bool) int {
	acct := ""
	for i := range m.out.Buckets {
		b := &m.out.Buckets[i]
		if (acct == "" || b.AccountID < acct) && match(b) {
			acct = b.AccountID
		}
	}
	if acct == "" {
		return -1
	}
	for _, s := range m.shards {
		return ShardOf(acct, s.Shard.Count)
	}
	return -1
}

// destination assembles the merged destination arn.
func (m *merger) destination(arn string) (LinkedBucket, error) {
	entries := m.entries[arn]
	name, ok := bucketNameOf(arn)
	if !ok || len(entries) == 0 {
		// Not a bucket ARN: every shard records the same error.
		if len(entries) > 0 {
			return entries[0].d, nil
		}
		return LinkedBucket{}, fmt.Errorf("%w: no shard read destination %s", ErrMerge, arn)
	}
	if b := m.buckets[name]; b != nil {
		cfg, errs, err := unionConfig(arn, entries)
		if err != nil {
			return LinkedBucket{}, err
		}
		if b.Region == "" {
			cfg, errs = BucketConfig{}, nil
		}
		cfg, errs = keepNeeded(cfg, errs, m.needs[arn], readsSourceConfig(b))
		d := linkedFromListed(arn, b, destConfig{cfg: cfg, errs: errs})
		return tidyDestination(d), nil
	}
	base := entries[0]
	if m.listed[arn] {
		cfg, errs, err := unionConfig(arn, entries)
		if err != nil {
			return LinkedBucket{}, err
		}
		base.d.BucketConfig = cfg
		base.d.Errors = append(otherErrors(base.d.Errors), errs...)
	} else {
		// Outside the estate: read with the first naming account's credentials.
		at := m.firstNamer(func(b *Bucket) bool { return names(b, arn) })
		for _, e := range entries {
			if e.shard == at {
				base = e
			}
		}
	}
	d := base.d
	d.AccountID = m.accountOf(arn)
	cfg, errs := keepNeeded(d.BucketConfig, configErrors(d.Errors), m.needs[arn], false)
	d.BucketConfig = cfg
	d.Errors = append(otherErrors(d.Errors), errs...)
	return tidyDestination(d), nil
}

// names reports whether a rule of b replicates into arn.
func names(b *Bucket, arn string) bool {
	if b.ReplicationConfiguration == nil {
		return false
	}
	for _, r := range b.ReplicationConfiguration.Rules {
		if r.Destination.Bucket == arn {
			return true
		}
	}
	return false
}

func tidyDestination(d LinkedBucket) LinkedBucket {
	d.Errors = slices.Clone(d.Errors)
	sortErrorsFully(d.Errors)
	if len(d.Errors) == 0 {
		d.Errors = nil
	}
	return d
}

// configComponents are the components of BucketConfig's reads.
var configComponents = []string{
	ComponentPolicy, ComponentPublicAccessBlock, ComponentOwnership, ComponentLifecycle,
	ComponentRequestPayment, ComponentEncryption, ComponentObjectLock,
}

func configErrors(es []CollectionError) []CollectionError {
	var out []CollectionError
	for _, e := range es {
		if slices.Contains(configComponents, e.Component) {
			out = append(out, e)
		}
	}
	return out
}

func otherErrors(es []CollectionError) []CollectionError {
	var out []CollectionError
	for _, e := range es {
		if !slices.Contains(configComponents, e.Component) {
			out = append(out, e)
		}
	}
	return out
}

// configField is one BucketConfig read: its component and its field.
type configField struct {
	component string
	field     func(c *BucketConfig) reflect.Value
}

func fieldOf(name string) func(c *BucketConfig) reflect.Value {
	return func(c *BucketConfig) reflect.Value { return reflect.ValueOf(c).Elem().FieldByName(name) }
}

var configFields = []configField{
	{ComponentPolicy, fieldOf("Policy")},
	{ComponentPublicAccessBlock, fieldOf("PublicAccessBlockConfiguration")},
	{ComponentOwnership, fieldOf("OwnershipControls")},
	{ComponentLifecycle, fieldOf("LifecycleConfiguration")},
	{ComponentRequestPayment, fieldOf("RequestPaymentConfiguration")},
	{ComponentEncryption, fieldOf("ServerSideEncryptionConfiguration")},
	{ComponentObjectLock, fieldOf("ObjectLockConfiguration")},
}

// unionConfig combines the shards' readings of a destination of the estate (read
// with its owner's credentials): per setting, the value and errors of the shards
// that read it; shards that read it differently are refused.
func unionConfig(arn string, entries []shardEntry) (BucketConfig, []CollectionError, error) {
	var out BucketConfig
	var errs []CollectionError
	for _, f := range configFields {
		from := -1
		var got []CollectionError
		for _, e := range entries {
			d := e.d
			v := f.field(&d.BucketConfig)
			var es []CollectionError
			for _, ce := range d.Errors {
				if ce.Component == f.component {
					es = append(es, ce)
				}
			}
			if v.IsNil() && len(es) == 0 {
				continue // not read by this shard
			}
			sortErrorsFully(es)
			if from >= 0 {
				if !reflect.DeepEqual(f.field(&out).Interface(), v.Interface()) || !reflect.DeepEqual(got, es) {
					return BucketConfig{}, nil, fmt.Errorf("%w: shards %d and %d read the %s of destination %s differently (was it changed between them?)", ErrMerge, from, e.shard, f.component, arn)
				}
				continue
			}
			from, got = e.shard, es
			f.field(&out).Set(v)
		}
		errs = append(errs, got...)
	}
	return out, errs, nil
}

// keepNeeded keeps of a destination's settings (and their errors) those that an
// unsharded scan reads for needs n (readDestinationConfig): the policy and public
// access block as its CRR-025 order decides, and the rest as n says. With
// sharesSourceReads, encryption and object lock come from the bucket itself.
func keepNeeded(cfg BucketConfig, errs []CollectionError, n destNeeds, sharesSourceReads bool) (BucketConfig, []CollectionError) {
	keep := map[string]bool{
		ComponentOwnership: n.ownership, ComponentLifecycle: n.lifecycle, ComponentRequestPayment: n.requestPayment,
		ComponentEncryption: n.encryption && !sharesSourceReads, ComponentObjectLock: n.objectLock && !sharesSourceReads,
	}
	if n.policy {
		keep[ComponentPolicy] = true
		keep[ComponentPublicAccessBlock] = n.all || cfg.Policy == nil || mayBePublic(cfg.Policy.Document)
	} else {
		keep[ComponentPublicAccessBlock] = true
		pab := cfg.PublicAccessBlockConfiguration
		keep[ComponentPolicy] = pab == nil || !aws.ToBool(pab.RestrictPublicBuckets)
	}
	var out BucketConfig
	for _, f := range configFields {
		if keep[f.component] {
			f.field(&out).Set(f.field(&cfg))
		}
	}
	var kept []CollectionError
	for _, e := range errs {
		if keep[e.Component] {
			kept = append(kept, e)
		}
	}
	return out, kept
}

// mergeEach merges the shards' readings of one kind of linked resource (list),
// identified by key, of an account, named by the buckets that match names(key).
func mergeEach[T any](m *merger, list func(*Snapshot) []T, key, account func(T) string, names func(string) func(*Bucket) bool, what string) ([]T, error) {
	byKey := map[string][]fromShard[T]{}
	var order []string
	for _, s := range m.shards {
		for _, v := range list(s) {
			k := key(v)
			if _, ok := byKey[k]; !ok {
				order = append(order, k)
			}
			byKey[k] = append(byKey[k], fromShard[T]{s.Shard.Index, v})
		}
	}
	var out []T
	for _, k := range order {
		v, err := pickLinked(byKey[k], account, m, names(k), what+" "+k)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// fromShard is one shard's reading of a linked resource.
type fromShard[T any] struct {
	shard int
	v     T
}

// pickLinked merges the shards' readings of one role or KMS key: of an estate
// account, every shard read it with its owner's credentials and they must agree;
// otherwise the reading of the shard of the first account (by id) whose buckets
// name it is kept, as an unsharded scan reads it with that account's credentials.
func pickLinked[T any](rs []fromShard[T], account func(T) string, m *merger, named func(b *Bucket) bool, what string) (T, error) {
	first := rs[0].v
	if m.estate[account(first)] {
		for _, r := range rs[1:] {
			if !reflect.DeepEqual(first, r.v) {
				return first, fmt.Errorf("%w: shards %d and %d read %s differently (was it changed between them?)", ErrMerge, rs[0].shard, r.shard, what)
			}
		}
		return first, nil
	}
	at := m.firstNamer(named)
	for _, r := range rs {
		if r.shard == at {
			return r.v, nil
		}
	}
	return first, nil
}
