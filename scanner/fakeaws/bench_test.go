//go:build bench && unix

package fakeaws_test

// The `make bench` harness. Each estate size runs in its own process so that peak
// RSS (VmHWM) figures do not mix; within it the fake AWS runs in a child process
// of its own, so that the estate the fake holds is not counted against the
// scanner either. The tests skip unless their environment variable is set:
//
//	CRRSCAN_BENCH_BUCKETS=10000 ./fakeaws.test -test.run '^TestBenchEstate$'   one estate → one JSON result
//	CRRSCAN_BENCH_TABLE=out/bench ./fakeaws.test -test.run '^TestBenchTable$'  the results as a table
//
// TestBenchEstate reads CRRSCAN_BENCH_ACCOUNTS (default 20), _LATENCY (40ms),
// _CONCURRENCY (64), _THROTTLE (0), _EVAL (1; 0 skips evaluation),
// _EVAL_CONCURRENCY (GOMAXPROCS, as `crrscan scan` sets it), _EVAL_MODE (stream:
// as `crrscan scan` does, each bucket that does not replicate is judged as soon as
// it is read, while the scan goes on, and the rest after it; after: every bucket
// is judged once the scan is done), _OUT (a file for the JSON result) and
// _HEAPPROFILE (a file for a heap profile taken after collection).

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/crrscan/crrscan/policies"
	"github.com/crrscan/crrscan/scanner"
	"github.com/crrscan/crrscan/scanner/fakeaws"
)

// serveConfig is what TestFakeServe serves.
type serveConfig struct {
	Buckets  int           `json:"buckets"`
	Accounts int           `json:"accounts"`
	Latency  time.Duration `json:"latency"`
	Throttle float64       `json:"throttle"`
}

// serveInfo is the line TestFakeServe prints once it listens.
type serveInfo struct {
	URL               string         `json:"url"`
	ManagementAccount string         `json:"management_account"`
	Buckets           int            `json:"buckets"`
	Accounts          int            `json:"accounts"`
	Regions           int            `json:"regions"`
	Roles             int            `json:"roles"`
	Replicating       int            `json:"replicating"`
	Kinds             map[string]int `json:"kinds"`
	// ChargesURL serves the S3 reads charged to each kind of bucket (charges).
	ChargesURL string `json:"charges_url"`
}

const serveMarker = "FAKEAWS "

// TestFakeServe is the fake AWS of a benchmark, run as a child process: it
// generates the estate, serves it, prints a serveInfo line, and exits when its
// standard input closes.
func TestFakeServe(t *testing.T) {
	raw := os.Getenv("CRRSCAN_FAKEAWS_SERVE")
	if raw == "" {
		t.Skip("set CRRSCAN_FAKEAWS_SERVE (the benchmark harness does)")
	}
	var cfg serveConfig
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		t.Fatal(err)
	}
	e := fakeaws.Generate(fakeaws.DefaultSpec(cfg.Buckets, cfg.Accounts))
	ledger := newReadLedger(e)
	srv := fakeaws.NewServer(e, fakeaws.Options{Latency: cfg.Latency, Throttle: cfg.Throttle, SampleEvery: 20 * time.Millisecond,
		Fault: ledger.observe})
	defer srv.Close()
	chargesSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(ledger.charges())
	}))
	defer chargesSrv.Close()
	info := serveInfo{
		URL: srv.URL, ManagementAccount: e.ManagementAccount, Buckets: len(e.Buckets), Accounts: len(e.Accounts),
		Regions: len(e.Regions), Roles: len(e.Roles), Kinds: map[string]int{}, ChargesURL: chargesSrv.URL,
	}
	for _, b := range e.Buckets {
		info.Kinds[b.Kind]++
		if b.Replication != nil {
			info.Replicating++
		}
	}
	line, _ := json.Marshal(info)
	fmt.Printf("%s%s\n", serveMarker, line)
	e = nil
	runtime.GC()
	_, _ = io.Copy(io.Discard, os.Stdin)
}

// fakeProcess is a TestFakeServe child.
type fakeProcess struct {
	serveInfo
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

func startFake(t *testing.T, cfg serveConfig) *fakeProcess {
	t.Helper()
	raw, _ := json.Marshal(cfg)
	cmd := exec.Command(os.Args[0], "-test.run=^TestFakeServe$", "-test.count=1")
	cmd.Env = append(os.Environ(), "CRRSCAN_FAKEAWS_SERVE="+string(raw), "CRRSCAN_BENCH_BUCKETS=")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &fakeProcess{cmd: cmd, stdin: stdin}
	t.Cleanup(func() {
		p.stdin.Close()
		_ = p.cmd.Wait()
	})
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if line, ok := strings.CutPrefix(sc.Text(), serveMarker); ok {
			if err := json.Unmarshal([]byte(line), &p.serveInfo); err != nil {
				t.Fatal(err)
			}
			go func() { _, _ = io.Copy(io.Discard, stdout) }()
			return p
		}
	}
	t.Fatalf("the fake AWS process exited without serving: %v", sc.Err())
	return nil
}

