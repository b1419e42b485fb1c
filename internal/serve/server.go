package serve

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/time/rate"

	"github.com/wtscan/wtscan/internal/catalog"
	"github.com/wtscan/wtscan/internal/refset"
)

// Server is one wtscan-serve instance: HTTP API, job store and workers.
type Server struct {
	mu   sync.RWMutex // guards conf and refs, swapped whole by Reload
	conf *Config
	refs map[string]*refset.Set

	store    jobStore
	files    string // folder of the jobs' files: <files>/jobs/<id>/
	instance string // this process, as lease owner
	lease    time.Duration
	poll     time.Duration // how often an idle worker looks for a job
	wake     chan struct{}
	running  running
	metrics  *metrics
	eta      etaModel
	log      zerolog.Logger

	limMu    sync.Mutex
	limiters map[string]*rate.Limiter
}

// New opens the store, loads the reference sets and catalogues, and queues
// again every job that was queued or running when the last process ended.
func New(conf *Config, log zerolog.Logger) (*Server, error) {
	refs, err := loadSets(conf)
	if err != nil {
		return nil, err
	}
	st, files, err := openJobStore(conf)
	if err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	s := &Server{conf: conf, refs: refs, store: st, files: files, log: log,
		instance: fmt.Sprintf("%s-%d-%s", host, os.Getpid(), newID(time.Now())[11:]),
		lease:    time.Duration(conf.Lease), poll: 250 * time.Millisecond, wake: make(chan struct{}, 1),
		running: running{jobs: map[string]*runningJob{}}, limiters: map[string]*rate.Limiter{}}
	s.metrics = newMetrics(st)
	if err := s.recover(); err != nil {
		st.close()
		return nil, err
	}
	return s, nil
}

// openJobStore opens the store the configuration names: a folder (bbolt,
// files beside it) or a postgres:// URL (files under files:).
func openJobStore(conf *Config) (jobStore, string, error) {
	if isPostgres(conf.Store) {
		st, err := openPostgres(conf.Store)
		if err != nil {
			return nil, "", err
		}
		if err := os.MkdirAll(filepath.Join(conf.Files, "jobs"), 0o750); err != nil {
			st.close()
			return nil, "", fmt.Errorf("files %s: %w", conf.Files, err)
		}
		return st, conf.Files, nil
	}
	st, err := openBolt(conf.Store)
	return st, conf.Store, err
}

// jobDir is the folder of a job's input, tables and step logs.
func (s *Server) jobDir(id string) string { return filepath.Join(s.files, "jobs", id) }

// loadSets loads every reference set and checks every catalogue parses.
func loadSets(conf *Config) (map[string]*refset.Set, error) {
	refs := map[string]*refset.Set{}
	for name, path := range conf.References {
		set, err := refset.Load(path)
		if err != nil {
			return nil, fmt.Errorf("config %s: references %s: %w", conf.path, name, err)
		}
		refs[name] = set
	}
	for name, c := range conf.Catalogs {
		if _, err := catalog.Load(c.Path, catalog.Options{Format: c.Format, Organism: c.Organism, Name: c.Name, Version: c.Version}); err != nil {
			return nil, fmt.Errorf("config %s: catalogs %s: %w", conf.path, name, err)
		}
	}
	return refs, nil
}

// recover queues again the jobs a previous process left running in a
// store of its own (a running job starts again from its input). In a
// shared store their leases do that.
func (s *Server) recover() error {
	if s.store.shared() {
		return nil
	}
	jobs, err := s.store.list(func(j *Job) bool { return j.State == StateRunning })
	if err != nil {
		return err
	}
	for _, j := range jobs {
		_, err := s.store.update(j.ID, func(j *Job) bool {
			j.State, j.Stage, j.Started, j.LeaseOwner, j.LeaseUntil = StateQueued, "", nil, "", nil
			return true
		})
		if err != nil {
			return err
		}
	}
	n, err := s.store.counts()
	if err != nil {
		return err
	}
	s.log.Info().Int("queued", n[StateQueued]).Int("interrupted", len(jobs)).Msg("job store opened")
	return nil
}

func (s *Server) cfg() *Config {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.conf
}

func (s *Server) refSet(name string) *refset.Set {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.refs[name]
}

