package seqio

import (
	"bytes"
	"fmt"
	"io"

	"github.com/shenwei356/bio/seq"
	"github.com/shenwei356/bio/seqio/fastx"
	"github.com/shenwei356/xopen"
)

// TooLongError is a record longer than Options.MaxLen, found while reading it.
type TooLongError struct {
	N   int    // 1-based record number
	ID  string // its id
	Max int64
}

func (e *TooLongError) Error() string {
	return fmt.Sprintf("longer than %d residues (the limit, --max-contig): refused before reading it whole", e.Max)
}

// guardedReader opens path (decompressed as fastx.NewReader would) through
// a lengthGuard, so the FASTA library never buffers a record past max.
func guardedReader(path string, max int64) (*fastx.Reader, error) {
	fh, err := xopen.Ropen(path)
	if err == xopen.ErrNoContent {
		return fastx.NewReader(seq.Unlimit, path, "")
	}
	if err != nil {
		return nil, err
	}
	return fastx.NewReaderFromIO(seq.Unlimit, &lengthGuard{r: fh, max: max, atStart: true}, "")
}

// lengthGuard passes a FASTA stream through, counting the bytes of the
// current record's sequence lines, and fails once they pass max by more
// than line ends can explain (Read checks the exact length afterwards).
type lengthGuard struct {
	r       io.ReadCloser
	max     int64
	n       int    // records seen
	id      []byte // id of the current record (up to 200 bytes)
	idDone  bool
	count   int64
	atStart bool // at the start of a line
	header  bool // inside a header line
	err     error
}

func (g *lengthGuard) Close() error { return g.r.Close() }

func (g *lengthGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	b := p[:n]
	for len(b) > 0 {
		if g.atStart && b[0] == '>' {
			g.header, g.idDone, g.n, g.count, g.id = true, false, g.n+1, 0, g.id[:0]
			b = b[1:]
			g.atStart = false
			continue
		}
		line := b
		nl := bytes.IndexByte(b, '\n')
		if nl >= 0 {
			line = b[:nl+1]
		}
		if g.header {
			if !g.idDone {
				h := line
				if end := bytes.IndexAny(h, " \t\r\n"); end >= 0 {
					h, g.idDone = h[:end], true
				}
				g.id = append(g.id, h[:min(len(h), max(0, 200-len(g.id)))]...)
			}
			g.header = nl < 0
		} else {
			g.count += int64(len(line))
			// Line ends (and CR) add at most two bytes per line; lines are
			// at least 20 residues in any real FASTA file, so 10 %.
			if g.count > g.max+g.max/10+2 {
				// Hand over what came before this line; the error comes with
				// the next call (a reader sniffing for compression must still
				// see the start of the file).
				g.err = &TooLongError{N: g.n, ID: string(g.id), Max: g.max}
				if done := n - len(b); done > 0 {
					return done, nil
				}
				return 0, g.err
			}
		}
		g.atStart = nl >= 0
		b = b[len(line):]
	}
	return n, err
}
