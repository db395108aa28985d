package fakeaws

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// Spec describes a synthetic estate for Generate.
type Spec struct {
	// Buckets is the number of buckets.
	Buckets int
	// Accounts is the number of accounts (at least 1); the first is the
	// organisation's management account.
	Accounts int
	// Regions are the regions buckets are spread over; nil means DefaultRegions.
	Regions []string
	// Replicating is the fraction of buckets that replicate. Each replicates to a
	// bucket in another region: its own destination bucket, which does not
	// replicate, or, for the TwoWay share, its peer in a two-way pair. It must
	// stay at or below 0.5, since one-way sources need a destination each.
	Replicating float64
	// TwoWay is the fraction of replicating buckets that form two-way pairs.
	TwoWay float64
	// CrossAccount is the fraction of replication pairs whose destination lies in
	// another account (with owner override, a destination bucket policy for the
	// role and, under KMS, a key shared with the source account).
	CrossAccount float64
	// RolesPerAccount is the number of replication roles of each account; the
	// sources of an account share them.
	RolesPerAccount int
	// KMS is the fraction of replication pairs encrypted with SSE-KMS (a key per
	// account and region).
	KMS float64
	// ObjectLock is the fraction of replication pairs with Object Lock on both sides.
	ObjectLock float64
	// Seed varies the estate; the same Spec always gives the same estate.
	Seed uint64
}

// DefaultRegions are the three regions of synthetic estates.
var DefaultRegions = []string{"us-east-1", "eu-west-1", "ap-southeast-2"}

// DefaultSpec is the benchmark estate: buckets over accounts and three regions,
// 30 % replicating (a tenth of them in two-way pairs), 30 % of pairs across
// accounts, three shared roles per account, 20 % of pairs under SSE-KMS, 2 % with
// Object Lock.
func DefaultSpec(buckets, accounts int) Spec {
	return Spec{
		Buckets: buckets, Accounts: accounts, Replicating: 0.3, TwoWay: 0.1,
		CrossAccount: 0.3, RolesPerAccount: 3, KMS: 0.2, ObjectLock: 0.02,
	}
}

// AccountID is the id of the k-th (0-based) account of a generated estate.
func AccountID(k int) string { return fmt.Sprintf("%012d", 100000000001+k) }

// unit is a group of buckets generated together.
type unit struct {
	kind    int // unitPlain, unitOneWay, unitTwoWay
	account int
	region  int
}

const (
	unitPlain = iota
	unitOneWay
	unitTwoWay
)

// Generate builds the estate s describes. It panics on an impossible Spec.
func Generate(s Spec) *Estate {
	if s.Accounts < 1 {
		s.Accounts = 1
	}
	if s.RolesPerAccount < 1 {
		s.RolesPerAccount = 1
	}
	if s.Regions == nil {
		s.Regions = DefaultRegions
	}
	if len(s.Regions) < 2 && s.Replicating > 0 {
		panic("fakeaws.Generate: cross-region replication needs two regions")
	}
	sources := int(math.Round(float64(s.Buckets) * s.Replicating))
	twoWayPairs := int(math.Round(float64(sources) * s.TwoWay / 2))
	oneWay := sources - 2*twoWayPairs
	plain := s.Buckets - 2*twoWayPairs - 2*oneWay
	if plain < 0 {
		panic(fmt.Sprintf("fakeaws.Generate: %d buckets cannot hold %d replicating buckets and their destinations", s.Buckets, sources))
	}
	rng := rand.New(rand.NewPCG(s.Seed, 0x6372727363616e))

	g := &generator{spec: s, rng: rng, estate: &Estate{Regions: append([]string(nil), s.Regions...)}}
	g.accountsAndRoles()

	units := make([]unit, 0, plain+oneWay+twoWayPairs)
	for range plain {
		units = append(units, unit{kind: unitPlain})
	}
	for range oneWay {
		units = append(units, unit{kind: unitOneWay})
	}
	for range twoWayPairs {
		units = append(units, unit{kind: unitTwoWay})
	}
	rng.Shuffle(len(units), func(i, j int) { units[i], units[j] = units[j], units[i] })
	g.estate.Buckets = make([]*Bucket, 0, s.Buckets)
	for i := range units {
		u := &units[i]
		u.account = i % s.Accounts
		u.region = (i / s.Accounts) % len(s.Regions)
		switch u.kind {
		case unitPlain:
			g.plain(u)
		default:
			g.pair(u, i)
		}
	}
	return g.estate
}

