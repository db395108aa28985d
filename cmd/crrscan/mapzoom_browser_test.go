package main

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/crrscan/crrscan/report"
)

// wideMap is a replication map over 16 regions of two accounts: one bucket per
// account and region, each replicating to the next region's bucket, the last to
// the first: a map about 4,700 px wide, where the issue saw maps cut at 1,400 px.
func wideMap() report.ReplicationMap {
	regions := []string{"af-south-1", "ap-east-1", "ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
		"ca-central-1", "eu-central-1", "eu-north-1", "eu-south-1", "eu-west-1", "eu-west-3", "me-south-1",
		"sa-east-1", "us-east-1", "us-west-2"}
	var m report.ReplicationMap
	for _, acct := range []string{"111111111111", "222222222222"} {
		for i, r := range regions {
			name := fmt.Sprintf("wide-%s-%s", acct[:3], r)
			next := fmt.Sprintf("wide-%s-%s", acct[:3], regions[(i+1)%len(regions)])
			m.Buckets = append(m.Buckets, report.MapBucket{Arn: "arn:aws:s3:::" + name, Name: name, AccountID: acct, Region: r, Listed: true})
			m.Edges = append(m.Edges, report.MapEdge{SourceArn: "arn:aws:s3:::" + name, SourceAccount: acct, SourceRegion: r,
				Destination: "arn:aws:s3:::" + next, DestAccount: acct, DestRegion: regions[(i+1)%len(regions)], Enabled: true})
		}
	}
	return m
}

// mapGeometry is the map frame and the drawn map against the viewport.
type mapGeometry struct {
	ViewportWidth float64 `json:"vw"`
	PageWidth     float64 `json:"pw"`
	FrameLeft     float64 `json:"fl"`
	FrameRight    float64 `json:"fr"`
	FrameClient   float64 `json:"fc"`
	FrameScroll   float64 `json:"fs"`
	MapWidth      float64 `json:"mw"`
	// Lowest left and highest right edge of the bucket boxes on screen.
	BoxesLeft  float64 `json:"bl"`
	BoxesRight float64 `json:"br"`
	Level      string  `json:"level"`
}

const mapGeometryJS = `(() => {
	const f = document.getElementById("map-frame"), m = document.getElementById("replication-map");
	const fr = f.getBoundingClientRect();
	let bl = Infinity, br = -Infinity;
	m.querySelectorAll(".bucket rect").forEach(r => { const b = r.getBoundingClientRect(); bl = Math.min(bl, b.left); br = Math.max(br, b.right); });
	return {vw: window.innerWidth, pw: document.documentElement.scrollWidth, fl: fr.left, fr: fr.right,
		fc: f.clientWidth, fs: f.scrollWidth, mw: m.getBoundingClientRect().width, bl, br,
		level: document.getElementById("map-zoom-level").textContent};
})()`

// TestWideMapScrollsAndZooms: a map far wider than the page stays inside its frame
// (the page does not grow), the frame scrolls to its last column, Fit shows every
// bucket inside the frame, and the zoom buttons change its size.
func TestWideMapScrollsAndZooms(t *testing.T) {
	browser := newBrowser(t)
	r := evaluateSnapshot(t, browserDemoSnapshot)
	r.Map = wideMap()
	file := filepath.Join(t.TempDir(), "crrscan.html")
	writeHTML(t, file, r)
	ctx, _ := openPage(t, browser, file, 1280, 900)

	g := eval[mapGeometry](t, ctx, mapGeometryJS)
	if g.PageWidth > g.ViewportWidth+1 || g.FrameRight > g.ViewportWidth+1 {
		t.Errorf("the map pushes the page wider: page %.0fpx, frame right edge %.0fpx, viewport %.0fpx", g.PageWidth, g.FrameRight, g.ViewportWidth)
	}
	if g.MapWidth < 4000 || g.FrameScroll < g.MapWidth || g.FrameClient >= g.FrameScroll {
		t.Errorf("the wide map should be drawn at its size and scroll in its frame: map %.0fpx, frame %.0f of %.0fpx", g.MapWidth, g.FrameClient, g.FrameScroll)
	}
	if g.Level != "100%" {
		t.Errorf("zoom level shows %q, want 100%%", g.Level)
	}
	// Scrolled to the end, the last column's boxes are inside the frame.
	eval[bool](t, ctx, `(() => { const f = document.getElementById("map-frame"); f.scrollLeft = f.scrollWidth; return true; })()`)
	g = eval[mapGeometry](t, ctx, mapGeometryJS)
	if g.BoxesRight > g.FrameRight+1 || g.BoxesRight < g.FrameLeft {
		t.Errorf("scrolled to the end, the last boxes end at %.0fpx, outside the frame (%.0f to %.0fpx)", g.BoxesRight, g.FrameLeft, g.FrameRight)
	}

	click(t, ctx, "#map-zoom-fit")
	g = eval[mapGeometry](t, ctx, mapGeometryJS)
	if g.BoxesLeft < g.FrameLeft-1 || g.BoxesRight > g.FrameRight+1 || g.FrameScroll > g.FrameClient+1 {
		t.Errorf("after Fit the boxes span %.0f to %.0fpx in a frame from %.0f to %.0fpx (scroll width %.0f of %.0f)",
			g.BoxesLeft, g.BoxesRight, g.FrameLeft, g.FrameRight, g.FrameScroll, g.FrameClient)
	}
	fitted := g.MapWidth
	click(t, ctx, "#map-zoom-in")
	g = eval[mapGeometry](t, ctx, mapGeometryJS)
	if g.MapWidth < fitted*1.2 {
		t.Errorf("zoom in: map %.0fpx after %.0fpx", g.MapWidth, fitted)
	}
	click(t, ctx, "#map-zoom-out")
	click(t, ctx, "#map-zoom-out")
	if g2 := eval[mapGeometry](t, ctx, mapGeometryJS); g2.MapWidth > fitted*0.9 {
		t.Errorf("zoom out: map %.0fpx, want less than the fitted %.0fpx", g2.MapWidth, fitted)
	}
	click(t, ctx, "#map-zoom-full")
	if g2 := eval[mapGeometry](t, ctx, mapGeometryJS); g2.Level != "100%" || g2.MapWidth < 4000 {
		t.Errorf("100%%: map %.0fpx, level %q", g2.MapWidth, g2.Level)
	}
}
