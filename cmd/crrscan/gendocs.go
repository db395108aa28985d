package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// newGenDocsCmd is the hidden `crrscan gen-docs`: the man pages (make man) and a
// Markdown reference of every command, generated from this command tree.
func newGenDocsCmd(s streams) *cobra.Command {
	var manDir, mdDir string
	cmd := &cobra.Command{
		Use:    "gen-docs",
		Short:  "Write the man pages and the Markdown CLI reference",
		Hidden: true,
		Args:   noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			root := cmd.Root()
			root.DisableAutoGenTag = true // no date: the pages are reproducible
			if manDir != "" {
				if err := os.MkdirAll(manDir, 0o755); err != nil {
					return err
				}
				header := &doc.GenManHeader{Title: "CRRSCAN", Section: "1", Source: "crrscan " + version, Manual: "crrscan manual"}
				if err := doc.GenManTree(root, header, manDir); err != nil {
					return fmt.Errorf("man pages: %w", err)
				}
				fmt.Fprintf(s.err, "wrote the man pages to %s\n", manDir)
			}
			if mdDir != "" {
				if err := os.MkdirAll(mdDir, 0o755); err != nil {
					return err
				}
				if err := doc.GenMarkdownTree(root, mdDir); err != nil {
					return fmt.Errorf("markdown reference: %w", err)
				}
				fmt.Fprintf(s.err, "wrote the Markdown reference to %s\n", mdDir)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&manDir, "man", "", "write man pages (section 1) to this `directory`")
	cmd.Flags().StringVar(&mdDir, "markdown", "", "write the Markdown reference to this `directory`")
	return cmd
}
