package serve

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wtscan/wtscan/internal/alignstep"
	"github.com/wtscan/wtscan/internal/cli"
	"github.com/wtscan/wtscan/internal/subscan"
	"github.com/wtscan/wtscan/internal/table"
)

// queue is the in-memory order of queued job ids; the store is the truth,
// so after a restart the queue is rebuilt from it.
type queue struct {
	mu    sync.Mutex
	ids   []string
	ready chan struct{} // one token per id pushed
}

func newQueue() *queue { return &queue{ready: make(chan struct{}, 1<<20)} }

func (q *queue) push(id string) {
	q.mu.Lock()
	q.ids = append(q.ids, id)
	q.mu.Unlock()
	q.ready <- struct{}{}
}

// pop waits for an id, or for ctx to end.
func (q *queue) pop(ctx context.Context) (string, bool) {
	select {
	case <-ctx.Done():
		return "", false
	case <-q.ready:
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	id := q.ids[0]
	q.ids = q.ids[1:]
	return id, true
}

func (q *queue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.ids)
}

// position is the 0-based place of id in the queue, or -1.
func (q *queue) position(id string) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i, x := range q.ids {
		if x == id {
			return i
		}
	}
	return -1
}

// running tracks the jobs being worked on, to cancel them.
type running struct {
	mu   sync.Mutex
	jobs map[string]*runningJob
}

type runningJob struct {
	cancel context.CancelFunc
	user   bool // cancelled by DELETE (else by shutdown: the job is queued again)
}

func (r *running) add(id string, cancel context.CancelFunc) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.jobs[id] = &runningJob{cancel: cancel}
}

func (r *running) remove(id string) (userCancelled bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	j := r.jobs[id]
	delete(r.jobs, id)
	return j != nil && j.user
}

// cancel stops a running job on behalf of its owner; false if it is not running here.
func (r *running) cancel(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	j, ok := r.jobs[id]
	if ok {
		j.user = true
		j.cancel()
	}
	return ok
}

// worker takes jobs until ctx (stop taking) ends; work is the context the
// steps run under (ended only when a drain times out).
func (s *Server) worker(ctx, work context.Context) {
	for {
		id, ok := s.queue.pop(ctx)
		if !ok {
			return
		}
		s.runJob(work, id)
	}
}

// runJob runs wtscan-align and wtscan-subscan on a job's input, in-process,
// with the same arguments a person would give them, so the tables are the
// step binaries' own.
func (s *Server) runJob(work context.Context, id string) {
	now := time.Now().UTC()
	started := false
	j, err := s.store.update(id, func(j *Job) bool {
		if j.State != StateQueued {
			return false
		}
		j.State, j.Stage, j.Started, j.Error = StateRunning, "align", &now, ""
		j.Attempts++
		started = true
		return true
	})
	if err != nil {
		s.log.Error().Err(err).Str("job", id).Msg("cannot start job")
		return
	}
	if !started {
		return // cancelled while queued
	}
	s.metrics.jobState(StateQueued, StateRunning)
	ctx, cancel := context.WithCancel(work)
	defer cancel()
	s.running.add(id, cancel)
	start := time.Now()
	counts, runErr := s.steps(ctx, j)
	userCancelled := s.running.remove(id)
	end := time.Now().UTC()
	var state string
	switch {
	case runErr == nil:
		state = StateDone
	case userCancelled:
		state = StateCancelled
	case work.Err() != nil:
		state = StateQueued // shutdown: run again after the restart
	default:
		state = StateFailed
	}
	_, err = s.store.update(id, func(j *Job) bool {
		j.State, j.Stage = state, ""
		switch state {
		case StateDone:
			j.Counts = counts
			j.Finished = &end
		case StateFailed:
			j.Error = runErr.Error()
			j.Finished = &end
		case StateCancelled:
			j.Error = "cancelled while running"
			j.Finished = &end
		case StateQueued:
			j.Started = nil
		}
		return true
	})
	if err != nil {
		s.log.Error().Err(err).Str("job", id).Msg("cannot record job state")
		return
	}
	s.metrics.jobState(StateRunning, state)
	ev := s.log.Info()
	if state == StateFailed {
		ev = s.log.Warn().Str("error", runErr.Error())
	}
	ev.Str("job", id).Str("subject", j.Subject).Str("state", state).Int("sequences", j.Sequences).
		Float64("seconds", time.Since(start).Seconds()).Msg("job finished")
	if state == StateDone {
		s.metrics.jobDone(time.Since(start), j.Sequences)
		s.eta.observe(time.Since(start), j.Residues)
	}
}

