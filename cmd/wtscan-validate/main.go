// Command wtscan-validate checks wtscan inputs and outputs and reports every
// problem found in one run.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/wtscan/wtscan/internal/validate"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := validate.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
