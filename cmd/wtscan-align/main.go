// Command wtscan-align aligns proteins to their wild-type references with
// Smith-Waterman scored exactly as EMBOSS water.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/wtscan/wtscan/internal/alignstep"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := alignstep.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
