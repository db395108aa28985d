// Command crrscan audits AWS S3 Cross-Region Replication across accounts and regions.
//
// main is the only place that turns an outcome into a process exit code.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/crrscan/crrscan/report"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code, err := run(ctx, os.Args[1:], streams{out: os.Stdout, err: os.Stderr})
	stop()
	if err != nil {
		var ee *report.ExitError
		if errors.As(err, &ee) {
			if ee.Err != nil {
				fmt.Fprintf(os.Stderr, "crrscan: %v\n", ee.Err)
			}
			os.Exit(ee.Code)
		}
		fmt.Fprintf(os.Stderr, "crrscan: %v\n", err)
		os.Exit(report.ExitIncomplete)
	}
	os.Exit(code)
}
