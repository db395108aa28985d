package policies

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

// SettingsVersion is the version of the settings file this build reads.
const SettingsVersion = 1

// WaiverCheckID is the check that reports expired waivers.
const WaiverCheckID = "CRR-091"

// dateLayout is how settings write dates (waiver expiry).
const dateLayout = "2006-01-02"

// Settings are a validated settings file (crrscan.yaml). The zero value is not
// useful: start from DefaultSettings or LoadSettings. A nil *Settings behaves as
// DefaultSettings.
type Settings struct {
	// File is the path the settings were read from ("" for the defaults).
	File string
	// Scope says which buckets must replicate (facts.in_scope).
	Scope Scope
	// Requirements apply to every bucket unless an override says otherwise.
	Requirements Requirements
	// Overrides change requirements for the buckets they name; later ones win.
	Overrides []Override
	// Severity replaces the default severity of the checks it names.
	Severity map[string]string
	// Waivers accept a check's findings on some buckets until a date.
	Waivers []Waiver
	// Intent declares the replication some buckets must have (CRR-092); later
	// entries win for the keys they set.
	Intent []Intent
	// WaiverMaxDays is how far ahead a waiver may expire before Lint warns about
	// it (waiver_max_days; DefaultWaiverMaxDays; 0 turns the warning off).
	WaiverMaxDays int
}

// Intent declares, for the buckets its globs match, where their enabled rules must
// replicate and whether with Replication Time Control. Only the keys it sets are
// declared; the others stay as earlier entries (or nothing) declared them.
type Intent struct {
	// Buckets are name globs.
	Buckets []string
	// Expect are the declared keys.
	Expect BucketIntent
	// Line is where the entry starts in the settings file.
	Line int
}

// BucketIntent is the replication declared for one bucket: input.settings.intent.
// Empty strings and a nil RTC are not declared.
type BucketIntent struct {
	// DestinationRegion is the region every enabled rule's destination must be in.
	DestinationRegion string `json:"destination_region,omitempty"`
	// DestinationAccount is the account every enabled rule's destination must belong to.
	DestinationAccount string `json:"destination_account,omitempty"`
	// DestinationBucket is the ARN of the bucket every enabled rule must replicate to.
	DestinationBucket string `json:"destination_bucket,omitempty"`
	// RTC says whether every enabled rule must (true) or must not (false) use
	// Replication Time Control.
	RTC *bool `json:"rtc,omitempty"`
}

// empty reports whether nothing is declared.
func (i BucketIntent) empty() bool {
	return i.DestinationRegion == "" && i.DestinationAccount == "" && i.DestinationBucket == "" && i.RTC == nil
}

// apply sets on dst the keys i declares.
func (i BucketIntent) apply(dst *BucketIntent) {
	if i.DestinationRegion != "" {
		dst.DestinationRegion = i.DestinationRegion
	}
	if i.DestinationAccount != "" {
		dst.DestinationAccount = i.DestinationAccount
	}
	if i.DestinationBucket != "" {
		dst.DestinationBucket = i.DestinationBucket
	}
	if i.RTC != nil {
		v := *i.RTC
		dst.RTC = &v
	}
}

// Scope selects the buckets that must replicate.
type Scope struct {
	// Buckets are name globs (path.Match syntax); a bucket must match one. Default ["*"].
	Buckets []string
	// Exclude are name globs; a bucket that matches one is out of scope.
	Exclude []string
	// Tags are tag key → value glob; a bucket must carry every one.
	Tags map[string]string
	// IncludeReplicas puts buckets that are themselves replication destinations in scope.
	IncludeReplicas bool
}

// Requirements are what a bucket's replication must provide. They are
// input.settings.requirements; checks read these key names.
type Requirements struct {
	// RTC requires Replication Time Control (CRR-040).
	RTC bool `json:"rtc"`
	// DeleteMarkerReplication requires delete markers to replicate: CRR-014 then
	// reports every enabled rule that does not replicate them (tag-filtered rules
	// never can).
	DeleteMarkerReplication bool `json:"delete_marker_replication"`
	// FullCoverage requires the enabled rules to cover the whole bucket (CRR-013).
	FullCoverage bool `json:"full_coverage"`
	// Monitoring requires replication failures to be monitored: CRR-042 then also
	// reports enabled rules without replication metrics (no failure events).
	Monitoring bool `json:"monitoring"`
	// AllowedRegions are the allowed destination regions; empty allows any (CRR-022).
	AllowedRegions []string `json:"allowed_regions"`
	// AllowedAccounts are the allowed destination accounts; empty allows any (CRR-023).
	AllowedAccounts []string `json:"allowed_accounts"`
	// AllowedStorageClasses are the allowed destination storage classes; empty
	// allows any that is not an archive class (CRR-024).
	AllowedStorageClasses []string `json:"allowed_storage_classes"`
	// MinRetentionDays is the shortest lifetime a destination's lifecycle may give
	// current or noncurrent versions; 0 means no minimum (CRR-026).
	MinRetentionDays int `json:"min_retention_days"`
}

