package serve

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wtscan/wtscan/internal/table"
)

// TestSIGKILLMidJob kills the server process while a job runs and while
// another waits, starts it again on the same store, and checks that both
// finish once: nothing lost, nothing duplicated.
func TestSIGKILLMidJob(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: starts server processes")
	}
	dir := t.TempDir()
	conf := writeConfig(t, dir, "workers: 1\n")
	tok := token(t, "lab1", ScopeSubmit, ScopeRead)

	c := startChild(t, conf)
	const n = 1500
	long := submit(t, c.url, tok, BatchRequest{ReferenceSet: "kpneumoniae", Catalog: "kpneumoniae", Sequences: manyVariants(t, n)})
	waiting := submit(t, c.url, tok, BatchRequest{ReferenceSet: "kpneumoniae", Sequences: []Sequence{protein(t)}})
	wait(t, c.url, tok, long, time.Minute, func(s Status) bool { return s.State == StateRunning })
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-c.done
	if st, ok := c.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || st.Signal() != syscall.SIGKILL {
		t.Fatalf("the server was not killed: %v", c.cmd.ProcessState)
	}

	c2 := startChild(t, conf)
	for _, id := range []string{long, waiting} {
		st := wait(t, c2.url, tok, id, 3*time.Minute, terminalState)
		if st.State != StateDone {
			t.Fatalf("job %s after the restart: %s %s", id, st.State, st.Error)
		}
		if id == long && (st.Attempts != 2 || st.Counts.Alignments != n) {
			t.Errorf("interrupted job: %d attempts, %d alignments; want 2 and %d", st.Attempts, st.Counts.Alignments, n)
		}
		if id == waiting && st.Attempts != 1 {
			t.Errorf("waiting job ran %d times", st.Attempts)
		}
	}
	_, b := call(t, "GET", c2.url+"/alignments", tok, nil)
	var l struct{ Jobs []Status }
	if err := json.Unmarshal(b, &l); err != nil {
		t.Fatal(err)
	}
	if len(l.Jobs) != 2 {
		t.Fatalf("%d jobs after the restart, want 2", len(l.Jobs))
	}
	// Every query aligned exactly once.
	rows, _, err := table.ReadAll[table.Alignment](filepath.Join(dir, "store", "jobs", long, "alignments.parquet"), table.SchemaAlignments)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r.QueryID] {
			t.Fatalf("query %s twice in the alignments", r.QueryID)
		}
		seen[r.QueryID] = true
	}
	if len(seen) != n {
		t.Fatalf("%d distinct queries aligned, want %d", len(seen), n)
	}
	if !strings.Contains(c2.log(), `"interrupted":1`) {
		t.Errorf("the restart did not report the interrupted job: %s", c2.log())
	}
}

// TestSIGTERMDrains: SIGTERM lets the running job finish, refuses new
// connections, leaves queued jobs queued, and exits 0; the next start runs
// the queued job.
func TestSIGTERMDrains(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: starts server processes")
	}
	dir := t.TempDir()
	conf := writeConfig(t, dir, "workers: 1\n")
	tok := token(t, "lab1", ScopeSubmit, ScopeRead)
	c := startChild(t, conf)
	// SIGHUP reloads the configuration in the running process.
	if err := c.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(c.log(), `"message":"configuration reloaded"`); {
		if time.Now().After(deadline) {
			t.Fatalf("no reload logged after SIGHUP: %s", c.log())
		}
		time.Sleep(20 * time.Millisecond)
	}
	running := submit(t, c.url, tok, BatchRequest{ReferenceSet: "kpneumoniae", Sequences: manyVariants(t, 600)})
	queued := submit(t, c.url, tok, BatchRequest{ReferenceSet: "kpneumoniae", Sequences: []Sequence{protein(t)}})
	wait(t, c.url, tok, running, time.Minute, func(s Status) bool { return s.State == StateRunning })
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.done:
	case <-time.After(2 * time.Minute):
		t.Fatal("the server did not stop within 2 minutes of SIGTERM")
	}
	if c.err != nil {
		t.Fatalf("exit after SIGTERM: %v: %s", c.err, c.log())
	}
	if _, err := http.Get(c.url + "/health"); err == nil {
		t.Fatal("still answering after it exited")
	}
	c2 := startChild(t, conf)
	st := wait(t, c2.url, tok, running, time.Second, func(Status) bool { return true })
	if st.State != StateDone || st.Attempts != 1 {
		t.Fatalf("the running job after the drain: %s, %d attempts (want done, 1)", st.State, st.Attempts)
	}
	if st := wait(t, c2.url, tok, queued, time.Minute, terminalState); st.State != StateDone {
		t.Fatalf("the queued job after the restart: %s", st.State)
	}
}
