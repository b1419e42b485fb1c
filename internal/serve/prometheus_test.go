package serve

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wtscan/wtscan/internal/testdata"
)

// freePort returns a loopback address no one listens on now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestPrometheusScrapes runs Debian's Prometheus server against the
// service: it scrapes /metrics, and its query API returns the jobs counter
// after a job is done.
func TestPrometheusScrapes(t *testing.T) {
	bin := testdata.Command(t, "prometheus", "prometheus")
	ts := startServer(t, "")
	tok := token(t, "lab1", ScopeSubmit, ScopeRead)
	id := submit(t, ts.url, tok, BatchRequest{ReferenceSet: "kpneumoniae", Sequences: mustDemo(t)[:11]})
	if st := wait(t, ts.url, tok, id, time.Minute, terminalState); st.State != StateDone {
		t.Fatalf("job: %s %s", st.State, st.Error)
	}

	dir := t.TempDir()
	conf := fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: wtscan-serve
    metrics_path: /metrics
    static_configs:
      - targets: ["%s"]
`, strings.TrimPrefix(ts.url, "http://"))
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	web := freePort(t)
	cmd := exec.Command(bin, "--config.file="+filepath.Join(dir, "prometheus.yml"), "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+web, "--log.level=warn")
	logf, err := os.Create(filepath.Join(dir, "prometheus.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})

	query := "http://" + web + "/api/v1/query?query=" + url.QueryEscape(`wtscan_serve_jobs_total{state="done",job="wtscan-serve"}`)
	deadline := time.Now().Add(90 * time.Second)
	for {
		var res struct {
			Status string
			Data   struct {
				Result []struct {
					Metric map[string]string
					Value  [2]any
				}
			}
		}
		resp, err := http.Get(query)
		if err == nil {
			err = json.NewDecoder(resp.Body).Decode(&res)
			resp.Body.Close()
		}
		if err == nil && res.Status == "success" && len(res.Data.Result) == 1 {
			if v := res.Data.Result[0].Value[1]; v != "1" {
				t.Fatalf("Prometheus has wtscan_serve_jobs_total{state=done} = %v, want 1", v)
			}
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "prometheus.log"))
			t.Fatalf("Prometheus did not return the jobs counter within 90 s (last: %v %+v)\n%s", err, res, log)
		}
		time.Sleep(500 * time.Millisecond)
	}
	// The histograms are scraped too, by route and code.
	resp, err := http.Get("http://" + web + "/api/v1/query?query=" + url.QueryEscape(`wtscan_serve_http_request_duration_seconds_count{route="/alignments/batch",code="202"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), `"route":"/alignments/batch"`) {
		t.Errorf("Prometheus has no request histogram of POST /alignments/batch: %s", body)
	}
}
