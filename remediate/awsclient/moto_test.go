package awsclient

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/crrscan/crrscan/policies"
	"github.com/crrscan/crrscan/remediate"
	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
	"github.com/crrscan/crrscan/scanner/scantest"
)

const acct = "123456789012" // moto's default account

// estate builds, with the SDK against moto, buckets with ten distinct remediable
// problems (each labelled with the AWS rule it breaks):
//   - CRR-001 src-susp: source versioning Suspended (replication needs it Enabled:
//     https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html)
//   - CRR-002 dst-susp: destination versioning Suspended (same page)
//   - CRR-011 src-paused: the only rule Disabled
//   - CRR-012 src-mixed: a Disabled rule beside an enabled one
//   - CRR-030 src-norole: the configuration names a role that does not exist
//   - CRR-031 src-ec2: the role trusts ec2.amazonaws.com, not S3
//   - CRR-032 and CRR-034 on the shared role of src-a and src-b: it grants only
//     s3:GetReplicationConfiguration and its trust has no aws:SourceAccount/SourceArn
//     (https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html)
//   - CRR-041 src-rtc: RTC without replication metrics
//     (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html)
//   - CRR-040 src-needs-rtc: no Replication Time Control where the settings require it
//
// CRR-072 (two-way replication without replica modifications) is not here: moto
// 5.2.1 drops SourceSelectionCriteria from a stored configuration, so it cannot hold
// the fix; remediate's TestPlanMergesOneReplicationConfiguration covers it.
type estate struct {
	t   *testing.T
	ctx context.Context
	url string
	iam *iam.Client
}

func (e *estate) s3(region string) *s3.Client {
	if region == "" {
		region = "us-east-1"
	}
	return scantest.NewS3(e.url, region)
}

func (e *estate) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *estate) bucket(name, region, versioning string) {
	e.t.Helper()
	in := &s3.CreateBucketInput{Bucket: aws.String(name)}
	if region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(region)}
	}
	_, err := e.s3(region).CreateBucket(e.ctx, in)
	e.must(err)
	if versioning != "" {
		_, err = e.s3(region).PutBucketVersioning(e.ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(name),
			VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatus(versioning)}})
		e.must(err)
	}
}

func (e *estate) role(name, service string, actions ...string) string {
	e.t.Helper()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + service + `"},"Action":"sts:AssumeRole"}]}`
	_, err := e.iam.CreateRole(e.ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
	e.must(err)
	if len(actions) > 0 {
		doc, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Action": actions, "Resource": "*"}}})
		_, err = e.iam.PutRolePolicy(e.ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("crr-replication"), PolicyDocument: aws.String(string(doc))})
		e.must(err)
	}
	return "arn:aws:iam::" + acct + ":role/" + name
}

func rule(id string, prio int32, dst, status string) s3types.ReplicationRule {
	return s3types.ReplicationRule{ID: aws.String(id), Priority: aws.Int32(prio), Status: s3types.ReplicationRuleStatus(status),
		Filter:                  &s3types.ReplicationRuleFilter{Prefix: aws.String("")},
		DeleteMarkerReplication: &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusEnabled},
		Destination:             &s3types.Destination{Bucket: aws.String("arn:aws:s3:::" + dst)}}
}

func (e *estate) replicate(src, region, role string, rules ...s3types.ReplicationRule) {
	e.t.Helper()
	_, err := e.s3(region).PutBucketReplication(e.ctx, &s3.PutBucketReplicationInput{Bucket: aws.String(src),
		ReplicationConfiguration: &s3types.ReplicationConfiguration{Role: aws.String(role), Rules: rules}})
	e.must(err)
}