// Reload reads the configuration file again: references, catalogues, limits
// and the signing key change; listen and store stay as they are. Running
// and queued jobs keep the inputs they were accepted with.
func (s *Server) Reload(getenv func(string) string) error {
	old := s.cfg()
	conf, err := LoadConfig(old.path, getenv)
	if err != nil {
		return err
	}
	refs, err := loadSets(conf)
	if err != nil {
		return err
	}
	if conf.Listen != old.Listen || conf.Store != old.Store {
		s.log.Warn().Msg("reload: listen and store changes take effect at the next start")
	}
	conf.Listen, conf.Store = old.Listen, old.Store
	s.mu.Lock()
	s.conf, s.refs = conf, refs
	s.mu.Unlock()
	s.limMu.Lock()
	clear(s.limiters) // new limits apply
	s.limMu.Unlock()
	s.log.Info().Int("references", len(refs)).Int("catalogs", len(conf.Catalogs)).Msg("configuration reloaded")
	return nil
}

// Run serves on ln until ctx ends, then drains: it stops accepting
// requests and jobs, lets running jobs finish for up to drain_timeout, and
// leaves the rest queued in the store for the next start. hup reloads.
func (s *Server) Run(ctx context.Context, ln net.Listener, hup <-chan os.Signal, getenv func(string) string) error {
	conf := s.cfg()
	take, stopTaking := context.WithCancel(context.Background())
	work, stopWork := context.WithCancel(context.Background())
	defer stopWork()
	var wg sync.WaitGroup
	for range conf.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.worker(take, work)
		}()
	}
	janitorDone := make(chan struct{})
	go s.janitor(take, janitorDone)

	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	s.log.Info().Str("addr", ln.Addr().String()).Int("workers", conf.Workers).Msg("listening")

	var err error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case err = <-serveErr:
			break loop
		case <-hup:
			if rerr := s.Reload(getenv); rerr != nil {
				s.log.Error().Err(rerr).Msg("reload failed; the previous configuration stays")
			}
		}
	}
	s.log.Info().Msg("draining: no new requests or jobs; running jobs finish")
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	_ = srv.Shutdown(shutCtx)
	cancel()
	stopTaking()
	<-janitorDone
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Duration(s.cfg().DrainTimeout)):
		s.log.Warn().Msg("drain timeout: running jobs stop and stay queued for the next start")
		stopWork()
		<-done
	}
	if cerr := s.store.close(); cerr != nil && err == nil {
		err = cerr
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	s.log.Info().Msg("stopped")
	return err
}

// janitor removes finished jobs older than results_ttl, every minute.
func (s *Server) janitor(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		s.expire(time.Now())
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *Server) expire(now time.Time) {
	ttl := time.Duration(s.cfg().ResultsTTL)
	old, err := s.store.list(func(j *Job) bool {
		return terminal(j.State) && j.Finished != nil && now.Sub(*j.Finished) > ttl
	})
	if err != nil {
		s.log.Error().Err(err).Msg("janitor")
		return
	}
	for _, j := range old {
		if err := s.store.remove(j); err != nil {
			s.log.Error().Err(err).Str("job", j.ID).Msg("janitor: cannot remove job")
			continue
		}
		if err := os.RemoveAll(s.jobDir(j.ID)); err != nil {
			s.log.Error().Err(err).Str("job", j.ID).Msg("janitor: cannot remove the job's files")
		}
	}
	if len(old) > 0 {
		s.log.Info().Int("jobs", len(old)).Msg("expired jobs removed")
	}
}

//go:embed openapi.json
var openapiJSON []byte

//go:embed ui.html
var uiHTML []byte

// Handler is the HTTP API. Every route also answers under /v1.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern, route string, h http.Handler) {
		method, path, _ := strings.Cut(pattern, " ")
		in := s.metrics.instrument(route, h)
		mux.Handle(method+" "+path, in)
		mux.Handle(method+" /v1"+path, in)
	}
	handle("POST /alignments/batch", "/alignments/batch", s.authed(ScopeSubmit, s.submit))
	handle("GET /alignments", "/alignments", s.authed(ScopeRead, s.list))
	handle("GET /alignments/{id}/status", "/alignments/{id}/status", s.authed(ScopeRead, s.status))
	handle("GET /alignments/{id}/results", "/alignments/{id}/results", s.authed(ScopeRead, s.results))
	handle("DELETE /alignments/{id}", "/alignments/{id}", s.authed(ScopeSubmit, s.cancel))
	handle("GET /health", "/health", http.HandlerFunc(s.health))
	handle("GET /openapi.json", "/openapi.json", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(openapiJSON)
	}))
	handle("GET /docs", "/docs", http.HandlerFunc(s.docs))
	handle("GET /metrics", "/metrics", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !*s.cfg().Auth.PublicMetrics {
			if _, ok := s.authenticate(w, r, ScopeAdmin); !ok {
				return
			}
		}
		s.metrics.handler().ServeHTTP(w, r)
	}))
	ui := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'")
		_, _ = w.Write(uiHTML)
	})
	handle("GET /{$}", "/ui", ui)
	handle("GET /ui", "/ui", ui)
	return mux
}

