package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
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
			// Keep the listed entry, else the first in content order, whatever the input order.
			if old.Listed != b.Listed {
				if old.Listed {
					continue
				}
			} else if compareBuckets(old, b) <= 0 {
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

// breaksReplication reports the checks whose failure means the rule does not
// deliver a usable copy in another region: objects fail or stop replicating (versioning,
// paused rules, missing destination, role, permissions, keys, failed operations) or the
// copy lands in the source's own region. The map draws such edges red and dashed.
func breaksReplication(checkID string) bool {
	switch checkID {
	case "CRR-001", "CRR-002", "CRR-011", "CRR-020", "CRR-021", "CRR-027",
		"CRR-030", "CRR-031", "CRR-032", "CRR-050", "CRR-062", "CRR-063", "CRR-080", "CRR-083":
		return true
	}
	return false
}

// Map geometry, in SVG user units (CSS pixels at scale 1).
const (
	mapPadX        = 24
	mapHeaderH     = 44
	mapColW        = 290
	mapBoxW        = 226
	mapBoxH        = 40
	mapBoxGap      = 12
	mapBandLabelH  = 34
	mapBandPadB    = 18
	mapLabelRunes  = 28 // bucket names in a box
	mapColumnRunes = 32 // region names above a column
	mapBandRunes   = 90 // account labels of a band
	mapWideAbove   = 1400
)

// mapView is the laid-out map the template draws.
type mapView struct {
	Width, Height int
	Wide          bool
	Columns       []mapText
	Bands         []mapBand
	Buckets       []mapBucketView
	Edges         []mapEdgeView
	EdgeCount     int
	BrokenCount   int
	DisabledCount int
	BucketCount   int
}

type mapText struct {
	X, Y int
	Text string // shortened to fit
	Full string // the tooltip
}

type mapBand struct {
	Y, Height, Width int
	LabelX, LabelY   int
	Label            string // shortened to fit
	Full             string // the tooltip
	Odd              bool
}

type mapBucketView struct {
	Idx          int
	X, Y, W, H   int
	TextX        int
	NameY, SubY  int
	Name         string // the full name (filter value and tooltip)
	Label        string // the name, shortened to fit the box
	Sub          string // the bucket's role and state
	Title        string // the tooltip
	State        string // ok | warn | bad | unknown | missing
	Replica      bool
	External     bool
	Clickable    bool
	BadgeX       int
	BadgeY       int
	OpenFindings int
}

type mapEdgeView struct {
	Src   int // index of the source bucket in mapView.Buckets
	Dst   int // index of the destination bucket
	D     string
	State string // ok | warn | broken | disabled | unknown
	Title string
}

// layoutMap places buckets on a grid (one band per account, one column per region,
// unknown last) and draws each rule as a curve between the boxes. Coordinates are
// integers and everything is sorted, so the SVG is byte-for-byte deterministic.
func layoutMap(buckets []MapBucket, edges []MapEdge, fs []Finding) *mapView {
	var accounts, regions []string
	for _, b := range buckets {
		accounts = append(accounts, b.AccountID)
		regions = append(regions, b.Region)
	}
	unknownLast := func(s []string) []string {
		s = sortedSet(s)
		if len(s) > 0 && s[0] == "" {
			s = append(s[1:], "")
		}
		return s
	}
	accounts, regions = unknownLast(accounts), unknownLast(regions)
	buckets = orderForFewerCrossings(buckets, edges, accounts)
	col := map[string]int{}
	for i, r := range regions {
		col[r] = i
	}

	byBucket := map[string][]Finding{}
	for _, f := range fs {
		k := f.AccountID + "\x00" + f.Bucket
		byBucket[k] = append(byBucket[k], f)
	}
	replica := map[string]bool{}
	outgoing := map[string]int{}
	for _, e := range edges {
		replica[e.Destination] = true
		outgoing[e.SourceArn]++
	}

	m := &mapView{Width: 2*mapPadX + len(regions)*mapColW, BucketCount: len(buckets)}
	m.Wide = m.Width > mapWideAbove
	for i, r := range regions {
		label := readableLine(r)
		if r == "" {
			label = "unknown region"
		}
		m.Columns = append(m.Columns, mapText{X: mapPadX + i*mapColW + mapColW/2, Y: 26, Text: shorten(label, mapColumnRunes), Full: label})
	}
	type pos struct{ x, y, idx int }
	at := map[string]pos{}
	y := mapHeaderH
	for ai, acct := range accounts {
		perCol := make([]int, len(regions))
		for _, b := range buckets {
			if b.AccountID != acct {
				continue
			}
			c := col[b.Region]
			bx := mapPadX + c*mapColW + (mapColW-mapBoxW)/2
			by := y + mapBandLabelH + perCol[c]*(mapBoxH+mapBoxGap)
			perCol[c]++
			at[b.Arn] = pos{bx, by, len(m.Buckets)}
			v := bucketView(b, bx, by, replica[b.Arn], outgoing[b.Arn], byBucket[b.AccountID+"\x00"+b.Name])
			v.Idx = len(m.Buckets)
			m.Buckets = append(m.Buckets, v)
		}
		rows := slices.Max(perCol)
		h := mapBandLabelH + rows*mapBoxH + max(0, rows-1)*mapBoxGap + mapBandPadB
		label := "Account " + readableLine(acct)
		if acct == "" {
			label = "Unknown account"
		}
		m.Bands = append(m.Bands, mapBand{Y: y, Height: h, Width: m.Width - 2*mapPadX + 16, LabelX: mapPadX + 4, LabelY: y + 22,
			Label: shorten(label, mapBandRunes), Full: label, Odd: ai%2 == 1})
		y += h + 8
	}
	m.Height = y + 8

	// Spread the ends of several edges on one box so that arrows stay apart.
	outIdx, inIdx := map[string]int{}, map[string]int{}
	inCount := map[string]int{}
	for _, e := range edges {
		inCount[e.Destination]++
	}
	spread := func(i, n int) int {
		if n <= 1 {
			return 0
		}
		step := min(8, (mapBoxH-12)/(n-1))
		return i*step - (n-1)*step/2
	}
	for _, e := range edges {
		s, d := at[e.SourceArn], at[e.Destination]
		so := spread(outIdx[e.SourceArn], outgoing[e.SourceArn])
		do := spread(inIdx[e.Destination], inCount[e.Destination])
		outIdx[e.SourceArn]++
		inIdx[e.Destination]++
		state, checks := edgeState(e, byBucket[e.SourceAccount+"\x00"+bucketNameOf(e.SourceArn)])
		m.EdgeCount++
		switch state {
		case "broken":
			m.BrokenCount++
		case "disabled":
			m.DisabledCount++
		}
		m.Edges = append(m.Edges, mapEdgeView{
			Src:   s.idx,
			Dst:   d.idx,
			D:     edgePath(s.x, s.y+mapBoxH/2+so, d.x, d.y+mapBoxH/2+do, e.SourceArn == e.Destination),
			State: state,
			Title: edgeTitle(e, state, checks),
		})
	}
	return m
}

// edgePath is a cubic curve from the source box to the destination box: out of the
// right side towards a column on the right, out of the left side towards one on the
// left, and a bulge on the right within one column.
func edgePath(sx, sy, dx, dy int, self bool) string {
	switch {
	case self:
		x := sx + mapBoxW
		return fmt.Sprintf("M%d %d C%d %d %d %d %d %d", x, sy-8, x+44, sy-30, x+44, sy+30, x+2, sy+8)
	case dx > sx:
		x1, x2 := sx+mapBoxW, dx-2
		k := max(30, (x2-x1)/2)
		return fmt.Sprintf("M%d %d C%d %d %d %d %d %d", x1, sy, x1+k, sy, x2-k, dy, x2, dy)
	case dx < sx:
		x1, x2 := sx, dx+mapBoxW+2
		k := max(30, (x1-x2)/2)
		return fmt.Sprintf("M%d %d C%d %d %d %d %d %d", x1, sy, x1-k, sy, x2+k, dy, x2, dy)
	default:
		x1, x2 := sx+mapBoxW, dx+mapBoxW+2
		k := 36 + min(40, abs(dy-sy)/8)
		return fmt.Sprintf("M%d %d C%d %d %d %d %d %d", x1, sy, x1+k, sy, x2+k, dy, x2, dy)
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// edgeState judges one rule from the findings on its source bucket that concern it
// (same destination and rule, or none named): broken, disabled, unknown (an error
// finding), warn (another open finding) or ok. It returns the ids of those findings.
func edgeState(e MapEdge, fs []Finding) (string, []string) {
	var broken, open, errs bool
	var ids []string
	for _, f := range fs {
		if (f.Destination != "" && f.Destination != e.Destination) || (f.RuleID != "" && f.RuleID != e.RuleID) {
			continue
		}
		switch f.Status {
		case StatusFail:
			open = true
			broken = broken || breaksReplication(f.CheckID)
		case StatusError:
			errs = true
		default:
			continue
		}
		ids = append(ids, f.CheckID)
	}
	ids = sortedSet(ids)
	switch {
	case broken:
		return "broken", ids
	case !e.Enabled:
		return "disabled", ids
	case errs:
		return "unknown", ids
	case open:
		return "warn", ids
	}
	return "ok", ids
}

func edgeTitle(e MapEdge, state string, checks []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s → %s", bucketNameOf(e.SourceArn), bucketNameOf(e.Destination))
	if e.RuleID != "" {
		fmt.Fprintf(&b, " (rule %s)", e.RuleID)
	}
	if !e.Enabled {
		b.WriteString(", rule disabled")
	}
	switch state {
	case "broken":
		b.WriteString(": broken")
	case "unknown":
		b.WriteString(": not fully readable")
	case "warn":
		b.WriteString(": works, with findings")
	case "ok":
		b.WriteString(": no finding")
	}
	if len(checks) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(checks, ", "))
	}
	return readableLine(b.String())
}

func bucketView(b MapBucket, x, y int, isReplica bool, out int, fs []Finding) mapBucketView {
	v := mapBucketView{
		X: x, Y: y, W: mapBoxW, H: mapBoxH, TextX: x + 12, NameY: y + 17, SubY: y + 32,
		Name: readableLine(b.Name), Replica: isReplica, External: !b.Listed, Clickable: b.Listed,
		BadgeX: x + mapBoxW - 10, BadgeY: y + 10,
	}
	v.Label = shorten(v.Name, mapLabelRunes)
	var bad, open, errs bool
	var ids []string
	if b.Listed {
		for _, f := range fs {
			switch f.Status {
			case StatusFail:
				v.OpenFindings++
				open = true
				bad = bad || SeverityRank(f.Severity) >= SeverityRank("high")
			case StatusError:
				errs = true
			default:
				continue
			}
			ids = append(ids, f.CheckID)
		}
	}
	var roles []string
	switch {
	case out > 0 && isReplica:
		roles = append(roles, fmt.Sprintf("source of %d, replica", out))
	case out > 0:
		roles = append(roles, fmt.Sprintf("source of %d", out))
	case isReplica:
		roles = append(roles, "replica")
	default:
		roles = append(roles, "no replication")
	}
	switch {
	case b.Exists != nil && !*b.Exists:
		v.State = "missing"
		roles = append(roles, "does not exist")
	case bad:
		v.State = "bad"
	case open:
		v.State = "warn"
	case errs:
		v.State = "unknown"
		roles = append(roles, "not fully read")
	default:
		v.State = "ok"
	}
	if !b.Listed && (b.Exists == nil || *b.Exists) {
		roles = append(roles, "not scanned")
	}
	if v.OpenFindings > 0 {
		roles = append(roles, plural(v.OpenFindings, "finding"))
	}
	v.Sub = strings.Join(roles, " · ")
	acct, region := b.AccountID, b.Region
	if acct == "" {
		acct = "unknown account"
	}
	if region == "" {
		region = "unknown region"
	}
	title := fmt.Sprintf("%s\n%s\naccount %s, %s\n%s", b.Name, b.Arn, acct, region, v.Sub)
	if ids = sortedSet(ids); len(ids) > 0 {
		title += "\nchecks: " + strings.Join(ids, ", ")
	}
	v.Title = readableBlock(title)
	return v
}

// orderForFewerCrossings reorders the buckets inside each (account, region) cell by
// the mean position of the buckets they replicate with, over a few sweeps (the
// barycentre heuristic), so that fewer arrows cross. Ties keep the previous order,
// starting from name order: the result depends only on the input.
func orderForFewerCrossings(buckets []MapBucket, edges []MapEdge, accounts []string) []MapBucket {
	type cellKey struct{ account, region string }
	cells := map[cellKey][]int{}
	var keys []cellKey
	index := make(map[string]int, len(buckets))
	for i, b := range buckets {
		k := cellKey{b.AccountID, b.Region}
		if _, ok := cells[k]; !ok {
			keys = append(keys, k)
		}
		cells[k] = append(cells[k], i)
		index[b.Arn] = i
	}
	rows := map[string]int{}
	for _, k := range keys {
		rows[k.account] = max(rows[k.account], len(cells[k]))
	}
	bandStart, offset := map[string]int{}, 0
	for _, a := range accounts {
		bandStart[a] = offset
		offset += rows[a] + 1
	}
	neighbours := make([][]int, len(buckets))
	for _, e := range edges {
		s, okS := index[e.SourceArn]
		d, okD := index[e.Destination]
		if okS && okD && s != d {
			neighbours[s] = append(neighbours[s], d)
			neighbours[d] = append(neighbours[d], s)
		}
	}
	slot := make([]float64, len(buckets))
	for _, k := range keys {
		for j, i := range cells[k] {
			slot[i] = float64(bandStart[k.account] + j)
		}
	}
	for range 8 {
		for _, k := range keys {
			ids := cells[k]
			want := make(map[int]float64, len(ids))
			for _, i := range ids {
				want[i] = slot[i]
				if n := neighbours[i]; len(n) > 0 {
					sum := 0.0
					for _, o := range n {
						sum += slot[o]
					}
					want[i] = sum / float64(len(n))
				}
			}
			slices.SortStableFunc(ids, func(a, b int) int { return cmp.Compare(want[a], want[b]) })
			for j, i := range ids {
				slot[i] = float64(bandStart[k.account] + j)
			}
		}
	}
	out := make([]MapBucket, 0, len(buckets))
	for _, k := range keys {
		for _, i := range cells[k] {
			out = append(out, buckets[i])
		}
	}
	return out
}

// shorten cuts s to at most n runes, the last one an ellipsis.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
