package scanner

import "sort"

// Graph is the estate's replication graph (source bucket ARN → destination bucket
// ARNs). It is small and complete once every replication configuration is read, so
// estate-wide facts (is this bucket a replica?) need not hold the bulky bucket data.
type Graph struct {
	to   map[string][]string
	from map[string][]string
}

// NewGraph returns an empty graph.
func NewGraph() *Graph {
	return &Graph{to: map[string][]string{}, from: map[string][]string{}}
}

// GraphOf builds the graph of a snapshot's buckets.
func GraphOf(s *Snapshot) *Graph {
	g := NewGraph()
	for i := range s.Buckets {
		g.AddBucket(&s.Buckets[i])
	}
	return g
}

// AddBucket records the destinations of every rule of b (enabled or not).
func (g *Graph) AddBucket(b *Bucket) {
	if b.ReplicationConfiguration == nil {
		return
	}
	for _, r := range b.ReplicationConfiguration.Rules {
		g.Add(b.Arn, r.Destination.Bucket)
	}
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

// IsReplica reports whether some scanned bucket replicates into arn.
func (g *Graph) IsReplica(arn string) bool { return len(g.from[arn]) > 0 }
