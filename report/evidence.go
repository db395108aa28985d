package report

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/crrscan/crrscan/scanner"
)

// BucketEvidence is the live verification evidence of one replicating bucket
// (scan --verify-objects, --verify-metrics, --canary), as the HTML report shows it
// beside the bucket's findings. The pipeline fills Result.Evidence from the snapshot.
type BucketEvidence struct {
	AccountID, Region, Bucket string
	// Objects says where the object counts come from ("" when objects were not verified).
	Objects string
	Rules   []RuleEvidence
}

// RuleEvidence is one enabled rule's evidence; a part that was not verified is "".
type RuleEvidence struct {
	RuleID, Destination string
	// Counts are the version counts by status ("" without object evidence), e.g.
	// "COMPLETED 5 · PENDING 3 (2 late) · FAILED 3 · none 4 of 15".
	Counts string
	// Metrics summarises the CloudWatch metrics per region; Canary the canary.
	Metrics, Canary string
	// Bad is true when the evidence shows a problem (failed, late, never
	// replicated, metric failures, canary not replicated).
	Bad bool
}

// evidenceView is the HTML report's evidence table, one row per rule.
type evidenceView struct {
	Rows []evidenceRow
}

type evidenceRow struct {
	Bucket, Place, Objects    string
	Rule, Destination, Counts string
	Metrics, Canary           string
	Bad                       bool
}

// newEvidenceView orders the evidence by account, region, bucket and rule and
// makes every text readable; nil without evidence.
func newEvidenceView(ev []BucketEvidence) *evidenceView {
	if len(ev) == 0 {
		return nil
	}
	bs := slices.Clone(ev)
	sort.SliceStable(bs, func(i, j int) bool {
		a, b := bs[i], bs[j]
		return cmp.Or(strings.Compare(a.AccountID, b.AccountID), strings.Compare(a.Region, b.Region), strings.Compare(a.Bucket, b.Bucket)) < 0
	})
	v := &evidenceView{}
	for _, b := range bs {
		rules := slices.Clone(b.Rules)
		sort.SliceStable(rules, func(i, j int) bool { return rules[i].RuleID < rules[j].RuleID })
		for _, r := range rules {
			v.Rows = append(v.Rows, evidenceRow{
				Bucket: readableLine(b.Bucket), Place: readableLine(fmt.Sprintf("%s · %s", b.AccountID, b.Region)),
				Objects: readableLine(b.Objects), Rule: readableLine(r.RuleID), Destination: readableLine(r.Destination),
				Counts: readableLine(r.Counts), Metrics: readableLine(r.Metrics), Canary: readableLine(r.Canary), Bad: r.Bad,
			})
		}
	}
	return v
}

// verificationLine is the table summary's line of verification requests ("" without any).
func verificationLine(reqs map[string]int) string {
	if len(reqs) == 0 {
		return ""
	}
	ops := make([]string, 0, len(reqs))
	total := 0
	for op, n := range reqs {
		ops = append(ops, fmt.Sprintf("%s %d", op, n))
		total += n
	}
	sort.Strings(ops)
	return fmt.Sprintf("Verification requests: %d (%s)", total, strings.Join(ops, ", "))
}

// WriteCanary writes what `crrscan verify canary` saw on one bucket, one line per
// canary and per read error, with hostile text neutralised for a terminal.
func WriteCanary(w io.Writer, b *scanner.Bucket) error {
	bw := bufio.NewWriter(w)
	if b.Verification != nil && b.Verification.Canary != nil {
		for _, c := range b.Verification.Canary.Results {
			line := fmt.Sprintf("%s: %s", b.Name, c.Outcome)
			if c.RuleID != "" {
				line = fmt.Sprintf("%s rule %s → %s: %s", b.Name, c.RuleID, c.Destination, c.Outcome)
			}
			if c.Outcome == scanner.CanaryReplicated {
				line += fmt.Sprintf(" in %.1f s", c.Seconds)
			}
			if c.SourceStatus != "" {
				line += ", source status " + c.SourceStatus
			}
			if c.Key != "" {
				line += ", key " + c.Key
			}
			if c.Message != "" && c.Outcome != scanner.CanaryReplicated {
				line += " (" + c.Message + ")"
			}
			fmt.Fprintln(bw, terminalText(line))
			for _, u := range c.Uncleaned {
				fmt.Fprintln(bw, terminalText(fmt.Sprintf("  not deleted: s3://%s/%s version %q: %s", u.Bucket, u.Key, u.VersionID, u.Error)))
			}
		}
	}
	for _, e := range b.Errors {
		fmt.Fprintln(bw, terminalText(fmt.Sprintf("error: %s on %s failed with %s: %s", e.Operation, e.Resource, e.Code, e.Message)))
	}
	return bw.Flush()
}
