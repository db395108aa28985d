package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/crrscan/crrscan/policies"
)

// checkDoc is a check as `checks list --format json` prints it.
type checkDoc struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Severity    string   `json:"severity"`
	Description string   `json:"description"`
	Guide       string   `json:"guide"`
	Remediation string   `json:"remediation"`
	Requires    []string `json:"requires"`
}

func docOf(c policies.Check) checkDoc {
	req := c.Requires
	if req == nil {
		req = []string{}
	}
	return checkDoc{ID: c.ID, Title: c.Title, Severity: c.Severity, Description: c.Description,
		Guide: c.Guide, Remediation: c.Remediation, Requires: req}
}

// ListChecks prints the catalogue as a table or JSON.
func ListChecks(ctx context.Context, w io.Writer, format string, policyDirs []string) error {
	if format != "table" && format != "json" {
		return UsageError(fmt.Errorf("checks list: unknown --format %q (want table or json)", format))
	}
	e, err := policies.New(ctx, policyDirs...)
	if err != nil {
		return UsageError(fmt.Errorf("load policies: %w", err))
	}
	checks := e.Checks()
	if format == "json" {
		docs := make([]checkDoc, 0, len(checks))
		for _, c := range checks {
			docs = append(docs, docOf(c))
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(docs)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tTITLE")
	for _, c := range checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.ID, c.Severity, c.Title)
	}
	return tw.Flush()
}

// ExplainCheck prints one check in full.
func ExplainCheck(ctx context.Context, w io.Writer, id string, policyDirs []string) error {
	e, err := policies.New(ctx, policyDirs...)
	if err != nil {
		return UsageError(fmt.Errorf("load policies: %w", err))
	}
	for _, c := range e.Checks() {
		if strings.EqualFold(c.ID, id) {
			fmt.Fprintf(w, "%s  %s  [%s]\n\n", c.ID, c.Title, c.Severity)
			if c.Guide != "" {
				fmt.Fprintf(w, "Guide:        %s\n", c.Guide)
			}
			fmt.Fprintf(w, "What it means:\n  %s\n\nHow to fix:\n  %s\n", c.Description, c.Remediation)
			if len(c.Requires) > 0 {
				fmt.Fprintf(w, "\nNeeds these reads: %s (not judged when one failed)\n", strings.Join(c.Requires, ", "))
			}
			return nil
		}
	}
	return UsageError(fmt.Errorf("checks explain: no check %q (see crrscan checks list)", id))
}