// DefaultRequirements are the requirements when the settings file sets none:
// nothing is required and nothing is restricted. They equal the defaults of the Rego
// accessors in lib/settings.rego (false, [] and 0), which checks use when
// input.settings is {}.
func DefaultRequirements() Requirements {
	return Requirements{
		AllowedRegions:        []string{},
		AllowedAccounts:       []string{},
		AllowedStorageClasses: []string{},
	}
}

// RequirementsPatch is what an override sets; nil fields keep the value below.
type RequirementsPatch struct {
	RTC                     *bool
	DeleteMarkerReplication *bool
	FullCoverage            *bool
	Monitoring              *bool
	AllowedRegions          *[]string
	AllowedAccounts         *[]string
	AllowedStorageClasses   *[]string
	MinRetentionDays        *int
}

// Override changes the requirements of the buckets it names.
type Override struct {
	// Buckets are name globs.
	Buckets []string
	// Requirements are the keys this override sets.
	Requirements RequirementsPatch
}

// Waiver accepts the findings of one check on the buckets it names until Expires
// (inclusive).
type Waiver struct {
	// Check is the waived check's id.
	Check string
	// Buckets are name globs.
	Buckets []string
	// Reason, Owner and Ticket say why the risk is accepted, who owns it, and where
	// it is tracked (Ticket may be empty).
	Reason, Owner, Ticket string
	// Expires is the last day (UTC) the waiver holds, at midnight UTC.
	Expires time.Time
	// Line is where the waiver starts in the settings file.
	Line int
}

// BucketSettings are the settings as they apply to one bucket: input.settings. The
// zero value (no settings resolved) is the JSON object {}.
type BucketSettings struct {
	// Requirements are the bucket's effective requirements (overrides applied).
	Requirements *Requirements `json:"requirements,omitempty"`
	// Waivers are the waivers whose bucket globs match the bucket, in file order.
	Waivers []BucketWaiver `json:"waivers"`
	// Intent is the replication declared for the bucket; nil when no intent entry
	// matches it.
	Intent *BucketIntent `json:"intent,omitempty"`
}

// MarshalJSON writes {} for the zero value and never a null list otherwise.
func (s BucketSettings) MarshalJSON() ([]byte, error) {
	if s.Requirements == nil && len(s.Waivers) == 0 && s.Intent == nil {
		return []byte("{}"), nil
	}
	type plain BucketSettings
	p := plain(s)
	if p.Waivers == nil {
		p.Waivers = []BucketWaiver{}
	}
	return json.Marshal(p)
}

// BucketWaiver is one waiver as it applies to a bucket on the scan's date.
type BucketWaiver struct {
	Check  string `json:"check"`
	Reason string `json:"reason"`
	Owner  string `json:"owner"`
	Ticket string `json:"ticket"`
	// Expires is the last day the waiver holds, YYYY-MM-DD.
	Expires string `json:"expires"`
	// Expired is true when the scan's date is after Expires.
	Expired bool `json:"expired"`
}

// DefaultSettings are the settings without a settings file: every bucket that is
// not a replica is in scope, DefaultRequirements, no overrides, severity overrides
// or waivers.
func DefaultSettings() *Settings {
	return &Settings{
		Scope:        Scope{Buckets: []string{"*"}, Exclude: []string{}, Tags: map[string]string{}},
		Requirements: DefaultRequirements(),
		Overrides:    []Override{},
		Severity:     map[string]string{},
		Waivers:      []Waiver{},
		Intent:       []Intent{},

		WaiverMaxDays: DefaultWaiverMaxDays,
	}
}

// orDefault is s, or the defaults when s is nil.
func (s *Settings) orDefault() *Settings {
	if s == nil {
		return DefaultSettings()
	}
	return s
}

