package scanner

import (
	"sort"
	"sync"
)

// Linked is what a bucket's judgement needs besides the bucket: the estate's
// replication graph and, for a bucket that replicates, its role and destinations as
// the snapshot holds them.
type Linked struct {
	// Graph is the estate's replication graph, complete.
	Graph *Graph
	// Role is the role of the bucket's configuration (nil without one).
	Role *Role
	// Destinations are the destinations of the configuration's rules, once each.
	Destinations []LinkedBucket
}

// destRead is the work item that reads one destination.
type destRead struct {
	arn  string
	read func()
}

// linkedEmitter hands each bucket that replicates to Options.Ready as soon as the
// destinations its rules name are read, while other destinations still are. A
// bucket that names a KMS key waits for the snapshot: its keys are read last (so
// does every bucket that replicates when the scan verifies: verification is last).
type linkedEmitter struct {
	col   *collector
	g     *Graph
	hints map[string][]string // destinationAccounts

	mu      sync.Mutex
	pending map[*Bucket]int         // destination reads a bucket still waits for
	waiting map[string][]*Bucket    // by destination ARN, the buckets that wait for it
	roles   map[string]*Role        // assembled once per ARN, so each keeps one address
	dests   map[string]LinkedBucket // assembled once per ARN, however many buckets replicate into it
}

// newLinkedEmitter hands over at once the buckets whose destinations need no read,
// and returns the emitter that done tells of each destination read (nil without
// Options.Ready: done is then a no-op).
func (col *collector) newLinkedEmitter(buckets []*Bucket, reads []destRead, g *Graph) *linkedEmitter {
	if col.opts.Ready == nil {
		return nil
	}
	em := &linkedEmitter{
		col: col, g: g, hints: destinationAccounts(buckets),
		pending: map[*Bucket]int{}, waiting: map[string][]*Bucket{}, roles: map[string]*Role{},
		dests: map[string]LinkedBucket{},
	}
	read := make(map[string]bool, len(reads))
	for _, r := range reads {
		read[r.arn] = true
	}
	var now []*Bucket
	for _, b := range buckets {
		if b.ReplicationConfiguration == nil || len(b.KMSKeyRefs()) > 0 || col.opts.Verify.Enabled() {
			continue
		}
		seen := map[string]bool{}
		for _, r := range b.ReplicationConfiguration.Rules {
			arn := r.Destination.Bucket
			if seen[arn] || !read[arn] {
				continue
			}
			seen[arn] = true
			em.waiting[arn] = append(em.waiting[arn], b)
		}
		em.pending[b] = len(seen)
		if len(seen) == 0 {
			now = append(now, b)
		}
	}
	for _, b := range now {
		em.emit(b)
	}
	return em
}

// done records that the destination arn was read, and hands over the buckets that
// waited for it last.
func (em *linkedEmitter) done(arn string) {
	if em == nil {
		return
	}
	var now []*Bucket
	em.mu.Lock()
	for _, b := range em.waiting[arn] {
		em.pending[b]--
		if em.pending[b] == 0 {
			now = append(now, b)
		}
	}
	em.mu.Unlock()
	for _, b := range now {
		em.emit(b)
	}
}

func (em *linkedEmitter) emit(b *Bucket) {
	cfg := b.ReplicationConfiguration
	l := Linked{Graph: em.g}
	if cfg.Role != "" {
		l.Role = em.role(cfg.Role)
	}
	seen := map[string]bool{}
	for _, r := range cfg.Rules {
		arn := r.Destination.Bucket
		if seen[arn] {
			continue
		}
		seen[arn] = true
		l.Destinations = append(l.Destinations, em.destination(arn))
	}
	em.col.ready(b, l)
}

// destination is the destination arn, assembled once it is read (the emitter asks
// only then) and kept for the other buckets that replicate into it.
func (em *linkedEmitter) destination(arn string) LinkedBucket {
	em.mu.Lock()
	defer em.mu.Unlock()
	if d, ok := em.dests[arn]; ok {
		return d
	}
	d := em.col.linkedDestination(arn, em.hints[arn])
	em.dests[arn] = d
	return d
}

func (em *linkedEmitter) role(arn string) *Role {
	em.mu.Lock()
	defer em.mu.Unlock()
	if r, ok := em.roles[arn]; ok {
		return r
	}
	r := em.col.linkedRole(arn)
	em.roles[arn] = &r
	return &r
}

// KMSKeyRefs are the KMS keys a bucket's default encryption and its replication
// rules (ReplicaKmsKeyID) name, as configured, sorted; none without a replication
// configuration (a bucket that does not replicate needs no key checked).
func (b *Bucket) KMSKeyRefs() []string {
	if b.ReplicationConfiguration == nil {
		return nil
	}
	var refs []string
	if sse := b.ServerSideEncryptionConfiguration; sse != nil {
		for _, r := range sse.Rules {
			if d := r.ApplyServerSideEncryptionByDefault; d != nil && d.KMSMasterKeyID != nil {
				refs = append(refs, *d.KMSMasterKeyID)
			}
		}
	}
	for _, r := range b.ReplicationConfiguration.Rules {
		if e := r.Destination.EncryptionConfiguration; e != nil && e.ReplicaKmsKeyID != nil {
			refs = append(refs, *e.ReplicaKmsKeyID)
		}
	}
	sort.Strings(refs)
	return refs
}
