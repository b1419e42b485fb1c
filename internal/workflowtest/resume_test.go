package workflowtest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wtscan/wtscan/internal/testdata"
)

// slowAlign is a wtscan-align stand-in put first on PATH: for the chunk named
// by $WTSCAN_SLOW_CHUNK it writes its pid to $WTSCAN_SLOW_MARK and sleeps
// (exec, so the pid is the sleeping process), so that the test can kill a job
// deterministically in the middle of a run; every other call runs the real binary.
const slowAlign = `#!/bin/sh
case "$*" in
  *"results/chunks/$WTSCAN_SLOW_CHUNK/"*)
    echo $$ > "$WTSCAN_SLOW_MARK.tmp" && mv "$WTSCAN_SLOW_MARK.tmp" "$WTSCAN_SLOW_MARK"
    exec sleep 300 ;;
esac
exec "$WTSCAN_REAL_BIN/wtscan-align" "$@"
`

// TestResume interrupts a run while one align job runs, reruns it, and checks
// that jobs finished before the interruption are not redone and that the
// final outputs are byte-identical to those of an uninterrupted run.
func TestResume(t *testing.T) {
	sm := testdata.Command(t, "snakemake", "snakemake")
	bin := binDir(t)
	// Four chunks of one sample each, so that some jobs finish before the
	// interruption and others do not.
	args := []string{"--cores", "2", "--config", "chunk_size=1"}

	// Every run uses the same working directory, as a person rerunning a
	// workflow does.
	dir := workdir(t)
	r := run{dir: dir, path: []string{bin}}
	r.mustExec(t, sm, args...)
	want := snapshot(t, dir)

	tests := []struct {
		name string
		// interrupt stops the run once the slow align job is running; pid is
		// that job's process, snakemake the snakemake process.
		interrupt func(t *testing.T, pid, snakemake int)
		// wrapper reruns through scripts/run-workflow.sh, which must remove
		// the lock a hard-killed Snakemake leaves behind.
		wrapper bool
	}{
		{"job killed", func(t *testing.T, pid, _ int) {
			if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
				t.Fatalf("kill job %d: %v", pid, err)
			}
		}, false},
		{"ctrl-c", func(t *testing.T, _, snakemake int) {
			// Ctrl-C in a terminal: SIGINT to the whole foreground process
			// group, snakemake and its running jobs (snakemake runs in its
			// own group here, so that is -pid).
			if err := syscall.Kill(-snakemake, syscall.SIGINT); err != nil {
				t.Fatalf("interrupt snakemake %d: %v", snakemake, err)
			}
		}, false},
		{"snakemake killed", func(t *testing.T, pid, snakemake int) {
			// A preempted head job or a lost login node: Snakemake gets no
			// chance to clean up and leaves its lock.
			if err := syscall.Kill(snakemake, syscall.SIGKILL); err != nil {
				t.Fatalf("kill snakemake %d: %v", snakemake, err)
			}
			// Its orphaned slow job would hold the output pipe for 300 s.
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, d := range []string{"results", "logs", "benchmarks", ".snakemake"} {
				if err := os.RemoveAll(filepath.Join(dir, d)); err != nil {
					t.Fatal(err)
				}
			}
			wrap := t.TempDir()
			if err := os.WriteFile(filepath.Join(wrap, "wtscan-align"), []byte(slowAlign), 0o755); err != nil {
				t.Fatal(err)
			}
			mark := filepath.Join(t.TempDir(), "slow.pid")
			slow := run{dir: dir, path: []string{wrap, bin}, env: []string{
				"WTSCAN_SLOW_CHUNK=0002", "WTSCAN_SLOW_MARK=" + mark, "WTSCAN_REAL_BIN=" + bin,
			}}

			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			cmd := slow.command(ctx, sm, args...)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })

			pid := waitPID(t, mark, done, &out)
			t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
			before := files(t, dir, "results")
			if _, ok := before["results/chunks/0002/proteins.parquet"]; !ok {
				t.Fatalf("align of chunk 0002 runs but its input is missing")
			}
			if _, ok := before["results/chunks/0002/alignments.parquet"]; ok {
				t.Fatalf("the slow align job's output exists before it finished")
			}
			tt.interrupt(t, pid, cmd.Process.Pid)
			select {
			case err := <-done:
				if err == nil {
					t.Fatalf("the interrupted run exited 0:\n%s", tail(out.String(), 30))
				}
			case <-time.After(2 * time.Minute):
				t.Fatalf("snakemake did not stop after the interruption:\n%s", tail(out.String(), 30))
			}
			_ = syscall.Kill(pid, syscall.SIGKILL)
			if _, err := os.Stat(filepath.Join(dir, "results/chunks/0002/alignments.parquet")); err == nil {
				t.Fatalf("the killed job left its output behind")
			}

			// The rerun, with the real binaries only.
			again := run{dir: dir, path: []string{bin}}
			var rerun string
			if tt.wrapper {
				if locks, _ := filepath.Glob(filepath.Join(dir, ".snakemake", "locks", "*")); len(locks) == 0 {
					t.Fatalf("the killed Snakemake left no lock: nothing to test")
				}
				rerun = again.mustExec(t, "bash", append([]string{"scripts/run-workflow.sh"}, args...)...)
				if !strings.Contains(rerun, "stale lock") {
					t.Errorf("run-workflow.sh did not report the stale lock:\n%s", tail(rerun, 30))
				}
			} else {
				rerun = again.mustExec(t, sm, append(args, "--rerun-incomplete")...)
			}

			after := files(t, dir, "results")
			redone := []string{}
			for rel, info := range before {
				a, ok := after[rel]
				if !ok {
					t.Errorf("%s finished before the interruption and is gone after the rerun", rel)
					continue
				}
				if !a.ModTime().Equal(info.ModTime()) {
					redone = append(redone, rel)
				}
			}
			sort.Strings(redone)
			if len(redone) > 0 {
				t.Errorf("jobs finished before the interruption were redone: %s", strings.Join(redone, ", "))
			}
			// The rerun did the interrupted align and what depends on it.
			if n := jobCounts(rerun)["align"]; n < 1 {
				t.Errorf("the rerun ran %d align jobs, want at least the interrupted one:\n%s", n, tail(rerun, 30))
			}
			sameFiles(t, want, snapshot(t, dir))

			noop := again.mustExec(t, sm, "-n", "--cores", "2", "--config", "chunk_size=1")
			if !strings.Contains(noop, "Nothing to be done") {
				t.Errorf("a finished workflow still has work to do:\n%s", tail(noop, 30))
			}
		})
	}
}

