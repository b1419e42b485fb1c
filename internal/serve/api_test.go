package serve

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func protein(t *testing.T) Sequence {
	t.Helper()
	_, rows := demoProteinsTable(t)
	return sequencesOf(rows[:1])[0]
}

// jobCount is how many jobs the store holds (of every subject).
func jobCount(t *testing.T, s *Server) int {
	t.Helper()
	jobs, err := s.store.list(func(*Job) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	return len(jobs)
}

// TestAuth: 401 without or with a bad token, 403 without the scope, a
// subject sees only its own jobs unless admin.
func TestAuth(t *testing.T) {
	ts := startServer(t, "")
	req := BatchRequest{ReferenceSet: "kpneumoniae", Sequences: []Sequence{protein(t)}}
	body := mustJSON(t, req)

	expired, err := NewToken([]byte(testKey), "wtscan-serve", "lab1", []string{ScopeSubmit}, time.Minute, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	otherKey, err := NewToken([]byte("another-key-another-key-another-key!!"), "wtscan-serve", "lab1", []string{ScopeSubmit}, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	otherIssuer, err := NewToken([]byte(testKey), "someone-else", "lab1", []string{ScopeSubmit}, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, tok string
		code      int
	}{
		{"no token", "", http.StatusUnauthorized},
		{"not a JWT", "abc.def.ghi", http.StatusUnauthorized},
		{"expired", expired, http.StatusUnauthorized},
		{"signed with another key", otherKey, http.StatusUnauthorized},
		{"another issuer", otherIssuer, http.StatusUnauthorized},
		{"read only", token(t, "lab1", ScopeRead), http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, b := call(t, "POST", ts.url+"/alignments/batch", tc.tok, body)
			if resp.StatusCode != tc.code {
				t.Fatalf("%d %s, want %d", resp.StatusCode, b, tc.code)
			}
			if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("no WWW-Authenticate: Bearer header")
			}
		})
	}
	if n := jobCount(t, ts.Server); n != 0 {
		t.Fatalf("%d jobs stored after refused requests", n)
	}

	lab1 := token(t, "lab1", ScopeSubmit, ScopeRead)
	lab2 := token(t, "lab2", ScopeSubmit, ScopeRead)
	submitOnly := token(t, "lab1", ScopeSubmit)
	admin := token(t, "ops", ScopeAdmin)
	id := submit(t, ts.url, lab1, req)
	if resp, b := call(t, "GET", ts.url+"/alignments/"+id+"/status", submitOnly, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("status with a submit-only token: %d %s", resp.StatusCode, b)
	}
	for _, path := range []string{"/status", "/results"} {
		if resp, b := call(t, "GET", ts.url+"/alignments/"+id+path, lab2, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("lab2 reads lab1's job %s: %d %s", path, resp.StatusCode, b)
		}
	}
	if resp, b := call(t, "DELETE", ts.url+"/alignments/"+id, lab2, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("lab2 cancels lab1's job: %d %s", resp.StatusCode, b)
	}
	wait(t, ts.url, admin, id, time.Minute, terminalState) // admin sees it
	for tok, want := range map[string]int{lab1: 1, lab2: 0, admin: 1} {
		_, b := call(t, "GET", ts.url+"/alignments", tok, nil)
		var l struct{ Jobs []Status }
		if err := json.Unmarshal(b, &l); err != nil {
			t.Fatal(err)
		}
		if len(l.Jobs) != want {
			t.Errorf("list: %d jobs, want %d", len(l.Jobs), want)
		}
	}
	// Health, the OpenAPI document and (public) metrics need no token.
	for _, path := range []string{"/health", "/openapi.json", "/metrics", "/docs", "/ui", "/"} {
		if resp, b := call(t, "GET", ts.url+path, "", nil); resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s without a token: %d %s", path, resp.StatusCode, b)
		}
	}
}

