//go:build screenshot

package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestReportScreenshot writes the demo report and a PNG of it when
// CRRSCAN_SCREENSHOT names the PNG (make report-screenshot); the HTML goes next to
// it as crrscan.html.
func TestReportScreenshot(t *testing.T) {
	png := os.Getenv("CRRSCAN_SCREENSHOT")
	if png == "" {
		t.Fatal("set CRRSCAN_SCREENSHOT=out/demo/crrscan.png (make report-screenshot does) to write the demo report's screenshot")
	}
	if !filepath.IsAbs(png) {
		png = filepath.Join("..", "..", png) // relative to the repository root
	}
	width := int64(1440)
	if w := os.Getenv("CRRSCAN_SCREENSHOT_WIDTH"); w != "" {
		if _, err := fmt.Sscan(w, &width); err != nil {
			t.Fatalf("CRRSCAN_SCREENSHOT_WIDTH=%q: %v", w, err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(png), 0o755); err != nil {
		t.Fatal(err)
	}
	browser := newBrowser(t)
	demo := evaluateSnapshot(t, browserDemoSnapshot)
	file := filepath.Join(filepath.Dir(png), "crrscan.html")
	writeHTML(t, file, demo)
	ctx, _ := openPage(t, browser, file, width, 900)
	// Show one finding's evidence and fix, as a reader would.
	do(t, ctx, "open a finding", chromedp.Evaluate[chromedp.Void](`(() => {
		const row = document.querySelector('tbody.finding[data-check="CRR-002"]') || document.querySelector("tbody.finding");
		if (row) row.querySelector("details").open = true;
	})()`))
	img, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if !bytes.HasPrefix(img, []byte("\x89PNG")) {
		t.Fatal("the screenshot is not a PNG")
	}
	if err := os.WriteFile(png, img, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s and %s", file, png)
}
