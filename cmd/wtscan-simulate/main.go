// Command wtscan-simulate writes synthetic alignment workloads: reference
// proteins and realistic query variants. It is a developer tool for
// `make bench` (scripts/bench.sh), not one of the pipeline steps.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/wtscan/wtscan/internal/simulate"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := simulate.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