// apiError is every error body: a message and, for bad input, each problem.
type apiError struct {
	Error    string   `json:"error"`
	Problems []string `json:"problems,omitempty"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func (s *Server) fail(w http.ResponseWriter, code int, reason string, format string, a ...any) {
	s.metrics.rejected.WithLabelValues(reason).Inc()
	writeJSON(w, code, apiError{Error: fmt.Sprintf(format, a...)})
}

type claimsKey struct{}

// authenticate checks the bearer token and scope: 401 without a valid
// token, 403 without the scope.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, scope string) (*Claims, bool) {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="wtscan-serve"`)
		s.fail(w, http.StatusUnauthorized, "unauthenticated", "a bearer token is required (wtscan-serve token)")
		return nil, false
	}
	conf := s.cfg()
	c, err := verifyToken(conf.key, conf.Auth.Issuer, strings.TrimSpace(tok))
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="wtscan-serve", error="invalid_token"`)
		s.fail(w, http.StatusUnauthorized, "unauthenticated", "invalid token: %v", err)
		return nil, false
	}
	if !c.Has(scope) {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="wtscan-serve", error="insufficient_scope", scope=%q`, scope))
		s.fail(w, http.StatusForbidden, "forbidden", "the token of %q lacks the %q scope", c.Subject, scope)
		return nil, false
	}
	return c, true
}

// authed wraps a handler with authentication, scope and the subject's rate limit.
func (s *Server) authed(scope string, h func(http.ResponseWriter, *http.Request, *Claims)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := s.authenticate(w, r, scope)
		if !ok {
			return
		}
		if d, ok := s.allow(c.Subject); !ok {
			w.Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(d.Seconds()))))
			s.fail(w, http.StatusTooManyRequests, "rate_limited", "rate limit of %q: retry in %s", c.Subject, d.Round(time.Millisecond))
			return
		}
		h(w, r, c)
	})
}

// allow takes a token from the subject's bucket, or says how long to wait.
func (s *Server) allow(subject string) (time.Duration, bool) {
	lim := s.cfg().Limits
	s.limMu.Lock()
	l, ok := s.limiters[subject]
	if !ok {
		l = rate.NewLimiter(rate.Limit(lim.RatePerSecond), lim.RateBurst)
		s.limiters[subject] = l
	}
	s.limMu.Unlock()
	res := l.Reserve()
	if d := res.Delay(); d > 0 {
		res.Cancel()
		return max(d, time.Second), false
	}
	return 0, true
}

// submitResponse answers POST /alignments/batch.
type submitResponse struct {
	ID        string `json:"id"`
	State     string `json:"state"`
	Sequences int    `json:"sequences"`
	StatusURL string `json:"status_url"`
	Results   string `json:"results_url"`
}

