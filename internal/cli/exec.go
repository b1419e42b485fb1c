package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/wtscan/wtscan/internal/fsx"
)

// MainFunc is the signature of every step's Main.
type MainFunc func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int

// Grace is how long a step has, after SIGINT or SIGTERM, to stop on its own
// (it sees its context cancelled, removes its temporary files and returns
// non-zero) before Exec removes them and exits for it.
const Grace = 2 * time.Second

// Exec runs main with the process's arguments and standard streams, and
// exits with its code. It is all a cmd/wtscan-*/main.go does.
//
// On Ctrl-C or SIGTERM, main's context is cancelled. A step that does not
// return within Grace (one busy in a loop that does not look at its context)
// is stopped for it: every temporary output file and folder still open is
// removed, later commits are refused, and the process exits 130 (SIGINT) or
// 143 (SIGTERM), as a shell reports a process killed by the signal. A second
// signal stops it at once the same way.
func Exec(main MainFunc) {
	os.Exit(run(main, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, Grace))
}

func run(main MainFunc, args []string, stdin io.Reader, stdout, stderr io.Writer, grace time.Duration) int {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- main(ctx, args, stdin, stdout, stderr) }()
	var first os.Signal
	var timeout <-chan time.Time
	for {
		select {
		case code := <-done:
			if first != nil {
				fsx.AbortAll()
				if code == ExitOK {
					code = signalCode(first)
				}
			}
			return code
		case s := <-sigs:
			if first == nil {
				first = s
				cancel()
				timeout = time.After(grace)
				continue
			}
			return stopNow(stderr, first)
		case <-timeout:
			return stopNow(stderr, first)
		}
	}
}

func stopNow(stderr io.Writer, s os.Signal) int {
	fsx.AbortAll()
	fmt.Fprintf(stderr, "%s: stopped by %v; no output written\n", progName(), s)
	return signalCode(s)
}

func progName() string {
	if len(os.Args) > 0 {
		return os.Args[0]
	}
	return "wtscan"
}

// signalCode is 128 + the signal number, the shell's code for a process
// ended by a signal.
func signalCode(s os.Signal) int {
	if n, ok := s.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return ExitFail
}
