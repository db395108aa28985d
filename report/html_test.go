package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"html"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// fixtureMap is the replication graph of the fixture estate: a broken cross-account
// pair (CRR-050 on payments-prod), a rule from an unversioned source (CRR-001), a
// disabled rule to a destination that does not exist, a rule whose source could not
// be read (CRR-090), and a healthy pair whose buckets only its edge names.
func fixtureMap() ReplicationMap {
	no := false
	return ReplicationMap{
		Buckets: []MapBucket{
			{Arn: "arn:aws:s3:::payments-prod", Name: "payments-prod", AccountID: "111111111111", Region: "us-east-1", Listed: true},
			{Arn: "arn:aws:s3:::logs-prod", Name: "logs-prod", AccountID: "111111111111", Region: "us-east-1", Listed: true},
			{Arn: "arn:aws:s3:::orders-prod", Name: "orders-prod", AccountID: "111111111111", Region: "us-east-1", Listed: true},
			{Arn: "arn:aws:s3:::payments-dr", Name: "payments-dr", AccountID: "222222222222", Region: "eu-west-1", Listed: true},
			{Arn: "arn:aws:s3:::archive-eu", Name: "archive-eu", AccountID: "222222222222", Region: "eu-west-1", Listed: true},
			{Arn: "arn:aws:s3:::media-uploads", Name: "media-uploads", AccountID: "222222222222", Region: "us-east-1", Listed: true},
			{Arn: "arn:aws:s3:::orders-gone", Name: "orders-gone", Exists: &no},
			{Arn: "arn:aws:s3:::orders-gone", Name: "orders-gone-duplicate"}, // a second entry for one ARN is ignored
		},
		Edges: []MapEdge{
			{SourceArn: "arn:aws:s3:::payments-prod", SourceAccount: "111111111111", SourceRegion: "us-east-1", RuleID: "to-dr",
				Destination: "arn:aws:s3:::payments-dr", DestAccount: "222222222222", DestRegion: "eu-west-1", Enabled: true},
			{SourceArn: "arn:aws:s3:::logs-prod", SourceAccount: "111111111111", SourceRegion: "us-east-1", RuleID: "logs",
				Destination: "arn:aws:s3:::archive-eu", DestAccount: "222222222222", DestRegion: "eu-west-1", Enabled: true},
			{SourceArn: "arn:aws:s3:::orders-prod", SourceAccount: "111111111111", SourceRegion: "us-east-1", RuleID: "orders",
				Destination: "arn:aws:s3:::orders-gone", Enabled: false},
			{SourceArn: "arn:aws:s3:::assets-prod", SourceAccount: "111111111111", SourceRegion: "us-east-1", RuleID: "assets",
				Destination: "arn:aws:s3:::assets-eu", DestAccount: "111111111111", DestRegion: "eu-west-1", Enabled: true},
			{SourceArn: "arn:aws:s3:::archive-eu", SourceAccount: "222222222222", SourceRegion: "eu-west-1", RuleID: "onward",
				Destination: "arn:aws:s3:::media-uploads", DestAccount: "222222222222", DestRegion: "us-east-1", Enabled: true},
		},
	}
}

func renderHTML(t *testing.T, r *Result) string {
	t.Helper()
	var buf bytes.Buffer
	if err := (&HTML{}).Write(&buf, r); err != nil {
		t.Fatalf("write html: %v", err)
	}
	return buf.String()
}

// inlineBlock returns the text of the only <tag>…</tag> element of page.
func inlineBlock(t *testing.T, page, tag string) string {
	t.Helper()
	open, end := "<"+tag+">", "</"+tag+">"
	if n := strings.Count(page, "<"+tag); n != 1 {
		t.Fatalf("%d <%s elements, want exactly one", n, tag)
	}
	i := strings.Index(page, open)
	j := strings.Index(page, end)
	if i < 0 || j < i {
		t.Fatalf("no %s…%s block", open, end)
	}
	return page[i+len(open) : j]
}

// attributeNames lists the attribute names of every start tag of page, lower-cased.
// html/template quotes every value in double quotes and escapes quotes inside, so a
// tag is "<name" followed by name or name="…" pairs.
func attributeNames(page string) []string {
	tag := regexp.MustCompile(`<[a-zA-Z][a-zA-Z0-9-]*((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*/?>`)
	attr := regexp.MustCompile(`\s+([^\s=>/]+)(?:="[^"]*")?`)
	var names []string
	for _, m := range tag.FindAllStringSubmatch(page, -1) {
		for _, a := range attr.FindAllStringSubmatch(m[1], -1) {
			names = append(names, strings.ToLower(a[1]))
		}
	}
	return names
}