func (s *Server) submit(w http.ResponseWriter, r *http.Request, c *Claims) {
	conf := s.cfg()
	r.Body = http.MaxBytesReader(w, r.Body, conf.Limits.MaxBodyBytes)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.fail(w, http.StatusRequestEntityTooLarge, "too_large", "request body over %d bytes", mbe.Limit)
			return
		}
		s.fail(w, http.StatusBadRequest, "bad_input", "read request body: %v", err)
		return
	}
	q := r.URL.Query()
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var req *BatchRequest
	fasta := false
	switch ct {
	case "application/json", "":
		req, err = decodeJSON(strings.NewReader(string(body)))
	case "text/x-fasta", "application/x-fasta", "text/plain":
		fasta = true
		req = &BatchRequest{ReferenceSet: q.Get("reference_set"), Catalog: q.Get("catalog")}
		req.Sequences, err = decodeFASTA(strings.NewReader(string(body)), conf.Store, q.Get("gene"))
	default:
		s.fail(w, http.StatusUnsupportedMediaType, "bad_input", "Content-Type %q: send application/json or text/x-fasta", ct)
		return
	}
	if err != nil {
		s.badRequest(w, err)
		return
	}
	refs := s.refSet(req.ReferenceSet)
	if refs == nil {
		s.badRequest(w, badInput("reference_set %q is not one of %s", req.ReferenceSet, strings.Join(s.refNames(), ", ")))
		return
	}
	var catConf CatalogConfig
	if req.Catalog != "" {
		cc, ok := conf.Catalogs[req.Catalog]
		if !ok {
			s.badRequest(w, badInput("catalog %q is not configured", req.Catalog))
			return
		}
		catConf = cc
	}
	chk, err := checkSequences(req.Sequences, req.ReferenceSet, refs, conf.Limits, fasta)
	if err != nil {
		s.badRequest(w, err)
		return
	}
	if n, err := s.store.counts(); err != nil {
		s.internal(w, err)
		return
	} else if n[StateQueued] >= conf.Limits.MaxQueued {
		w.Header().Set("Retry-After", "30")
		s.fail(w, http.StatusServiceUnavailable, "queue_full", "the queue holds %d jobs, its limit", conf.Limits.MaxQueued)
		return
	}
	now := time.Now().UTC()
	digest := sha256.Sum256([]byte(ct + "\x00" + r.URL.RawQuery + "\x00" + string(body)))
	j := &Job{
		JobInfo: JobInfo{ID: newID(now), Subject: c.Subject, State: StateQueued, ReferenceSet: req.ReferenceSet, Catalog: req.Catalog,
			Sequences: len(chk.rows), Residues: chk.residues, Created: now},
		IdemKey: r.Header.Get("Idempotency-Key"), BodyDigest: fmt.Sprintf("%x", digest),
		RefPath: conf.References[req.ReferenceSet], CatConf: catConf, Matrix: conf.Matrix,
	}
	if len(j.IdemKey) > 200 {
		s.badRequest(w, badInput("Idempotency-Key longer than 200 characters"))
		return
	}
	dir := s.jobDir(j.ID)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		s.internal(w, err)
		return
	}
	if err := writeProteins(dir, chk.rows); err != nil {
		os.RemoveAll(dir)
		s.internal(w, err)
		return
	}
	existing, err := s.store.insert(j)
	if err != nil {
		os.RemoveAll(dir)
		s.internal(w, err)
		return
	}
	if existing != nil {
		os.RemoveAll(dir)
		if existing.BodyDigest != j.BodyDigest {
			s.fail(w, http.StatusUnprocessableEntity, "idempotency", "Idempotency-Key %q was used for another request (job %s)", j.IdemKey, existing.ID)
			return
		}
		w.Header().Set("Idempotent-Replayed", "true")
		j = existing
	} else {
		s.metrics.jobsTotal.WithLabelValues(StateQueued).Inc()
		s.notify()
		s.log.Info().Str("job", j.ID).Str("subject", j.Subject).Int("sequences", j.Sequences).Str("reference_set", j.ReferenceSet).Msg("job accepted")
	}
	loc := "/alignments/" + j.ID + "/status"
	w.Header().Set("Location", loc)
	writeJSON(w, http.StatusAccepted, submitResponse{ID: j.ID, State: j.State, Sequences: j.Sequences, StatusURL: loc, Results: "/alignments/" + j.ID + "/results"})
}

func (s *Server) refNames() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	names := make([]string, 0, len(s.refs))
	for n := range s.refs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (s *Server) badRequest(w http.ResponseWriter, err error) {
	var ie *inputError
	if errors.As(err, &ie) {
		s.metrics.rejected.WithLabelValues("bad_input").Inc()
		writeJSON(w, http.StatusBadRequest, apiError{Error: ie.Error(), Problems: ie.problems})
		return
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		s.fail(w, http.StatusRequestEntityTooLarge, "too_large", "request body over %d bytes", mbe.Limit)
		return
	}
	s.internal(w, err)
}

func (s *Server) internal(w http.ResponseWriter, err error) {
	s.log.Error().Err(err).Msg("internal error")
	s.fail(w, http.StatusInternalServerError, "internal", "internal error: %v", err)
}

// visibleJob loads a job the caller may see: its own, or any for admin.
// Another subject's job is a 404, as if it did not exist.
func (s *Server) visibleJob(w http.ResponseWriter, r *http.Request, c *Claims) (*Job, bool) {
	id := r.PathValue("id")
	j, err := s.store.get(id)
	if errors.Is(err, errNotFound) || (err == nil && j.Subject != c.Subject && !c.Admin()) {
		s.fail(w, http.StatusNotFound, "not_found", "no job %q", id)
		return nil, false
	}
	if err != nil {
		s.internal(w, err)
		return nil, false
	}
	return j, true
}