// InScope reports whether bucket b must replicate: it is not a replica (unless
// replicas are included), its name matches a scope glob and no exclude glob, and it
// carries every scope tag. When the bucket's tags could not be read, the tag
// condition counts as met: the bucket is judged rather than silently dropped, and
// CRR-090 reports the failed read.
func (s *Settings) InScope(b *scanner.Bucket, isReplica bool) bool {
	s = s.orDefault()
	if isReplica && !s.Scope.IncludeReplicas {
		return false
	}
	if !matchAny(s.Scope.Buckets, b.Name) || matchAny(s.Scope.Exclude, b.Name) {
		return false
	}
	// Tags that were not read (nil: the scan had no tag filter) or could not be read
	// are unknown: the bucket stays in scope rather than silently dropping out.
	if len(s.Scope.Tags) == 0 || b.Tags == nil || slices.ContainsFunc(b.Errors, func(e scanner.CollectionError) bool {
		return e.Component == scanner.ComponentTags
	}) {
		return true
	}
	for k, glob := range s.Scope.Tags {
		if !slices.ContainsFunc(b.Tags, func(t scanner.Tag) bool { return t.Key == k && match(glob, t.Value) }) {
			return false
		}
	}
	return true
}

// Resolve returns the settings of the named bucket on the scan date today: the
// requirements with every matching override applied in file order, the waivers
// whose globs match it, each marked expired when today (as a UTC date) is after its
// expiry date, and the intent of every matching intent entry applied in file order.
func (s *Settings) Resolve(bucket string, today time.Time) BucketSettings {
	s = s.orDefault()
	r := s.Requirements.clone()
	for _, o := range s.Overrides {
		if matchAny(o.Buckets, bucket) {
			o.Requirements.apply(&r)
		}
	}
	day := dateOf(today)
	out := BucketSettings{Requirements: &r, Waivers: []BucketWaiver{}}
	for _, w := range s.Waivers {
		if !matchAny(w.Buckets, bucket) {
			continue
		}
		out.Waivers = append(out.Waivers, BucketWaiver{
			Check: w.Check, Reason: w.Reason, Owner: w.Owner, Ticket: w.Ticket,
			Expires: w.Expires.Format(dateLayout), Expired: day.After(w.Expires),
		})
	}
	var intent BucketIntent
	for _, in := range s.Intent {
		if matchAny(in.Buckets, bucket) {
			in.Expect.apply(&intent)
		}
	}
	if !intent.empty() {
		out.Intent = &intent
	}
	return out
}

// SeverityOf is the severity of check id: the settings' override, else def.
func (s *Settings) SeverityOf(id, def string) string {
	if s != nil {
		if sev, ok := s.Severity[id]; ok {
			return sev
		}
	}
	return def
}

// InputsWith yields the input of every bucket of snap like Inputs, with
// facts.in_scope decided by the settings' scope and input.settings resolved for
// the scan date today. A nil set means DefaultSettings.
func InputsWith(snap *scanner.Snapshot, set *Settings, today time.Time) iter.Seq[Input] {
	set = set.orDefault()
	return func(yield func(Input) bool) {
		for in := range Inputs(snap) {
			in.Facts.InScope = set.InScope(&in.Bucket, in.Facts.IsReplica)
			in.Settings = set.Resolve(in.Bucket.Name, today)
			if !yield(in) {
				return
			}
		}
	}
}

// EvaluateSnapshotWith is EvaluateSnapshot with settings: scope and requirements
// are resolved per bucket (InputsWith), fail findings that an unexpired waiver
// covers become waived (CRR-091 reports the expired ones), and severity overrides
// replace the findings' severities. A nil set means DefaultSettings.
func (e *Engine) EvaluateSnapshotWith(ctx context.Context, snap *scanner.Snapshot, set *Settings, today time.Time, concurrency int) ([]report.Finding, map[string]map[string]int, error) {
	j, err := e.Judge(ctx, snap, set, today, concurrency, false)
	if err != nil {
		return nil, nil, err
	}
	return j.Findings, j.Outcomes, nil
}

// Judge is EvaluateSnapshotWith returning the whole judgement; with keepBuckets it
// also keeps every bucket's outcome per applicable check.
func (e *Engine) Judge(ctx context.Context, snap *scanner.Snapshot, set *Settings, today time.Time, concurrency int, keepBuckets bool) (*Judgement, error) {
	return e.NewJudger(ctx, set.orDefault(), today, concurrency, keepBuckets).Finish(snap)
}

