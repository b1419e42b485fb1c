package serve

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Job states.
const (
	StateQueued    = "queued"
	StateRunning   = "running"
	StateDone      = "done"
	StateFailed    = "failed"
	StateCancelled = "cancelled"
)

var states = []string{StateQueued, StateRunning, StateDone, StateFailed, StateCancelled}

func terminal(state string) bool {
	return state == StateDone || state == StateFailed || state == StateCancelled
}

// Job is one accepted batch, as the store keeps it. Its inputs and results
// are files in the job's folder.
type Job struct {
	ID           string     `json:"id"`
	Subject      string     `json:"subject"`
	State        string     `json:"state"`
	Stage        string     `json:"stage,omitempty"` // align, subscan, while running
	ReferenceSet string     `json:"reference_set"`
	Catalog      string     `json:"catalog,omitempty"`
	Sequences    int        `json:"sequences"`
	Residues     int64      `json:"residues"`
	Created      time.Time  `json:"created"`
	Started      *time.Time `json:"started,omitempty"`
	Finished     *time.Time `json:"finished,omitempty"`
	Attempts     int        `json:"attempts"`
	Error        string     `json:"error,omitempty"`
	IdemKey      string     `json:"idempotency_key,omitempty"`
	BodyDigest   string     `json:"body_digest,omitempty"`
	Counts       Counts     `json:"counts"`
	// What the steps are run with, fixed at submission so a reload does
	// not change a queued job's inputs.
	RefPath string        `json:"ref_path"`
	CatConf CatalogConfig `json:"catalog_config"`
	Matrix  string        `json:"matrix"`
}

// Counts are the rows of each result table.
type Counts struct {
	Alignments int64 `json:"alignments"`
	Mutations  int64 `json:"mutations"`
	Sites      int64 `json:"sites"`
	Known      int64 `json:"known"`
}

// store keeps jobs in a bbolt file; every change is one fsynced transaction,
// so a job accepted (202) survives SIGKILL.
type store struct {
	db  *bolt.DB
	dir string
}

var (
	bucketJobs = []byte("jobs")
	bucketIdem = []byte("idempotency")
)

func openStore(dir string) (*store, error) {
	if err := os.MkdirAll(filepath.Join(dir, "jobs"), 0o750); err != nil {
		return nil, fmt.Errorf("store %s: %w", dir, err)
	}
	path := filepath.Join(dir, "jobs.db")
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("store %s: %w (is another wtscan-serve using it?)", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketJobs, bucketIdem} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	return &store{db: db, dir: dir}, nil
}

func (s *store) close() error { return s.db.Close() }

// jobDir is the folder of a job's inputs and results.
func (s *store) jobDir(id string) string { return filepath.Join(s.dir, "jobs", id) }

// newID is sortable by creation time: milliseconds, then randomness.
func newID(now time.Time) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%011x%s", now.UnixMilli(), hex.EncodeToString(b[:]))
}

var errNotFound = errors.New("no such job")

func (s *store) get(id string) (*Job, error) {
	var j Job
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketJobs).Get([]byte(id))
		if v == nil {
			return errNotFound
		}
		return json.Unmarshal(v, &j)
	})
	if err != nil {
		return nil, err
	}
	return &j, nil
}

func putJob(tx *bolt.Tx, j *Job) error {
	v, err := json.Marshal(j)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketJobs).Put([]byte(j.ID), v)
}

func idemKey(subject, key string) []byte { return []byte(subject + "\x00" + key) }

// insert stores a new job. With an idempotency key already used by the
// subject it stores nothing and returns the earlier job.
func (s *store) insert(j *Job) (existing *Job, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		if j.IdemKey != "" {
			if id := tx.Bucket(bucketIdem).Get(idemKey(j.Subject, j.IdemKey)); id != nil {
				var old Job
				v := tx.Bucket(bucketJobs).Get(id)
				if v != nil {
					if err := json.Unmarshal(v, &old); err != nil {
						return err
					}
					existing = &old
					return nil
				}
			}
			if err := tx.Bucket(bucketIdem).Put(idemKey(j.Subject, j.IdemKey), []byte(j.ID)); err != nil {
				return err
			}
		}
		return putJob(tx, j)
	})
	return existing, err
}

// update applies fn to the stored job and saves it; fn returning false
// leaves it unchanged.
func (s *store) update(id string, fn func(*Job) bool) (*Job, error) {
	var j Job
	err := s.db.Update(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketJobs).Get([]byte(id))
		if v == nil {
			return errNotFound
		}
		if err := json.Unmarshal(v, &j); err != nil {
			return err
		}
		if !fn(&j) {
			return nil
		}
		return putJob(tx, &j)
	})
	if err != nil {
		return nil, err
	}
	return &j, nil
}

// list returns the jobs fn accepts, newest first.
func (s *store) list(fn func(*Job) bool) ([]*Job, error) {
	var out []*Job
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketJobs).ForEach(func(k, v []byte) error {
			var j Job
			if err := json.Unmarshal(v, &j); err != nil {
				return fmt.Errorf("job %s: %w", k, err)
			}
			if fn(&j) {
				out = append(out, &j)
			}
			return nil
		})
	})
	sort.Slice(out, func(a, b int) bool { return out[a].ID > out[b].ID })
	return out, err
}

// remove deletes a job, its idempotency key and its folder.
func (s *store) remove(j *Job) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		if j.IdemKey != "" {
			if err := tx.Bucket(bucketIdem).Delete(idemKey(j.Subject, j.IdemKey)); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketJobs).Delete([]byte(j.ID))
	})
	if err != nil {
		return err
	}
	return os.RemoveAll(s.jobDir(j.ID))
}

// ping checks that the store answers.
func (s *store) ping() error {
	return s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketJobs) == nil {
			return errors.New("jobs bucket missing")
		}
		return nil
	})
}