// Status is the body of GET /alignments/{id}/status: the job as its owner
// sees it (not the paths it runs with).
type Status struct {
	JobInfo
	Progress      float64  `json:"progress"`                 // 0 to 1
	ETASeconds    *float64 `json:"eta_seconds,omitempty"`    // remaining, estimated from earlier jobs
	QueuePosition *int     `json:"queue_position,omitempty"` // 0: next
	ResultsURL    string   `json:"results_url,omitempty"`
}

func (s *Server) statusOf(j *Job) Status {
	st := Status{JobInfo: j.JobInfo}
	workers := float64(s.cfg().Workers)
	est := s.eta.estimate(j.Residues).Seconds()
	switch j.State {
	case StateQueued:
		if p, err := s.store.queuePosition(j.ID); err == nil {
			st.QueuePosition = &p
			if est > 0 {
				eta := est * (1 + float64(p)/workers)
				st.ETASeconds = &eta
			}
		}
	case StateRunning:
		el := time.Since(*j.Started).Seconds()
		st.Progress = 0.05
		if j.Stage == "subscan" {
			st.Progress = 0.8
		}
		if est > 0 {
			st.Progress = math.Max(st.Progress, math.Min(0.95, el/est))
			eta := math.Max(0, est-el)
			st.ETASeconds = &eta
		}
	case StateDone:
		st.Progress = 1
		st.ResultsURL = "/alignments/" + j.ID + "/results"
	}
	st.Progress = math.Round(st.Progress*1000) / 1000
	if st.ETASeconds != nil {
		v := math.Round(*st.ETASeconds*10) / 10
		st.ETASeconds = &v
	}
	return st
}

func (s *Server) status(w http.ResponseWriter, r *http.Request, c *Claims) {
	j, ok := s.visibleJob(w, r, c)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, s.statusOf(j))
}

func (s *Server) list(w http.ResponseWriter, r *http.Request, c *Claims) {
	jobs, err := s.store.list(func(j *Job) bool { return c.Admin() || j.Subject == c.Subject })
	if err != nil {
		s.internal(w, err)
		return
	}
	out := make([]Status, 0, min(len(jobs), 500))
	for _, j := range jobs[:min(len(jobs), 500)] {
		out = append(out, s.statusOf(j))
	}
	writeJSON(w, http.StatusOK, map[string]any{"jobs": out})
}

func (s *Server) cancel(w http.ResponseWriter, r *http.Request, c *Claims) {
	j, ok := s.visibleJob(w, r, c)
	if !ok {
		return
	}
	now := time.Now().UTC()
	var was string
	j, err := s.store.update(j.ID, func(j *Job) bool {
		was = j.State
		if j.State != StateQueued {
			return false
		}
		j.State, j.Finished, j.Error = StateCancelled, &now, "cancelled while queued"
		return true
	})
	if err != nil {
		s.internal(w, err)
		return
	}
	switch {
	case was == StateQueued:
		s.metrics.jobsTotal.WithLabelValues(StateCancelled).Inc()
	case was == StateRunning && s.running.cancel(j.ID):
		// the worker records the cancellation when the step returns
	case was == StateRunning:
		// Another instance runs it: it sees the request when it renews its lease.
		if j, err = s.store.update(j.ID, func(j *Job) bool {
			if j.State != StateRunning {
				return false
			}
			j.CancelRequested = true
			return true
		}); err != nil {
			s.internal(w, err)
			return
		}
	default:
		s.fail(w, http.StatusConflict, "conflict", "job %s is already %s", j.ID, was)
		return
	}
	writeJSON(w, http.StatusAccepted, s.statusOf(j))
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	body := map[string]any{"status": "ok"}
	code := http.StatusOK
	if err := s.store.ping(); err != nil {
		body["status"], body["store"] = "unavailable", err.Error()
		code = http.StatusServiceUnavailable
	} else {
		body["store"] = "ok"
	}
	s.mu.RLock()
	sets := map[string]int{}
	for name, set := range s.refs {
		sets[name] = len(set.Refs)
	}
	s.mu.RUnlock()
	if len(sets) == 0 {
		body["status"] = "unavailable"
		code = http.StatusServiceUnavailable
	}
	body["references"] = sets
	if n, err := s.store.counts(); err == nil {
		body["queue_depth"] = n[StateQueued]
	}
	writeJSON(w, code, body)
}

// jobFile is a file of a job's folder.
func (s *Server) jobFile(id, name string) string { return filepath.Join(s.jobDir(id), name) }