func TestMetricsNeedAdminWhenNotPublic(t *testing.T) {
	ts := startServer(t, "")
	ts.Server.conf.Auth.PublicMetrics = new(bool)
	if resp, _ := call(t, "GET", ts.url+"/metrics", "", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("metrics without a token: %d", resp.StatusCode)
	}
	if resp, _ := call(t, "GET", ts.url+"/metrics", token(t, "lab1", ScopeRead), nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("metrics with a read token: %d", resp.StatusCode)
	}
	if resp, _ := call(t, "GET", ts.url+"/metrics", token(t, "ops", ScopeAdmin), nil); resp.StatusCode != http.StatusOK {
		t.Errorf("metrics with an admin token: %d", resp.StatusCode)
	}
}

// TestLimits: 413 for a large body, 429 with Retry-After past the burst,
// 400 naming the record and its problem, and nothing queued for any.
func TestLimits(t *testing.T) {
	ts := startServer(t, `limits:
  max_body_bytes: 20000
  max_sequences: 3
  max_residues: 1200
`)
	tok := token(t, "lab1", ScopeSubmit, ScopeRead)
	good := protein(t)

	big := good
	big.Protein = strings.Repeat("A", 30000)
	resp, b := call(t, "POST", ts.url+"/alignments/batch", tok, mustJSON(t, BatchRequest{ReferenceSet: "kpneumoniae", Sequences: []Sequence{big}}))
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("large body: %d %s", resp.StatusCode, b)
	}

	bad := func(mod func(*Sequence)) Sequence {
		s := good
		s.CDS = ""
		mod(&s)
		return s
	}
	for _, tc := range []struct {
		name string
		req  BatchRequest
		want string
	}{
		{"unknown reference set", BatchRequest{ReferenceSet: "nope", Sequences: []Sequence{good}}, `reference_set "nope" is not one of kpneumoniae`},
		{"unknown catalogue", BatchRequest{ReferenceSet: "kpneumoniae", Catalog: "nope", Sequences: []Sequence{good}}, `catalog "nope" is not configured`},
		{"no sequences", BatchRequest{ReferenceSet: "kpneumoniae"}, "no sequences"},
		{"too many", BatchRequest{ReferenceSet: "kpneumoniae", Sequences: []Sequence{good, good, good, good}}, "4 sequences: at most 3 per job"},
		{"bad residue", BatchRequest{ReferenceSet: "kpneumoniae", Sequences: []Sequence{good, bad(func(s *Sequence) { s.ID, s.Protein = "x1", "MKV1L" })}},
			`sequences[1] (id "x1"): protein: character '1' at position 4 is not an amino-acid code`},
		{"too long", BatchRequest{ReferenceSet: "kpneumoniae", Sequences: []Sequence{bad(func(s *Sequence) { s.ID, s.Protein = "x2", strings.Repeat("M", 1201) })}},
			`sequences[0] (id "x2"): 1201 residues: at most 1200 per sequence`},
		{"unknown gene", BatchRequest{ReferenceSet: "kpneumoniae", Sequences: []Sequence{bad(func(s *Sequence) { s.ID, s.Gene = "x3", "blaKPC" })}},
			`sequences[0] (id "x3"): no reference for gene "blaKPC" in reference set kpneumoniae (genes there: acrB,`},
		{"bad sample id", BatchRequest{ReferenceSet: "kpneumoniae", Sequences: []Sequence{bad(func(s *Sequence) { s.ID, s.SampleID = "x4", "a/b" })}},
			`sequences[0] (id "x4"): sample_id "a/b" must match`},
		{"duplicate id", BatchRequest{ReferenceSet: "kpneumoniae", Sequences: []Sequence{good, bad(func(s *Sequence) { s.SampleID = "other" })}},
			`sequences[1] (id "` + good.ID + `"): duplicate id (also sequence 0)`},
		{"cds not codons", BatchRequest{ReferenceSet: "kpneumoniae", Sequences: []Sequence{bad(func(s *Sequence) { s.ID, s.Protein, s.CDS = "x5", "", "ATGAAAC" })}},
			`sequences[0] (id "x5"): cds: length 7 is not a whole number of codons`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, b := call(t, "POST", ts.url+"/alignments/batch", tok, mustJSON(t, tc.req))
			var e apiError
			if err := json.Unmarshal(b, &e); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(e.Error, tc.want) {
				t.Fatalf("%d %s; want 400 with %q", resp.StatusCode, b, tc.want)
			}
		})
	}
	// Unknown fields are named.
	resp, b = call(t, "POST", ts.url+"/alignments/batch", tok, []byte(`{"reference_set":"kpneumoniae","sequencse":[]}`))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), `unknown field \"sequencse\"`) {
		t.Errorf("unknown field: %d %s", resp.StatusCode, b)
	}
	if n := jobCount(t, ts.Server); n != 0 {
		t.Fatalf("%d jobs queued by refused requests", n)
	}
	if entries, _ := os.ReadDir(filepath.Join(ts.cfg().Store, "jobs")); len(entries) != 0 {
		t.Fatalf("%d job folders left by refused requests", len(entries))
	}

	// Metrics count the refusals by reason.
	_, m := call(t, "GET", ts.url+"/metrics", "", nil)
	for _, want := range []string{`wtscan_serve_rejected_total{reason="too_large"} 1`,
		`wtscan_serve_http_request_duration_seconds_count{code="400",method="POST",route="/alignments/batch"} 11`} {
		if !bytes.Contains(m, []byte(want)) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestRateLimit: past the subject's burst, 429 with Retry-After; another
// subject has its own bucket.
func TestRateLimit(t *testing.T) {
	ts := startServer(t, `limits:
  rate_per_second: 0.5
  rate_burst: 3
`)
	tok := token(t, "lab1", ScopeRead)
	// 3 tokens, 0.5 a second: the fourth request within a second is 429.
	got429 := false
	for range 8 {
		resp, _ := call(t, "GET", ts.url+"/alignments", tok, nil)
		if resp.StatusCode == http.StatusTooManyRequests {
			ra, err := strconv.Atoi(resp.Header.Get("Retry-After"))
			if err != nil || ra < 1 || ra > 3 {
				t.Errorf("Retry-After %q, want 1 to 3 seconds at 0.5 requests a second", resp.Header.Get("Retry-After"))
			}
			got429 = true
			break
		}
	}
	if !got429 {
		t.Fatal("no 429 past the burst")
	}
	// Another subject has its own bucket.
	if resp, _ := call(t, "GET", ts.url+"/alignments", token(t, "lab2", ScopeRead), nil); resp.StatusCode != http.StatusOK {
		t.Errorf("lab2 limited by lab1's requests: %d", resp.StatusCode)
	}
	_, m := call(t, "GET", ts.url+"/metrics", "", nil)
	if !bytes.Contains(m, []byte(`wtscan_serve_rejected_total{reason="rate_limited"} 1`)) {
		t.Errorf("metrics do not count the 429")
	}
}

// TestIdempotencyKey: the same key and body answer the first job; another
// body with the key is refused.
func TestIdempotencyKey(t *testing.T) {
	ts := startServer(t, "")
	tok := token(t, "lab1", ScopeSubmit, ScopeRead)
	req := BatchRequest{ReferenceSet: "kpneumoniae", Sequences: []Sequence{protein(t)}}
	a := submit(t, ts.url, tok, req, "Idempotency-Key", "order-17")
	resp, b := call(t, "POST", ts.url+"/alignments/batch", tok, mustJSON(t, req), "Idempotency-Key", "order-17")
	if resp.StatusCode != http.StatusAccepted || resp.Header.Get("Idempotent-Replayed") != "true" || !strings.Contains(string(b), a) {
		t.Fatalf("replay: %d %v %s", resp.StatusCode, resp.Header, b)
	}
	// Another subject's key space is its own.
	c := submit(t, ts.url, token(t, "lab2", ScopeSubmit), req, "Idempotency-Key", "order-17")
	if c == a {
		t.Fatal("lab2's key answered lab1's job")
	}
	req.Catalog = "kpneumoniae"
	resp, b = call(t, "POST", ts.url+"/alignments/batch", tok, mustJSON(t, req), "Idempotency-Key", "order-17")
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("key reused with another body: %d %s", resp.StatusCode, b)
	}
	if n := jobCount(t, ts.Server); n != 2 {
		t.Fatalf("%d jobs stored, want 2", n)
	}
}