func (r Requirements) clone() Requirements {
	r.AllowedRegions = cloneList(r.AllowedRegions)
	r.AllowedAccounts = cloneList(r.AllowedAccounts)
	r.AllowedStorageClasses = cloneList(r.AllowedStorageClasses)
	return r
}

func (p RequirementsPatch) apply(r *Requirements) {
	setIf(&r.RTC, p.RTC)
	setIf(&r.DeleteMarkerReplication, p.DeleteMarkerReplication)
	setIf(&r.FullCoverage, p.FullCoverage)
	setIf(&r.Monitoring, p.Monitoring)
	setIf(&r.MinRetentionDays, p.MinRetentionDays)
	if p.AllowedRegions != nil {
		r.AllowedRegions = cloneList(*p.AllowedRegions)
	}
	if p.AllowedAccounts != nil {
		r.AllowedAccounts = cloneList(*p.AllowedAccounts)
	}
	if p.AllowedStorageClasses != nil {
		r.AllowedStorageClasses = cloneList(*p.AllowedStorageClasses)
	}
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func cloneList(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}

func dateOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// match reports whether name matches glob (validated when the settings were read).
func match(glob, name string) bool {
	ok, err := path.Match(glob, name)
	return err == nil && ok
}

func matchAny(globs []string, name string) bool {
	return slices.ContainsFunc(globs, func(g string) bool { return match(g, name) })
}

// SettingsError is a problem in a settings file: where it is and what is wrong.
type SettingsError struct {
	// File is the settings file as the user named it.
	File string
	// Line is the 1-based line (0 when unknown).
	Line int
	// Path is the key path, e.g. requirements.min_retention_days or waivers[0].expires
	// ("" for the document itself).
	Path string
	// Msg says what is wrong.
	Msg string
}

// Error is "file:line: path: message".
func (e *SettingsError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// LoadSettings reads and validates the settings file at path. checks is the
// engine's catalogue (Engine.Checks): severity overrides and waivers must name one
// of its checks. Every problem is a *SettingsError naming the file, line and key;
// the first one in file order is returned.
func LoadSettings(path string, checks []Check) (*Settings, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read settings: %w", err)
	}
	return ParseSettings(path, data, checks)
}

// ParseSettings validates a settings document; name is the file name errors give.
// An empty document (or one with only comments) is DefaultSettings.
func ParseSettings(name string, data []byte, checks []Check) (*Settings, error) {
	p := &settingsParser{file: name, checks: checks}
	set := DefaultSettings()
	set.File = name
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return set, nil
		}
		return nil, p.yamlError(err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		return nil, &SettingsError{File: name, Line: next.Line, Msg: "want one YAML document, found a second one"}
	case !errors.Is(err, io.EOF):
		return nil, p.yamlError(err)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return set, nil
		}
		root = root.Content[0]
	}
	if isNull(root) {
		return set, nil
	}
	if err := p.document(root, set); err != nil {
		return nil, err
	}
	return set, nil
}

// settingsParser walks the YAML node tree of a settings file.
type settingsParser struct {
	file   string
	checks []Check
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError turns a YAML syntax error into a SettingsError with its line.
func (p *settingsParser) yamlError(err error) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &SettingsError{File: p.file, Line: line, Msg: "invalid YAML: " + m[2]}
	}
	return &SettingsError{File: p.file, Msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

func (p *settingsParser) fail(n *yaml.Node, keyPath, format string, args ...any) error {
	return &SettingsError{File: p.file, Line: n.Line, Path: keyPath, Msg: fmt.Sprintf(format, args...)}
}

// entry is one key: value pair of a mapping.
type entry struct {
	key  string
	path string
	k, v *yaml.Node
}

// mapping checks that n is a mapping with unique scalar keys, each one of known
// (any key when known is nil), and returns its entries in file order.
func (p *settingsParser) mapping(n *yaml.Node, keyPath, what string, known []string) ([]entry, error) {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		return nil, p.fail(n, keyPath, "want %s, got %s", what, describe(n))
	}
	seen := map[string]int{}
	out := make([]entry, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, p.fail(k, keyPath, "keys must be plain names, got %s", describe(k))
		}
		name := k.Value
		sub := join(keyPath, name)
		if first, dup := seen[name]; dup {
			return nil, p.fail(k, sub, "duplicate key (first at line %d)", first)
		}
		seen[name] = k.Line
		if known != nil && !slices.Contains(known, name) {
			return nil, p.fail(k, sub, "unknown key (known: %s)", strings.Join(known, ", "))
		}
		out = append(out, entry{key: name, path: sub, k: k, v: v})
	}
	return out, nil
}

