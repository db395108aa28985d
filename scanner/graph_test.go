package scanner

import (
	"reflect"
	"testing"
)

func graphRule(id, status, dst string, replicaModifications string) ReplicationRule {
	r := ReplicationRule{ID: &id, Status: status, Filter: &ReplicationRuleFilter{}, Destination: Destination{Bucket: dst}}
	if replicaModifications != "" {
		r.SourceSelectionCriteria = &SourceSelectionCriteria{ReplicaModifications: &StatusValue{Status: replicaModifications}}
	}
	return r
}

func graphBucket(name string, rules ...ReplicationRule) Bucket {
	b := Bucket{Name: name, Arn: "arn:aws:s3:::" + name, AccountID: "111122223333"}
	if len(rules) > 0 {
		b.ReplicationConfiguration = &ReplicationConfiguration{Role: "arn:aws:iam::111122223333:role/crr", Rules: rules}
	}
	return b
}

const (
	gA = "arn:aws:s3:::a"
	gB = "arn:aws:s3:::b"
	gC = "arn:aws:s3:::c"
	gD = "arn:aws:s3:::d"
	gX = "arn:aws:s3:::x"
)

func TestGraphEdges(t *testing.T) {
	g := NewGraph()
	a := graphBucket("a",
		graphRule("one", "Enabled", gB, "Enabled"),
		graphRule("two", "Enabled", gB, "Disabled"), // one enabled rule without it: the edge lacks it
		graphRule("paused", "Disabled", gC, "Enabled"),
		graphRule("rm", "Enabled", gD, "Enabled"),
		graphRule("rm-paused", "Disabled", gD, ""), // disabled rules do not count
	)
	g.AddBucket(&a)
	cases := []struct {
		dst  string
		want Edge
	}{
		{gB, Edge{Enabled: true, ReplicaModifications: false}},
		{gC, Edge{Enabled: false, ReplicaModifications: false}},
		{gD, Edge{Enabled: true, ReplicaModifications: true}},
	}
	for _, c := range cases {
		if got, ok := g.Edge(gA, c.dst); !ok || got != c.want {
			t.Errorf("Edge(a, %s) = %+v, %v; want %+v", c.dst, got, ok, c.want)
		}
	}
	if _, ok := g.Edge(gB, gA); ok {
		t.Error("Edge(b, a) exists")
	}
	if got := g.EnabledTo(gA); !reflect.DeepEqual(got, []string{gB, gD}) {
		t.Errorf("EnabledTo(a) = %v", got)
	}
	if got := g.ReplicatesTo(gA); !reflect.DeepEqual(got, []string{gB, gC, gD}) {
		t.Errorf("ReplicatesTo(a) = %v (disabled rules count)", got)
	}
}

func TestGraphKnown(t *testing.T) {
	g := NewGraph()
	plain := graphBucket("b") // read: no configuration
	hidden := graphBucket("c")
	hidden.Errors = []CollectionError{{Operation: "GetBucketReplication", Code: "AccessDenied", Resource: gC, Component: ComponentReplication}}
	tagsHidden := graphBucket("d")
	tagsHidden.Errors = []CollectionError{{Operation: "GetBucketTagging", Code: "AccessDenied", Resource: gD, Component: ComponentTags}}
	for _, b := range []*Bucket{&plain, &hidden, &tagsHidden} {
		g.AddBucket(b)
	}
	if !g.Known(gB) || g.Known(gC) || !g.Known(gD) || g.Known(gX) {
		t.Errorf("Known: b %v c %v d %v x %v; want true false true false", g.Known(gB), g.Known(gC), g.Known(gD), g.Known(gX))
	}
}

