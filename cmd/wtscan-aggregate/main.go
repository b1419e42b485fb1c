// Command wtscan-aggregate summarises a cohort: cohort tables, co-occurrence
// statistics, a hAMRonization table, provenance and a self-contained report.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/wtscan/wtscan/internal/aggregate"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := aggregate.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
