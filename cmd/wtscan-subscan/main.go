// Command wtscan-subscan names every amino-acid change against the wild type
// and marks the ones a resistance catalogue knows.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/wtscan/wtscan/internal/subscan"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := subscan.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
