package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pgStore keeps jobs in PostgreSQL, shared by several wtscan-serve
// instances: a worker claims the oldest queued job (or a running one whose
// lease has passed) with SELECT … FOR UPDATE SKIP LOCKED, so two workers
// never take the same job and a job whose instance died is taken up by
// another once its lease passes. The job is a JSON document; the columns
// the queries need (state, lease, subject, idempotency key) are kept
// beside it in the same statement.
type pgStore struct {
	pool *pgxpool.Pool
}

const pgSchema = `
CREATE TABLE IF NOT EXISTS wtscan_serve_jobs (
	id          text PRIMARY KEY,
	subject     text NOT NULL,
	state       text NOT NULL,
	idem_key    text,
	lease_until timestamptz,
	doc         jsonb NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS wtscan_serve_jobs_idem ON wtscan_serve_jobs (subject, idem_key) WHERE idem_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS wtscan_serve_jobs_claim ON wtscan_serve_jobs (state, id);
`

func openPostgres(url string) (*pgStore, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	// Several instances may start at once: one creates the table at a time.
	_, err = pool.Exec(ctx, `SELECT pg_advisory_lock(131342035804526); `+pgSchema+`; SELECT pg_advisory_unlock(131342035804526);`)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: create tables: %w", err)
	}
	return &pgStore{pool: pool}, nil
}

func (s *pgStore) shared() bool { return true }

func (s *pgStore) close() error {
	s.pool.Close()
	return nil
}

func (s *pgStore) ping() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.pool.Ping(ctx)
}

func ctx10() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 10*time.Second)
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// save writes j in tx, its columns from its fields.
func pgSave(ctx context.Context, tx pgx.Tx, j *Job, insert bool) error {
	doc, err := json.Marshal(j)
	if err != nil {
		return err
	}
	if insert {
		_, err = tx.Exec(ctx, `INSERT INTO wtscan_serve_jobs (id, subject, state, idem_key, lease_until, doc) VALUES ($1, $2, $3, $4, $5, $6)`,
			j.ID, j.Subject, j.State, nullable(j.IdemKey), j.LeaseUntil, doc)
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE wtscan_serve_jobs SET state = $2, lease_until = $3, doc = $4 WHERE id = $1`, j.ID, j.State, j.LeaseUntil, doc)
	return err
}

func (s *pgStore) insert(j *Job) (*Job, error) {
	ctx, cancel := ctx10()
	defer cancel()
	var existing *Job
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if j.IdemKey != "" {
			// Serialise submissions with the same key.
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, j.Subject+"\x00"+j.IdemKey); err != nil {
				return err
			}
			var doc []byte
			err := tx.QueryRow(ctx, `SELECT doc FROM wtscan_serve_jobs WHERE subject = $1 AND idem_key = $2`, j.Subject, j.IdemKey).Scan(&doc)
			if err == nil {
				existing = &Job{}
				return json.Unmarshal(doc, existing)
			}
			if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
		}
		return pgSave(ctx, tx, j, true)
	})
	return existing, err
}

func (s *pgStore) get(id string) (*Job, error) {
	ctx, cancel := ctx10()
	defer cancel()
	var doc []byte
	err := s.pool.QueryRow(ctx, `SELECT doc FROM wtscan_serve_jobs WHERE id = $1`, id).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	var j Job
	return &j, json.Unmarshal(doc, &j)
}

func (s *pgStore) update(id string, fn func(*Job) bool) (*Job, error) {
	ctx, cancel := ctx10()
	defer cancel()
	var j Job
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var doc []byte
		err := tx.QueryRow(ctx, `SELECT doc FROM wtscan_serve_jobs WHERE id = $1 FOR UPDATE`, id).Scan(&doc)
		if errors.Is(err, pgx.ErrNoRows) {
			return errNotFound
		}
		if err != nil {
			return err
		}
		if err := json.Unmarshal(doc, &j); err != nil {
			return err
		}
		if !fn(&j) {
			return nil
		}
		return pgSave(ctx, tx, &j, false)
	})
	if err != nil {
		return nil, err
	}
	return &j, nil
}

func (s *pgStore) list(fn func(*Job) bool) ([]*Job, error) {
	ctx, cancel := ctx10()
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT doc FROM wtscan_serve_jobs ORDER BY id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Job
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return nil, err
		}
		var j Job
		if err := json.Unmarshal(doc, &j); err != nil {
			return nil, err
		}
		if fn(&j) {
			out = append(out, &j)
		}
	}
	return out, rows.Err()
}

func (s *pgStore) remove(j *Job) error {
	ctx, cancel := ctx10()
	defer cancel()
	_, err := s.pool.Exec(ctx, `DELETE FROM wtscan_serve_jobs WHERE id = $1`, j.ID)
	return err
}

func (s *pgStore) claim(owner string, lease time.Duration) (*Job, error) {
	ctx, cancel := ctx10()
	defer cancel()
	var out *Job
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var doc []byte
		err := tx.QueryRow(ctx, `SELECT doc FROM wtscan_serve_jobs
			WHERE state = 'queued' OR (state = 'running' AND lease_until < now())
			ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`).Scan(&doc)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		var j Job
		if err := json.Unmarshal(doc, &j); err != nil {
			return err
		}
		claimJob(&j, owner, lease, time.Now().UTC())
		out = &j
		return pgSave(ctx, tx, &j, false)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *pgStore) counts() (map[string]int, error) {
	ctx, cancel := ctx10()
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT state, count(*) FROM wtscan_serve_jobs GROUP BY state`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	n := map[string]int{}
	for rows.Next() {
		var st string
		var c int
		if err := rows.Scan(&st, &c); err != nil {
			return nil, err
		}
		n[st] = c
	}
	return n, rows.Err()
}

func (s *pgStore) queuePosition(id string) (int, error) {
	ctx, cancel := ctx10()
	defer cancel()
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM wtscan_serve_jobs WHERE state = 'queued' AND id < $1`, id).Scan(&n)
	return n, err
}