// waitPID waits for the slow job to record its pid, failing if snakemake ends first.
func waitPID(t *testing.T, mark string, done <-chan error, out *bytes.Buffer) int {
	t.Helper()
	deadline := time.After(3 * time.Minute)
	for {
		if b, err := os.ReadFile(mark); err == nil {
			pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil {
				t.Fatalf("pid file %s: %v", mark, err)
			}
			return pid
		}
		select {
		case err := <-done:
			t.Fatalf("snakemake ended (%v) before the slow job started:\n%s", err, tail(out.String(), 40))
		case <-deadline:
			t.Fatalf("the slow align job never started:\n%s", tail(out.String(), 40))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// snapshot reads every file under dir/results.
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for rel := range files(t, dir, "results") {
		b, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		out[rel] = b
	}
	return out
}

// sameFiles checks that two runs produced the same result files, byte for byte.
func sameFiles(t *testing.T, want, got map[string][]byte) {
	t.Helper()
	for rel, w := range want {
		g, ok := got[rel]
		switch {
		case !ok:
			t.Errorf("%s: missing after the resumed run", rel)
		case !bytes.Equal(w, g):
			t.Errorf("%s differs between the uninterrupted and the resumed run", rel)
		}
	}
	for rel := range got {
		if _, ok := want[rel]; !ok {
			t.Errorf("%s: made by the resumed run only", rel)
		}
	}
}
