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

	"github.com/wtscan/wtscan/internal/align"
	"github.com/wtscan/wtscan/internal/cli"
	"github.com/wtscan/wtscan/internal/subscan"
	"github.com/wtscan/wtscan/internal/table"
)

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

// cancelLost stops a job whose lease another instance holds now.
func (r *running) cancelLost(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if j, ok := r.jobs[id]; ok {
		j.cancel()
	}
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
		if ctx.Err() != nil {
			return
		}
		j, err := s.store.claim(s.instance, s.lease)
		if err != nil {
			s.log.Error().Err(err).Msg("cannot claim a job")
		}
		if j != nil {
			s.runJob(work, j)
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-time.After(s.poll):
		}
	}
}

// notify wakes a waiting worker (a job was queued here).
func (s *Server) notify() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// runJob runs wtscan-align and wtscan-subscan on a claimed job's input,
// in-process, with the same arguments a person would give them, so the
// tables are the step binaries' own. The claim is renewed while it runs; a
// job whose claim passed to another instance is left to it.
func (s *Server) runJob(work context.Context, j *Job) {
	id := j.ID
	s.metrics.jobsTotal.WithLabelValues(StateRunning).Inc()
	s.log.Info().Str("job", id).Str("instance", s.instance).Int("attempt", j.Attempts).Msg("job started")
	ctx, cancel := context.WithCancel(work)
	defer cancel()
	s.running.add(id, cancel)
	lost := make(chan struct{})
	renewDone := make(chan struct{})
	go func() {
		defer close(renewDone)
		s.renew(ctx, id, lost)
	}()
	start := time.Now()
	counts, runErr := s.steps(ctx, j)
	userCancelled := s.running.remove(id)
	cancel()
	<-renewDone
	select {
	case <-lost:
		s.log.Warn().Str("job", id).Msg("the job's lease passed to another instance; its result here is dropped")
		return
	default:
	}
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
	recorded := false
	j, err := s.store.update(id, func(j *Job) bool {
		if j.State != StateRunning || j.LeaseOwner != s.instance {
			return false
		}
		recorded = true
		j.State, j.Stage, j.LeaseOwner, j.LeaseUntil = state, "", "", nil
		switch state {
		case StateDone:
			j.Counts = counts
			j.Finished = &end
		case StateFailed:
			j.Error = strings.ReplaceAll(runErr.Error(), s.jobDir(id)+string(filepath.Separator), "")
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
	if !recorded {
		s.log.Warn().Str("job", id).Str("state", j.State).Msg("the job changed hands while it ran; not recorded here")
		return
	}
	s.metrics.jobsTotal.WithLabelValues(state).Inc()
	ev := s.log.Info()
	if state == StateFailed {
		ev = s.log.Warn().Str("error", j.Error)
	}
	ev.Str("job", id).Str("subject", j.Subject).Str("state", state).Int("sequences", j.Sequences).
		Float64("seconds", time.Since(start).Seconds()).Msg("job finished")
	if state == StateDone {
		s.metrics.jobDone(time.Since(start), j.Sequences)
		s.eta.observe(time.Since(start), j.Residues)
	}
}

// renew extends the job's lease every third of it until ctx ends. It
// cancels the run when a DELETE reached another instance, and closes lost
// (and cancels) when the lease is no longer this instance's.
func (s *Server) renew(ctx context.Context, id string, lost chan<- struct{}) {
	t := time.NewTicker(s.lease / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		mine, cancelReq := false, false
		_, err := s.store.update(id, func(j *Job) bool {
			if j.State != StateRunning || j.LeaseOwner != s.instance {
				return false
			}
			mine, cancelReq = true, j.CancelRequested
			until := time.Now().UTC().Add(s.lease)
			j.LeaseUntil = &until
			return true
		})
		if err != nil {
			s.log.Warn().Err(err).Str("job", id).Msg("cannot renew the job's lease")
			continue
		}
		if !mine {
			close(lost)
			s.running.cancelLost(id)
			return
		}
		if cancelReq {
			s.running.cancel(id)
		}
	}
}

// steps runs the two steps and writes the TSV form of each table.
func (s *Server) steps(ctx context.Context, j *Job) (Counts, error) {
	dir := s.jobDir(j.ID)
	threads := strconv.Itoa(s.cfg().ThreadsPer)
	alignArgs := []string{
		"--references", j.RefPath,
		"--queries", filepath.Join(dir, "proteins.tsv"),
		"--out", filepath.Join(dir, "alignments.parquet"),
		"--matrix", j.Matrix,
		"-j", threads, "--log-format", "json", "--progress", "never",
	}
	if err := runStep(ctx, "wtscan-align", align.Main, alignArgs, filepath.Join(dir, "align.log")); err != nil {
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
		if c.Strict {
			subArgs = append(subArgs, "--catalog-strict")
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
