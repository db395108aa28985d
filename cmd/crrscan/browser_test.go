package main

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/crrscan/crrscan/cmd/crrscan/app"
	"github.com/crrscan/crrscan/policies"
	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

// The browser tests open HTML reports in Debian's chromium (headless) through the
// DevTools protocol: the page must run without console errors, load nothing, filter
// its findings, draw the replication map, and stay inert and in shape with hostile
// content. Under CI=true a missing chromium fails them; elsewhere they skip.

const (
	browserDemoSnapshot    = "../../fixtures/demo/snapshot.json"
	browserHostileSnapshot = "../../fixtures/hostile/snapshot.json"
	// browserTimeout bounds one test's whole browser session.
	browserTimeout = 2 * time.Minute
)

// chromiumPath finds the browser, or skips (fails under CI=true) with how to get it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	candidates := []string{os.Getenv("CRRSCAN_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"}
	for _, p := range candidates {
		if p == "" {
			continue
		}
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	msg := "chromium not found at /usr/bin/chromium (or $CRRSCAN_CHROMIUM): install Debian's package with `apt-get install -y chromium` to run the HTML report's browser tests"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (required under CI=true)")
	}
	t.Skip(msg)
	return ""
}

// newBrowser starts a headless chromium with a fresh profile and returns the
// context of its first tab. Everything stops when the test ends.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath(t)
	profile := t.TempDir()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // chromium refuses to run as root with its sandbox
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider"),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
	parent, cancelTimeout := context.WithTimeout(context.Background(), browserTimeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(parent, opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
		cancelTimeout()
	})
	if err := chromedp.Do(ctx); err != nil { // starts the browser and its first tab
		t.Fatalf("start chromium %s: %v", path, err)
	}
	return ctx
}

// pageWatch records what a tab did that a report must never do: requests, console
// errors, exceptions, log errors (CSP violations land there) and dialogs.
type pageWatch struct {
	mu       sync.Mutex
	requests []string
	problems []string
	dialogs  []string
}

func (w *pageWatch) add(list *[]string, s string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	*list = append(*list, s)
}

func (w *pageWatch) snapshot() (requests, problems, dialogs []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.requests...), append([]string(nil), w.problems...), append([]string(nil), w.dialogs...)
}

// openPage opens a new tab on file, watching it from before the navigation.
func openPage(t *testing.T, browser context.Context, file string, width, height int64) (context.Context, *pageWatch) {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	// The report scrolls smoothly unless the reader prefers reduced motion, and a
	// smooth scroll (focusing the search box far down the page starts one) runs on
	// after an instant one: a click measured on one frame would land on another
	// element. The tests read the page as a reader who prefers reduced motion.
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
	}); err != nil {
		t.Fatalf("emulate prefers-reduced-motion: %v", err)
	}
	w := &pageWatch{}
	err := chromedp.Listen(ctx, func(ev any) {
		// Runs in the tab's event loop: record and return; a dialog is dismissed
		// from another goroutine so that the page does not stay blocked.
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			w.add(&w.requests, ev.Request.URL)
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			text := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				text += " " + d.Exception.Description
			}
			w.add(&w.problems, "exception: "+text)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert || ev.Type == runtime.ConsoleAPICalledTypeWarning {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				w.add(&w.problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " ")))
			}
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
				w.add(&w.problems, fmt.Sprintf("log %s/%s: %s %s", ev.Entry.Source, ev.Entry.Level, ev.Entry.Text, ev.Entry.URL))
			}
		case *page.EventJavascriptDialogOpening:
			w.add(&w.dialogs, string(ev.Type)+": "+ev.Message)
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	})
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	u := (&url.URL{Scheme: "file", Path: abs}).String()
	if err := chromedp.Do(ctx, chromedp.Navigate(u)); err != nil {
		t.Fatalf("open %s: %v", u, err)
	}
	if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
		t.Fatalf("wait for %s: %v", u, err)
	}
	t.Cleanup(func() { checkQuiet(t, w, u) })
	return ctx, w
}