func build(t *testing.T, url string) {
	e := &estate{t: t, ctx: context.Background(), url: url, iam: scantest.NewIAM(url)}
	all := []string{"s3:GetReplicationConfiguration", "s3:ListBucket", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl",
		"s3:GetObjectVersionTagging", "s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"}
	good := e.role("crr-good", "s3.amazonaws.com", all...)
	// The good role's trust gets the guard: only the problems above are findings.
	guarded := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"` + acct + `"}}}]}`
	_, err := e.iam.UpdateAssumeRolePolicy(e.ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("crr-good"), PolicyDocument: aws.String(guarded)})
	e.must(err)
	shared := e.role("crr-shared", "s3.amazonaws.com", "s3:GetReplicationConfiguration")
	ec2 := e.role("crr-ec2", "ec2.amazonaws.com", all...)
	for _, d := range []string{"dst-1", "dst-2", "dst-3", "dst-4", "dst-5", "dst-6", "dst-7", "dst-8", "dst-susp"} {
		e.bucket(d, "us-west-2", "Enabled")
	}
	for _, s := range []string{"src-susp", "src-paused", "src-mixed", "src-norole", "src-ec2", "src-a", "src-b", "src-rtc", "src-needs-rtc"} {
		e.bucket(s, "eu-west-1", "Enabled")
	}

	e.replicate("src-susp", "eu-west-1", good, rule("dr", 1, "dst-susp", "Enabled"))
	e.replicate("src-paused", "eu-west-1", good, rule("dr", 1, "dst-1", "Disabled"))
	e.replicate("src-mixed", "eu-west-1", good, rule("on", 1, "dst-2", "Enabled"), rule("off", 2, "dst-3", "Disabled"))
	e.replicate("src-norole", "eu-west-1", "arn:aws:iam::"+acct+":role/crr-missing", rule("dr", 1, "dst-4", "Enabled"))
	e.replicate("src-ec2", "eu-west-1", ec2, rule("dr", 1, "dst-5", "Enabled"))
	e.replicate("src-a", "eu-west-1", shared, rule("dr", 1, "dst-6", "Enabled"))
	e.replicate("src-b", "eu-west-1", shared, rule("dr", 1, "dst-7", "Enabled"))
	rtc := rule("dr", 1, "dst-8", "Enabled")
	rtc.Destination.ReplicationTime = &s3types.ReplicationTime{Status: s3types.ReplicationTimeStatusEnabled, Time: &s3types.ReplicationTimeValue{Minutes: aws.Int32(15)}}
	e.replicate("src-rtc", "eu-west-1", good, rtc)
	e.replicate("src-needs-rtc", "eu-west-1", good, rule("dr", 1, "dst-1", "Enabled"))
	// Suspended after the configuration was put (S3 refuses one on an unversioned bucket).
	for _, b := range []struct{ name, region string }{{"src-susp", "eu-west-1"}, {"dst-susp", "us-west-2"}} {
		_, err := e.s3(b.region).PutBucketVersioning(e.ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(b.name),
			VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusSuspended}})
		e.must(err)
	}
}

type run struct {
	t      *testing.T
	ctx    context.Context
	url    string
	ev     remediate.EngineEvaluator
	writes int
}

func newRun(t *testing.T, url string) *run {
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	e, err := policies.New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "crrscan.yaml")
	settings := "version: 1\noverrides:\n  - buckets: [\"src-needs-rtc\"]\n    requirements:\n      rtc: true\n"
	if err := os.WriteFile(path, []byte(settings), 0o600); err != nil {
		t.Fatal(err)
	}
	set, err := policies.LoadSettings(path, e.Checks())
	if err != nil {
		t.Fatal(err)
	}
	return &run{t: t, ctx: context.Background(), url: url, ev: remediate.EngineEvaluator{Engine: e, Settings: set, Today: time.Now().UTC(), Concurrency: 2}}
}

func (r *run) scan(endpoint string) (*scanner.Snapshot, []report.Finding) {
	r.t.Helper()
	c, err := scanner.NewAWSClients(r.ctx, scanner.Options{EndpointURL: endpoint, Region: "us-east-1"})
	if err != nil {
		r.t.Fatal(err)
	}
	s, err := scanner.Scan(r.ctx, c, scanner.Options{EndpointURL: endpoint, Region: "us-east-1"})
	if err != nil {
		r.t.Fatal(err)
	}
	fs, err := r.ev.Evaluate(r.ctx, s)
	if err != nil {
		r.t.Fatal(err)
	}
	return s, fs
}

// counting counts the write calls a client makes.
type counting struct {
	*Client
	n *int
}

func (c counting) Write(ctx context.Context, a report.Action) error {
	*c.n++
	return c.Client.Write(ctx, a)
}

func (c counting) Restore(ctx context.Context, a report.Action, before any) error {
	*c.n++
	return c.Client.Restore(ctx, a, before)
}

func (r *run) clients(endpoint string) remediate.Clients {
	return func(context.Context, string) (remediate.Client, error) {
		return counting{Client: &Client{S3: func(region string) S3API {
			if region == "" {
				region = "us-east-1"
			}
			return scantest.NewS3(endpoint, region)
		}, IAM: scantest.NewIAM(endpoint)}, n: &r.writes}, nil
	}
}

func (r *run) apply(endpoint string, p *remediate.Plan) (*remediate.ApplyResult, string) {
	r.t.Helper()
	path := filepath.Join(r.t.TempDir(), "journal.jsonl")
	j, err := remediate.CreateJournal(path, time.Now)
	if err != nil {
		r.t.Fatal(err)
	}
	defer j.Close()
	res, err := remediate.Apply(r.ctx, p, r.clients(endpoint), remediate.ApplyOptions{Journal: j})
	if err != nil {
		r.t.Fatal(err)
	}
	return res, path
}

func open(fs []report.Finding) map[string]bool {
	out := map[string]bool{}
	for _, f := range fs {
		if f.Status == report.StatusFail {
			out[f.CheckID+" "+f.Bucket] = true
		}
	}
	return out
}

func estateJSON(t *testing.T, s *scanner.Snapshot) string {
	t.Helper()
	b, err := json.MarshalIndent(struct {
		B []scanner.Bucket
		D []scanner.LinkedBucket
		R []scanner.Role
	}{s.Buckets, s.Destinations, s.Roles}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var allow = remediate.Options{Allow: []string{"irreversible", "narrowing"}}

// TestMotoPlanApplyRescanRollback: the plan lists the ten problems, the apply fixes
// them, a fresh scan shows no remediable finding left, a second apply writes
// nothing, and the rollback gives back the estate as it was, versioning aside.
func TestMotoPlanApplyRescanRollback(t *testing.T) {
	m := scantest.RequireMoto(t)
	build(t, m.URL)
	r := newRun(t, m.URL)
	before, fs := r.scan(m.URL)
	want := []string{"CRR-001 src-susp", "CRR-002 src-susp", "CRR-011 src-paused", "CRR-012 src-mixed", "CRR-030 src-norole",
		"CRR-031 src-ec2", "CRR-032 src-a", "CRR-032 src-b", "CRR-034 src-a", "CRR-034 src-b", "CRR-041 src-rtc", "CRR-040 src-needs-rtc"}
	got := open(fs)
	for _, w := range want {
		if !got[w] {
			t.Errorf("the estate lacks %s: %v", w, got)
		}
	}
	p, err := remediate.Build(r.ctx, r.ev, before, fs, allow)
	if err != nil {
		t.Fatal(err)
	}
	named := map[string]bool{}
	for _, c := range p.Changes {
		for _, f := range c.Clears {
			named[f.CheckID+" "+f.Bucket] = true
		}
	}
	for _, w := range want {
		if !named[w] {
			t.Errorf("the plan does not clear %s", w)
		}
	}
	if p.Refused != "" {
		t.Fatalf("refused: %s", p.Refused)
	}
	res, journal := r.apply(m.URL, p)
	if !res.Complete() {
		for _, o := range res.Outcomes {
			if o.Status != remediate.OutcomeApplied {
				t.Errorf("%s %s: %s %s %s", o.Change.Action.Op, o.Change.Action.Target, o.Status, o.Code, o.Reason)
			}
		}
	}
	after, fs2 := r.scan(m.URL)
	for _, f := range fs2 {
		if f.Status == report.StatusFail && len(f.Remediation.Actions) > 0 && !onlyManual(f) {
			t.Errorf("still open after the apply: %s on %s: %s", f.CheckID, f.Bucket, f.Message)
		}
	}
	// A second apply is a no-op: nothing planned, zero write calls.
	again, err := remediate.Build(r.ctx, r.ev, after, fs2, allow)
	if err != nil {
		t.Fatal(err)
	}
	n := r.writes
	res2, _ := r.apply(m.URL, again)
	if again.Pending() || len(res2.Outcomes) != 0 || r.writes != n {
		t.Errorf("second apply: %d changes, %d writes", len(again.Changes), r.writes-n)
	}
	// Rollback: the estate as scanned before, except versioning (Suspended).
	f, err := openFile(journal)
	if err != nil {
		t.Fatal(err)
	}
	outs, err := remediate.Rollback(r.ctx, f, r.clients(m.URL), remediate.RollbackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range outs {
		if o.Status != remediate.RollbackRestored {
			t.Errorf("rollback %s %s: %s %s", o.Action.Op, o.Action.Target, o.Status, o.Reason)
		}
	}
	restored, _ := r.scan(m.URL)
	if got, want := estateJSON(t, restored), estateJSON(t, before); got != want {
		t.Errorf("after rollback the estate differs:\n%s", firstDiff(got, want))
	}
}

func onlyManual(f report.Finding) bool {
	return !slices.ContainsFunc(f.Remediation.Actions, func(a report.Action) bool { return a.Class != report.ClassManual })
}

func firstDiff(a, b string) string {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(x), len(y)) {
		if x[i] != y[i] {
			lo := max(0, i-5)
			return "got:\n" + strings.Join(x[lo:min(len(x), i+5)], "\n") + "\nwant:\n" + strings.Join(y[lo:min(len(y), i+5)], "\n")
		}
	}
	return "lengths differ"
}

// TestMotoFaultsAndChanges: a resource changed between plan and apply is skipped and
// named; an AccessDenied on one write (through the fault proxy) leaves the others
// applied and the journal complete, and the partial apply rolls back; without
// --allow irreversible no versioning changes.
func TestMotoFaultsAndChanges(t *testing.T) {
	m := scantest.RequireMoto(t)
	build(t, m.URL)
	r := newRun(t, m.URL)
	before, fs := r.scan(m.URL)

	additive, err := remediate.Build(r.ctx, r.ev, before, fs, remediate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range additive.Changes {
		if c.Action.Op == "s3:PutBucketVersioning" || c.Action.Op == "s3:PutObjectLockConfiguration" {
			t.Errorf("without --allow irreversible the plan has %s %s", c.Action.Op, c.Action.Target)
		}
	}
	p, err := remediate.Build(r.ctx, r.ev, before, fs, allow)
	if err != nil {
		t.Fatal(err)
	}
	// Someone fixes src-paused's rule by hand after the plan.
	e := &estate{t: t, ctx: r.ctx, url: m.URL, iam: scantest.NewIAM(m.URL)}
	e.replicate("src-paused", "eu-west-1", "arn:aws:iam::"+acct+":role/crr-good", rule("dr", 1, "dst-1", "Enabled"), rule("new", 2, "dst-2", "Enabled"))
	proxy := scantest.NewProxy(m.URL, scantest.Rule{Method: "PUT", Bucket: "src-rtc", Query: "replication", Message: "Access Denied"})
	defer proxy.Close()
	res, journal := r.apply(proxy.URL, p)
	byTarget := map[string]remediate.Outcome{}
	for _, o := range res.Outcomes {
		byTarget[o.Change.Resource] = o
	}
	if o := byTarget["replication arn:aws:s3:::src-paused"]; o.Status != remediate.OutcomeSkipped || o.Reason != "changed since plan" {
		t.Errorf("src-paused: %+v", o)
	}
	if o := byTarget["replication arn:aws:s3:::src-rtc"]; o.Status != remediate.OutcomeFailed || o.Code != "AccessDenied" {
		t.Errorf("src-rtc: %s %s %s", o.Status, o.Code, o.Reason)
	}
	applied := 0
	for _, o := range res.Outcomes {
		if o.Status == remediate.OutcomeApplied {
			applied++
		}
	}
	if res.Complete() || applied != len(res.Outcomes)-2 {
		t.Errorf("%d of %d applied", applied, len(res.Outcomes))
	}
	entries, err := openFile(journal)
	if err != nil {
		t.Fatal(err)
	}
	pending, outcomes := 0, 0
	for _, e := range entries {
		if e.State == remediate.StatePending {
			pending++
		} else {
			outcomes++
		}
	}
	if pending != applied+1 || outcomes != pending {
		t.Errorf("journal: %d writes, %d outcomes; want %d of each", pending, outcomes, applied+1)
	}
	// The partial apply rolls back: every applied change restored, the failed one left.
	outs, err := remediate.Rollback(r.ctx, entries, r.clients(m.URL), remediate.RollbackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	restored := 0
	for _, o := range outs {
		if o.Status == remediate.RollbackRestored {
			restored++
		}
	}
	if restored != applied {
		t.Errorf("rollback restored %d of %d", restored, applied)
	}
	now, _ := r.scan(m.URL)
	for i := range before.Buckets {
		if before.Buckets[i].Name == "src-paused" {
			before.Buckets[i] = now.Buckets[i] // changed by hand, not by crrscan
		}
	}
	if got, want := estateJSON(t, now), estateJSON(t, before); got != want {
		t.Errorf("after rolling back the partial apply:\n%s", firstDiff(got, want))
	}
}
