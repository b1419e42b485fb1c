// Command wtscan-extract finds target genes in genome assemblies (by search,
// annotation or hit table) and writes their proteins.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/wtscan/wtscan/internal/extract"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := extract.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