func TestGraphPeersOnwardUnknown(t *testing.T) {
	s := &Snapshot{Buckets: []Bucket{
		// a ⇄ b two-way; a's rule replicates replica modifications, b's does not.
		graphBucket("a", graphRule("to-b", "Enabled", gB, "Enabled"), graphRule("to-x", "Enabled", gX, "")),
		// b → a and b → c: c gets b's own objects, not those that came from a.
		graphBucket("b", graphRule("to-a", "Enabled", gA, ""), graphRule("to-c", "Enabled", gC, "")),
		// c → d is paused: not onward for b.
		graphBucket("c", graphRule("to-d", "Disabled", gD, "")),
		graphBucket("d"),
	}}
	g := GraphOf(s)

	if got, want := g.Peers(gA), []Peer{{Peer: gB, ThisReplicaModifications: true, PeerReplicaModifications: false}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Peers(a) = %+v, want %+v", got, want)
	}
	if got, want := g.Peers(gB), []Peer{{Peer: gA, ThisReplicaModifications: false, PeerReplicaModifications: true}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Peers(b) = %+v, want %+v", got, want)
	}
	if got := g.Peers(gC); len(got) != 0 || got == nil {
		t.Errorf("Peers(c) = %#v, want empty, not nil", got)
	}

	// a → b → c: b's onward destinations, a itself excepted.
	if got, want := g.Onward(gA), []Onward{{Destination: gB, DestinationReplicatesTo: []string{gC}}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Onward(a) = %+v, want %+v", got, want)
	}
	// b → a → x.
	if got, want := g.Onward(gB), []Onward{{Destination: gA, DestinationReplicatesTo: []string{gX}}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Onward(b) = %+v, want %+v", got, want)
	}
	if got := g.Onward(gC); len(got) != 0 || got == nil {
		t.Errorf("Onward(c) = %#v, want empty, not nil (its only rule is disabled)", got)
	}

	// x was not scanned: a does not know whether it replicates onward.
	if got := g.Unknown(gA); !reflect.DeepEqual(got, []string{gX}) {
		t.Errorf("Unknown(a) = %v", got)
	}
	if got := g.Unknown(gB); len(got) != 0 || got == nil {
		t.Errorf("Unknown(b) = %#v, want empty, not nil", got)
	}
}

func TestGraphPeerDisabledBackEdge(t *testing.T) {
	s := &Snapshot{Buckets: []Bucket{
		graphBucket("a", graphRule("to-b", "Enabled", gB, "")),
		graphBucket("b", graphRule("to-a", "Disabled", gA, "")),
	}}
	g := GraphOf(s)
	if got := g.Peers(gA); len(got) != 0 {
		t.Errorf("Peers(a) = %+v: b's rule back is disabled", got)
	}
	if got := g.Onward(gA); len(got) != 0 {
		t.Errorf("Onward(a) = %+v", got)
	}
}

func TestGraphV1RuleHasNoReplicaModifications(t *testing.T) {
	v1 := ReplicationRule{Status: "Enabled", Prefix: new(string), Destination: Destination{Bucket: gB}}
	s := &Snapshot{Buckets: []Bucket{
		graphBucket("a", v1),
		graphBucket("b", graphRule("to-a", "Enabled", gA, "Enabled")),
	}}
	g := GraphOf(s)
	if got, want := g.Peers(gA), []Peer{{Peer: gB, ThisReplicaModifications: false, PeerReplicaModifications: true}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Peers(a) = %+v, want %+v", got, want)
	}
}

// A bucket that only disabled rules name receives nothing, so it is no replica: "When
// you disable a replication rule, Amazon S3 stops replicating new objects" (replication
// is paused; https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-and-other-bucket-configs.html).
func TestGraphReplicaOnlyThroughEnabledRules(t *testing.T) {
	g := NewGraph()
	a := graphBucket("a", graphRule("live", "Enabled", gB, ""), graphRule("paused", "Disabled", gC, ""))
	d := graphBucket("d", graphRule("paused-too", "Disabled", gC, ""), graphRule("also", "Enabled", gX, ""))
	g.AddBucket(&a)
	g.AddBucket(&d)
	for arn, want := range map[string]bool{gB: true, gC: false, gX: true, gA: false} {
		if got := g.IsReplica(arn); got != want {
			t.Errorf("IsReplica(%s) = %v, want %v", arn, got, want)
		}
	}
	// ReplicatedFrom keeps every rule, enabled or not (evidence).
	if got := g.ReplicatedFrom(gC); !reflect.DeepEqual(got, []string{gA, "arn:aws:s3:::d"}) {
		t.Errorf("ReplicatedFrom(c) = %v", got)
	}
}
