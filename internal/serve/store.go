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

// JobInfo is what a job's owner sees of it: kept in the store (Job) and
// shown by the status endpoint (Status).
type JobInfo struct {
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
	Counts       Counts     `json:"counts"`
}

// Job is one accepted batch, as the store keeps it. Its inputs and results
// are files in the job's folder.
type Job struct {
	JobInfo
	IdemKey    string `json:"idempotency_key,omitempty"`
	BodyDigest string `json:"body_digest,omitempty"`
	// What the steps are run with, fixed at submission so a reload does
	// not change a queued job's inputs.
	RefPath string        `json:"ref_path"`
	CatConf CatalogConfig `json:"catalog_config"`
	Matrix  string        `json:"matrix"`
	// The instance running the job and until when its claim holds; a
	// running job whose lease has passed is taken up by another worker.
	LeaseOwner      string     `json:"lease_owner,omitempty"`
	LeaseUntil      *time.Time `json:"lease_until,omitempty"`
	CancelRequested bool       `json:"cancel_requested,omitempty"` // DELETE reached an instance not running it
}

// Counts are the rows of each result table.
type Counts struct {
	Alignments int64 `json:"alignments"`
	Mutations  int64 `json:"mutations"`
	Sites      int64 `json:"sites"`
	Known      int64 `json:"known"`
}

// jobStore keeps the jobs: bbolt in one process (boltStore), PostgreSQL
// shared by several (pgStore). A job's files live in jobDir.
type jobStore interface {
	// insert stores a new job; with an idempotency key the subject used
	// before, it stores nothing and returns the earlier job.
	insert(j *Job) (existing *Job, err error)
	get(id string) (*Job, error)
	// update applies fn to the stored job in one transaction and saves it;
	// fn returning false leaves it unchanged.
	update(id string, fn func(*Job) bool) (*Job, error)
	// list returns the jobs fn accepts, newest first.
	list(fn func(*Job) bool) ([]*Job, error)
	// remove deletes a job and its idempotency key (not its files).
	remove(j *Job) error
	// claim marks the oldest queued job (or a running one whose lease has
	// passed) running for owner until now+lease; nil when there is none.
	claim(owner string, lease time.Duration) (*Job, error)
	// counts is the number of jobs in each state.
	counts() (map[string]int, error)
	// queuePosition is the number of queued jobs older than id.
	queuePosition(id string) (int, error)
	// shared says several instances use the store: running jobs are left
	// to their leases at start instead of being queued again.
	shared() bool
	ping() error
	close() error
}

// claimJob is what both stores do to a job they claim.
func claimJob(j *Job, owner string, lease time.Duration, now time.Time) {
	until := now.Add(lease)
	j.State, j.Stage, j.Started, j.Error = StateRunning, "align", &now, ""
	j.LeaseOwner, j.LeaseUntil = owner, &until
	j.Attempts++
}

// claimable says whether a worker may take j now.
func claimable(j *Job, now time.Time) bool {
	return j.State == StateQueued || (j.State == StateRunning && j.LeaseUntil != nil && now.After(*j.LeaseUntil))
}

// boltStore keeps jobs in a bbolt file; every change is one fsynced
// transaction, so a job accepted (202) survives SIGKILL. Queued job ids
// are also keys of a queue bucket, in submission order.
type boltStore struct {
	db *bolt.DB
}

var (
	bucketJobs  = []byte("jobs")
	bucketIdem  = []byte("idempotency")
	bucketQueue = []byte("queue")
)

func openBolt(dir string) (*boltStore, error) {
	if err := os.MkdirAll(filepath.Join(dir, "jobs"), 0o750); err != nil {
		return nil, fmt.Errorf("store %s: %w", dir, err)
	}
	path := filepath.Join(dir, "jobs.db")
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("store %s: %w (is another wtscan-serve using it?)", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketJobs, bucketIdem, bucketQueue} {
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
	return &boltStore{db: db}, nil
}

func (s *boltStore) close() error { return s.db.Close() }

func (s *boltStore) shared() bool { return false }

// newID is sortable by creation time: milliseconds, then randomness.
func newID(now time.Time) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%011x%s", now.UnixMilli(), hex.EncodeToString(b[:]))
}

var errNotFound = errors.New("no such job")

func (s *boltStore) get(id string) (*Job, error) {
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

// putJob saves j and keeps the queue bucket in step with its state.
func putJob(tx *bolt.Tx, j *Job) error {
	v, err := json.Marshal(j)
	if err != nil {
		return err
	}
	if j.State == StateQueued {
		if err := tx.Bucket(bucketQueue).Put([]byte(j.ID), nil); err != nil {
			return err
		}
	} else if err := tx.Bucket(bucketQueue).Delete([]byte(j.ID)); err != nil {
		return err
	}
	return tx.Bucket(bucketJobs).Put([]byte(j.ID), v)
}

func idemKey(subject, key string) []byte { return []byte(subject + "\x00" + key) }

// insert stores a new job. With an idempotency key already used by the
// subject it stores nothing and returns the earlier job.
func (s *boltStore) insert(j *Job) (existing *Job, err error) {
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
func (s *boltStore) update(id string, fn func(*Job) bool) (*Job, error) {
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
func (s *boltStore) list(fn func(*Job) bool) ([]*Job, error) {
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

func (s *boltStore) remove(j *Job) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if j.IdemKey != "" {
			if err := tx.Bucket(bucketIdem).Delete(idemKey(j.Subject, j.IdemKey)); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bucketQueue).Delete([]byte(j.ID)); err != nil {
			return err
		}
		return tx.Bucket(bucketJobs).Delete([]byte(j.ID))
	})
}

func (s *boltStore) claim(owner string, lease time.Duration) (*Job, error) {
	var out *Job
	err := s.db.Update(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketQueue).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			v := tx.Bucket(bucketJobs).Get(k)
			var j Job
			if v != nil {
				if err := json.Unmarshal(v, &j); err != nil {
					return fmt.Errorf("job %s: %w", k, err)
				}
			}
			if v == nil || !claimable(&j, time.Now()) {
				if err := c.Delete(); err != nil {
					return err
				}
				continue
			}
			claimJob(&j, owner, lease, time.Now().UTC())
			out = &j
			return putJob(tx, &j)
		}
		return nil
	})
	return out, err
}

func (s *boltStore) counts() (map[string]int, error) {
	n := map[string]int{}
	_, err := s.list(func(j *Job) bool { n[j.State]++; return false })
	return n, err
}

func (s *boltStore) queuePosition(id string) (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketQueue).Cursor()
		for k, _ := c.First(); k != nil && string(k) < id; k, _ = c.Next() {
			n++
		}
		return nil
	})
	return n, err
}

// ping checks that the store answers.
func (s *boltStore) ping() error {
	return s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketJobs) == nil {
			return errors.New("jobs bucket missing")
		}
		return nil
	})
}
