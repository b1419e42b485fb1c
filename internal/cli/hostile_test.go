package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wtscan/wtscan/internal/fsx"
)

type floatCLI struct {
	Shared
	MinIdentity float64 `default:"70" help:"x"`
}

// TestNonFiniteFloats (issue 13 item 10): NaN or an infinity in any float
// flag is a usage error; a NaN threshold would switch its filter off.
func TestNonFiniteFloats(t *testing.T) {
	for _, v := range []string{"NaN", "nan", "Inf", "+Inf", "-inf", "1e999"} {
		var c floatCLI
		var out, errb bytes.Buffer
		_, code, ok := Parse(context.Background(), "wtscan-test", "test", &c, &c.Shared, []string{"--min-identity", v}, nil, &out, &errb)
		if ok || code != ExitUsage {
			t.Errorf("--min-identity %s: ok=%v code=%d, want a usage error", v, ok, code)
		}
	}
	var c floatCLI
	if _, _, ok := Parse(context.Background(), "wtscan-test", "test", &c, &c.Shared, []string{"--min-identity", "99.5"}, nil, io.Discard, io.Discard); !ok || c.MinIdentity != 99.5 {
		t.Errorf("a finite value is refused")
	}
}

// TestSignalStops (issue 13 item 9): on SIGTERM or SIGINT a step that never
// looks at its context is stopped after the grace period, its temporary
// output removed, with 128+signal; a step that does look returns at once
// with its own non-zero code.
func TestSignalStops(t *testing.T) {
	for _, tt := range []struct {
		name   string
		sig    syscall.Signal
		honour bool
		want   int
	}{
		{"SIGTERM, busy step", syscall.SIGTERM, false, 143},
		{"SIGINT, busy step", syscall.SIGINT, false, 130},
		{"SIGTERM, step sees its context", syscall.SIGTERM, true, ExitFail},
	} {
		t.Run(tt.name, func(t *testing.T) {
			defer fsx.Resume()
			dir := t.TempDir()
			started := make(chan struct{})
			block := make(chan struct{})
			defer close(block)
			main := func(ctx context.Context, _ []string, _ io.Reader, _, _ io.Writer) int {
				f, err := fsx.CreateAtomic(filepath.Join(dir, "out.tsv"))
				if err != nil {
					return ExitFail
				}
				defer f.Abort()
				f.WriteString("half")
				close(started)
				if tt.honour {
					<-ctx.Done()
					return ExitFail
				}
				<-block // busy, never looking at ctx
				return ExitOK
			}
			go func() {
				<-started
				syscall.Kill(os.Getpid(), tt.sig)
			}()
			var errb bytes.Buffer
			t0 := time.Now()
			code := run(main, nil, nil, io.Discard, &errb, 200*time.Millisecond)
			if code != tt.want {
				t.Errorf("exit %d, want %d (%s)", code, tt.want, errb.String())
			}
			if time.Since(t0) > 5*time.Second {
				t.Errorf("took %v to stop", time.Since(t0))
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("left behind: %v", entries)
			}
			if !tt.honour && !strings.Contains(errb.String(), "stopped by") {
				t.Errorf("no message: %q", errb.String())
			}
		})
	}
}