func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// TestHTMLContentSecurityPolicy: the policy allows nothing but the one inline style
// sheet and the one inline script, by the hashes of their exact bytes.
func TestHTMLContentSecurityPolicy(t *testing.T) {
	page := renderHTML(t, fixtureResult())
	m := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no Content-Security-Policy meta tag")
	}
	csp := html.UnescapeString(m[1])
	if strings.Index(page, "Content-Security-Policy") > strings.Index(page, "<style>") {
		t.Error("the policy must come before the style sheet and the script")
	}
	want := "default-src 'none'; style-src " + cspHash(inlineBlock(t, page, "style")) +
		"; script-src " + cspHash(inlineBlock(t, page, "script")) + "; base-uri 'none'; form-action 'none'"
	if csp != want {
		t.Errorf("policy\n got %s\nwant %s", csp, want)
	}
	for _, bad := range []string{"unsafe-inline", "unsafe-eval", "unsafe-hashes", "nonce-", "*"} {
		if strings.Contains(csp, bad) {
			t.Errorf("policy contains %q", bad)
		}
	}
	// Inline style attributes and event handlers would need 'unsafe-*': none exist.
	names := attributeNames(page)
	if !slices.Contains(names, "data-filter-key") || !slices.Contains(names, "viewbox") {
		t.Fatalf("the attribute scan missed attributes: %v", names[:min(len(names), 20)])
	}
	for _, a := range names {
		if strings.HasPrefix(a, "on") || a == "style" {
			t.Errorf("inline attribute %s", a)
		}
	}
}

// TestHTMLSelfContained: no URL that a browser would fetch or follow out of the page.
func TestHTMLSelfContained(t *testing.T) {
	r := fixtureResult()
	r.Map = fixtureMap()
	page := renderHTML(t, r)
	for _, bad := range []string{"http:", "https:", "//cdn", "@import", "src=", "<link", "<img", "<iframe", "fetch(", "XMLHttpRequest", "WebSocket", "import("} {
		if strings.Contains(page, bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
	for _, m := range regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(m[1], "#") {
			t.Errorf("link out of the page: %s", m[1])
		}
	}
	for _, m := range regexp.MustCompile(`url\(([^)]*)\)`).FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(m[1], "#") {
			t.Errorf("CSS url() out of the page: %s", m[1])
		}
	}
}