type generator struct {
	spec   Spec
	rng    *rand.Rand
	estate *Estate
	keys   map[[2]int]*Key // account, region
}

var (
	baseTime = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)

	// Settings most buckets share; the server never modifies them.
	sharedAES256 = &ServerSideEncryptionConfiguration{Rules: []EncryptionRule{{
		Default: &EncryptionByDefault{SSEAlgorithm: "AES256"}, BucketKeyEnabled: boolPtr(false),
	}}}
	sharedBlockAll = &PublicAccessBlockConfiguration{
		BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true,
	}
	sharedNoncurrent90 = &LifecycleConfiguration{Rules: []LifecycleRule{{
		ID: "expire-noncurrent", Filter: &LifecycleFilter{Prefix: strPtr("")}, Status: "Enabled",
		NoncurrentVersionExpiration: &NoncurrentVersionExpiration{NoncurrentDays: 90},
	}}}
	sharedExpire30 = &LifecycleConfiguration{Rules: []LifecycleRule{{
		ID: "expire-30d", Filter: &LifecycleFilter{Prefix: strPtr("")}, Status: "Enabled",
		Expiration: &Expiration{Days: 30},
	}}}
	sharedObjectLock = &ObjectLockConfiguration{ObjectLockEnabled: "Enabled", Rule: &ObjectLockRule{
		DefaultRetention: DefaultRetention{Mode: "GOVERNANCE", Days: 30},
	}}
	prodTags = []Tag{{Key: "env", Value: "prod"}, {Key: "team", Value: "storage"}}
	devTags  = []Tag{{Key: "env", Value: "dev"}}
)

func boolPtr(b bool) *bool                 { return &b }
func strPtr(s string) *string              { return &s }
func int32Ptr(n int32) *int32              { return &n }
func (g *generator) chance(p float64) bool { return p > 0 && g.rng.Float64() < p }

// accountsAndRoles adds the accounts, their replication roles, the managed
// policies and a KMS key per account and region.
func (g *generator) accountsAndRoles() {
	e := g.estate
	e.ManagementAccount = AccountID(0)
	awsManaged := "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
	e.Policies = append(e.Policies, &ManagedPolicy{
		Arn: awsManaged, Name: "AmazonS3ReadOnlyAccess", DefaultVersion: "v3", Created: baseTime,
		Versions: map[string]string{"v3": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]}`},
	})
	g.keys = map[[2]int]*Key{}
	for k := range g.spec.Accounts {
		id := AccountID(k)
		e.Accounts = append(e.Accounts, Account{ID: id, Name: fmt.Sprintf("account-%02d", k)})
		base := "arn:aws:iam::" + id + ":policy/crr-replication-base"
		e.Policies = append(e.Policies, &ManagedPolicy{
			Arn: base, Name: "crr-replication-base", DefaultVersion: "v1", Created: baseTime,
			Versions: map[string]string{"v1": `{"Version":"2012-10-17","Statement":[` +
				`{"Effect":"Allow","Action":["s3:GetReplicationConfiguration","s3:ListBucket"],"Resource":"arn:aws:s3:::*"},` +
				`{"Effect":"Allow","Action":["s3:GetObjectVersionForReplication","s3:GetObjectVersionAcl","s3:GetObjectVersionTagging","s3:GetObjectRetention","s3:GetObjectLegalHold"],"Resource":"arn:aws:s3:::*/*"}]}`},
		})
		for r := range g.spec.RolesPerAccount {
			e.Roles = append(e.Roles, &Role{
				Account: id, Name: roleName(r), Path: "/service-role/", Created: baseTime,
				TrustPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"` + id + `"}}}]}`,
				InlinePolicies: []InlinePolicy{{Name: "replicate", Document: `{"Version":"2012-10-17","Statement":[` +
					`{"Effect":"Allow","Action":["s3:ReplicateObject","s3:ReplicateDelete","s3:ReplicateTags","s3:ObjectOwnerOverrideToBucketOwner"],"Resource":"arn:aws:s3:::*/*"},` +
					`{"Effect":"Allow","Action":["kms:Decrypt","kms:Encrypt","kms:GenerateDataKey"],"Resource":"*"}]}`}},
				AttachedPolicies: []string{base, awsManaged},
			})
		}
		for ri, region := range g.spec.Regions {
			key := &Key{
				Account: id, Region: region, ID: fmt.Sprintf("%08x-0000-4000-8000-%012x", k, ri),
				Aliases: []string{"alias/crr"}, Created: baseTime,
				Policy: `{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + id + `:root"},"Action":"kms:*","Resource":"*"}]}`,
			}
			g.keys[[2]int{k, ri}] = key
			e.Keys = append(e.Keys, key)
		}
	}
}