func (p *fakeProcess) stats(t *testing.T) fakeaws.Stats {
	t.Helper()
	var st fakeaws.Stats
	getJSON(t, p.URL+"/__fakeaws/stats", &st)
	return st
}

func (p *fakeProcess) charges(t *testing.T) charges {
	t.Helper()
	var c charges
	getJSON(t, p.ChargesURL, &c)
	return c
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("decode %s: %v", url, err)
	}
}

// How the harness charges S3 reads to buckets. The scanner reads a bucket for
// itself (its region, replication configuration and versioning, its tags when
// asked, and when it replicates its encryption and object lock), and it reads a
// destination's other settings (policy, ownership, encryption, object lock,
// request payment…) only because the checks of the buckets that replicate into it
// need them. A read of the first sort is charged to the bucket it names, at most
// once per bucket and operation; every other read of a bucket that some bucket
// replicates into is charged to those sources, split evenly among them (a
// destination's reads serve all of its sources, which one rule "required" a read
// is not well defined). A read of a bucket that nobody replicates into is its own.
// The ledger counts the requests the fake answered: throttled attempts never
// reach it (they are counted on their own, Stats.Throttled).
var ownReads = map[string]bool{
	"HeadBucket": true, "GetBucketLocation": true, "GetBucketReplication": true,
	"GetBucketVersioning": true, "GetBucketTagging": true,
}

// sourceOwnReads are the reads a replicating bucket needs for itself besides ownReads.
var sourceOwnReads = map[string]bool{"GetBucketEncryption": true, "GetObjectLockConfiguration": true}

// readLedger counts, in the fake, the S3 requests by the bucket they name and
// their operation, and knows the buckets that replicate into each bucket.
type readLedger struct {
	kind       map[string]string   // bucket -> kind
	replicates map[string]bool     // bucket -> has a replication configuration
	sources    map[string][]string // bucket -> buckets with a rule into it
	mu         sync.Mutex
	byBucketOp map[[2]string]int64
}

func newReadLedger(e *fakeaws.Estate) *readLedger {
	l := &readLedger{kind: map[string]string{}, replicates: map[string]bool{}, sources: map[string][]string{}, byBucketOp: map[[2]string]int64{}}
	for _, b := range e.Buckets {
		l.kind[b.Name] = b.Kind
		if b.Kind == "" {
			l.kind[b.Name] = fakeaws.KindPlain
		}
		if b.Replication == nil {
			continue
		}
		l.replicates[b.Name] = true
		seen := map[string]bool{}
		for _, r := range b.Replication.Rules {
			dst := strings.TrimPrefix(r.Destination.Bucket, "arn:aws:s3:::")
			if dst != b.Name && !seen[dst] {
				seen[dst] = true
				l.sources[dst] = append(l.sources[dst], b.Name)
			}
		}
	}
	return l
}

// observe is the fake's Fault hook: it counts the request and lets it through.
func (l *readLedger) observe(c fakeaws.Call) *fakeaws.APIError {
	if c.Service == "s3" && c.Resource != "" {
		l.mu.Lock()
		l.byBucketOp[[2]string{c.Resource, c.Operation}]++
		l.mu.Unlock()
	}
	return nil
}

// charges are the S3 reads of the estate's buckets by kind, charged as the
// comment on ownReads says.
type charges struct {
	Kinds map[string]kindCharges `json:"kinds"`
}

// kindCharges are, for the buckets of one kind, by S3 operation: Own, the reads
// of these buckets for themselves; ForSources, the reads of these buckets made
// for the buckets that replicate into them; Charged, these buckets' shares of
// the ForSources reads of the buckets they replicate into.
type kindCharges struct {
	Buckets    int                `json:"buckets"`
	Own        map[string]int64   `json:"own"`
	ForSources map[string]int64   `json:"for_sources"`
	Charged    map[string]float64 `json:"charged"`
}

