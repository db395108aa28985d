package scanner

import (
	"reflect"
	"testing"
)

// TestGraphRoleSources: every source that names a role, with its account and its
// enabled destinations, for each of them; another role's sources apart; a bucket
// without a configuration has none.
func TestGraphRoleSources(t *testing.T) {
	a := graphBucket("a", graphRule("dr", "Enabled", gB, ""), graphRule("off", "Disabled", gX, ""))
	c := graphBucket("c", graphRule("dr", "Enabled", gD, ""))
	c.AccountID = "444455556666"
	other := graphBucket("x", graphRule("dr", "Enabled", gB, ""))
	other.ReplicationConfiguration.Role = "arn:aws:iam::111122223333:role/other"
	plain := graphBucket("p")
	g := NewGraph()
	for _, b := range []*Bucket{&c, &other, &a, &plain} {
		g.AddBucket(b)
	}
	want := []RoleSource{
		{Bucket: gA, AccountID: "111122223333", Destinations: []string{gB}},
		{Bucket: gC, AccountID: "444455556666", Destinations: []string{gD}},
	}
	for _, src := range []string{gA, gC} {
		if got := g.RoleSources(src); !reflect.DeepEqual(got, want) {
			t.Errorf("RoleSources(%s) = %+v, want %+v", src, got, want)
		}
	}
	if got := g.RoleSources(gX); len(got) != 1 || got[0].Bucket != gX {
		t.Errorf("RoleSources(x) = %+v, want x alone", got)
	}
	if got := g.RoleSources(plain.Arn); got != nil {
		t.Errorf("RoleSources(p) = %+v, want none", got)
	}
	// A bucket added later is seen.
	d := graphBucket("d", graphRule("dr", "Enabled", gB, ""))
	g.AddBucket(&d)
	if got := g.RoleSources(gA); len(got) != 3 {
		t.Errorf("after adding d: %+v", got)
	}
}
