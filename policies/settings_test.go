package policies

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/crrscan/crrscan/scanner"
)

// testCatalogue stands in for the engine's checks in parsing tests.
func testCatalogue() []Check {
	return []Check{
		{ID: "CRR-010", Severity: "high"},
		{ID: "CRR-015", Severity: "low"},
		{ID: "CRR-090", Severity: "error"},
		{ID: "CRR-091", Severity: "medium"},
	}
}

func parse(t *testing.T, src string) *Settings {
	t.Helper()
	s, err := ParseSettings("crrscan.yaml", []byte(src), testCatalogue())
	if err != nil {
		t.Fatalf("ParseSettings: %v", err)
	}
	return s
}

func day(s string) time.Time {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestLoadSettingsFull(t *testing.T) {
	path := filepath.Join("testdata", "settings", "full.yaml")
	got, err := LoadSettings(path, testCatalogue())
	if err != nil {
		t.Fatalf("LoadSettings: %v", err)
	}
	want := &Settings{
		File: path,
		Scope: Scope{
			Buckets:         []string{"prod-*", "shared-?"},
			Exclude:         []string{"*-tmp"},
			Tags:            map[string]string{"env": "prod", "team": "data-*"},
			IncludeReplicas: true,
		},
		Requirements: Requirements{
			RTC: true, DeleteMarkerReplication: true, FullCoverage: true,
			AllowedRegions:        []string{"eu-west-1", "us-east-1"},
			AllowedAccounts:       []string{"111122223333", "444455556666"},
			AllowedStorageClasses: []string{"STANDARD", "STANDARD_IA"},
			MinRetentionDays:      30,
		},
		Overrides: []Override{
			{Buckets: []string{"prod-payments-*"}, Requirements: RequirementsPatch{MinRetentionDays: ptr(365), AllowedRegions: &[]string{}}},
			{Buckets: []string{"prod-*"}, Requirements: RequirementsPatch{RTC: ptr(false)}},
		},
		Severity: map[string]string{"CRR-015": "info", "CRR-010": "critical"},
		Waivers: []Waiver{
			{Check: "CRR-010", Buckets: []string{"prod-legacy", "shared-*"}, Reason: "retired in Q1", Owner: "data-platform",
				Ticket: "DATA-1", Expires: day("2026-12-31"), Line: 30},
			{Check: "CRR-015", Buckets: []string{"*"}, Reason: "console-made rules, rewritten with Terraform", Owner: "platform",
				Expires: day("2027-01-15"), Line: 36},
		},
		Intent:        []Intent{},
		WaiverMaxDays: DefaultWaiverMaxDays,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("settings:\n got %+v\nwant %+v", got, want)
	}
}

func TestLoadSettingsEmpty(t *testing.T) {
	for _, name := range []string{"empty.yaml", "comments-only.yaml"} {
		path := filepath.Join("testdata", "settings", name)
		got, err := LoadSettings(path, testCatalogue())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := DefaultSettings()
		want.File = path
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %+v, want the defaults %+v", name, got, want)
		}
	}
	for _, src := range []string{"---\n", "~\n", "null\n", "version: 1\n"} {
		got := parse(t, src)
		want := DefaultSettings()
		want.File = "crrscan.yaml"
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %+v, want the defaults", src, got)
		}
	}
}

func TestLoadSettingsNotAMapping(t *testing.T) {
	path := filepath.Join("testdata", "settings", "not-a-mapping.yaml")
	_, err := LoadSettings(path, testCatalogue())
	want := path + ":1: want a mapping of settings (version, scope, requirements, overrides, severity, waivers, intent, waiver_max_days), got a list"
	if err == nil || err.Error() != want {
		t.Fatalf("error %v, want %s", err, want)
	}
	var se *SettingsError
	if !errors.As(err, &se) || se.Line != 1 || se.Path != "" {
		t.Errorf("not a *SettingsError at line 1: %#v", err)
	}
}

