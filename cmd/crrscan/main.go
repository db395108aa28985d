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
	"runtime/debug"
	"syscall"
	"time"

	"github.com/crrscan/crrscan/report"
)

// stopGrace is how long crrscan may take to stop cleanly after SIGINT or
// SIGTERM (removing its temporary files) before it exits regardless; a second
// signal exits at once.
const stopGrace = 5 * time.Second

func main() {
	// A crash (a bug, or SIGQUIT) aborts with SIGABRT instead of the runtime's
	// exit status 2, which is crrscan's usage error.
	debug.SetTraceback("crash")

	ctx, cancel := context.WithCancel(context.Background())
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	got := make(chan os.Signal, 1)
	go func() {
		sig := <-signals
		got <- sig
		cancel()
		select {
		case <-signals:
		case <-time.After(stopGrace):
		}
		fmt.Fprintf(os.Stderr, "crrscan: %s: stopped without waiting for the scan to wind down\n", signalName(sig))
		os.Exit(signalCode(sig))
	}()

	code, err := run(ctx, os.Args[1:], streams{out: os.Stdout, err: os.Stderr})
	select {
	case sig := <-got:
		// The outputs are written through temporary files renamed into place:
		// those not renamed yet were removed, none is half-written.
		fmt.Fprintf(os.Stderr, "crrscan: %s: scan stopped; no report or snapshot was left half-written\n", signalName(sig))
		os.Exit(signalCode(sig))
	default:
	}
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

// signalCode is the shell's convention for a process ended by a signal, 128 +
// its number: 130 for SIGINT, 143 for SIGTERM (the only two crrscan handles).
func signalCode(sig os.Signal) int {
	if sig == os.Interrupt {
		return 128 + int(syscall.SIGINT)
	}
	return 128 + int(syscall.SIGTERM)
}

func signalName(sig os.Signal) string {
	switch sig {
	case os.Interrupt:
		return "interrupted (SIGINT)"
	case syscall.SIGTERM:
		return "terminated (SIGTERM)"
	}
	return sig.String()
}