// steps runs the two steps and writes the TSV form of each table.
func (s *Server) steps(ctx context.Context, j *Job) (Counts, error) {
	dir := s.store.jobDir(j.ID)
	threads := strconv.Itoa(s.cfg().ThreadsPer)
	alignArgs := []string{
		"--references", j.RefPath,
		"--queries", filepath.Join(dir, "proteins.tsv"),
		"--out", filepath.Join(dir, "alignments.parquet"),
		"--matrix", j.Matrix,
		"-j", threads, "--log-format", "json", "--progress", "never",
	}
	if err := runStep(ctx, "wtscan-align", alignstep.Main, alignArgs, filepath.Join(dir, "align.log")); err != nil {
		return Counts{}, err
	}
	if _, err := s.store.update(j.ID, func(j *Job) bool { j.Stage = "subscan"; return true }); err != nil {
		return Counts{}, err
	}
	subArgs := []string{
		"--alignments", filepath.Join(dir, "alignments.parquet"),
		"--references", j.RefPath,
		"--out", filepath.Join(dir, "mutations.parquet"),
	}
	if j.Catalog != "" {
		c := j.CatConf
		subArgs = append(subArgs, "--catalog", c.Path, "--sites", filepath.Join(dir, "sites.parquet"))
		if c.Format != "" {
			subArgs = append(subArgs, "--catalog-format", c.Format)
		}
		if c.Organism != "" {
			subArgs = append(subArgs, "--catalog-organism", c.Organism)
		}
		if c.Name != "" {
			subArgs = append(subArgs, "--catalog-name", c.Name)
		}
		if c.Version != "" {
			subArgs = append(subArgs, "--catalog-version", c.Version)
		}
		if c.Lenient {
			subArgs = append(subArgs, "--catalog-lenient")
		}
	}
	subArgs = append(subArgs, "-j", threads, "--log-format", "json", "--progress", "never")
	if err := runStep(ctx, "wtscan-subscan", subscan.Main, subArgs, filepath.Join(dir, "subscan.log")); err != nil {
		return Counts{}, err
	}
	var c Counts
	var err error
	if c.Alignments, err = toTSV[table.Alignment](dir, "alignments", table.SchemaAlignments); err != nil {
		return c, err
	}
	if c.Mutations, err = toTSV[table.Mutation](dir, "mutations", table.SchemaMutations); err != nil {
		return c, err
	}
	muts, _, err := table.ReadAll[table.Mutation](filepath.Join(dir, "mutations.parquet"), table.SchemaMutations)
	if err != nil {
		return c, err
	}
	for i := range muts {
		if muts[i].Known {
			c.Known++
		}
	}
	if j.Catalog != "" {
		if c.Sites, err = toTSV[table.Site](dir, "sites", table.SchemaSites); err != nil {
			return c, err
		}
	}
	return c, ctx.Err()
}

// runStep runs one step's Main with its log in logPath; a failure carries
// the step's own one-line error.
func runStep(ctx context.Context, name string, main cli.MainFunc, args []string, logPath string) error {
	var log bytes.Buffer
	code := main(ctx, args, strings.NewReader(""), io.Discard, &log)
	if err := os.WriteFile(logPath, log.Bytes(), 0o640); err != nil {
		return fmt.Errorf("%s: write its log: %w", name, err)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if code == cli.ExitOK {
		return nil
	}
	prefix := name + ": error: "
	for _, line := range strings.Split(log.String(), "\n") {
		if strings.HasPrefix(line, prefix) {
			return errors.New(line)
		}
	}
	return fmt.Errorf("%s exited with code %d", name, code)
}

// toTSV writes the TSV form of a job's Parquet table beside it, through the
// same table writer the steps use for --out x.tsv.
func toTSV[T any](dir, name, schema string) (int64, error) {
	rows, meta, err := table.ReadAll[T](filepath.Join(dir, name+".parquet"), schema)
	if err != nil {
		return 0, err
	}
	w, err := table.Create[T](filepath.Join(dir, name+".tsv"), meta)
	if err != nil {
		return 0, err
	}
	defer w.Abort()
	if err := w.Write(rows...); err != nil {
		return 0, err
	}
	return int64(len(rows)), w.Close()
}

// etaModel estimates a job's run time from the residues of earlier ones.
type etaModel struct {
	mu         sync.Mutex
	secPerRes  float64 // moving average
	overhead   float64 // seconds per job, moving average
	haveSample bool
}

func (m *etaModel) observe(d time.Duration, residues int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if residues <= 0 {
		return
	}
	r := d.Seconds() / float64(residues)
	if !m.haveSample {
		m.secPerRes, m.haveSample = r, true
		return
	}
	m.secPerRes = 0.7*m.secPerRes + 0.3*r
}

// estimate is the expected run time of a job of residues (zero before any
// job has finished).
func (m *etaModel) estimate(residues int64) time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.haveSample {
		return 0
	}
	return time.Duration(m.secPerRes * float64(residues) * float64(time.Second))
}
