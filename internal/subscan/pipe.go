package subscan

import (
	"time"

	"github.com/wtscan/wtscan/internal/table"
)

// pipe carries rows from a producer goroutine to the writer in batches of
// table.RowGroupSize; two buffers take turns.
type pipe[T any] struct {
	buf     []T
	full    chan []T
	free    chan []T
	stop    chan struct{} // closed when the writer failed: batches are dropped
	stopped bool
	waited  time.Duration // producer time spent waiting for the writer
}

// add returns the slot of the next row, which the producer fills whole.
func (p *pipe[T]) add() *T {
	if len(p.buf) == cap(p.buf) {
		p.flush()
	}
	p.buf = p.buf[:len(p.buf)+1]
	return &p.buf[len(p.buf)-1]
}

func (p *pipe[T]) flush() {
	if p.stopped {
		p.buf = p.buf[:0]
		return
	}
	t := time.Now()
	select {
	case p.full <- p.buf:
		p.buf = <-p.free
	case <-p.stop:
		p.stopped = true
		p.buf = p.buf[:0]
	}
	p.waited += time.Since(t)
}

// runPipe runs produce on its own goroutine and hands the batches it adds to
// write, in order. It returns the time produce spent building rows (not
// waiting for the writer) and the time the writer waited for them: the part
// of building that writing did not hide.
func runPipe[T any](write func([]T) error, produce func(p *pipe[T]) error) (building, stalled time.Duration, err error) {
	p := &pipe[T]{buf: make([]T, 0, table.RowGroupSize), full: make(chan []T), free: make(chan []T, 2), stop: make(chan struct{})}
	p.free <- make([]T, 0, table.RowGroupSize)
	var perr error
	go func() {
		start := time.Now()
		if perr = produce(p); perr == nil && len(p.buf) > 0 {
			p.flush()
		}
		building = time.Since(start) - p.waited
		close(p.full)
	}()
	for {
		t := time.Now()
		batch, ok := <-p.full
		stalled += time.Since(t)
		if !ok {
			break
		}
		if err == nil {
			if err = write(batch); err != nil {
				close(p.stop)
			}
		}
		p.free <- batch[:0]
	}
	if err == nil {
		err = perr
	}
	return building, stalled, err
}