// TestHTMLEscapesHostileText: hostile text is shown as text; it never becomes markup
// or a raw control character, and bidi controls become visible markers.
func TestHTMLEscapesHostileText(t *testing.T) {
	r := fixtureResult()
	payloads := []string{
		`<script>window.__pwned=1</script>`,
		`"><img src=x onerror=window.__pwned=1>`,
		`</title></style></script><svg onload=alert(1)>`,
		"\u202eevil\u202c",
	}
	for i, p := range payloads {
		r.Findings = append(r.Findings, Finding{
			CheckID: "CRR-010", Severity: "high", Status: StatusFail, AccountID: p, Region: p, Bucket: p,
			ResourceARN: "arn:aws:s3:::" + p, RuleID: p, Destination: p, Title: p, Message: p,
			Evidence:    map[string]any{p: p},
			Remediation: Remediation{Summary: p, Commands: []string{p}, Documents: map[string]any{p: p}, Terraform: p},
			Fingerprint: Fingerprint("CRR-010", p, p, p, "", string(rune('a'+i))),
		})
	}
	r.Map = fixtureMap()
	for _, p := range payloads {
		r.Map.Edges = append(r.Map.Edges, MapEdge{SourceArn: "arn:aws:s3:::" + p, SourceAccount: p, SourceRegion: p, RuleID: p, Destination: p, DestAccount: p, DestRegion: p, Enabled: true})
	}
	page := renderHTML(t, r)
	for _, bad := range []string{"<script>window", "<img", "<svg onload", "</title></style>", "\x1b", "\x00", "\x07"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
	// Text is escaped, so every "<" that is left opens a real element: none has a handler.
	for _, a := range attributeNames(page) {
		if strings.HasPrefix(a, "on") || a == "style" || a == "src" {
			t.Errorf("an element has the attribute %s", a)
		}
	}
	if n := strings.Count(page, "<script"); n != 1 {
		t.Errorf("%d script elements, want 1", n)
	}
	for _, want := range []string{"&lt;script&gt;window.__pwned=1&lt;/script&gt;", "&#34;&gt;&lt;img src=x onerror=window.__pwned=1&gt;", "[U&#43;202E]evil[U&#43;202C]", `\u202eevil\u202c`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if !utf8.ValidString(page) {
		t.Error("the page is not valid UTF-8")
	}
	for _, c := range page {
		if (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f) || isBidiControl(c) {
			t.Fatalf("raw control %U in the page", c)
		}
	}
}

func TestReadable(t *testing.T) {
	tests := []struct{ in, line, block string }{
		{"plain", "plain", "plain"},
		{"a\nb\r\nc\td", "a b  c d", "a\nb\nc\td"},
		{"x\x1b[31my\x00", "x[U+001B][31my[U+0000]", "x[U+001B][31my[U+0000]"},
		{"\u202eevil\u2066", "[U+202E]evil[U+2066]", "[U+202E]evil[U+2066]"},
		{"a\u2028b\u0085c", "a b c", "a b c"},
		{"bad\xffutf8", "bad\ufffdutf8", "bad\ufffdutf8"},
		{"é 漢字 <b>", "é 漢字 <b>", "é 漢字 <b>"},
	}
	for _, tt := range tests {
		if got := readableLine(tt.in); got != tt.line {
			t.Errorf("readableLine(%q) = %q, want %q", tt.in, got, tt.line)
		}
		if got := readableBlock(tt.in); got != tt.block {
			t.Errorf("readableBlock(%q) = %q, want %q", tt.in, got, tt.block)
		}
	}
}

// TestHTMLMap: the map draws every rule with its state (broken, disabled, not fully
// read, fine), marks buckets, and says so when the result carries no graph.
func TestHTMLMap(t *testing.T) {
	page := renderHTML(t, fixtureResult())
	if !strings.Contains(page, `id="map-empty"`) || strings.Contains(page, `id="replication-map"`) {
		t.Error("without a graph the map section should say it is not available")
	}

	r := fixtureResult()
	r.Map = fixtureMap()
	page = renderHTML(t, r)
	if strings.Contains(page, `id="map-empty"`) || !strings.Contains(page, `id="replication-map"`) {
		t.Fatal("with a graph the map should be drawn")
	}
	got := map[string]string{}
	for _, e := range regexp.MustCompile(`<path class="edge ([a-z]+)" data-from="\d+" data-to="\d+" d="M[^"]+"><title>(\S+) → `).FindAllStringSubmatch(page, -1) {
		got[e[2]] = e[1]
	}
	want := map[string]string{
		"payments-prod": "broken",   // CRR-050 fails on this rule's destination
		"logs-prod":     "broken",   // CRR-001 fails on the source (versioning suspended)
		"orders-prod":   "disabled", // the rule is disabled, no finding
		"archive-eu":    "unknown",  // CRR-090: the source could not be read
		"assets-prod":   "ok",       // no finding
	}
	if len(got) != len(want) {
		t.Errorf("edges by source = %v, want %v", got, want)
	}
	for src, state := range want {
		if got[src] != state {
			t.Errorf("edge from %s is %q, want %q", src, got[src], state)
		}
	}
	buckets := map[string]string{}
	for _, b := range regexp.MustCompile(`<g class="bucket ([a-z ]+)" data-idx="\d+"[^>]*><title>(\S+)\n`).FindAllStringSubmatch(page, -1) {
		buckets[b[2]] = b[1]
	}
	for name, class := range map[string]string{
		"payments-prod": "bad",                      // an open critical finding
		"logs-prod":     "bad",                      // an open critical finding
		"archive-eu":    "unknown replica",          // not fully read, and a destination
		"payments-dr":   "ok replica",               // a destination without findings
		"orders-gone":   "missing replica external", // does not exist, outside the scan
		"assets-prod":   "ok",
	} {
		if buckets[name] != class {
			t.Errorf("bucket %s has classes %q, want %q", name, buckets[name], class)
		}
	}
	if n := strings.Count(page, `<g class="bucket `); n != 9 {
		t.Errorf("%d buckets drawn, want 9 (8 listed or named, one named only by an edge)", n)
	}
	if !strings.Contains(page, ">Unknown account</text>") || !strings.Contains(page, ">unknown region</text>") {
		t.Error("the destination with no account or region should sit in the unknown band and column")
	}
}

// TestHTMLMapDeterministic: the same graph in any order draws the same bytes.
func TestHTMLMapDeterministic(t *testing.T) {
	r := fixtureResult()
	r.Map = fixtureMap()
	first := renderHTML(t, r)
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 20 {
		m := fixtureMap()
		rng.Shuffle(len(m.Buckets), func(a, b int) { m.Buckets[a], m.Buckets[b] = m.Buckets[b], m.Buckets[a] })
		rng.Shuffle(len(m.Edges), func(a, b int) { m.Edges[a], m.Edges[b] = m.Edges[b], m.Edges[a] })
		if i%2 == 1 { // a duplicate edge or a second entry for a listed bucket changes nothing
			m.Edges = append(m.Edges, m.Edges[0])
			m.Buckets = append(m.Buckets, MapBucket{Arn: "arn:aws:s3:::payments-prod", Name: "zz-duplicate", AccountID: "111111111111", Region: "us-east-1", Listed: true})
			rng.Shuffle(len(m.Buckets), func(a, b int) { m.Buckets[a], m.Buckets[b] = m.Buckets[b], m.Buckets[a] })
		}
		r.Map = m
		if got := renderHTML(t, r); got != first {
			t.Fatalf("shuffle %d: the map depends on the input order", i)
		}
	}
}
