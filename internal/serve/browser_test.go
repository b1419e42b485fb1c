package serve

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wtscan/wtscan/internal/testdata"
)

// dumpDOM loads url in headless Chromium (off the network, its own
// profile) and returns the DOM after the page's scripts ran.
func dumpDOM(t *testing.T, bin, url string) string {
	t.Helper()
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir="+filepath.Join(t.TempDir(), "profile"),
		"--virtual-time-budget=5000", "--dump-dom", url)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("chromium: %v\n%s", err, e.String())
		}
	case <-time.After(90 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("chromium did not finish in 90 s")
	}
	return o.String()
}

// TestUIInChromium renders the jobs page and a job's page in headless
// Chromium: the page is self-contained, its script fetches the jobs with
// the token and shows their state; another subject's token shows none.
func TestUIInChromium(t *testing.T) {
	bin := testdata.Command(t, "chromium", "chromium")
	ts := startServer(t, "")
	tok := token(t, "lab1", ScopeSubmit, ScopeRead)
	id := submit(t, ts.url, tok, BatchRequest{ReferenceSet: "kpneumoniae", Catalog: "kpneumoniae", Sequences: mustDemo(t)[:11]})
	st := wait(t, ts.url, tok, id, time.Minute, terminalState)
	if st.State != StateDone {
		t.Fatalf("job: %s %s", st.State, st.Error)
	}
	for _, bad := range []string{"http://", "https://", "<link", "src=", "@import"} {
		if bytes.Contains(uiHTML, []byte(bad)) {
			t.Errorf("ui.html refers to something outside itself: %q", bad)
		}
	}
	dom := dumpDOM(t, bin, ts.url+"/ui#token="+tok)
	if !regexp.MustCompile(`<body[^>]* data-ready="[1-9]`).MatchString(dom) {
		t.Fatalf("the page's script did not render the jobs (no data-ready):\n%s", dom)
	}
	if !strings.Contains(dom, `href="ui?job=`+id+`"`) || !regexp.MustCompile(`<td class="done">done</td>`).MatchString(dom) {
		t.Errorf("the jobs page does not list job %s as done:\n%s", id, dom)
	}
	if strings.Contains(dom, tok) {
		t.Errorf("the token stayed in the page")
	}

	dom = dumpDOM(t, bin, ts.url+"/ui?job="+id+"#token="+tok)
	for _, want := range []string{`<dd id="f-state">done</dd>`, `<dd id="f-sequences">11</dd>`, `<dd id="f-known-changes">`, `>mutations.tsv</button>`} {
		if !strings.Contains(dom, want) {
			t.Errorf("the job page lacks %s", want)
		}
	}

	dom = dumpDOM(t, bin, ts.url+"/ui#token="+token(t, "lab2", ScopeRead))
	if strings.Contains(dom, id) {
		t.Errorf("lab2's page lists lab1's job")
	}
	// Without a token the page says what to do.
	dom = dumpDOM(t, bin, ts.url+"/ui")
	if !strings.Contains(dom, "Paste a token") {
		t.Errorf("the page without a token does not ask for one")
	}
	// The docs page lists every operation of the OpenAPI document.
	dom = dumpDOM(t, bin, ts.url+"/docs")
	for _, op := range []string{"submitBatch", "jobStatus", "jobResults", "cancelJob", "health", "metrics"} {
		if !strings.Contains(dom, `id="`+op+`"`) {
			t.Errorf("/docs lacks %s", op)
		}
	}
}

func mustDemo(t *testing.T) []Sequence {
	t.Helper()
	_, rows := demoProteinsTable(t)
	return sequencesOf(rows)
}
