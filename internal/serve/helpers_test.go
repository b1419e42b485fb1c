package serve

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/wtscan/wtscan/internal/extract"
	"github.com/wtscan/wtscan/internal/table"
)

// The repository's demo inputs: the K. pneumoniae references and catalogue,
// and regions of the four genomes of Debian's kleborate-examples
// (scripts/make-demo-data.sh).
var (
	repoRefs    = filepath.Join("..", "..", "testdata", "references", "kpneumoniae.fna")
	repoCatalog = filepath.Join("..", "..", "testdata", "demo", "kpneumoniae-catalog.tsv")
	demoSamples = []string{"HS11286", "Kp1084", "MGH78578", "NTUH-K2044"}
)

const testKey = "0123456789abcdef0123456789abcdef-test-key"

// TestMain lets the restart tests run this test binary as a wtscan-serve
// process (WTSCAN_SERVE_CHILD holds its arguments as JSON), so SIGKILL and
// SIGTERM hit a real process without a separate build.
func TestMain(m *testing.M) {
	if a := os.Getenv("WTSCAN_SERVE_CHILD"); a != "" {
		var args []string
		if err := json.Unmarshal([]byte(a), &args); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := Main(ctx, args, os.Stdin, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// writeConfig writes a configuration and its key file in dir; extra YAML
// lines are appended (top-level keys).
func writeConfig(t *testing.T, dir, extra string) string {
	t.Helper()
	key := filepath.Join(dir, "key")
	if err := os.WriteFile(key, []byte(testKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	conf := fmt.Sprintf(`listen: 127.0.0.1:0
store: %s
references:
  kpneumoniae: %s
catalogs:
  kpneumoniae:
    path: %s
auth:
  key_file: %s
%s`, filepath.Join(dir, "store"), abs(repoRefs), abs(repoCatalog), key, extra)
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// testServer is a server running in this process.
type testServer struct {
	*Server
	url    string
	cancel context.CancelFunc
	done   chan error
}

func noEnv(string) string { return "" }

// startServer runs a server on a loopback port until the test ends.
func startServer(t *testing.T, extra string) *testServer {
	t.Helper()
	dir := t.TempDir()
	conf, err := LoadConfig(writeConfig(t, dir, extra), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	return startWith(t, conf)
}

func startWith(t *testing.T, conf *Config) *testServer {
	t.Helper()
	s, err := New(conf, zerolog.New(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ts := &testServer{Server: s, url: "http://" + ln.Addr().String(), cancel: cancel, done: make(chan error, 1)}
	go func() { ts.done <- s.Run(ctx, ln, nil, noEnv) }()
	t.Cleanup(ts.stop)
	return ts
}

func (ts *testServer) stop() {
	if ts.cancel == nil {
		return
	}
	ts.cancel()
	ts.cancel = nil
	<-ts.done
}

// token signs a token with the test key.
func token(t *testing.T, subject string, scopes ...string) string {
	t.Helper()
	tok, err := NewToken([]byte(testKey), "wtscan-serve", subject, scopes, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// call makes a request and returns the status and body.
func call(t *testing.T, method, url, tok string, body []byte, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// submit posts a batch and returns the job id, failing unless 202.
func submit(t *testing.T, base, tok string, req BatchRequest, headers ...string) string {
	t.Helper()
	resp, body := call(t, "POST", base+"/alignments/batch", tok, mustJSON(t, req), headers...)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /alignments/batch: %d %s", resp.StatusCode, body)
	}
	var a submitResponse
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatal(err)
	}
	if loc := resp.Header.Get("Location"); loc != "/alignments/"+a.ID+"/status" {
		t.Fatalf("Location %q for job %s", loc, a.ID)
	}
	return a.ID
}

// wait polls a job's status until fn accepts it.
func wait(t *testing.T, base, tok, id string, timeout time.Duration, fn func(Status) bool) Status {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		resp, body := call(t, "GET", base+"/alignments/"+id+"/status", tok, nil)
		if resp.StatusCode == http.StatusTooManyRequests { // a polite client waits
			time.Sleep(time.Second)
			continue
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status of %s: %d %s", id, resp.StatusCode, body)
		}
		var st Status
		if err := json.Unmarshal(body, &st); err != nil {
			t.Fatal(err)
		}
		if fn(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s: still %s after %s (%s)", id, st.State, timeout, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func terminalState(st Status) bool { return terminal(st.State) }

var (
	demoOnce     sync.Once
	demoProteins []table.Protein
	demoErr      error
	demoDir      string
)

// demoProteinsTable runs wtscan-extract (in-process) on the four demo
// genomes once and returns its proteins table and rows.
func demoProteinsTable(t *testing.T) (string, []table.Protein) {
	t.Helper()
	demoOnce.Do(func() {
		demoDir, demoErr = os.MkdirTemp("", "wtscan-serve-demo-")
		if demoErr != nil {
			return
		}
		var sheet strings.Builder
		sheet.WriteString("sample_id\tassembly\n")
		for _, s := range demoSamples {
			p, err := filepath.Abs(filepath.Join("..", "..", "testdata", "demo", s+".fna.gz"))
			if err != nil {
				demoErr = err
				return
			}
			fmt.Fprintf(&sheet, "%s\t%s\n", s, p)
		}
		sheetPath := filepath.Join(demoDir, "samples.tsv")
		if demoErr = os.WriteFile(sheetPath, []byte(sheet.String()), 0o600); demoErr != nil {
			return
		}
		var stderr bytes.Buffer
		out := filepath.Join(demoDir, "proteins.parquet")
		if code := extract.Main(context.Background(), []string{"--samples", sheetPath, "--references", repoRefs, "--out", out, "-j", "2"},
			nil, io.Discard, &stderr); code != 0 {
			demoErr = fmt.Errorf("wtscan-extract exited %d: %s", code, stderr.String())
			return
		}
		demoProteins, _, demoErr = table.ReadAll[table.Protein](out, table.SchemaProteins)
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return filepath.Join(demoDir, "proteins.parquet"), demoProteins
}

// sequencesOf turns proteins-table rows into a request's sequences.
func sequencesOf(rows []table.Protein) []Sequence {
	out := make([]Sequence, len(rows))
	for i, p := range rows {
		out[i] = Sequence{ID: fmt.Sprintf("%s|%s|%d", p.SampleID, p.Gene, p.Copy), SampleID: p.SampleID, Gene: p.Gene,
			Copy: int(p.Copy), Organism: p.Organism, Protein: p.Protein, CDS: p.CDS,
			PartialStart: p.PartialStart, PartialEnd: p.PartialEnd, Frameshifts: p.Frameshifts}
	}
	return out
}

// manyVariants makes n distinct proteins from the demo's: each a copy of
// one with a few residues changed (a fixed seed), so a job does n real
// alignments (identical pairs would be aligned once).
func manyVariants(t *testing.T, n int) []Sequence {
	t.Helper()
	_, rows := demoProteinsTable(t)
	rng := rand.New(rand.NewPCG(15, 15))
	const aa = "ACDEFGHIKLMNPQRSTVWY"
	out := make([]Sequence, n)
	for i := range out {
		p := rows[i%len(rows)]
		prot := []byte(strings.TrimSuffix(p.Protein, "*"))
		for k := 0; k < 3; k++ {
			prot[1+rng.IntN(len(prot)-1)] = aa[rng.IntN(len(aa))]
		}
		out[i] = Sequence{ID: fmt.Sprintf("v%d", i), SampleID: fmt.Sprintf("S%04d", i), Gene: p.Gene, Protein: string(prot)}
	}
	return out
}

// child is wtscan-serve running as a process (this test binary).
type child struct {
	cmd  *exec.Cmd
	url  string
	logs *bytes.Buffer
	mu   *sync.Mutex
	done chan struct{} // closed when the process has exited
	err  error         // its exit, once done is closed
}

// startChild starts the server as a process and waits for its address.
func startChild(t *testing.T, config string) *child {
	t.Helper()
	args, _ := json.Marshal([]string{"--config", config})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "WTSCAN_SERVE_CHILD="+string(args))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, logs: &bytes.Buffer{}, mu: &sync.Mutex{}, done: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			c.mu.Lock()
			c.logs.WriteString(line + "\n")
			c.mu.Unlock()
			var ev struct{ Message, Addr string }
			if json.Unmarshal([]byte(line), &ev) == nil && ev.Message == "listening" {
				addr <- ev.Addr
			}
		}
		c.err = cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill() // harmless once it has exited
		<-c.done
	})
	select {
	case a := <-addr:
		c.url = "http://" + a
	case <-c.done:
		t.Fatalf("wtscan-serve exited before listening (%v): %s", c.err, c.log())
	case <-time.After(60 * time.Second):
		t.Fatalf("wtscan-serve did not listen within 60 s: %s", c.log())
	}
	return c
}

func (c *child) log() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.logs.String()
}

func testLogger() zerolog.Logger { return zerolog.New(io.Discard) }
