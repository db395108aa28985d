package scanner

import (
	"sort"
	"sync"
)

// Graph is the estate's replication graph (source bucket ARN → destination bucket
// ARNs). It is small and complete once every replication configuration is read, so
// estate-wide facts (is this bucket a replica? is the pair two-way? does the chain
// go on?) need not hold the bulky bucket data.
type Graph struct {
	to    map[string][]string
	from  map[string][]string
	edges map[[2]string]Edge
	// known are the buckets whose replication configuration was read (it may be none).
	known map[string]bool
	// roleOf is the role each source's configuration names; accountOf its account.
	roleOf    map[string]string
	accountOf map[string]string

	// sharedMu guards shared: the RoleSources of each role, built once on first use
	// (inputs are built concurrently while the scan goes on).
	sharedMu sync.Mutex
	shared   map[string][]RoleSource
}

// RoleSource is one source bucket that replicates through a role: the buckets a
// role's trust and permissions must cover when several share it.
type RoleSource struct {
	Bucket    string `json:"bucket"`
	AccountID string `json:"account_id"`
	// Destinations are the bucket's destinations through an enabled rule, sorted.
	Destinations []string `json:"destinations"`
}

// Edge is what the rules of one source that replicate into one destination say.
type Edge struct {
	// Enabled is true when at least one of the rules is Enabled.
	Enabled bool
	// ReplicaModifications is true when every enabled rule selects
	// SourceSelectionCriteria.ReplicaModifications Enabled (false without enabled rules).
	ReplicaModifications bool
}

// Peer is a bucket that this bucket replicates into and that replicates back into
// it, both through an enabled rule (two-way replication).
type Peer struct {
	Peer string `json:"peer"`
	// ThisReplicaModifications: every enabled rule of this bucket into the peer
	// replicates replica modifications.
	ThisReplicaModifications bool `json:"this_replica_modifications"`
	// PeerReplicaModifications: every enabled rule of the peer into this bucket does.
	PeerReplicaModifications bool `json:"peer_replica_modifications"`
}

// Onward is a destination (B) of this bucket (A) that replicates further (A→B→C):
// objects that reach B as replicas are not replicated on to C.
type Onward struct {
	Destination string `json:"destination"`
	// DestinationReplicatesTo are B's destinations through an enabled rule, this
	// bucket excepted, sorted.
	DestinationReplicatesTo []string `json:"destination_replicates_to"`
}

// NewGraph returns an empty graph.
func NewGraph() *Graph {
	return &Graph{
		to: map[string][]string{}, from: map[string][]string{},
		edges: map[[2]string]Edge{}, known: map[string]bool{},
		roleOf: map[string]string{}, accountOf: map[string]string{},
	}
}

// GraphOf builds the graph of a snapshot's buckets.
func GraphOf(s *Snapshot) *Graph {
	g := NewGraph()
	for i := range s.Buckets {
		g.AddBucket(&s.Buckets[i])
	}
	return g
}

// AddBucket records the destinations of every rule of b (enabled or not), what its
// rules say per destination, and whether b's configuration was read at all.
func (g *Graph) AddBucket(b *Bucket) {
	readable := true
	for _, e := range b.Errors {
		if e.Component == ComponentReplication {
			readable = false
		}
	}
	if readable && b.Arn != "" {
		g.known[b.Arn] = true
	}
	if b.ReplicationConfiguration == nil {
		return
	}
	if role := b.ReplicationConfiguration.Role; role != "" && b.Arn != "" {
		g.roleOf[b.Arn] = role
		g.accountOf[b.Arn] = b.AccountID
		g.sharedMu.Lock()
		g.shared = nil
		g.sharedMu.Unlock()
	}
	edges := map[string]Edge{}
	for _, r := range b.ReplicationConfiguration.Rules {
		dst := r.Destination.Bucket
		g.Add(b.Arn, dst)
		e, seen := edges[dst]
		if !seen {
			e.ReplicaModifications = true
		}
		if r.Status == "Enabled" {
			e.Enabled = true
			e.ReplicaModifications = e.ReplicaModifications && replicaModifications(r)
		}
		edges[dst] = e
	}
	for dst, e := range edges {
		if b.Arn == "" || dst == "" {
			continue
		}
		e.ReplicaModifications = e.ReplicaModifications && e.Enabled
		g.edges[[2]string{b.Arn, dst}] = e
	}
}

func replicaModifications(r ReplicationRule) bool {
	c := r.SourceSelectionCriteria
	return c != nil && c.ReplicaModifications != nil && c.ReplicaModifications.Status == "Enabled"
}

