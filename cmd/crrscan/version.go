package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/crrscan/crrscan/cmd/crrscan/app"
)

// Set at build time with -ldflags "-X main.version=... -X main.commit=... -X
// main.date=..." (make build, make release).
var (
	version = "dev"
	commit  = ""
	date    = ""
)

func build() app.Build { return app.Build{Version: version, Commit: commit, Date: date} }

// newVersionCmd is `crrscan version` (also `crrscan --version` and `-v`).
func newVersionCmd(s streams, action actionFunc) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit, build date, Go and OPA versions, and the checks' digest",
		Args:  noArgs,
	}
	cmd.RunE = action(func(ctx context.Context, _ []string) (int, error) {
		return 0, app.WriteVersion(ctx, s.out, build())
	})
	return cmd
}
