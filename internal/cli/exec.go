package cli

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// MainFunc is the signature of every step's Main.
type MainFunc func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int

// Exec runs main with the process's arguments and standard streams, cancels
// its context on Ctrl-C or SIGTERM, and exits with its code. It is all a
// cmd/wtscan-*/main.go does.
func Exec(main MainFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