func (l *readLedger) charges() charges {
	out := charges{Kinds: map[string]kindCharges{}}
	for _, kind := range l.kind {
		k, ok := out.Kinds[kind]
		if !ok {
			k = kindCharges{Own: map[string]int64{}, ForSources: map[string]int64{}, Charged: map[string]float64{}}
		}
		k.Buckets++
		out.Kinds[kind] = k
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for key, n := range l.byBucketOp {
		bucket, op := key[0], key[1]
		kind, ok := l.kind[bucket]
		if !ok {
			continue // a bucket outside the estate
		}
		// The maps are shared by every copy of the kind's entry.
		k := out.Kinds[kind]
		if ownReads[op] || (l.replicates[bucket] && sourceOwnReads[op]) {
			k.Own[op]++
			n--
		}
		srcs := l.sources[bucket]
		switch {
		case n == 0:
		case len(srcs) == 0:
			k.Own[op] += n
		default:
			k.ForSources[op] += n
			for _, src := range srcs {
				out.Kinds[l.kind[src]].Charged[op] += float64(n) / float64(len(srcs))
			}
		}
	}
	return out
}

// benchResult is one estate's figures.
type benchResult struct {
	Buckets         int     `json:"buckets"`
	Accounts        int     `json:"accounts"`
	Regions         int     `json:"regions"`
	Roles           int     `json:"roles"`
	Replicating     int     `json:"replicating"`
	LatencyMS       float64 `json:"latency_ms"`
	Concurrency     int     `json:"concurrency"`
	Throttle        float64 `json:"throttle"`
	EngineSeconds   float64 `json:"engine_seconds"`
	ScanSeconds     float64 `json:"scan_seconds"`
	ScanCPUSeconds  float64 `json:"scan_cpu_seconds"`
	EvalSeconds     float64 `json:"eval_seconds"`
	EvalCPUSeconds  float64 `json:"eval_cpu_seconds"`
	Evaluated       bool    `json:"evaluated"`
	EvalConcurrency int     `json:"eval_concurrency"`
	EvalMode        string  `json:"eval_mode"`
	StreamedBuckets int     `json:"streamed_buckets"`
	Findings        int     `json:"findings"`
	ReadErrors      int     `json:"read_errors"`
	ScannedBuckets  int     `json:"scanned_buckets"`
	Requests        int64   `json:"requests"`
	LowerBoundSecs  float64 `json:"lower_bound_seconds"`
	RateBoundSecs   float64 `json:"rate_limit_bound_seconds"`
	RateBoundWhat   string  `json:"rate_limit_bound"`
	PeakInFlight    int64   `json:"peak_in_flight"`
	RSSStartKB      int64   `json:"rss_start_kb"`
	RSSEngineKB     int64   `json:"rss_engine_kb"`
	PeakRSSScanKB   int64   `json:"peak_rss_scan_kb"`
	PeakRSSEvalKB   int64   `json:"peak_rss_eval_kb"`
	LiveHeapScanKB  int64   `json:"live_heap_after_scan_kb"`
	LiveHeapEvalKB  int64   `json:"live_heap_after_eval_kb"`
	SnapshotJSONKB  int64   `json:"snapshot_json_kb"`
	FakeRSSKB       int64   `json:"fake_rss_kb"`
	fakeaws.Stats   `json:"stats"`
	KindBucketCount map[string]int `json:"kind_buckets"`
	// Charges are the S3 reads charged to the buckets that need them (readLedger).
	Charges charges `json:"charges"`
}

func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		t.Fatalf("%s=%q: %v", name, v, err)
	}
	return n
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func liveHeapKB() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc / 1024)
}

