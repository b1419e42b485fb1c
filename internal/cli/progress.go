package cli

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Progress draws one status line with count, rate and ETA on standard error,
// at most ten times a second. A hidden Progress only counts.
type Progress struct {
	mu    sync.Mutex
	w     io.Writer
	label string
	total int64
	n     int64
	start time.Time
	last  time.Time
	show  bool
}

func newProgress(w io.Writer, label string, total int64, show bool) *Progress {
	return &Progress{w: w, label: label, total: total, start: time.Now(), show: show}
}

// Add counts n more items done.
func (p *Progress) Add(n int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n += n
	if !p.show {
		return
	}
	now := time.Now()
	if now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	p.draw(now)
}

func (p *Progress) draw(now time.Time) {
	el := now.Sub(p.start).Seconds()
	rate := 0.0
	if el > 0 {
		rate = float64(p.n) / el
	}
	if p.total > 0 {
		eta := "?"
		if rate > 0 {
			eta = (time.Duration(float64(p.total-p.n)/rate) * time.Second).Round(time.Second).String()
		}
		pct := 100 * float64(p.n) / float64(p.total)
		fmt.Fprintf(p.w, "\r%s %d/%d (%.0f%%) %.0f/s ETA %s   ", p.label, p.n, p.total, pct, rate, eta)
		return
	}
	fmt.Fprintf(p.w, "\r%s %d %.0f/s   ", p.label, p.n, rate)
}

// Finish draws the final state and ends the line.
func (p *Progress) Finish() {
	if p == nil || !p.show {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.draw(time.Now())
	fmt.Fprintln(p.w)
}
