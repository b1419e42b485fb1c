package aggregate

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/wtscan/wtscan/internal/fsx"
	"github.com/wtscan/wtscan/internal/table"
)

// batchRows is how many rows a reader hands over at a time.
const batchRows = 4096

// batch is a run of rows from one file. where(i) names row i for messages.
type batch[T any] struct {
	file  int
	path  string
	meta  *table.Meta
	rows  []T
	first int   // 1-based number of rows[0] among the file's data rows
	lines []int // TSV: the line of each row; nil for Parquet
	err   error
	end   bool // the file is finished; meta and digest are final
	sum   string
}

func (b *batch[T]) fileIndex() int { return b.file }

func (b *batch[T]) where(i int) string {
	if b.lines != nil {
		return fmt.Sprintf("%s line %d", b.path, b.lines[i])
	}
	return fmt.Sprintf("%s row %d", b.path, b.first+i)
}

// stream reads the tables at paths with up to threads files open at once and
// hands their rows to fn strictly in file order, so what fn builds does not
// depend on the number of threads. Memory is bounded by a few batches per
// open file.
func stream[T any](ctx context.Context, paths []string, schema string, threads int, fn func(b *batch[T]) error) error {
	if len(paths) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	threads = max(threads, 1)
	order := make(chan chan *batch[T], threads)
	sem := make(chan struct{}, threads)
	var wg sync.WaitGroup
	go func() {
		defer close(order)
		for i, p := range paths {
			ch := make(chan *batch[T], 4)
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case order <- ch:
			case <-ctx.Done():
				<-sem
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				defer close(ch)
				readFile(ctx, i, p, schema, ch)
			}()
		}
	}()
	var err error
	for ch := range order {
		for b := range ch {
			if err != nil {
				continue // drain
			}
			if b.err != nil {
				err = b.err
				cancel()
				continue
			}
			if e := fn(b); e != nil {
				err = e
				cancel()
			}
		}
	}
	wg.Wait()
	if err == nil {
		err = ctx.Err()
	}
	return err
}

func readFile[T any](ctx context.Context, idx int, path, schema string, ch chan<- *batch[T]) {
	send := func(b *batch[T]) bool {
		select {
		case ch <- b:
			return true
		case <-ctx.Done():
			return false
		}
	}
	r, err := table.Open[T](path, schema)
	if err != nil {
		send(&batch[T]{file: idx, path: path, err: err})
		return
	}
	defer r.Close()
	meta := r.Meta
	format, _ := table.FormatOf(path)
	n := 0
	// Batches start small and grow: many small files (one per sample) must
	// not each pay for a full-size buffer.
	size := 64
	for {
		b := &batch[T]{file: idx, path: path, meta: &meta, first: n + 1, rows: make([]T, size)}
		size = min(size*4, batchRows)
		var k int
		var err error
		if format == table.Parquet {
			k, err = r.Read(b.rows)
		} else {
			// One row at a time, to know each row's line.
			b.lines = make([]int, 0, len(b.rows))
			for k < len(b.rows) {
				var m int
				m, err = r.Read(b.rows[k : k+1])
				if m == 1 {
					b.lines = append(b.lines, r.Line())
					k++
				}
				if err != nil {
					break
				}
			}
		}
		b.rows = b.rows[:k]
		n += k
		if err != nil && err != io.EOF {
			send(&batch[T]{file: idx, path: path, err: err})
			return
		}
		if err == io.EOF {
			sum, serr := fsx.SHA256File(path)
			if serr != nil {
				send(&batch[T]{file: idx, path: path, err: serr})
				return
			}
			b.end, b.sum = true, sum
			send(b)
			return
		}
		if !send(b) {
			return
		}
	}
}