// Add records one edge, once.
func (g *Graph) Add(src, dst string) {
	if src == "" || dst == "" {
		return
	}
	for _, d := range g.to[src] {
		if d == dst {
			return
		}
	}
	g.to[src] = append(g.to[src], dst)
	g.from[dst] = append(g.from[dst], src)
	sort.Strings(g.to[src])
	sort.Strings(g.from[dst])
}

// ReplicatesTo returns the destinations of src, sorted.
func (g *Graph) ReplicatesTo(src string) []string { return g.to[src] }

// ReplicatedFrom returns the sources that replicate into dst, sorted.
func (g *Graph) ReplicatedFrom(dst string) []string { return g.from[dst] }

// IsReplica reports whether some scanned bucket replicates into arn through an
// enabled rule: a bucket that only disabled rules name receives nothing. An edge
// recorded with Add alone (rules unknown) counts.
func (g *Graph) IsReplica(arn string) bool {
	for _, src := range g.from[arn] {
		if e, ok := g.edges[[2]string{src, arn}]; !ok || e.Enabled {
			return true
		}
	}
	return false
}

// Edge returns what src's rules into dst say; false when src has no rule into dst
// (or its rules were recorded with Add only).
func (g *Graph) Edge(src, dst string) (Edge, bool) {
	e, ok := g.edges[[2]string{src, dst}]
	return e, ok
}

// Known reports whether arn's replication configuration was read (it may have none):
// only then does the graph know all of arn's outgoing edges.
func (g *Graph) Known(arn string) bool { return g.known[arn] }

// EnabledTo returns the destinations src replicates into through an enabled rule, sorted.
func (g *Graph) EnabledTo(src string) []string {
	var out []string
	for _, d := range g.to[src] {
		if e, ok := g.edges[[2]string{src, d}]; ok && e.Enabled {
			out = append(out, d)
		}
	}
	return out
}

// Peers returns the buckets arn replicates into that replicate back into arn, both
// ways through an enabled rule, sorted by peer.
func (g *Graph) Peers(arn string) []Peer {
	out := []Peer{}
	for _, d := range g.EnabledTo(arn) {
		if d == arn {
			continue
		}
		back, ok := g.edges[[2]string{d, arn}]
		if !ok || !back.Enabled {
			continue
		}
		out = append(out, Peer{
			Peer:                     d,
			ThisReplicaModifications: g.edges[[2]string{arn, d}].ReplicaModifications,
			PeerReplicaModifications: back.ReplicaModifications,
		})
	}
	return out
}

// Onward returns arn's destinations (enabled rules) that replicate further to other
// buckets than arn through an enabled rule, sorted by destination.
func (g *Graph) Onward(arn string) []Onward {
	out := []Onward{}
	for _, d := range g.EnabledTo(arn) {
		if d == arn {
			continue
		}
		next := []string{}
		for _, c := range g.EnabledTo(d) {
			if c != arn && c != d {
				next = append(next, c)
			}
		}
		if len(next) > 0 {
			out = append(out, Onward{Destination: d, DestinationReplicatesTo: next})
		}
	}
	return out
}

// Unknown returns arn's destinations (enabled rules) whose own replication
// configuration the graph does not know (not scanned, or unreadable), sorted.
func (g *Graph) Unknown(arn string) []string {
	out := []string{}
	for _, d := range g.EnabledTo(arn) {
		if d != arn && !g.known[d] {
			out = append(out, d)
		}
	}
	return out
}

// RoleSources returns every scanned source whose replication configuration names the
// same role as src's (src included), sorted by bucket ARN; nil when src names none.
// The slice is the same for every source of one role: callers must not change it.
// It is complete once every replication configuration was added.
func (g *Graph) RoleSources(src string) []RoleSource {
	role, ok := g.roleOf[src]
	if !ok {
		return nil
	}
	g.sharedMu.Lock()
	defer g.sharedMu.Unlock()
	if g.shared == nil {
		g.shared = map[string][]RoleSource{}
		for b, r := range g.roleOf {
			dests := append([]string{}, g.EnabledTo(b)...)
			g.shared[r] = append(g.shared[r], RoleSource{Bucket: b, AccountID: g.accountOf[b], Destinations: dests})
		}
		for _, list := range g.shared {
			sort.Slice(list, func(i, j int) bool { return list[i].Bucket < list[j].Bucket })
		}
	}
	return g.shared[role]
}
