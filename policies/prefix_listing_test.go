package policies

import (
	"strings"
	"testing"

	"github.com/crrscan/crrscan/scanner"
)

// CRR-017 requires the listing of the rule prefixes: a failed listing leaves the
// check not judged on that bucket (error; CRR-090 reports the failure) rather than
// passing a prefix it could not see; a listed bucket is judged on both reasons.
func TestPrefixListingJudgedPerReason(t *testing.T) {
	e := newEngine(t)
	rule := func(id, prefix string) scanner.ReplicationRule {
		r := enabledRule(id, "arn:aws:s3:::dst-ok")
		r.Filter = &scanner.ReplicationRuleFilter{Prefix: ptr(prefix)}
		return r
	}
	cfg := config("crr-ok", rule("slash", "/logs/"), rule("plain", "data/"))
	evaluate := func(b scanner.Bucket) Evaluation {
		t.Helper()
		s := &scanner.Snapshot{
			SchemaVersion: scanner.SchemaVersion, Accounts: []string{acct}, Regions: []string{"eu-west-1"},
			Buckets:      []scanner.Bucket{b},
			Destinations: []scanner.LinkedBucket{linked("dst-ok", "us-east-1", ptr(true), "Enabled")},
			Roles:        []scanner.Role{role("crr-ok", ptr(true), s3Trust)},
		}
		return evaluateOne(t, e, s)
	}
	crr017 := func(ev Evaluation) map[string]string {
		out := map[string]string{}
		for _, f := range ev.Findings {
			if f.CheckID == "CRR-017" {
				out[f.RuleID] = f.Message
			}
		}
		return out
	}

	failed := bucket("src", "eu-west-1", "Enabled", cfg,
		denied("ListObjectsV2", "arn:aws:s3:::src", scanner.ComponentObjects))
	ev := evaluate(failed)
	if got := crr017(ev); ev.Outcomes["CRR-017"] != OutcomeError || len(got) != 0 {
		t.Errorf("listing failed: CRR-017 outcome %q, findings %q; want error (not judged) and no finding", ev.Outcomes["CRR-017"], got)
	}
	if ev.Outcomes[ErrorCheckID] != OutcomeError {
		t.Errorf("listing failed: %s outcome %q, want error", ErrorCheckID, ev.Outcomes[ErrorCheckID])
	}

	listed := bucket("src", "eu-west-1", "Enabled", cfg)
	listed.PrefixHasObjects = map[string]bool{"/logs/": true, "data/": false}
	ev = evaluate(listed)
	if got := crr017(ev); len(got) != 1 || !strings.Contains(got["plain"], `"data/", which matches no object in the bucket`) {
		t.Errorf("listed: CRR-017 findings %q; want only the plain rule, which matches nothing", got)
	}
	if o, ok := ev.Outcomes[ErrorCheckID]; ok && o != OutcomePass {
		t.Errorf("listed: %s outcome %q", ErrorCheckID, o)
	}
}
