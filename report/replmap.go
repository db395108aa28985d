package report

import (
	"slices"
	"strings"
)

// ReplicationMap is the estate's replication graph as the HTML report draws it: the
// buckets, grouped by account and region, and one edge per replication rule. It is
// not part of the JSON result contract (Result.Map is tagged `json:"-"`); the
// pipeline fills it from the snapshot. A map without edges and buckets is "not
// available", and the HTML report says so.
type ReplicationMap struct {
	// Buckets are the listed buckets and the destinations outside the scan. A bucket
	// that an edge names but that is missing here is drawn from the edge's fields.
	Buckets []MapBucket
	// Edges are the replication rules, source → destination, enabled or not.
	Edges []MapEdge
}

// MapBucket is one bucket on the map.
type MapBucket struct {
	// Arn is the bucket's ARN (arn:aws:s3:::name); edges refer to buckets by it.
	Arn  string
	Name string
	// AccountID and Region are "" when unknown (a destination that does not exist,
	// or one outside the scan that could not be resolved).
	AccountID string
	Region    string
	// Listed is true for a bucket the scan listed, false for a destination outside it.
	Listed bool
	// Exists is false for a destination known not to exist; nil when unknown.
	Exists *bool
}

// MapEdge is one replication rule: the source bucket replicates to Destination.
type MapEdge struct {
	SourceArn     string
	SourceAccount string
	SourceRegion  string
	// RuleID is the rule's ID ("" when the rule has none).
	RuleID string
	// Destination is the rule's Destination.Bucket ARN.
	Destination string
	// DestAccount and DestRegion are the destination bucket's account and region,
	// "" when unknown.
	DestAccount string
	DestRegion  string
	// Enabled is true when the rule's Status is Enabled.
	Enabled bool
}

// Empty reports whether the map has nothing to draw.
func (m ReplicationMap) Empty() bool { return len(m.Buckets) == 0 && len(m.Edges) == 0 }

// bucketNameOf returns the bucket name of an S3 ARN (arn:<partition>:s3:::name), or
// the input when it is not one.
func bucketNameOf(arn string) string {
	if i := strings.Index(arn, ":::"); i >= 0 && strings.HasPrefix(arn, "arn:") {
		return arn[i+3:]
	}
	return arn
}

// normalizedMap returns the map's buckets (one per ARN, completed from the edges,
// sorted by account, region and name) and its edges (de-duplicated and sorted), so
// that the drawing does not depend on the order the pipeline filled them in.
func normalizedMap(m ReplicationMap) ([]MapBucket, []MapEdge) {
	byArn := map[string]MapBucket{}
	for _, b := range m.Buckets {
		if b.Arn == "" {
			continue
		}
		if b.Name == "" {
			b.Name = bucketNameOf(b.Arn)
		}
		if old, dup := byArn[b.Arn]; dup {
			// Keep the listed entry; otherwise the first by content order.
			if old.Listed || (!b.Listed && compareBuckets(old, b) <= 0) {
				continue
			}
		}
		byArn[b.Arn] = b
	}
	edges := make([]MapEdge, 0, len(m.Edges))
	for _, e := range m.Edges {
		if e.SourceArn == "" || e.Destination == "" {
			continue
		}
		edges = append(edges, e)
	}
	slices.SortFunc(edges, compareEdges)
	edges = slices.Compact(edges)
	for _, e := range edges {
		if _, ok := byArn[e.SourceArn]; !ok {
			byArn[e.SourceArn] = MapBucket{Arn: e.SourceArn, Name: bucketNameOf(e.SourceArn),
				AccountID: e.SourceAccount, Region: e.SourceRegion, Listed: true}
		}
	}
	for _, e := range edges {
		if _, ok := byArn[e.Destination]; !ok {
			byArn[e.Destination] = MapBucket{Arn: e.Destination, Name: bucketNameOf(e.Destination),
				AccountID: e.DestAccount, Region: e.DestRegion}
		}
	}
	buckets := make([]MapBucket, 0, len(byArn))
	for _, b := range byArn {
		buckets = append(buckets, b)
	}
	slices.SortFunc(buckets, compareBuckets)
	return buckets, edges
}

func compareBuckets(a, b MapBucket) int {
	for _, p := range [][2]string{{a.AccountID, b.AccountID}, {a.Region, b.Region}, {a.Name, b.Name}, {a.Arn, b.Arn}} {
		if c := strings.Compare(p[0], p[1]); c != 0 {
			return c
		}
	}
	return 0
}

func compareEdges(a, b MapEdge) int {
	for _, p := range [][2]string{
		{a.SourceArn, b.SourceArn}, {a.Destination, b.Destination}, {a.RuleID, b.RuleID},
		{a.SourceAccount, b.SourceAccount}, {a.SourceRegion, b.SourceRegion},
		{a.DestAccount, b.DestAccount}, {a.DestRegion, b.DestRegion},
	} {
		if c := strings.Compare(p[0], p[1]); c != 0 {
			return c
		}
	}
	switch {
	case a.Enabled == b.Enabled:
		return 0
	case a.Enabled:
		return 1
	}
	return -1
}