func roleName(r int) string { return fmt.Sprintf("crr-replication-%d", r) }

// newBucket adds a bucket with the settings every kind draws the same way.
func (g *generator) newBucket(prefix, kind string, account, region int) *Bucket {
	i := len(g.estate.Buckets)
	b := &Bucket{
		Name: fmt.Sprintf("%s-%06d", prefix, i), Account: AccountID(account), Region: g.spec.Regions[region],
		Created: baseTime.Add(time.Duration(i) * time.Minute), Kind: kind,
		Encryption: sharedAES256,
	}
	switch r := g.rng.Float64(); {
	case r < 0.4:
		b.Tags = prodTags
	case r < 0.6:
		b.Tags = devTags
	}
	switch r := g.rng.Float64(); {
	case r < 0.85:
		b.Ownership = "BucketOwnerEnforced"
	case r < 0.95:
		b.Ownership = "BucketOwnerPreferred"
	}
	if g.chance(0.9) {
		b.PublicAccessBlock = sharedBlockAll
	}
	if g.chance(0.3) {
		b.Lifecycle = sharedNoncurrent90
	}
	if g.chance(0.4) {
		b.Policy = `{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::` + b.Name + `","arn:aws:s3:::` + b.Name + `/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	}
	g.estate.Buckets = append(g.estate.Buckets, b)
	return b
}

func (g *generator) plain(u *unit) {
	b := g.newBucket("app", KindPlain, u.account, u.region)
	switch r := g.rng.Float64(); {
	case r < 0.5:
		b.Versioning = "Enabled"
	case r < 0.65:
		b.Versioning = "Suspended"
	}
}

// pair adds a source and its destination in the next region (and, for a
// cross-account pair, another account), or a two-way pair.
func (g *generator) pair(u *unit, n int) {
	s := g.spec
	dstAccount := u.account
	if s.Accounts > 1 && g.chance(s.CrossAccount) {
		dstAccount = (u.account + 1 + g.rng.IntN(s.Accounts-1)) % s.Accounts
	}
	dstRegion := (u.region + 1) % len(s.Regions)
	kmsPair, lockPair := g.chance(s.KMS), g.chance(s.ObjectLock)

	var src, dst *Bucket
	if u.kind == unitTwoWay {
		src = g.newBucket("two", KindTwoWay, u.account, u.region)
		dst = g.newBucket("two", KindTwoWay, dstAccount, dstRegion)
	} else {
		src = g.newBucket("src", KindSource, u.account, u.region)
		dst = g.newBucket("dst", KindDestination, dstAccount, dstRegion)
		if g.chance(0.1) {
			dst.Lifecycle = sharedExpire30
		}
	}
	for _, b := range []*Bucket{src, dst} {
		b.Versioning = "Enabled"
		if lockPair {
			b.ObjectLock = sharedObjectLock
		}
	}
	srcKey, dstKey := g.keys[[2]int{u.account, u.region}], g.keys[[2]int{dstAccount, dstRegion}]
	if kmsPair {
		src.Encryption = kmsEncryption(srcKey)
		dst.Encryption = kmsEncryption(dstKey)
	}
	src.Replication = g.replication(src, dst, u.account, dstAccount, n, kmsPair, u.kind == unitTwoWay, dstKey)
	if u.kind == unitTwoWay {
		dst.Replication = g.replication(dst, src, dstAccount, u.account, n, kmsPair, true, srcKey)
	}
}

func kmsEncryption(k *Key) *ServerSideEncryptionConfiguration {
	return &ServerSideEncryptionConfiguration{Rules: []EncryptionRule{{
		Default: &EncryptionByDefault{SSEAlgorithm: "aws:kms", KMSMasterKeyID: k.Arn()}, BucketKeyEnabled: boolPtr(true),
	}}}
}

// replication is src's configuration replicating everything to dst with one of
// its account's shared roles. Across accounts it adds the owner override and
// grants the role on the destination (bucket policy, key).
func (g *generator) replication(src, dst *Bucket, srcAccount, dstAccount, n int, kmsPair, twoWay bool, dstKey *Key) *ReplicationConfiguration {
	role := RoleArn(src.Account, "/service-role/", roleName(n%g.spec.RolesPerAccount))
	rule := ReplicationRule{
		ID: "replicate-all", Priority: int32Ptr(1), Filter: &ReplicationFilter{Prefix: strPtr("")},
		Status: "Enabled", DeleteMarkerReplication: &Status{"Disabled"},
		Destination: Destination{Bucket: BucketArn(dst.Name), StorageClass: "STANDARD_IA"},
	}
	if g.chance(0.5) {
		rule.DeleteMarkerReplication.Status = "Enabled"
	}
	if g.chance(0.25) {
		rule.Destination.ReplicationTime = &ReplicationTime{Status: "Enabled", Time: Minutes{15}}
		rule.Destination.Metrics = &Metrics{Status: "Enabled", EventThreshold: &Minutes{15}}
	}
	if twoWay || kmsPair {
		rule.SourceSelectionCriteria = &SourceSelectionCriteria{}
		if twoWay {
			rule.SourceSelectionCriteria.ReplicaModifications = &Status{"Enabled"}
		}
		if kmsPair {
			rule.SourceSelectionCriteria.SseKmsEncryptedObjects = &Status{"Enabled"}
			rule.Destination.EncryptionConfiguration = &EncryptionConfiguration{ReplicaKmsKeyID: dstKey.Arn()}
		}
	}
	if srcAccount != dstAccount {
		rule.Destination.Account = dst.Account
		rule.Destination.AccessControlTranslation = &AccessControlTranslation{Owner: "Destination"}
		dst.Policy = `{"Version":"2012-10-17","Statement":[{"Sid":"AllowReplication","Effect":"Allow","Principal":{"AWS":"` + role + `"},` +
			`"Action":["s3:ReplicateObject","s3:ReplicateDelete","s3:ReplicateTags","s3:ObjectOwnerOverrideToBucketOwner"],"Resource":"arn:aws:s3:::` + dst.Name + `/*"},` +
			`{"Sid":"AllowVersioning","Effect":"Allow","Principal":{"AWS":"` + role + `"},"Action":["s3:GetBucketVersioning","s3:PutBucketVersioning"],"Resource":"arn:aws:s3:::` + dst.Name + `"}]}`
		if kmsPair && !contains(dstKey.DescribableBy, src.Account) {
			dstKey.DescribableBy = append(dstKey.DescribableBy, src.Account)
		}
	}
	return &ReplicationConfiguration{Role: role, Rules: []ReplicationRule{rule}}
}