func join(keyPath, key string) string {
	if keyPath == "" {
		return key
	}
	return keyPath + "." + key
}

// resolve follows YAML aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names what a node holds, for "want X, got Y".
func describe(n *yaml.Node) string {
	n = resolve(n)
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "nothing"
		}
		return strconv.Quote(n.Value)
	}
	return "something else"
}

var topKeys = []string{"version", "scope", "requirements", "overrides", "severity", "waivers", "intent", "waiver_max_days"}

func (p *settingsParser) document(root *yaml.Node, set *Settings) error {
	root = resolve(root)
	if root.Kind != yaml.MappingNode {
		return p.fail(root, "", "want a mapping of settings (%s), got %s", strings.Join(topKeys, ", "), describe(root))
	}
	entries, err := p.mapping(root, "", "", topKeys)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if isNull(e.v) {
			continue // an empty value is the same as leaving the key out
		}
		switch e.key {
		case "version":
			err = p.version(e)
		case "scope":
			err = p.scope(e, &set.Scope)
		case "requirements":
			err = p.requirements(e.v, e.path, &set.Requirements)
		case "overrides":
			set.Overrides, err = p.overrides(e)
		case "severity":
			set.Severity, err = p.severity(e)
		case "waivers":
			set.Waivers, err = p.waivers(e)
		case "intent":
			set.Intent, err = p.intent(e)
		case "waiver_max_days":
			set.WaiverMaxDays, err = p.days(e.v, e.path)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (p *settingsParser) version(e entry) error {
	v := resolve(e.v)
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" {
		return p.fail(v, e.path, "want %d, got %s", SettingsVersion, describe(v))
	}
	if n, err := strconv.Atoi(v.Value); err != nil || n != SettingsVersion {
		return p.fail(v, e.path, "unsupported settings version %s (this crrscan reads version %d)", v.Value, SettingsVersion)
	}
	return nil
}

func (p *settingsParser) scope(e entry, sc *Scope) error {
	entries, err := p.mapping(e.v, e.path, "a mapping (buckets, exclude, tags, include_replicas)",
		[]string{"buckets", "exclude", "tags", "include_replicas"})
	if err != nil {
		return err
	}
	for _, f := range entries {
		if isNull(f.v) {
			continue
		}
		switch f.key {
		case "buckets":
			sc.Buckets, err = p.globs(f.v, f.path, true)
		case "exclude":
			sc.Exclude, err = p.globs(f.v, f.path, false)
		case "tags":
			sc.Tags, err = p.tags(f)
		case "include_replicas":
			sc.IncludeReplicas, err = p.boolean(f.v, f.path)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (p *settingsParser) tags(e entry) (map[string]string, error) {
	entries, err := p.mapping(e.v, e.path, "a mapping of tag keys to values", nil)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(entries))
	for _, f := range entries {
		v := resolve(f.v)
		if v.Kind != yaml.ScalarNode || isNull(v) {
			return nil, p.fail(v, f.path, "want a tag value (a glob), got %s", describe(v))
		}
		if err := p.checkGlob(v, f.path, v.Value, false); err != nil {
			return nil, err
		}
		out[f.key] = v.Value
	}
	return out, nil
}

var requirementKeys = []string{"rtc", "delete_marker_replication", "full_coverage", "monitoring", "allowed_regions",
	"allowed_accounts", "allowed_storage_classes", "min_retention_days"}

// requirements reads a requirements mapping into r.
func (p *settingsParser) requirements(n *yaml.Node, keyPath string, r *Requirements) error {
	var patch RequirementsPatch
	if err := p.requirementsPatch(n, keyPath, &patch); err != nil {
		return err
	}
	patch.apply(r)
	return nil
}

func (p *settingsParser) requirementsPatch(n *yaml.Node, keyPath string, r *RequirementsPatch) error {
	entries, err := p.mapping(n, keyPath, "a mapping ("+strings.Join(requirementKeys, ", ")+")", requirementKeys)
	if err != nil {
		return err
	}
	for _, f := range entries {
		if isNull(f.v) {
			continue
		}
		switch f.key {
		case "rtc":
			r.RTC, err = ptrOf(p.boolean(f.v, f.path))
		case "delete_marker_replication":
			r.DeleteMarkerReplication, err = ptrOf(p.boolean(f.v, f.path))
		case "full_coverage":
			r.FullCoverage, err = ptrOf(p.boolean(f.v, f.path))
		case "monitoring":
			r.Monitoring, err = ptrOf(p.boolean(f.v, f.path))
		case "allowed_regions":
			r.AllowedRegions, err = ptrOf(p.list(f.v, f.path, "region names", p.region))
		case "allowed_accounts":
			r.AllowedAccounts, err = ptrOf(p.list(f.v, f.path, "12-digit account ids", p.account))
		case "allowed_storage_classes":
			r.AllowedStorageClasses, err = ptrOf(p.list(f.v, f.path, "storage classes", p.storageClass))
		case "min_retention_days":
			r.MinRetentionDays, err = ptrOf(p.days(f.v, f.path))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func ptrOf[T any](v T, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	return &v, nil
}

func (p *settingsParser) overrides(e entry) ([]Override, error) {
	items, err := p.sequence(e.v, e.path, "a list of overrides")
	if err != nil {
		return nil, err
	}
	out := make([]Override, 0, len(items))
	for i, item := range items {
		at := fmt.Sprintf("%s[%d]", e.path, i)
		entries, err := p.mapping(item, at, "a mapping (buckets, requirements)", []string{"buckets", "requirements"})
		if err != nil {
			return nil, err
		}
		var o Override
		for _, f := range entries {
			if isNull(f.v) {
				continue
			}
			switch f.key {
			case "buckets":
				o.Buckets, err = p.globs(f.v, f.path, true)
			case "requirements":
				err = p.requirementsPatch(f.v, f.path, &o.Requirements)
			}
			if err != nil {
				return nil, err
			}
		}
		if o.Buckets == nil {
			return nil, p.fail(resolve(item), join(at, "buckets"), "missing (an override names the buckets it applies to)")
		}
		out = append(out, o)
	}
	return out, nil
}

func (p *settingsParser) severity(e entry) (map[string]string, error) {
	entries, err := p.mapping(e.v, e.path, "a mapping of check ids to severities", nil)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(entries))
	for _, f := range entries {
		c, err := p.check(f.k, f.path, f.key)
		if err != nil {
			return nil, err
		}
		if c.Severity == "error" {
			return nil, p.fail(f.k, f.path, "%s reports reads that failed; its severity cannot be changed", c.ID)
		}
		v := resolve(f.v)
		sevs := report.Severities()
		if v.Kind != yaml.ScalarNode || !slices.Contains(sevs, v.Value) {
			return nil, p.fail(v, f.path, "want one of %s, got %s", strings.Join(sevs, ", "), describe(v))
		}
		if _, dup := out[c.ID]; dup {
			return nil, p.fail(f.k, f.path, "%s is already given a severity", c.ID)
		}
		out[c.ID] = v.Value
	}
	return out, nil
}

var waiverKeys = []string{"check", "buckets", "reason", "owner", "ticket", "expires"}

func (p *settingsParser) waivers(e entry) ([]Waiver, error) {
	items, err := p.sequence(e.v, e.path, "a list of waivers")
	if err != nil {
		return nil, err
	}
	out := make([]Waiver, 0, len(items))
	for i, item := range items {
		at := fmt.Sprintf("%s[%d]", e.path, i)
		entries, err := p.mapping(item, at, "a mapping ("+strings.Join(waiverKeys, ", ")+")", waiverKeys)
		if err != nil {
			return nil, err
		}
		w := Waiver{Line: resolve(item).Line}
		set := map[string]bool{}
		for _, f := range entries {
			if isNull(f.v) {
				continue
			}
			set[f.key] = true
			switch f.key {
			case "check":
				w.Check, err = p.waivedCheck(f)
			case "buckets":
				w.Buckets, err = p.globs(f.v, f.path, true)
			case "reason":
				w.Reason, err = p.text(f.v, f.path)
			case "owner":
				w.Owner, err = p.text(f.v, f.path)
			case "ticket":
				w.Ticket, err = p.text(f.v, f.path)
			case "expires":
				w.Expires, err = p.date(f.v, f.path)
			}
			if err != nil {
				return nil, err
			}
		}
		for _, k := range []string{"check", "buckets", "reason", "owner", "expires"} {
			if !set[k] {
				return nil, p.fail(resolve(item), join(at, k), "missing (a waiver needs check, buckets, reason, owner and expires)")
			}
		}
		out = append(out, w)
	}
	return out, nil
}

// waivedCheck reads a waiver's check id; checks that report failed reads or
// expired waivers cannot be waived.
func (p *settingsParser) waivedCheck(f entry) (string, error) {
	v := resolve(f.v)
	if v.Kind != yaml.ScalarNode {
		return "", p.fail(v, f.path, "want a check id such as CRR-010, got %s", describe(v))
	}
	c, err := p.check(v, f.path, v.Value)
	if err != nil {
		return "", err
	}
	switch {
	case c.Severity == "error":
		return "", p.fail(v, f.path, "%s findings report reads that failed and cannot be waived; grant the read permission or fix the error instead", c.ID)
	case c.ID == WaiverCheckID:
		return "", p.fail(v, f.path, "%s reports expired waivers and cannot be waived; renew the expired waiver instead", c.ID)
	}
	return c.ID, nil
}

// check finds the check id in the catalogue (exactly, else ignoring case).
func (p *settingsParser) check(n *yaml.Node, keyPath, id string) (Check, error) {
	for _, c := range p.checks {
		if c.ID == id {
			return c, nil
		}
	}
	for _, c := range p.checks {
		if strings.EqualFold(c.ID, id) {
			return c, nil
		}
	}
	return Check{}, p.fail(n, keyPath, "unknown check %q (see crrscan checks list)", id)
}

func (p *settingsParser) sequence(n *yaml.Node, keyPath, what string) ([]*yaml.Node, error) {
	n = resolve(n)
	if n.Kind != yaml.SequenceNode {
		return nil, p.fail(n, keyPath, "want %s, got %s", what, describe(n))
	}
	return n.Content, nil
}

// list reads a list of scalars, each checked by one.
func (p *settingsParser) list(n *yaml.Node, keyPath, what string, one func(*yaml.Node, string) error) ([]string, error) {
	items, err := p.sequence(n, keyPath, "a list of "+what)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(items))
	for i, item := range items {
		item = resolve(item)
		at := fmt.Sprintf("%s[%d]", keyPath, i)
		if item.Kind != yaml.ScalarNode || isNull(item) {
			return nil, p.fail(item, at, "want one of the %s, got %s", what, describe(item))
		}
		if err := one(item, at); err != nil {
			return nil, err
		}
		out = append(out, item.Value)
	}
	return out, nil
}

// globs reads a list of bucket name globs; nonEmpty refuses an empty list.
func (p *settingsParser) globs(n *yaml.Node, keyPath string, nonEmpty bool) ([]string, error) {
	out, err := p.list(n, keyPath, `bucket name globs, e.g. ["prod-*"]`, func(item *yaml.Node, at string) error {
		return p.checkGlob(item, at, item.Value, true)
	})
	if err != nil {
		return nil, err
	}
	if nonEmpty && len(out) == 0 {
		return nil, p.fail(resolve(n), keyPath, `want at least one bucket name glob ("*" for every bucket)`)
	}
	return out, nil
}

func (p *settingsParser) checkGlob(n *yaml.Node, keyPath, glob string, bucketName bool) error {
	if glob == "" {
		return p.fail(n, keyPath, "empty glob")
	}
	if _, err := path.Match(glob, ""); err != nil {
		return p.fail(n, keyPath, "bad glob %q: %v", glob, err)
	}
	if bucketName && strings.Contains(glob, "/") {
		return p.fail(n, keyPath, "bad glob %q: bucket names never contain '/'", glob)
	}
	return nil
}

func (p *settingsParser) boolean(n *yaml.Node, keyPath string) (bool, error) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		return false, p.fail(n, keyPath, "want true or false, got %s", describe(n))
	}
	b, err := strconv.ParseBool(strings.ToLower(n.Value))
	if err != nil {
		return false, p.fail(n, keyPath, "want true or false, got %s", describe(n))
	}
	return b, nil
}

var wholeNumber = regexp.MustCompile(`^[0-9]+$`)

func (p *settingsParser) days(n *yaml.Node, keyPath string) (int, error) {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!int" && wholeNumber.MatchString(n.Value) {
		if d, err := strconv.Atoi(n.Value); err == nil && d <= 1_000_000 {
			return d, nil
		}
	}
	return 0, p.fail(n, keyPath, "want a whole number of days, got %s", describe(n))
}

// text reads a non-empty single-line-or-more string (numbers are taken as written).
func (p *settingsParser) text(n *yaml.Node, keyPath string) (string, error) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode {
		return "", p.fail(n, keyPath, "want text, got %s", describe(n))
	}
	s := strings.TrimSpace(n.Value)
	if s == "" {
		return "", p.fail(n, keyPath, "must not be empty")
	}
	return s, nil
}

