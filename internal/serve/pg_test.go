package serve

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wtscan/wtscan/internal/table"
	"github.com/wtscan/wtscan/internal/testdata"
)

// postgres starts a PostgreSQL server of Debian's package with
// testdata/postgres.sh and returns its URL; it stops with the test.
func postgres(t *testing.T) string {
	t.Helper()
	if m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb"); len(m) == 0 {
		testdata.Missing(t, "PostgreSQL server /usr/lib/postgresql/*/bin/initdb (Debian package postgresql)")
	}
	dir, err := os.MkdirTemp("", "wtscan-serve-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	script, err := filepath.Abs(filepath.Join("testdata", "postgres.sh"))
	if err != nil {
		t.Fatal(err)
	}
	port := strings.TrimPrefix(freePort(t), "127.0.0.1:")
	if out, err := exec.Command("bash", script, "start", dir, port).CombinedOutput(); err != nil {
		t.Fatalf("postgres.sh start: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("bash", script, "stop", dir).CombinedOutput(); err != nil {
			t.Errorf("postgres.sh stop: %v\n%s", err, out)
		}
	})
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%s/postgres?sslmode=disable", port)
}

// TestPostgresTwoInstances runs two wtscan-serve processes on one
// PostgreSQL queue: jobs posted to either run once each; SIGKILL the
// instance running a job and the other takes it up when its lease passes.
func TestPostgresTwoInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: starts PostgreSQL and server processes")
	}
	url := postgres(t)
	dir := t.TempDir()
	files := filepath.Join(dir, "files")
	confA := writeConfig(t, filepath.Join(mkdir(t, dir, "a")), "workers: 1\nlease: 2s\nfiles: "+files+"\n")
	confB := writeConfig(t, filepath.Join(mkdir(t, dir, "b")), "workers: 1\nlease: 2s\nfiles: "+files+"\n")
	for _, c := range []string{confA, confB} {
		data, err := os.ReadFile(c)
		if err != nil {
			t.Fatal(err)
		}
		data = []byte(strings.Replace(string(data), "store: "+filepath.Join(filepath.Dir(c), "store"), "store: "+url, 1))
		if err := os.WriteFile(c, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	a, b := startChild(t, confA), startChild(t, confB)
	tok := token(t, "lab1", ScopeSubmit, ScopeRead)

	// Small jobs posted to both: each runs exactly once.
	var small []string
	for i := range 6 {
		inst := []*child{a, b}[i%2]
		seq := protein(t)
		seq.SampleID = fmt.Sprintf("S%d", i)
		small = append(small, submit(t, inst.url, tok, BatchRequest{ReferenceSet: "kpneumoniae", Sequences: []Sequence{seq}}))
	}
	for _, id := range small {
		st := wait(t, b.url, tok, id, 2*time.Minute, terminalState)
		if st.State != StateDone || st.Attempts != 1 {
			t.Fatalf("job %s: %s after %d attempts", id, st.State, st.Attempts)
		}
	}

	// A long job: kill whichever instance runs it.
	const n = 1500
	long := submit(t, a.url, tok, BatchRequest{ReferenceSet: "kpneumoniae", Sequences: manyVariants(t, n)})
	wait(t, a.url, tok, long, time.Minute, func(s Status) bool { return s.State == StateRunning })
	var victim, survivor *child
	deadline := time.Now().Add(10 * time.Second)
	for victim == nil {
		for _, c := range []*child{a, b} {
			if strings.Contains(c.log(), `"job":"`+long+`","instance"`) {
				victim = c
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no instance logged starting job %s", long)
		}
		time.Sleep(20 * time.Millisecond)
	}
	survivor = a
	if victim == a {
		survivor = b
	}
	if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-victim.done
	st := wait(t, survivor.url, tok, long, 3*time.Minute, terminalState)
	if st.State != StateDone || st.Attempts != 2 || st.Counts.Alignments != n {
		t.Fatalf("the long job after its instance died: %s, %d attempts, %d alignments (want done, 2, %d)", st.State, st.Attempts, st.Counts.Alignments, n)
	}
	rows, _, err := table.ReadAll[table.Alignment](filepath.Join(files, "jobs", long, "alignments.parquet"), table.SchemaAlignments)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != n {
		t.Fatalf("%d alignment rows, want %d", len(rows), n)
	}
	_, body := call(t, "GET", survivor.url+"/alignments", tok, nil)
	var l struct{ Jobs []Status }
	if err := json.Unmarshal(body, &l); err != nil {
		t.Fatal(err)
	}
	if len(l.Jobs) != 7 {
		t.Fatalf("%d jobs in the store, want 7", len(l.Jobs))
	}
	// The metrics of either instance read the shared store.
	_, m := call(t, "GET", survivor.url+"/metrics", "", nil)
	if !strings.Contains(string(m), `wtscan_serve_jobs{state="done"} 7`) {
		t.Errorf("metrics: %s", grepLines(m, "wtscan_serve_jobs{"))
	}
}

func mkdir(t *testing.T, parent, name string) string {
	t.Helper()
	p := filepath.Join(parent, name)
	if err := os.MkdirAll(p, 0o750); err != nil {
		t.Fatal(err)
	}
	return p
}