// checkQuiet fails the test for any request other than the document itself, any
// console error, exception or CSP report, and any dialog.
func checkQuiet(t *testing.T, w *pageWatch, docURL string) {
	t.Helper()
	// Let late events (a lazily loaded resource, a timer) arrive.
	time.Sleep(200 * time.Millisecond)
	requests, problems, dialogs := w.snapshot()
	for _, r := range requests {
		if r != docURL {
			t.Errorf("the report made a request: %.200s", r)
		}
	}
	for _, p := range problems {
		t.Errorf("%.500s", p)
	}
	for _, d := range dialogs {
		t.Errorf("a dialog opened: %.200s", d)
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %.80s: %v", js, err)
	}
	return v
}

func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// click clicks the first element that matches css as a user would (mouse events at
// its centre), after scrolling it to the middle of the viewport so that the sticky
// header does not cover it, and fails if the click reached another element.
func click(t *testing.T, ctx context.Context, css string) {
	t.Helper()
	hit := eval[string](t, ctx, fmt.Sprintf(`(() => {
		const el = document.querySelector(%q);
		if (!el) return "no element";
		el.scrollIntoView({block: "center", inline: "center", behavior: "instant"});
		const r = el.getBoundingClientRect();
		const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
		if (!at || (at !== el && !el.contains(at))) return "covered by " + (at ? at.outerHTML.slice(0, 80) : "nothing");
		window.__clicked = "";
		document.addEventListener("click", e => {
			window.__clicked = e.target instanceof Element && (e.target === el || el.contains(e.target)) ? "ok" : "landed on " + (e.target instanceof Element ? e.target.outerHTML.slice(0, 80) : "nothing");
		}, {capture: true, once: true});
		return "";
	})()`, css))
	if hit != "" {
		t.Fatalf("cannot click %s: %s", css, hit)
	}
	do(t, ctx, "click "+css, chromedp.Click(chromedp.CSS(css)))
	if got := eval[string](t, ctx, `window.__clicked`); got != "ok" {
		if got == "" {
			got = "no click event reached the page"
		}
		t.Fatalf("click %s: %s", css, got)
	}
}

// visibleRows are the findings the table shows: their check ids, severities, text.
type visibleRow struct {
	Check    string `json:"check"`
	Severity string `json:"severity"`
	Bucket   string `json:"bucket"`
	Text     string `json:"text"`
}

func visibleRows(t *testing.T, ctx context.Context) []visibleRow {
	t.Helper()
	return eval[[]visibleRow](t, ctx, `Array.from(document.querySelectorAll("tbody.finding")).filter(r => !r.hidden && r.offsetParent !== null).map(r => ({check: r.dataset.check, severity: r.dataset.severity, bucket: r.dataset.bucket, text: r.textContent.toLowerCase()}))`)
}

// layout is the page's geometry against the viewport.
type layout struct {
	ViewportWidth float64 `json:"vw"`
	ScrollWidth   float64 `json:"sw"`
	TableWidth    float64 `json:"tw"`
	TableRight    float64 `json:"tr"`
}

func pageLayout(t *testing.T, ctx context.Context) layout {
	t.Helper()
	return eval[layout](t, ctx, `(() => {
		const tb = document.querySelector("table.findings");
		const r = tb ? tb.getBoundingClientRect() : {width: 0, right: 0};
		return {vw: window.innerWidth, sw: document.documentElement.scrollWidth, tw: r.width, tr: r.right};
	})()`)
}