func (p *settingsParser) date(n *yaml.Node, keyPath string) (time.Time, error) {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode {
		if t, err := time.Parse(dateLayout, n.Value); err == nil {
			return t, nil
		}
	}
	return time.Time{}, p.fail(n, keyPath, "want a date YYYY-MM-DD, got %s", describe(n))
}

var regionName = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

func (p *settingsParser) region(n *yaml.Node, keyPath string) error {
	if !regionName.MatchString(n.Value) {
		return p.fail(n, keyPath, "want a region name such as eu-west-1, got %s", describe(n))
	}
	return nil
}

var accountID = regexp.MustCompile(`^[0-9]{12}$`)

func (p *settingsParser) account(n *yaml.Node, keyPath string) error {
	if !accountID.MatchString(n.Value) {
		return p.fail(n, keyPath, "want a 12-digit AWS account id, got %s", describe(n))
	}
	return nil
}

// StorageClasses are the S3 storage classes a replication destination may name.
func StorageClasses() []string {
	return []string{"STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
		"GLACIER", "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE", "FSX_OPENZFS", "FSX_ONTAP"}
}

func (p *settingsParser) storageClass(n *yaml.Node, keyPath string) error {
	if !slices.Contains(StorageClasses(), n.Value) {
		return p.fail(n, keyPath, "unknown storage class %s (known: %s)", describe(n), strings.Join(StorageClasses(), ", "))
	}
	return nil
}