func TestLoadSettingsMissingFile(t *testing.T) {
	_, err := LoadSettings(filepath.Join(t.TempDir(), "nope.yaml"), testCatalogue())
	if err == nil || !strings.Contains(err.Error(), "nope.yaml") || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("error %v", err)
	}
}

// The sample settings the README documents are valid against the real catalogue.
func TestSampleSettingsParse(t *testing.T) {
	checks := newEngine(t).Checks()
	for _, name := range []string{"crrscan.yaml", "demo.yaml"} {
		if _, err := LoadSettings(filepath.Join("..", "fixtures", "settings", name), checks); err != nil {
			t.Errorf("fixtures/settings/%s: %v", name, err)
		}
	}
}

func TestParseSettingsErrors(t *testing.T) {
	waiver := func(extra string) string {
		return "waivers:\n  - check: CRR-010\n    buckets: [a]\n    reason: r\n    owner: o\n" + extra
	}
	cases := []struct {
		name, src, want string
	}{
		{"unknown top-level key", "versoin: 1\n",
			"crrscan.yaml:1: versoin: unknown key (known: version, scope, requirements, overrides, severity, waivers, intent, waiver_max_days)"},
		{"unknown scope key", "version: 1\n# which buckets\nscope:\n  bukcets: [\"*\"]\n",
			"crrscan.yaml:4: scope.bukcets: unknown key (known: buckets, exclude, tags, include_replicas)"},
		{"unknown requirement", "requirements:\n  rtc: true\n  rto: 15\n",
			"crrscan.yaml:3: requirements.rto: unknown key (known: rtc, delete_marker_replication, full_coverage, monitoring, allowed_regions, allowed_accounts, allowed_storage_classes, min_retention_days)"},
		{"days in words", "version: 1\nrequirements:\n  min_retention_days: thirty\n",
			`crrscan.yaml:3: requirements.min_retention_days: want a whole number of days, got "thirty"`},
		{"negative days", "requirements:\n  min_retention_days: -5\n",
			`crrscan.yaml:2: requirements.min_retention_days: want a whole number of days, got "-5"`},
		{"fractional days", "requirements:\n  min_retention_days: 30.5\n",
			`crrscan.yaml:2: requirements.min_retention_days: want a whole number of days, got "30.5"`},
		{"quoted days", "requirements:\n  min_retention_days: \"30\"\n",
			`crrscan.yaml:2: requirements.min_retention_days: want a whole number of days, got "30"`},
		{"yes is not a bool", "requirements:\n  rtc: yes\n",
			`crrscan.yaml:2: requirements.rtc: want true or false, got "yes"`},
		{"bool given a list", "scope:\n  include_replicas: [true]\n",
			`crrscan.yaml:2: scope.include_replicas: want true or false, got a list`},
		{"bad glob", "scope:\n  buckets:\n    - prod-*\n    - \"prod-[\"\n",
			`crrscan.yaml:4: scope.buckets[1]: bad glob "prod-[": syntax error in pattern`},
		{"glob with a slash", "scope:\n  exclude: [\"logs/*\"]\n",
			`crrscan.yaml:2: scope.exclude[0]: bad glob "logs/*": bucket names never contain '/'`},
		{"empty glob", "scope:\n  exclude: [\"\"]\n",
			`crrscan.yaml:2: scope.exclude[0]: empty glob`},
		{"no bucket globs", "scope:\n  buckets: []\n",
			`crrscan.yaml:2: scope.buckets: want at least one bucket name glob ("*" for every bucket)`},
		{"globs given a string", "scope:\n  buckets: prod-*\n",
			`crrscan.yaml:2: scope.buckets: want a list of bucket name globs, e.g. ["prod-*"], got "prod-*"`},
		{"tags given a list", "scope:\n  tags: [env]\n",
			`crrscan.yaml:2: scope.tags: want a mapping of tag keys to values, got a list`},
		{"tag value a mapping", "scope:\n  tags:\n    env: {a: b}\n",
			`crrscan.yaml:3: scope.tags.env: want a tag value (a glob), got a mapping`},
		{"bad region", "requirements:\n  allowed_regions: [eu-west-1, EU]\n",
			`crrscan.yaml:2: requirements.allowed_regions[1]: want a region name such as eu-west-1, got "EU"`},
		{"bad account", "requirements:\n  allowed_accounts:\n    - 1234\n",
			`crrscan.yaml:3: requirements.allowed_accounts[0]: want a 12-digit AWS account id, got "1234"`},
		{"bad storage class", "requirements:\n  allowed_storage_classes: [glacier]\n",
			`crrscan.yaml:2: requirements.allowed_storage_classes[0]: unknown storage class "glacier" (known: STANDARD, REDUCED_REDUNDANCY, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER, DEEP_ARCHIVE, OUTPOSTS, GLACIER_IR, SNOW, EXPRESS_ONEZONE, FSX_OPENZFS, FSX_ONTAP)`},
		{"requirements a list", "requirements:\n  - rtc\n",
			`crrscan.yaml:2: requirements: want a mapping (rtc, delete_marker_replication, full_coverage, monitoring, allowed_regions, allowed_accounts, allowed_storage_classes, min_retention_days), got a list`},
		{"override without buckets", "overrides:\n  - requirements:\n      rtc: true\n",
			`crrscan.yaml:2: overrides[0].buckets: missing (an override names the buckets it applies to)`},
		{"override unknown key", "overrides:\n  - buckets: [a]\n    rtc: true\n",
			`crrscan.yaml:3: overrides[0].rtc: unknown key (known: buckets, requirements)`},
		{"override bad value", "overrides:\n  - buckets: [a]\n  - buckets: [b]\n    requirements:\n      full_coverage: \"no\"\n",
			`crrscan.yaml:5: overrides[1].requirements.full_coverage: want true or false, got "no"`},
		{"unknown severity", "severity:\n  CRR-015: urgent\n",
			`crrscan.yaml:2: severity.CRR-015: want one of critical, high, medium, low, info, got "urgent"`},
		{"severity of an unknown check", "severity:\n  CRR-015: info\n  CRR-999: low\n",
			`crrscan.yaml:3: severity.CRR-999: unknown check "CRR-999" (see crrscan checks list)`},
		{"severity of CRR-090", "severity:\n  CRR-090: low\n",
			`crrscan.yaml:2: severity.CRR-090: CRR-090 reports reads that failed; its severity cannot be changed`},
		{"severity twice, case apart", "severity:\n  CRR-015: info\n  crr-015: low\n",
			`crrscan.yaml:3: severity.crr-015: CRR-015 is already given a severity`},
		{"waiver of an unknown check", "waivers:\n  - check: CRR-999\n",
			`crrscan.yaml:2: waivers[0].check: unknown check "CRR-999" (see crrscan checks list)`},
		{"waiver of CRR-090", "waivers:\n  - check: CRR-090\n",
			`crrscan.yaml:2: waivers[0].check: CRR-090 findings report reads that failed and cannot be waived; grant the read permission or fix the error instead`},
		{"waiver of CRR-091", "waivers:\n  - check: CRR-091\n",
			`crrscan.yaml:2: waivers[0].check: CRR-091 reports expired waivers and cannot be waived; renew the expired waiver instead`},
		{"waiver without reason", "waivers:\n  - check: CRR-010\n    buckets: [a]\n    owner: o\n    expires: 2026-12-31\n",
			`crrscan.yaml:2: waivers[0].reason: missing (a waiver needs check, buckets, reason, owner and expires)`},
		{"waiver without expiry", waiver(""),
			`crrscan.yaml:2: waivers[0].expires: missing (a waiver needs check, buckets, reason, owner and expires)`},
		{"waiver with an empty owner", "waivers:\n  - check: CRR-010\n    owner: \"  \"\n",
			`crrscan.yaml:3: waivers[0].owner: must not be empty`},
		{"bad date", waiver("    expires: 31/12/2026\n"),
			`crrscan.yaml:6: waivers[0].expires: want a date YYYY-MM-DD, got "31/12/2026"`},
		{"no such day", waiver("    expires: 2026-02-30\n"),
			`crrscan.yaml:6: waivers[0].expires: want a date YYYY-MM-DD, got "2026-02-30"`},
		{"date with a time", waiver("    expires: 2026-12-31T10:00:00Z\n"),
			`crrscan.yaml:6: waivers[0].expires: want a date YYYY-MM-DD, got "2026-12-31T10:00:00Z"`},
		{"waiver unknown key", waiver("    expires: 2026-12-31\n    until: 2027-01-01\n"),
			`crrscan.yaml:7: waivers[0].until: unknown key (known: check, buckets, reason, owner, ticket, expires)`},
		{"waivers a mapping", "waivers:\n  check: CRR-010\n",
			`crrscan.yaml:2: waivers: want a list of waivers, got a mapping`},
		{"duplicate key", "scope:\n  buckets: [a]\n  exclude: [b]\n  buckets: [c]\n",
			`crrscan.yaml:4: scope.buckets: duplicate key (first at line 2)`},
		{"other version", "version: 2\n",
			`crrscan.yaml:1: version: unsupported settings version 2 (this crrscan reads version 1)`},
		{"version as text", "version: one\n",
			`crrscan.yaml:1: version: want 1, got "one"`},
		{"intent a mapping", "version: 1\nintent:\n  acme-*: {region: eu-west-1}\n",
			`crrscan.yaml:3: intent: want a list of intent entries ({buckets, destination_region, destination_account, destination_bucket, rtc}), got a mapping`},
		{"intent without buckets", "intent:\n  - destination_region: eu-west-1\n",
			`crrscan.yaml:2: intent[0].buckets: missing (an intent entry names the buckets it declares replication for)`},
		{"intent declaring nothing", "intent:\n  - buckets: [acme-*]\n",
			`crrscan.yaml:2: intent[0]: declares nothing: set destination_region, destination_account, destination_bucket or rtc`},
		{"intent unknown key", "intent:\n  - buckets: [acme-*]\n    region: eu-west-1\n",
			`crrscan.yaml:3: intent[0].region: unknown key (known: buckets, destination_region, destination_account, destination_bucket, rtc)`},
		{"intent bad region", "intent:\n  - buckets: [acme-*]\n    destination_region: Ireland\n",
			`crrscan.yaml:3: intent[0].destination_region: want a region name such as eu-west-1, got "Ireland"`},
		{"intent bad account", "intent:\n  - buckets: [acme-*]\n    destination_account: 1234\n",
			`crrscan.yaml:3: intent[0].destination_account: want a 12-digit AWS account id, got "1234"`},
		{"intent bad bucket", "intent:\n  - buckets: [acme-*]\n    destination_bucket: Not_A_Bucket\n",
			`crrscan.yaml:3: intent[0].destination_bucket: want a bucket name or arn:aws:s3:::NAME, got "Not_A_Bucket"`},
		{"intent rtc not a boolean", "intent:\n  - buckets: [acme-*]\n    rtc: sometimes\n",
			`crrscan.yaml:3: intent[0].rtc: want true or false, got "sometimes"`},
		{"a plain string", "hello\n",
			`crrscan.yaml:1: want a mapping of settings (version, scope, requirements, overrides, severity, waivers, intent, waiver_max_days), got "hello"`},
		{"invalid YAML", "scope:\n  buckets: [a,\n",
			`crrscan.yaml:2: invalid YAML: did not find expected node content`},
		// The YAML parser names the line of the mapping it was reading.
		{"bad indentation", "scope:\n  buckets: [a]\n exclude: [b]\n",
			`crrscan.yaml:2: invalid YAML: did not find expected key`},
		{"two documents", "version: 1\n---\nversion: 1\n",
			`crrscan.yaml:2: want one YAML document, found a second one`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseSettings("crrscan.yaml", []byte(tc.src), testCatalogue())
			if err == nil {
				t.Fatalf("no error; settings %+v", s)
			}
			if err.Error() != tc.want {
				t.Errorf("error\n got %s\nwant %s", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}

func TestParseSettingsLenient(t *testing.T) {
	// Empty values mean "not set"; aliases resolve; check ids are matched ignoring case;
	// unquoted account ids with a leading zero keep their digits.
	s := parse(t, `
scope:
  exclude:
  tags:
requirements:
  allowed_accounts: [012345678901]
  allowed_regions: &regions [eu-west-1]
overrides:
  - buckets: ["x-*"]
    requirements:
      allowed_regions: *regions
waivers:
  - check: crr-010
    buckets: ["*"]
    reason: 42
    owner: o
    ticket: 1234
    expires: 2026-12-31
`)
	if len(s.Scope.Exclude) != 0 || len(s.Scope.Tags) != 0 || !reflect.DeepEqual(s.Scope.Buckets, []string{"*"}) {
		t.Errorf("scope %+v", s.Scope)
	}
	if !reflect.DeepEqual(s.Requirements.AllowedAccounts, []string{"012345678901"}) {
		t.Errorf("accounts %v", s.Requirements.AllowedAccounts)
	}
	if r := s.Overrides[0].Requirements.AllowedRegions; r == nil || !reflect.DeepEqual(*r, []string{"eu-west-1"}) {
		t.Errorf("aliased override %+v", s.Overrides[0])
	}
	if w := s.Waivers[0]; w.Check != "CRR-010" || w.Reason != "42" || w.Ticket != "1234" {
		t.Errorf("waiver %+v", w)
	}
}

func bucketWith(name string, tags map[string]string, errs ...scanner.CollectionError) *scanner.Bucket {
	b := &scanner.Bucket{Name: name, Arn: "arn:aws:s3:::" + name, AccountID: acct, Region: "eu-west-1", Tags: []scanner.Tag{}, Errors: errs}
	for k, v := range tags {
		b.Tags = append(b.Tags, scanner.Tag{Key: k, Value: v})
	}
	return b
}

// notRead drops a bucket's tags as a scan that did not read them leaves them.
func notRead(b *scanner.Bucket) *scanner.Bucket {
	b.Tags = nil
	return b
}

func TestInScope(t *testing.T) {
	full, err := LoadSettings(filepath.Join("testdata", "settings", "full.yaml"), testCatalogue())
	if err != nil {
		t.Fatal(err)
	}
	good := map[string]string{"env": "prod", "team": "data-eng", "cost": "x"}
	tagsDenied := denied("GetBucketTagging", "arn:aws:s3:::prod-a", scanner.ComponentTags)
	cases := []struct {
		name    string
		set     *Settings
		bucket  *scanner.Bucket
		replica bool
		want    bool
	}{
		{"nil settings: a source", nil, bucketWith("anything", nil), false, true},
		{"nil settings: a replica", nil, bucketWith("anything", nil), true, false},
		{"defaults: a replica", DefaultSettings(), bucketWith("anything", nil), true, false},
		{"name and tags match", full, bucketWith("prod-a", good), false, true},
		{"replicas included", full, bucketWith("prod-a", good), true, true},
		{"excluded", full, bucketWith("prod-a-tmp", good), false, false},
		{"? is one character", full, bucketWith("shared-ab", good), false, false},
		{"? matches", full, bucketWith("shared-b", good), false, true},
		{"no glob matches", full, bucketWith("dev-a", good), false, false},
		{"a tag is missing", full, bucketWith("prod-a", map[string]string{"env": "prod"}), false, false},
		{"a tag value differs", full, bucketWith("prod-a", map[string]string{"env": "dev", "team": "data-eng"}), false, false},
		{"a tag value glob fails", full, bucketWith("prod-a", map[string]string{"env": "prod", "team": "ml"}), false, false},
		{"tags unreadable: judged", full, bucketWith("prod-a", nil, tagsDenied), false, true},
		{"tags unreadable, excluded by name", full, bucketWith("prod-a-tmp", nil, tagsDenied), false, false},
		{"tags read, none", full, bucketWith("prod-a", nil), false, false},
		{"tags not read (nil): judged", full, notRead(bucketWith("prod-a", nil)), false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.set.InScope(tc.bucket, tc.replica); got != tc.want {
				t.Errorf("InScope(%s, replica=%v) = %v, want %v", tc.bucket.Name, tc.replica, got, tc.want)
			}
		})
	}
}

func TestResolveOverrides(t *testing.T) {
	full, err := LoadSettings(filepath.Join("testdata", "settings", "full.yaml"), testCatalogue())
	if err != nil {
		t.Fatal(err)
	}
	today := day("2026-11-24")
	base := full.Requirements
	payments := base.clone()
	payments.MinRetentionDays, payments.AllowedRegions, payments.RTC = 365, []string{}, false
	prod := base.clone()
	prod.RTC = false
	for bucket, want := range map[string]Requirements{
		"shared-a":         base,     // no override matches
		"prod-orders":      prod,     // the second override
		"prod-payments-eu": payments, // both, in file order
	} {
		got := full.Resolve(bucket, today)
		if !reflect.DeepEqual(*got.Requirements, want) {
			t.Errorf("%s: requirements\n got %+v\nwant %+v", bucket, *got.Requirements, want)
		}
	}
	// Resolving never changes the settings.
	if !reflect.DeepEqual(full.Requirements.AllowedRegions, []string{"eu-west-1", "us-east-1"}) {
		t.Errorf("settings changed: %+v", full.Requirements)
	}
	// Later overrides win even when an earlier one is more specific.
	s := parse(t, "overrides:\n  - buckets: [a]\n    requirements: {rtc: true, min_retention_days: 7}\n  - buckets: [\"*\"]\n    requirements: {rtc: false}\n")
	if r := s.Resolve("a", today).Requirements; r.RTC || r.MinRetentionDays != 7 {
		t.Errorf("a: %+v", r)
	}
	if r := (*Settings)(nil).Resolve("a", today).Requirements; !reflect.DeepEqual(*r, DefaultRequirements()) {
		t.Errorf("nil settings: %+v", r)
	}
}

func TestResolveWaivers(t *testing.T) {
	s := parse(t, `
waivers:
  - check: CRR-010
    buckets: [prod-legacy, "shared-*"]
    reason: retired in Q1
    owner: data-platform
    ticket: DATA-1
    expires: 2026-12-31
  - check: CRR-015
    buckets: ["*"]
    reason: console-made rules
    owner: platform
    expires: 2027-01-15
`)
	w010 := BucketWaiver{Check: "CRR-010", Reason: "retired in Q1", Owner: "data-platform", Ticket: "DATA-1", Expires: "2026-12-31"}
	w015 := BucketWaiver{Check: "CRR-015", Reason: "console-made rules", Owner: "platform", Expires: "2027-01-15"}
	expired := func(w BucketWaiver) BucketWaiver { w.Expired = true; return w }
	plus2 := time.FixedZone("UTC+2", 2*60*60)
	cases := []struct {
		bucket string
		today  time.Time
		want   []BucketWaiver
	}{
		{"other", day("2026-11-24"), []BucketWaiver{w015}},
		{"prod-legacy", day("2026-11-24"), []BucketWaiver{w010, w015}},
		{"shared-x", time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC), []BucketWaiver{w010, w015}},
		{"shared-x", day("2027-01-01"), []BucketWaiver{expired(w010), w015}},
		// 01:00 on Jan 1 at UTC+2 is still Dec 31 in UTC.
		{"shared-x", time.Date(2027, 1, 1, 1, 0, 0, 0, plus2), []BucketWaiver{w010, w015}},
		{"shared-x", day("2027-01-16"), []BucketWaiver{expired(w010), expired(w015)}},
	}
	for _, tc := range cases {
		got := s.Resolve(tc.bucket, tc.today).Waivers
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s on %s:\n got %+v\nwant %+v", tc.bucket, tc.today, got, tc.want)
		}
	}
}

func TestBucketSettingsJSON(t *testing.T) {
	for _, tc := range []struct {
		s    BucketSettings
		want string
	}{
		{BucketSettings{}, `{}`},
		{DefaultSettings().Resolve("x", day("2026-11-24")),
			`{"requirements":{"rtc":false,"delete_marker_replication":false,"full_coverage":false,"monitoring":false,"allowed_regions":[],"allowed_accounts":[],"allowed_storage_classes":[],"min_retention_days":0},"waivers":[]}`},
		{BucketSettings{Waivers: []BucketWaiver{{Check: "CRR-010", Reason: "r", Owner: "o", Expires: "2026-12-31", Expired: true}}},
			`{"waivers":[{"check":"CRR-010","reason":"r","owner":"o","ticket":"","expires":"2026-12-31","expired":true}]}`},
	} {
		got, err := json.Marshal(tc.s)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tc.want {
			t.Errorf("JSON\n got %s\nwant %s", got, tc.want)
		}
	}
}

func TestInputsWith(t *testing.T) {
	s := parse(t, `
scope:
  exclude: [plain]
  include_replicas: true
requirements:
  rtc: true
waivers:
  - check: CRR-010
    buckets: [src-*]
    reason: r
    owner: o
    expires: 2026-12-31
`)
	byName := map[string]Input{}
	for in := range InputsWith(estate(), s, day("2027-01-01")) {
		byName[in.Bucket.Name] = in
	}
	if len(byName) != len(estate().Buckets) {
		t.Fatalf("%d inputs", len(byName))
	}
	for name, want := range map[string]bool{"src-ok": true, "plain": false, "dst-ok": true, "denied": true} {
		if got := byName[name].Facts.InScope; got != want {
			t.Errorf("%s: in_scope %v, want %v", name, got, want)
		}
	}
	if !byName["dst-ok"].Facts.IsReplica {
		t.Error("dst-ok: the replica fact must not depend on the scope")
	}
	doc, err := json.Marshal(byName["src-bad"])
	if err != nil {
		t.Fatal(err)
	}
	want := `"settings":{"requirements":{"rtc":true,"delete_marker_replication":false,"full_coverage":false,"monitoring":false,"allowed_regions":[],"allowed_accounts":[],"allowed_storage_classes":[],"min_retention_days":0},"waivers":[{"check":"CRR-010","reason":"r","owner":"o","ticket":"","expires":"2026-12-31","expired":true}]}`
	if !strings.Contains(string(doc), want) {
		t.Errorf("input document:\n%s\nlacks\n%s", doc, want)
	}
	if w := byName["paused"].Settings.Waivers; len(w) != 0 {
		t.Errorf("paused: waivers %+v", w)
	}
}

func TestSeverityOf(t *testing.T) {
	s := parse(t, "severity:\n  CRR-015: info\n")
	if got := s.SeverityOf("CRR-015", "low"); got != "info" {
		t.Errorf("CRR-015: %s", got)
	}
	if got := s.SeverityOf("CRR-010", "high"); got != "high" {
		t.Errorf("CRR-010: %s", got)
	}
	if got := (*Settings)(nil).SeverityOf("CRR-015", "low"); got != "low" {
		t.Errorf("nil settings: %s", got)
	}
}

// Checks see the same requirements whether a scan filled in the defaults or
// input.settings is {} (Rego unit tests): Go's defaults are lib/settings.rego's.
func TestDefaultRequirementsMatchRego(t *testing.T) {
	ctx := context.Background()
	opts := []func(*rego.Rego){rego.Query(`x := {
		"rtc": data.crr.lib.settings.rtc,
		"delete_marker_replication": data.crr.lib.settings.delete_marker_replication,
		"full_coverage": data.crr.lib.settings.full_coverage,
		"monitoring": data.crr.lib.settings.monitoring,
		"allowed_regions": data.crr.lib.settings.allowed_regions,
		"allowed_accounts": data.crr.lib.settings.allowed_accounts,
		"allowed_storage_classes": data.crr.lib.settings.allowed_storage_classes,
		"min_retention_days": data.crr.lib.settings.min_retention_days,
	}`)}
	for _, m := range allRegoModules(t) {
		opts = append(opts, rego.ParsedModule(m))
	}
	pq, err := rego.New(opts...).PrepareForEval(ctx)
	if err != nil {
		t.Fatal(err)
	}
	canonical := func(v any) string {
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var generic any
		if err := json.Unmarshal(data, &generic); err != nil {
			t.Fatal(err)
		}
		data, _ = json.Marshal(generic)
		return string(data)
	}
	want := canonical(DefaultRequirements())
	for _, settings := range []any{map[string]any{}, DefaultSettings().Resolve("x", day("2026-11-24"))} {
		rs, err := pq.Eval(ctx, rego.EvalInput(map[string]any{"settings": settings}))
		if err != nil || len(rs) != 1 {
			t.Fatalf("eval: %v %v", rs, err)
		}
		if got := canonical(rs[0].Bindings["x"]); got != want {
			t.Errorf("settings %v: Rego sees %s, Go's defaults are %s", canonical(settings), got, want)
		}
	}
}

// TestIntentResolve: intent entries parse into declared keys (a bucket name becomes
// its ARN) and resolve per bucket like overrides: every matching entry in file
// order, later keys winning; a bucket no entry matches has no intent.
func TestIntentResolve(t *testing.T) {
	src := `intent:
  - buckets: ["acme-*"]
    destination_region: eu-west-1
    destination_account: "444455556666"
    rtc: true
  - buckets: ["acme-invoices-*"]
    destination_bucket: acme-invoices-dr
    rtc: false
  - buckets: ["acme-logs"]
    destination_bucket: arn:aws:s3:::acme-logs-dr
`
	set, err := ParseSettings("crrscan.yaml", []byte(src), testCatalogue())
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Intent) != 3 || set.Intent[1].Line != 6 {
		t.Fatalf("intent entries %+v", set.Intent)
	}
	today := day("2026-11-25")
	cases := map[string]*BucketIntent{
		"acme-media": {DestinationRegion: "eu-west-1", DestinationAccount: "444455556666", RTC: ptr(true)},
		"acme-invoices-2026": {DestinationRegion: "eu-west-1", DestinationAccount: "444455556666",
			DestinationBucket: "arn:aws:s3:::acme-invoices-dr", RTC: ptr(false)},
		"acme-logs": {DestinationRegion: "eu-west-1", DestinationAccount: "444455556666",
			DestinationBucket: "arn:aws:s3:::acme-logs-dr", RTC: ptr(true)},
		"other": nil,
	}
	for bucket, want := range cases {
		got := set.Resolve(bucket, today).Intent
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: intent %+v, want %+v", bucket, got, want)
		}
	}
	doc, err := json.Marshal(set.Resolve("acme-invoices-2026", today))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), `"intent":{"destination_region":"eu-west-1","destination_account":"444455556666","destination_bucket":"arn:aws:s3:::acme-invoices-dr","rtc":false}`) {
		t.Errorf("input.settings: %s", doc)
	}
	if doc, _ := json.Marshal(DefaultSettings().Resolve("other", today)); strings.Contains(string(doc), "intent") {
		t.Errorf("no intent, yet input.settings has one: %s", doc)
	}
}