func checkLayout(t *testing.T, ctx context.Context, when string) {
	t.Helper()
	l := pageLayout(t, ctx)
	if l.ScrollWidth > l.ViewportWidth*1.0+1 {
		t.Errorf("%s: the page is %.0fpx wide in a %.0fpx viewport (something pushes it wider)", when, l.ScrollWidth, l.ViewportWidth)
	}
	if l.TableWidth > l.ViewportWidth*1.05 || l.TableRight > l.ViewportWidth*1.05 {
		t.Errorf("%s: the findings table is %.0fpx wide (right edge %.0fpx) in a %.0fpx viewport", when, l.TableWidth, l.TableRight, l.ViewportWidth)
	}
}

// selectFilter chooses a value in a filter <select> as a user would: set the value
// and fire the change event the page listens to.
func selectFilter(t *testing.T, ctx context.Context, id, value string) {
	t.Helper()
	do(t, ctx, "choose "+id, chromedp.SetValue(chromedp.ID(id), value),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById(%q).dispatchEvent(new Event("change", {bubbles: true}))`, id)))
}

// checkDemoPage exercises a report of the demo estate: filters, search, map, copy.
func checkDemoPage(t *testing.T, ctx context.Context, r *report.Result, wantMap bool) {
	t.Helper()
	all := visibleRows(t, ctx)
	if len(all) != len(r.Findings) || len(all) == 0 {
		t.Fatalf("%d rows visible at first, want all %d findings", len(all), len(r.Findings))
	}
	checkLayout(t, ctx, "demo")

	// Typing into the search box narrows the rows to those that mention the text.
	do(t, ctx, "search", chromedp.SendKeys(chromedp.ID("f-search"), "clickstream"))
	rows := visibleRows(t, ctx)
	if len(rows) == 0 || len(rows) >= len(all) {
		t.Errorf("search \"clickstream\": %d of %d rows visible, want fewer but some", len(rows), len(all))
	}
	for _, row := range rows {
		if !strings.Contains(row.Text, "clickstream") {
			t.Errorf("search \"clickstream\" shows a row without it: %s on %s", row.Check, row.Bucket)
		}
	}
	count := eval[string](t, ctx, `document.getElementById("f-count").textContent`)
	if want := fmt.Sprintf("%d of %d findings shown", len(rows), len(all)); !strings.HasPrefix(count, want) {
		t.Errorf("counter says %q, want %q", count, want)
	}
	click(t, ctx, "#f-reset")
	if n := len(visibleRows(t, ctx)); n != len(all) {
		t.Errorf("after reset %d rows visible, want %d", n, len(all))
	}

	// A severity filter keeps exactly that severity.
	wantCritical := 0
	for _, f := range r.Findings {
		if f.Severity == "critical" {
			wantCritical++
		}
	}
	selectFilter(t, ctx, "f-severity", "critical")
	rows = visibleRows(t, ctx)
	if len(rows) != wantCritical || wantCritical == 0 {
		t.Errorf("severity critical: %d rows visible, want %d (of %d)", len(rows), wantCritical, len(all))
	}
	for _, row := range rows {
		if row.Severity != "critical" {
			t.Errorf("severity critical shows a %s row (%s)", row.Severity, row.Check)
		}
	}
	// Filters combine: critical and a search that no critical finding matches.
	do(t, ctx, "search", chromedp.SendKeys(chromedp.ID("f-search"), "no-such-bucket-anywhere"))
	if n := len(visibleRows(t, ctx)); n != 0 {
		t.Errorf("a search nothing matches leaves %d rows", n)
	}
	if !eval[bool](t, ctx, `!document.getElementById("no-match").hidden`) {
		t.Error("no \"No finding matches\" message when nothing matches")
	}
	click(t, ctx, "#f-reset")

	// A finding expands to its evidence and fix; the copy button copies its block.
	click(t, ctx, "tbody.finding tr.detail summary")
	if !eval[bool](t, ctx, `document.querySelector("tbody.finding details").open`) {
		t.Error("clicking \"Evidence and fix\" did not open the details")
	}
	click(t, ctx, "tbody.finding details[open] button.copy")
	time.Sleep(100 * time.Millisecond)
	if got := eval[string](t, ctx, `document.querySelector("tbody.finding details[open] button.copy").textContent`); got != "Copied" && got != "Copy failed" {
		t.Errorf("copy button says %q after a click, want feedback", got)
	}

	if !wantMap {
		if !eval[bool](t, ctx, `!!document.getElementById("map-empty")`) {
			if n := eval[int](t, ctx, `document.querySelectorAll("#replication-map path.edge").length`); n == 0 {
				t.Error("neither a replication map with arrows nor the \"not available\" message")
			}
		}
		return
	}
	checkMap(t, ctx, r)
}

type mapStats struct {
	Edges     int       `json:"edges"`
	Broken    int       `json:"broken"`
	Buckets   int       `json:"buckets"`
	Boxes     []float64 `json:"boxes"`
	EdgeBoxes []float64 `json:"edgeBoxes"`
	Markers   int       `json:"markers"`
}

func checkMap(t *testing.T, ctx context.Context, r *report.Result) {
	t.Helper()
	s := eval[mapStats](t, ctx, `(() => {
		const m = document.getElementById("replication-map");
		if (!m) return {edges: 0, broken: 0, buckets: 0, boxes: [], edgeBoxes: [], markers: 0};
		const boxes = [], edgeBoxes = [];
		m.querySelectorAll(".bucket rect").forEach(r => { const b = r.getBoundingClientRect(); boxes.push(Math.min(b.width, b.height)); });
		m.querySelectorAll("path.edge").forEach(p => { const b = p.getBBox(); edgeBoxes.push(Math.max(b.width, b.height)); });
		const markers = Array.from(m.querySelectorAll("path.edge")).filter(p => getComputedStyle(p).markerEnd.startsWith("url(")).length;
		return {edges: m.querySelectorAll("path.edge").length, broken: m.querySelectorAll("path.edge.broken").length,
			buckets: m.querySelectorAll(".bucket").length, boxes, edgeBoxes, markers};
	})()`)
	if s.Edges < 1 {
		t.Fatalf("the replication map has %d arrows, want at least one", s.Edges)
	}
	if s.Markers != s.Edges {
		t.Errorf("%d of %d arrows have an arrowhead", s.Markers, s.Edges)
	}
	if s.Buckets != len(s.Boxes) || s.Buckets < 2 {
		t.Errorf("the map has %d buckets and %d boxes", s.Buckets, len(s.Boxes))
	}
	for i, b := range s.Boxes {
		if b <= 0 {
			t.Errorf("bucket box %d has an empty bounding box", i)
		}
	}
	for i, b := range s.EdgeBoxes {
		if b <= 0 {
			t.Errorf("arrow %d has an empty bounding box", i)
		}
	}
	// Every broken rule of the demo is drawn broken: the checks that fired name them.
	wantBroken := map[string]bool{}
	for _, f := range r.Findings {
		switch f.CheckID {
		case "CRR-002", "CRR-011", "CRR-020", "CRR-021", "CRR-030", "CRR-031":
			if f.Status == report.StatusFail {
				wantBroken[f.Bucket] = true
			}
		}
	}
	if s.Broken < len(wantBroken) || len(wantBroken) == 0 {
		t.Errorf("%d arrows drawn broken, want at least %d (%v)", s.Broken, len(wantBroken), wantBroken)
	}
	// Selecting a scanned bucket on the map filters the findings to it.
	var target string
	for b := range wantBroken {
		if target == "" || b < target {
			target = b
		}
	}
	click(t, ctx, fmt.Sprintf(`#replication-map .bucket[data-bucket=%q]`, target))
	rows := visibleRows(t, ctx)
	if len(rows) == 0 {
		t.Errorf("selecting %s on the map shows no finding", target)
	}
	for _, row := range rows {
		if row.Bucket != target {
			t.Errorf("selecting %s on the map shows a finding on %s", target, row.Bucket)
		}
	}
	click(t, ctx, "#f-reset")
}

// hostile strings a tag value, rule ID, error message or bucket name can carry.
var hostileStrings = []string{
	`<script>window.__pwned=1</script>`,
	`"><img src=x onerror=window.__pwned=1>`,
	`'><svg onload=window.__pwned=1>`,
	`javascript:window.__pwned=1`,
	`</textarea></title></style></script><script>window.__pwned=1</script>`,
	`</style><style>body{display:none}</style>`,
	"\u202eevil\u202c right-to-left \u2066isolate\u2069",
	"{{.}} ${window.__pwned=1} `x`",
}

// hostileResult evaluates the hostile fixture and adds findings and map entries that
// carry every hostile string, and a 10,000-character value without a break.
func hostileResult(t *testing.T) *report.Result {
	t.Helper()
	long := strings.Repeat("A", 10000)
	base := evaluateSnapshot(t, browserHostileSnapshot)
	fs := base.Findings
	for i, h := range append(hostileStrings, long) {
		bucket := fmt.Sprintf("hostile-%d-%s", i, h)
		fs = append(fs, report.Finding{
			CheckID: "CRR-010", Title: "Title " + h, Severity: "high", Status: report.StatusFail,
			AccountID: "111122223333" + h, Region: "eu-west-1" + h, Bucket: bucket,
			ResourceARN: "arn:aws:s3:::" + bucket, RuleID: h, Destination: "arn:aws:s3:::" + h,
			Message:  "tag Owner is " + h,
			Evidence: map[string]any{"Tags": []any{map[string]any{"Key": h, "Value": h}}, h: long},
			Remediation: report.Remediation{
				Summary:   "Fix " + h,
				Commands:  []string{"aws s3api put-bucket-tagging --bucket '" + h + "'", long},
				Documents: map[string]any{h + ".json": map[string]any{"Resource": h}},
				Terraform: "resource \"aws_s3_bucket\" \"x\" {\n  bucket = \"" + h + "\"\n}",
			},
			Fingerprint: report.Fingerprint("CRR-010", "111122223333", bucket, h, "", ""),
		})
		if i%2 == 1 {
			fs[len(fs)-1].Status = report.StatusWaived
			fs[len(fs)-1].Evidence["waiver"] = map[string]any{"owner": h, "ticket": h, "reason": h}
		}
	}
	r := report.NewResult(base.Tool, base.Scan, checkInfos(base), fs, outcomesOf(base))
	r.Map = base.Map
	for i, h := range append(hostileStrings, long) {
		src := fmt.Sprintf("arn:aws:s3:::hostile-map-%d-%s", i, h)
		r.Map.Edges = append(r.Map.Edges, report.MapEdge{
			SourceArn: src, SourceAccount: "111122223333", SourceRegion: "eu-west-1" + h, RuleID: h,
			Destination: "arn:aws:s3:::" + h, DestAccount: h, DestRegion: "us-east-1", Enabled: i%3 != 0,
		})
	}
	return r
}

func checkInfos(r *report.Result) []report.CheckInfo {
	var infos []report.CheckInfo
	for _, c := range r.Summary.Checks {
		infos = append(infos, report.CheckInfo{ID: c.CheckID, Title: c.Title, Severity: c.Severity})
	}
	return infos
}

func outcomesOf(r *report.Result) map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, c := range r.Summary.Checks {
		out[c.CheckID] = map[string]int{report.OutcomePass: c.Pass, report.OutcomeFail: c.Fail, report.OutcomeError: c.Error, report.OutcomeWaived: c.Waived}
	}
	return out
}