var intentKeys = []string{"buckets", "destination_region", "destination_account", "destination_bucket", "rtc"}

// bucketName is an S3 bucket name (general purpose buckets).
var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// intent reads the intent list: each entry names its buckets and declares at least
// one of the destination's region, account or bucket, or RTC.
func (p *settingsParser) intent(e entry) ([]Intent, error) {
	items, err := p.sequence(e.v, e.path, "a list of intent entries ({buckets, destination_region, destination_account, destination_bucket, rtc})")
	if err != nil {
		return nil, err
	}
	out := make([]Intent, 0, len(items))
	for i, item := range items {
		at := fmt.Sprintf("%s[%d]", e.path, i)
		entries, err := p.mapping(item, at, "a mapping ("+strings.Join(intentKeys, ", ")+")", intentKeys)
		if err != nil {
			return nil, err
		}
		in := Intent{Line: resolve(item).Line}
		for _, f := range entries {
			if isNull(f.v) {
				continue
			}
			v := resolve(f.v)
			switch f.key {
			case "buckets":
				in.Buckets, err = p.globs(f.v, f.path, true)
			case "destination_region":
				if v.Kind != yaml.ScalarNode {
					err = p.fail(v, f.path, "want a region name such as eu-west-1, got %s", describe(v))
				} else if err = p.region(v, f.path); err == nil {
					in.Expect.DestinationRegion = v.Value
				}
			case "destination_account":
				if v.Kind != yaml.ScalarNode {
					err = p.fail(v, f.path, "want a 12-digit AWS account id, got %s", describe(v))
				} else if err = p.account(v, f.path); err == nil {
					in.Expect.DestinationAccount = v.Value
				}
			case "destination_bucket":
				in.Expect.DestinationBucket, err = p.destinationBucket(v, f.path)
			case "rtc":
				in.Expect.RTC, err = ptrOf(p.boolean(f.v, f.path))
			}
			if err != nil {
				return nil, err
			}
		}
		if in.Buckets == nil {
			return nil, p.fail(resolve(item), join(at, "buckets"), "missing (an intent entry names the buckets it declares replication for)")
		}
		if in.Expect.empty() {
			return nil, p.fail(resolve(item), at, "declares nothing: set destination_region, destination_account, destination_bucket or rtc")
		}
		out = append(out, in)
	}
	return out, nil
}

// destinationBucket reads a bucket name or S3 bucket ARN and returns the ARN.
func (p *settingsParser) destinationBucket(n *yaml.Node, keyPath string) (string, error) {
	if n.Kind == yaml.ScalarNode && !isNull(n) {
		name := strings.TrimPrefix(n.Value, "arn:aws:s3:::")
		if bucketName.MatchString(name) && !strings.Contains(name, "..") {
			return "arn:aws:s3:::" + name, nil
		}
	}
	return "", p.fail(n, keyPath, "want a bucket name or arn:aws:s3:::NAME, got %s", describe(n))
}