// TestCancel: a queued job is cancelled at once, a running one when its
// step returns; results of a cancelled job are a 409.
func TestCancel(t *testing.T) {
	ts := startServer(t, "workers: 1\n")
	tok := token(t, "lab1", ScopeSubmit, ScopeRead)
	long := submit(t, ts.url, tok, BatchRequest{ReferenceSet: "kpneumoniae", Sequences: manyVariants(t, 1500)})
	queued := submit(t, ts.url, tok, BatchRequest{ReferenceSet: "kpneumoniae", Sequences: []Sequence{protein(t)}})
	st := wait(t, ts.url, tok, queued, 5*time.Second, func(s Status) bool { return s.State == StateQueued })
	if st.QueuePosition == nil {
		t.Errorf("a queued job has no queue position")
	}
	if resp, b := call(t, "DELETE", ts.url+"/alignments/"+queued, tok, nil); resp.StatusCode != http.StatusAccepted || !strings.Contains(string(b), `"cancelled"`) {
		t.Fatalf("cancel queued: %d %s", resp.StatusCode, b)
	}
	wait(t, ts.url, tok, long, 30*time.Second, func(s Status) bool { return s.State == StateRunning })
	if resp, b := call(t, "DELETE", ts.url+"/alignments/"+long, tok, nil); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("cancel running: %d %s", resp.StatusCode, b)
	}
	if st := wait(t, ts.url, tok, long, time.Minute, terminalState); st.State != StateCancelled {
		t.Fatalf("running job after DELETE: %s", st.State)
	}
	if resp, _ := call(t, "GET", ts.url+"/alignments/"+long+"/results", tok, nil); resp.StatusCode != http.StatusConflict {
		t.Errorf("results of a cancelled job: %d", resp.StatusCode)
	}
	if resp, _ := call(t, "DELETE", ts.url+"/alignments/"+long, tok, nil); resp.StatusCode != http.StatusConflict {
		t.Errorf("cancel a cancelled job: %d", resp.StatusCode)
	}
	_, m := call(t, "GET", ts.url+"/metrics", "", nil)
	if !bytes.Contains(m, []byte(`wtscan_serve_jobs{state="cancelled"} 2`)) {
		t.Errorf("metrics: want 2 cancelled jobs:\n%s", grepLines(m, "wtscan_serve_jobs{"))
	}
}