// TestBenchEstate scans one synthetic estate served by a fake AWS with a fixed
// latency per call, through NewAWSClients and scanner.Scan, evaluates it with the
// built-in checks as `crrscan scan` does, and prints the figures.
func TestBenchEstate(t *testing.T) {
	buckets := envInt(t, "CRRSCAN_BENCH_BUCKETS", 0)
	if buckets == 0 {
		t.Skip("set CRRSCAN_BENCH_BUCKETS (make bench does)")
	}
	wantAccounts := envInt(t, "CRRSCAN_BENCH_ACCOUNTS", 20)
	latency := 40 * time.Millisecond
	if v := os.Getenv("CRRSCAN_BENCH_LATENCY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("CRRSCAN_BENCH_LATENCY=%q: %v", v, err)
		}
		latency = d
	}
	concurrency := envInt(t, "CRRSCAN_BENCH_CONCURRENCY", 64)
	throttle := 0.0
	if v := os.Getenv("CRRSCAN_BENCH_THROTTLE"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("CRRSCAN_BENCH_THROTTLE=%q: %v", v, err)
		}
		throttle = f
	}
	evaluate := envInt(t, "CRRSCAN_BENCH_EVAL", 1) != 0
	evalConcurrency := envInt(t, "CRRSCAN_BENCH_EVAL_CONCURRENCY", min(concurrency, runtime.GOMAXPROCS(0)))
	evalMode := os.Getenv("CRRSCAN_BENCH_EVAL_MODE")
	switch evalMode {
	case "":
		evalMode = "stream"
	case "stream", "after":
	default:
		t.Fatalf("CRRSCAN_BENCH_EVAL_MODE=%q: stream or after", evalMode)
	}
	accounts := wantAccounts

	res := benchResult{RSSStartKB: fakeaws.PeakRSSKB(), LatencyMS: float64(latency) / float64(time.Millisecond), Concurrency: concurrency, Throttle: throttle}
	fake := startFake(t, serveConfig{Buckets: buckets, Accounts: accounts, Latency: latency, Throttle: throttle})
	res.Buckets, res.Accounts, res.Regions, res.Roles, res.Replicating = fake.Buckets, fake.Accounts, fake.Regions, fake.Roles, fake.Replicating
	res.KindBucketCount = fake.Kinds
	ctx := context.Background()

	// As in `crrscan scan`: the engine is loaded before collection starts.
	t0 := time.Now()
	eng, err := policies.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res.EngineSeconds = time.Since(t0).Seconds()
	res.RSSEngineKB = fakeaws.RSSKB()

	o, clients := fakeScanClients(t, fake, concurrency)
	today := time.Now()
	var judger *policies.Judger
	var streamed atomic.Int64
	if evaluate && evalMode == "stream" {
		judger = eng.NewJudger(ctx, policies.DefaultSettings(), today, evalConcurrency, false)
		ready := judger.ReadyFunc()
		o.Ready = func(b scanner.Bucket, l scanner.Linked) {
			streamed.Add(1)
			ready(b, l)
		}
	}
	cpu0, t1 := cpuSeconds(), time.Now()
	snap, err := scanner.Scan(ctx, clients, o)
	if err != nil {
		t.Fatal(err)
	}
	res.ScanSeconds, res.ScanCPUSeconds = time.Since(t1).Seconds(), cpuSeconds()-cpu0
	res.PeakRSSScanKB = fakeaws.PeakRSSKB()
	res.Stats = fake.stats(t)
	res.Charges = fake.charges(t)
	res.LiveHeapScanKB = liveHeapKB()
	if path := os.Getenv("CRRSCAN_BENCH_HEAPPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := pprof.WriteHeapProfile(f); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	res.ScannedBuckets = len(snap.Buckets)
	res.ReadErrors = len(collectionErrors(snap))

	if evaluate {
		cpu1, t2 := cpuSeconds(), time.Now()
		if judger == nil {
			judger = eng.NewJudger(ctx, policies.DefaultSettings(), today, evalConcurrency, false)
		}
		judged, err := judger.Finish(snap)
		if err != nil {
			t.Fatal(err)
		}
		findings := judged.Findings
		res.EvalSeconds, res.EvalCPUSeconds = time.Since(t2).Seconds(), cpuSeconds()-cpu1
		res.Evaluated, res.Findings, res.EvalConcurrency, res.EvalMode = true, len(findings), evalConcurrency, evalMode
		res.StreamedBuckets = int(streamed.Load())
		res.PeakRSSEvalKB = fakeaws.PeakRSSKB()
		res.LiveHeapEvalKB = liveHeapKB()
		runtime.KeepAlive(findings)
	}
	var js countingWriter
	if err := scanner.WriteSnapshot(&js, snap); err == nil {
		res.SnapshotJSONKB = js.n / 1024
	}
	runtime.KeepAlive(snap)

	res.Requests = res.Stats.Requests
	res.LowerBoundSecs = float64(res.Requests) * latency.Seconds() / float64(concurrency)
	res.PeakInFlight = res.Stats.PeakInFlight
	res.RateBoundSecs, res.RateBoundWhat = rateBound(res.Stats)
	res.FakeRSSKB = res.Stats.PeakRSSKB

	if len(snap.Buckets) != fake.Buckets {
		t.Errorf("scanned %d buckets of %d", len(snap.Buckets), fake.Buckets)
	}
	if res.ReadErrors > 0 {
		t.Errorf("%d read errors", res.ReadErrors)
	}
	printResult(os.Stdout, res)
	if out := os.Getenv("CRRSCAN_BENCH_OUT"); out != "" {
		data, _ := json.MarshalIndent(res, "", "  ")
		if err := os.WriteFile(out, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// fakeScanClients are the scan options and clients of `crrscan scan --org --role-name
// OrganizationAccountAccessRole` from the fake's management account, with the
// scanner's default rate limits.
func fakeScanClients(t *testing.T, fake *fakeProcess, concurrency int) (scanner.Options, scanner.Clients) {
	t.Helper()
	awsEnv(t, fake.ManagementAccount)
	o := scanner.Options{Region: "us-east-1", EndpointURL: fake.URL, Concurrency: concurrency}
	if fake.Accounts > 1 {
		o.Org, o.RoleName = true, fakeaws.DefaultAccessRole
	}
	clients, err := scanner.NewAWSClients(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return o, clients
}

// rateBound is the shortest time the scanner's default per-account, per-service
// rate limits allow for the requests each account made.
func rateBound(st fakeaws.Stats) (float64, string) {
	l := scanner.DefaultRateLimits()
	limits := map[string]float64{"s3": l.S3, "iam": l.IAM, "sts": l.STS, "kms": l.KMS, "organizations": l.Organizations, "account": l.Account, "ec2": l.EC2}
	best, what := 0.0, ""
	for acct, bySvc := range st.Accounts {
		for svc, n := range bySvc {
			if rps := limits[svc]; rps > 0 {
				if d := float64(n) / rps; d > best {
					best, what = d, fmt.Sprintf("%s in account %s: %d requests at %g/s", svc, acct, n, rps)
				}
			}
		}
	}
	return best, what
}

// timelineColumns is the width of the in-flight timeline.
const timelineColumns = 60

// timeline draws the mean requests in flight over the collection, relative to
// the concurrency, in timelineColumns columns.
func timeline(r benchResult) string {
	s := r.InFlight
	// The samples run on until the stats are read: keep the collection's.
	if r.SampleEveryMS > 0 {
		s = s[:min(len(s), int(r.ScanSeconds*1000/r.SampleEveryMS)+1)]
	}
	if len(s) < timelineColumns || r.LatencyMS == 0 {
		return ""
	}
	blocks := []rune(" ▁▂▃▄▅▆▇█")
	var b strings.Builder
	for c := range timelineColumns {
		lo, hi := c*len(s)/timelineColumns, (c+1)*len(s)/timelineColumns
		total := 0.0
		for _, v := range s[lo:hi] {
			total += float64(v)
		}
		frac := total / float64(hi-lo) / float64(r.Concurrency)
		b.WriteRune(blocks[min(len(blocks)-1, int(frac*float64(len(blocks)-1)+0.5))])
	}
	return b.String()
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// kindOrder is the order kinds are printed in.
var kindOrder = []string{fakeaws.KindPlain, fakeaws.KindDestination, fakeaws.KindSource, fakeaws.KindTwoWay}

func mb(kb int64) string {
	if kb < 10*1024 {
		return fmt.Sprintf("%.1f MB", float64(kb)/1024)
	}
	return fmt.Sprintf("%.0f MB", float64(kb)/1024)
}

func kindS3Calls(r benchResult, kind string) float64 {
	k := r.Kinds[kind]
	if k.Buckets == 0 {
		return 0
	}
	n := int64(0)
	for _, c := range k.Calls {
		n += c
	}
	return float64(n) / float64(k.Buckets)
}

// chargedS3Reads is the S3 reads per bucket charged to the buckets of kinds
// (readLedger): their reads for themselves, plus, with shares, their shares of the
// reads made on the buckets they replicate into for the buckets that replicate
// into them.
func chargedS3Reads(c charges, shares bool, kinds ...string) float64 {
	n, buckets := 0.0, 0
	for _, kind := range kinds {
		k := c.Kinds[kind]
		buckets += k.Buckets
		for _, v := range k.Own {
			n += float64(v)
		}
		if shares {
			for _, v := range k.Charged {
				n += v
			}
		}
	}
	if buckets == 0 {
		return 0
	}
	return n / float64(buckets)
}

// forSources is the S3 reads per bucket made on the buckets of kind for the
// buckets that replicate into them (charged to those).
func forSources(c charges, kind string) float64 {
	k := c.Kinds[kind]
	if k.Buckets == 0 {
		return 0
	}
	return float64(sum(k.ForSources)) / float64(k.Buckets)
}

// chargingRule says in one line how the charged figures count.
const chargingRule = "a bucket's own reads (region, replication, versioning, tags; encryption and object lock when it replicates) are its own; " +
	"the other reads of a destination are made for the buckets that replicate into it and are split evenly among them; answered requests only, throttled attempts not counted"

// opsOf lists the operations of service in calls, most called first.
func opsOf(calls map[string]int64, service string) []string {
	var ops []string
	for k := range calls {
		if strings.HasPrefix(k, service+":") {
			ops = append(ops, k)
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if calls[ops[i]] != calls[ops[j]] {
			return calls[ops[i]] > calls[ops[j]]
		}
		return ops[i] < ops[j]
	})
	return ops
}

func sum(m map[string]int64) int64 {
	n := int64(0)
	for _, v := range m {
		n += v
	}
	return n
}

func maxOf(m map[string]int64) int64 {
	n := int64(0)
	for _, v := range m {
		n = max(n, v)
	}
	return n
}

// printResult prints one estate's figures.
func printResult(w io.Writer, r benchResult) {
	n := float64(r.Buckets)
	fmt.Fprintf(w, "\n== %d buckets · %d account(s) · %d regions · %d replicating (%.0f %%) · %d roles · latency %gms · concurrency %d",
		r.Buckets, r.Accounts, r.Regions, r.Replicating, 100*float64(r.Replicating)/n, r.Roles, r.LatencyMS, r.Concurrency)
	if r.Throttle > 0 {
		fmt.Fprintf(w, " · throttling %.0f %%", 100*r.Throttle)
	}
	fmt.Fprintln(w)
	ratio := 0.0
	if r.LowerBoundSecs > 0 {
		ratio = r.ScanSeconds / r.LowerBoundSecs
	}
	fmt.Fprintf(w, "collection  %.1f s wall, %.1f s CPU · %.0f buckets/s · %d calls (%.2f per bucket) · lower bound %.1f s · wall ÷ lower bound %.2f · peak in flight %d\n",
		r.ScanSeconds, r.ScanCPUSeconds, n/r.ScanSeconds, r.Requests, float64(r.Requests)/n, r.LowerBoundSecs, ratio, r.PeakInFlight)
	if line := timeline(r); line != "" {
		fmt.Fprintf(w, "            requests in flight over the collection (%d columns, full block = %d): %s\n", timelineColumns, r.Concurrency, line)
	}
	if r.RateBoundSecs > 0 {
		fmt.Fprintf(w, "            rate-limit bound %.1f s (%s)\n", r.RateBoundSecs, r.RateBoundWhat)
	}
	if r.Evaluated {
		fmt.Fprintf(w, "evaluation  %.1f s wall, %.1f s CPU after the collection (%.2f × collection) · %s, %d at a time · %d of %d buckets judged during the collection · %d findings · engine load %.1f s · collection + evaluation %.1f s\n",
			r.EvalSeconds, r.EvalCPUSeconds, r.EvalSeconds/r.ScanSeconds, r.EvalMode, r.EvalConcurrency, r.StreamedBuckets, r.ScannedBuckets, r.Findings, r.EngineSeconds, r.ScanSeconds+r.EvalSeconds)
	}
	fmt.Fprintf(w, "memory      peak RSS %s after collection", mb(r.PeakRSSScanKB))
	if r.Evaluated {
		fmt.Fprintf(w, ", %s after evaluation", mb(r.PeakRSSEvalKB))
	}
	fmt.Fprintf(w, " (start %s, engine loaded %s) · live heap after collection %s", mb(r.RSSStartKB), mb(r.RSSEngineKB), mb(r.LiveHeapScanKB))
	if r.Evaluated {
		fmt.Fprintf(w, ", after evaluation %s", mb(r.LiveHeapEvalKB))
	}
	fmt.Fprintf(w, " · snapshot JSON %s · fake's own RSS %s\n", mb(r.SnapshotJSONKB), mb(r.FakeRSSKB))
	fmt.Fprintf(w, "S3 reads charged per bucket by kind (%s):\n", chargingRule)
	for _, k := range kindOrder {
		if r.Kinds[k].Buckets == 0 {
			continue
		}
		own, total := chargedS3Reads(r.Charges, false, k), chargedS3Reads(r.Charges, true, k)
		line := fmt.Sprintf("  %-12s %.2f own", k, own)
		if total > own {
			line += fmt.Sprintf(" + %.2f share of its destinations' reads = %.2f", total-own, total)
		}
		if f := forSources(r.Charges, k); f > 0 {
			line += fmt.Sprintf(" · %.2f more made on it for the buckets replicating into it, charged to them", f)
		}
		fmt.Fprintln(w, line)
	}
	var made map[string]int64
	for _, k := range r.Charges.Kinds {
		for op, n := range k.ForSources {
			if made == nil {
				made = map[string]int64{}
			}
			made["s3:"+op] += n
		}
	}
	if ops := opsOf(made, "s3"); len(ops) > 0 {
		var parts []string
		for _, op := range ops {
			parts = append(parts, fmt.Sprintf("%s %d", strings.TrimPrefix(op, "s3:"), made[op]))
		}
		fmt.Fprintf(w, "  reads made on destinations for their sources: %s\n", strings.Join(parts, " · "))
	}
	fmt.Fprintf(w, "S3 requests naming each bucket, by kind (raw: every request on the bucket, for itself or for its sources, throttled attempts included):")
	for _, k := range kindOrder {
		if r.Kinds[k].Buckets > 0 {
			fmt.Fprintf(w, "  %s %.2f (%d)", k, kindS3Calls(r, k), r.Kinds[k].Buckets)
		}
	}
	fmt.Fprintln(w)
	for _, k := range kindOrder {
		ks := r.Kinds[k]
		if ks.Buckets == 0 {
			continue
		}
		var parts []string
		for _, op := range opsOf(prefixed(ks.Calls), "s3") {
			parts = append(parts, fmt.Sprintf("%s %.2f", strings.TrimPrefix(op, "s3:"), float64(prefixed(ks.Calls)[op])/float64(ks.Buckets)))
		}
		fmt.Fprintf(w, "  %-12s %s\n", k, strings.Join(parts, " · "))
	}
	fmt.Fprintf(w, "calls per bucket by operation (all buckets):\n")
	for _, svc := range []string{"s3", "iam", "kms", "sts", "organizations", "account", "ec2"} {
		ops := opsOf(r.Calls, svc)
		if len(ops) == 0 {
			continue
		}
		var parts []string
		for _, op := range ops {
			parts = append(parts, fmt.Sprintf("%s %.3g (%d)", strings.TrimPrefix(op, svc+":"), float64(r.Calls[op])/n, r.Calls[op]))
		}
		fmt.Fprintf(w, "  %-4s %s\n", svc, strings.Join(parts, " · "))
	}
	fmt.Fprintf(w, "per resource: GetRole ≤ %d per role (%d roles read) · GetPolicy ≤ %d per policy · DescribeKey ≤ %d per key · AssumeRole %d (≤ %d per role ARN) · S3 op on one bucket ≤ %d\n",
		maxOf(r.Resources["iam:GetRole"]), len(r.Resources["iam:GetRole"]), maxOf(r.Resources["iam:GetPolicy"]),
		maxOf(r.Resources["kms:DescribeKey"]), sum(r.Resources["sts:AssumeRole"]), maxOf(r.Resources["sts:AssumeRole"]), maxOf(r.MaxPerBucket))
	if len(r.Throttled) > 0 {
		fmt.Fprintf(w, "throttled: %d requests\n", sum(r.Throttled))
	}
	if r.ReadErrors > 0 || r.ScannedBuckets != r.Buckets {
		fmt.Fprintf(w, "INCOMPLETE: %d of %d buckets scanned, %d read errors\n", r.ScannedBuckets, r.Buckets, r.ReadErrors)
	}
}

func prefixed(m map[string]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out["s3:"+k] = v
	}
	return out
}

// TestBenchTable prints the results in CRRSCAN_BENCH_TABLE as one table and
// checks the largest latency-bound estate against issue 3's targets.
func TestBenchTable(t *testing.T) {
	dir := os.Getenv("CRRSCAN_BENCH_TABLE")
	if dir == "" {
		t.Skip("set CRRSCAN_BENCH_TABLE (make bench does)")
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no results in %s (%v)", dir, err)
	}
	var rs []benchResult
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var r benchResult
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].LatencyMS != rs[j].LatencyMS {
			return rs[i].LatencyMS > rs[j].LatencyMS
		}
		return rs[i].Buckets < rs[j].Buckets
	})
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "\n%8s %5s %7s %4s │ %7s %6s %6s %6s %7s │ %6s │ %11s %11s │ %6s %6s %6s %6s │ %6s %6s %6s %6s\n",
		"buckets", "accts", "latency", "conc", "collect", "bkt/s", "calls", "/bkt", "wall/LB", "eval", "RSS collect", "RSS eval",
		"plain", "dest", "source", "2-way", "plain", "dest", "source", "2-way")
	for _, r := range rs {
		ratio, eval, rssEval := "-", "-", "-"
		if r.LatencyMS > 0 {
			ratio = fmt.Sprintf("%.2f", r.ScanSeconds/r.LowerBoundSecs)
		}
		if r.Evaluated {
			eval, rssEval = fmt.Sprintf("%.1fs", r.EvalSeconds), mb(r.PeakRSSEvalKB)
		}
		fmt.Fprintf(&buf, "%8d %5d %7s %4d │ %6.1fs %6.0f %6d %6.2f %7s │ %6s │ %11s %11s │ %6.2f %6.2f %6.2f %6.2f │ %6.2f %6.2f %6.2f %6.2f\n",
			r.Buckets, r.Accounts, fmt.Sprintf("%gms", r.LatencyMS), r.Concurrency,
			r.ScanSeconds, float64(r.Buckets)/r.ScanSeconds, r.Requests, float64(r.Requests)/float64(r.Buckets), ratio,
			eval, mb(r.PeakRSSScanKB), rssEval,
			chargedS3Reads(r.Charges, true, fakeaws.KindPlain), chargedS3Reads(r.Charges, true, fakeaws.KindDestination),
			chargedS3Reads(r.Charges, true, fakeaws.KindSource), chargedS3Reads(r.Charges, true, fakeaws.KindTwoWay),
			kindS3Calls(r, fakeaws.KindPlain), kindS3Calls(r, fakeaws.KindDestination), kindS3Calls(r, fakeaws.KindSource), kindS3Calls(r, fakeaws.KindTwoWay))
	}
	fmt.Fprintf(&buf, "(first plain/dest/source/2-way: S3 reads charged per bucket of that kind: %s.\n"+
		" second: raw S3 requests naming each bucket of that kind, for itself or for its sources, throttled attempts included)\n", chargingRule)

	// Targets (issue 3), judged on the largest estate with latency.
	var ref *benchResult
	for i := range rs {
		if rs[i].LatencyMS > 0 && (ref == nil || rs[i].Buckets > ref.Buckets) {
			ref = &rs[i]
		}
	}
	if ref != nil {
		// Charged as readLedger says: a destination's reads made for its sources
		// count against those sources, not against the destination.
		nonRepl := chargedS3Reads(ref.Charges, true, fakeaws.KindPlain, fakeaws.KindDestination)
		repl := chargedS3Reads(ref.Charges, true, fakeaws.KindSource, fakeaws.KindTwoWay)
		assume := maxOf(ref.Resources["sts:AssumeRole"])
		fmt.Fprintf(&buf, "\ntargets (issue 3) at %d buckets, latency %gms:\n", ref.Buckets, ref.LatencyMS)
		check := func(ok bool, format string, args ...any) {
			mark := "MISS"
			if ok {
				mark = " ok "
			}
			fmt.Fprintf(&buf, "  [%s] %s\n", mark, fmt.Sprintf(format, args...))
		}
		check(nonRepl <= 3, "≤ 3 S3 reads per bucket that does not replicate, counting its own reads only (region, replication, versioning, tags): "+
			"%.2f (plain %.2f, destination-only %.2f; the destination-only buckets also had %.2f reads each made for their sources, charged below)",
			nonRepl, chargedS3Reads(ref.Charges, true, fakeaws.KindPlain), chargedS3Reads(ref.Charges, true, fakeaws.KindDestination),
			forSources(ref.Charges, fakeaws.KindDestination))
		check(repl <= 7, "≤ 7 S3 reads per bucket that replicates, counting its own reads plus an even share of the reads made on each of its destinations "+
			"for the buckets replicating into it: %.2f (source %.2f, two-way %.2f; own reads alone %.2f)",
			repl, chargedS3Reads(ref.Charges, true, fakeaws.KindSource), chargedS3Reads(ref.Charges, true, fakeaws.KindTwoWay),
			chargedS3Reads(ref.Charges, false, fakeaws.KindSource, fakeaws.KindTwoWay))
		check(maxOf(ref.Resources["iam:GetRole"]) <= 1 && maxOf(ref.Resources["iam:ListRolePolicies"]) <= 1,
			"IAM reads once per role: GetRole ≤ %d, ListRolePolicies ≤ %d per role", maxOf(ref.Resources["iam:GetRole"]), maxOf(ref.Resources["iam:ListRolePolicies"]))
		check(ref.Accounts > 1 && assume <= 1, "one AssumeRole per account per run: %d AssumeRole over %d accounts (≤ %d per role)",
			sum(ref.Resources["sts:AssumeRole"]), ref.Accounts, assume)
		check(ref.ScanSeconds <= 1.25*ref.LowerBoundSecs, "wall ≤ 1.25 × lower bound: %.1f s ÷ %.1f s = %.2f",
			ref.ScanSeconds, ref.LowerBoundSecs, ref.ScanSeconds/ref.LowerBoundSecs)
		peak := max(ref.PeakRSSScanKB, ref.PeakRSSEvalKB)
		check(peak <= 300*1024, "peak RSS ≤ 300 MB: %s", mb(peak))
	}
	for _, r := range rs {
		if r.LatencyMS == 0 {
			fmt.Fprintf(&buf, "  memory at %d buckets (latency 0): peak RSS %s after collection", r.Buckets, mb(r.PeakRSSScanKB))
			if r.Evaluated {
				fmt.Fprintf(&buf, ", %s after evaluation (%s, %d at a time)", mb(r.PeakRSSEvalKB), r.EvalMode, r.EvalConcurrency)
			} else {
				fmt.Fprintf(&buf, " (not evaluated: make bench BENCH_MEMORY_EVAL=1)")
			}
			fmt.Fprintf(&buf, "; collection took %.0f s against a rate-limit bound of %.0f s\n", r.ScanSeconds, r.RateBoundSecs)
		}
	}
	os.Stdout.Write(buf.Bytes())
}
