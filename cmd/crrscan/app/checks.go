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
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(checks)
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
	c, ok := e.Check(id)
	if !ok {
		c, ok = e.Check(strings.ToUpper(id))
	}
	if !ok {
		return UsageError(fmt.Errorf("checks explain: no check %q (see crrscan checks list)", id))
	}
	fmt.Fprintf(w, "%s  %s  [%s]\n\n", c.ID, c.Title, c.Severity)
	if c.Guide != "" {
		fmt.Fprintf(w, "Guide: %s\n\n", c.Guide)
	}
	fmt.Fprintf(w, "What it means:\n  %s\n\nHow to fix:\n  %s\n", c.Description, c.Remediation)
	if len(c.Requires) > 0 {
		fmt.Fprintf(w, "\nNeeds these reads: %s (not judged on a bucket where one failed)\n", strings.Join(c.Requires, ", "))
	}
	return nil
}