func grepLines(b []byte, s string) string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestReload: a reload adds a reference set without dropping a job.
func TestReload(t *testing.T) {
	dir := t.TempDir()
	path := writeConfig(t, dir, "")
	conf, err := LoadConfig(path, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	ts := startWith(t, conf)
	tok := token(t, "lab1", ScopeSubmit, ScopeRead)
	id := submit(t, ts.url, tok, BatchRequest{ReferenceSet: "kpneumoniae", Sequences: manyVariants(t, 200)})
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(repoRefs)
	data = bytes.Replace(data, []byte("references:\n"), []byte("references:\n  second: "+abs+"\n"), 1)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := ts.Reload(noEnv); err != nil {
		t.Fatal(err)
	}
	submit(t, ts.url, tok, BatchRequest{ReferenceSet: "second", Sequences: []Sequence{protein(t)}})
	if st := wait(t, ts.url, tok, id, time.Minute, terminalState); st.State != StateDone {
		t.Fatalf("job across the reload: %s %s", st.State, st.Error)
	}
	// A broken file leaves the running configuration in place.
	if err := os.WriteFile(path, append(data, []byte("bogus: 1\n")...), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := ts.Reload(noEnv); err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Fatalf("reload of a file with an unknown key: %v", err)
	}
	if ts.refSet("second") == nil {
		t.Fatal("a failed reload dropped the configuration")
	}
}