// checkHostilePage: no hostile string ran, opened a dialog, became an element or
// attribute, or broke the layout, with every finding expanded too; with
// wantBidiMarker, a right-to-left override is shown as a visible [U+202E] marker.
func checkHostilePage(t *testing.T, ctx context.Context, width int64, wantBidiMarker bool) {
	t.Helper()
	inert := func(when string) {
		t.Helper()
		type inertness struct {
			Pwned    bool     `json:"pwned"`
			Scripts  int      `json:"scripts"`
			Foreign  []string `json:"foreign"`
			Handlers []string `json:"handlers"`
			Links    []string `json:"links"`
			Bidi     bool     `json:"bidi"`
			Hidden   bool     `json:"hidden"`
		}
		s := eval[inertness](t, ctx, `(() => {
			const all = Array.from(document.querySelectorAll("*"));
			return {
				pwned: typeof window.__pwned !== "undefined",
				scripts: document.scripts.length,
				foreign: Array.from(document.querySelectorAll("img, iframe, object, embed, link, base, form, style:not(head > style), script:not(body > script:last-of-type), meta[http-equiv]:not([http-equiv='Content-Security-Policy']), textarea")).map(e => e.outerHTML.slice(0, 120)),
				handlers: all.flatMap(e => Array.from(e.attributes).filter(a => /^on/i.test(a.name) || /javascript:/i.test(a.value) && /^(href|src|action|xlink:href|formaction)$/i.test(a.name)).map(a => e.tagName + " " + a.name)),
				links: Array.from(document.querySelectorAll("a[href]")).map(a => a.getAttribute("href")).filter(h => !h.startsWith("#")),
				bidi: /[\u202a-\u202e\u2066-\u2069]/.test(document.body.innerText),
				hidden: getComputedStyle(document.body).display === "none",
			};
		})()`)
		if s.Pwned {
			t.Errorf("%s: window.__pwned is set: hostile script ran", when)
		}
		if s.Scripts != 1 {
			t.Errorf("%s: %d script elements, want only the report's own", when, s.Scripts)
		}
		for _, e := range s.Foreign {
			t.Errorf("%s: hostile text became an element: %s", when, e)
		}
		for _, h := range s.Handlers {
			t.Errorf("%s: hostile text became an attribute: %s", when, h)
		}
		for _, l := range s.Links {
			t.Errorf("%s: a link leaves the page: %.100s", when, l)
		}
		if s.Bidi {
			t.Errorf("%s: a raw bidi control reached the page text", when)
		}
		if s.Hidden {
			t.Errorf("%s: hostile CSS hid the page", when)
		}
	}
	inert("on load")
	checkLayout(t, ctx, fmt.Sprintf("hostile at %dpx", width))
	click(t, ctx, "#expand-all")
	if n := eval[int](t, ctx, `document.querySelectorAll("tbody.finding details[open]").length`); n == 0 {
		t.Error("expand all opened nothing")
	}
	checkLayout(t, ctx, fmt.Sprintf("hostile, every finding expanded, at %dpx", width))
	if wantBidiMarker && !eval[bool](t, ctx, `document.body.innerText.includes("[U+202E]")`) {
		t.Error("the right-to-left override (in a tag value or message) is not shown as a visible [U+202E] marker")
	}
	do(t, ctx, "search", chromedp.SendKeys(chromedp.ID("f-search"), `<script>`))
	if n := len(visibleRows(t, ctx)); n == 0 {
		t.Error("searching for the hostile text \"<script>\" finds nothing: the text should be shown, not dropped")
	}
	click(t, ctx, "tbody.finding:not([hidden]) details[open] button.copy")
	do(t, ctx, "hover map", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("#replication-map .bucket").forEach(b => b.dispatchEvent(new MouseEvent("mouseenter")))`))
	inert("after interaction")
}

// evaluateSnapshot runs the pipeline in-process on a snapshot (as `crrscan scan
// --from-snapshot` does) and fills the replication map from the snapshot, which
// the pipeline does not do yet.
func evaluateSnapshot(t *testing.T, path string) *report.Result {
	t.Helper()
	ctx := context.Background()
	snap, err := scanner.ReadSnapshotFile(path)
	if err != nil {
		t.Fatal(err)
	}
	engine, err := policies.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	findings, outcomes, err := engine.EvaluateSnapshot(ctx, snap, 2)
	if err != nil {
		t.Fatal(err)
	}
	var infos []report.CheckInfo
	for _, c := range engine.Checks() {
		infos = append(infos, report.CheckInfo{ID: c.ID, Title: c.Title, Severity: c.Severity})
	}
	r := report.NewResult(report.Tool{Name: "crrscan", Version: "dev"}, report.ScanInfo{
		StartedAt:      snap.CollectedAt,
		FinishedAt:     snap.CollectedAt.Add(3*time.Second + 140*time.Millisecond),
		Accounts:       snap.Accounts,
		Regions:        snap.Regions,
		BucketsScanned: len(snap.Buckets),
		Complete:       snap.Complete(),
		PolicyDigest:   engine.Digest(),
		Source:         "snapshot:" + filepath.Base(path),
	}, infos, findings, outcomes)
	r.Map = app.ReplicationMap(snap)
	return r
}

func writeHTML(t *testing.T, path string, r *report.Result) {
	t.Helper()
	var buf bytes.Buffer
	if err := (&report.HTML{}).Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestHTMLReportInBrowser opens the demo report (with its replication map) and the
// report the built binary writes for the demo snapshot.
func TestHTMLReportInBrowser(t *testing.T) {
	browser := newBrowser(t)
	demo := evaluateSnapshot(t, browserDemoSnapshot)

	t.Run("demo with map", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "crrscan.html")
		writeHTML(t, file, demo)
		ctx, _ := openPage(t, browser, file, 1280, 900)
		checkDemoPage(t, ctx, demo, true)
	})

	t.Run("demo from the binary", func(t *testing.T) {
		dir := t.TempDir()
		res := runCrrscan(t, nil, "scan", "--from-snapshot", browserDemoSnapshot, "--format", "html", "--output-dir", dir)
		if res.code != 3 {
			t.Fatalf("exit %d, want 3; stderr:\n%s", res.code, res.stderr)
		}
		ctx, _ := openPage(t, browser, filepath.Join(dir, "crrscan.html"), 1280, 900)
		checkDemoPage(t, ctx, demo, false)
	})

	t.Run("narrow viewport", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "crrscan.html")
		writeHTML(t, file, demo)
		ctx, _ := openPage(t, browser, file, 390, 844)
		checkLayout(t, ctx, "demo at 390px")
		click(t, ctx, "#expand-all")
		checkLayout(t, ctx, "demo at 390px, expanded")
	})
}

// TestHTMLReportHostileInBrowser opens reports full of hostile text: the in-process
// result (hostile fixture plus script, markup, javascript: links, bidi controls and
// a 10,000-character value) at desktop and phone widths, and the binary's report of
// the hostile snapshot.
func TestHTMLReportHostileInBrowser(t *testing.T) {
	browser := newBrowser(t)
	hostile := hostileResult(t)
	for _, width := range []int64{1280, 390} {
		t.Run(fmt.Sprintf("in-process %dpx", width), func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "crrscan.html")
			writeHTML(t, file, hostile)
			ctx, _ := openPage(t, browser, file, width, 900)
			checkHostilePage(t, ctx, width, true)
		})
	}
	t.Run("binary", func(t *testing.T) {
		dir := t.TempDir()
		res := runCrrscan(t, nil, "scan", "--from-snapshot", browserHostileSnapshot, "--format", "html", "--output-dir", dir)
		if res.code != 3 {
			t.Fatalf("exit %d, want 3; stderr:\n%s", res.code, res.stderr)
		}
		ctx, _ := openPage(t, browser, filepath.Join(dir, "crrscan.html"), 1280, 900)
		checkHostilePage(t, ctx, 1280, false) // the findings of the hostile snapshot quote no bidi control
	})
}
