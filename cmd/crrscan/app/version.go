package app

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"text/tabwriter"

	"github.com/crrscan/crrscan/policies"
)

// Build is what the release build stamps into the binary (-ldflags -X); empty
// fields are filled from the Go build information where it has them.
type Build struct {
	Version, Commit, Date string
}

// opaModule is the module whose version `crrscan version` reports.
const opaModule = "github.com/open-policy-agent/opa"

// WriteVersion prints the version, the commit and date of the build, the Go and
// OPA versions, and the digest of the built-in check catalogue (the result's
// policy_digest of a scan without --policy-dir).
func WriteVersion(ctx context.Context, w io.Writer, b Build) error {
	e, err := policies.New(ctx)
	if err != nil {
		return fmt.Errorf("load policies: %w", err)
	}
	opa := "unknown"
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, d := range info.Deps {
			if d.Path == opaModule {
				opa = d.Version
			}
		}
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && b.Commit == "":
				b.Commit = s.Value
			case s.Key == "vcs.time" && b.Date == "":
				b.Date = s.Value
			}
		}
	}
	fmt.Fprintf(w, "crrscan %s\n", b.Version)
	tw := tabwriter.NewWriter(w, 0, 4, 1, ' ', 0)
	for _, row := range [][2]string{
		{"commit", orUnknown(b.Commit)},
		{"built", orUnknown(b.Date)},
		{"go", runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH},
		{"opa", opa},
		{"checks digest", e.Digest()},
	} {
		fmt.Fprintf(tw, "  %s:\t%s\n", row[0], row[1])
	}
	return tw.Flush()
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
