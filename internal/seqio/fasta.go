// Package seqio reads and writes FASTA for every wtscan step. It wraps
// shenwei356/bio once: records are copied out of the library's reused buffers,
// sequences are upper-cased with white space and CR removed, and every error
// names the file, the record number and the record id.
//
// Compressed input (gzip, xz, zstd, bzip2) is detected from the file's
// content; "-" reads standard input.
package seqio

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/shenwei356/bio/seq"
	"github.com/shenwei356/bio/seqio/fastx"
)

// Record is one FASTA record, owned by the caller.
type Record struct {
	ID   string // header up to the first white space
	Desc string // the rest of the header line, trimmed
	Seq  []byte // upper case, no white space
	N    int    // 1-based position of the record in its file
}

// Tag returns the value of a `key=value` token in the description, such as
// gene=gyrA or organism=Salmonella_enterica. Values end at white space, or at
// a ';' or ']' (for the `[key=value]` style of NCBI headers).
func (r Record) Tag(key string) string {
	d := r.Desc
	for {
		i := strings.Index(d, key+"=")
		if i < 0 {
			return ""
		}
		if i == 0 || strings.ContainsRune(" \t[;", rune(d[i-1])) {
			v := d[i+len(key)+1:]
			if j := strings.IndexAny(v, " \t;]"); j >= 0 {
				v = v[:j]
			}
			return v
		}
		d = d[i+len(key)+1:]
	}
}

// Options control what Read accepts.
type Options struct {
	Alphabet   Alphabet // checked per record when not AnyAlphabet
	AllowEmpty bool     // accept a file with no records (default: an error)
	AllowDupID bool     // accept repeated ids (default: an error)
	// MaxLen > 0 refuses a record longer than MaxLen residues while it is
	// being read, before it is held in memory (wtscan-extract --max-contig).
	MaxLen int64
}

// ErrNoRecords is returned (wrapped with the file name) for a file without records.
var ErrNoRecords = errors.New("no FASTA records")

// Read calls fn for every record of path in order. It stops at the first
// error, which names the file and the record.
func Read(path string, opt Options, fn func(Record) error) error {
	r, closeFile, err := open(path, opt.MaxLen)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, cleanErr(err))
	}
	defer closeFile()
	seen := map[string]int{}
	n := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var tl *TooLongError
			if errors.As(err, &tl) {
				return fmt.Errorf("read %s record %d (%q): %w", path, tl.N, tl.ID, tl)
			}
			if n == 0 {
				return fmt.Errorf("read %s: %w", path, cleanErr(err))
			}
			return fmt.Errorf("read %s after record %d: %w", path, n, cleanErr(err))
		}
		n++
		if len(rec.Seq.Qual) > 0 {
			return fmt.Errorf("read %s record %d (%q): FASTQ, not FASTA", path, n, rec.ID)
		}
		out := Record{
			ID:   string(rec.ID),
			Desc: strings.TrimSpace(string(rec.Desc)),
			Seq:  normalize(rec.Seq.Seq),
			N:    n,
		}
		if out.ID == "" {
			return fmt.Errorf("read %s record %d: empty id", path, n)
		}
		if opt.MaxLen > 0 && int64(len(out.Seq)) > opt.MaxLen {
			tl := &TooLongError{N: n, ID: out.ID, Max: opt.MaxLen}
			return fmt.Errorf("read %s record %d (%q): %w", path, n, out.ID, tl)
		}
		if len(out.Seq) == 0 {
			return fmt.Errorf("read %s record %d (%q): empty sequence", path, n, out.ID)
		}
		if !opt.AllowDupID {
			if first, dup := seen[out.ID]; dup {
				return fmt.Errorf("read %s record %d (%q): duplicate id (first seen as record %d)", path, n, out.ID, first)
			}
			seen[out.ID] = n
		}
		if pos, c, bad := opt.Alphabet.Check(out.Seq); bad {
			return fmt.Errorf("read %s record %d (%q): character %q at position %d is not %s", path, n, out.ID, c, pos, opt.Alphabet)
		}
		if err := fn(out); err != nil {
			return err
		}
	}
	if n == 0 && !opt.AllowEmpty {
		return fmt.Errorf("read %s: %w", path, ErrNoRecords)
	}
	return nil
}

// open returns a FASTA reader of path. A gzip file is read with a
// decompressor that checks the stream's trailer (CRC and length): the
// library's parallel one takes a file cut just before its trailer for a
// whole, shorter genome. Other compressions are left to the library.
func open(path string, maxLen int64) (*fastx.Reader, func(), error) {
	// only a regular file is looked at first: a pipe (-, <(zcat ...)) cannot
	// be read twice, and goes to the library whole
	if st, err := os.Stat(path); path != "-" && err == nil && st.Mode().IsRegular() {
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, err
		}
		var magic [2]byte
		if n, _ := io.ReadFull(f, magic[:]); n == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				f.Close()
				return nil, nil, err
			}
			z, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<16))
			if err != nil {
				f.Close()
				return nil, nil, err
			}
			var src io.Reader = bufio.NewReaderSize(z, 1<<16)
			if maxLen > 0 {
				src = &lengthGuard{r: io.NopCloser(src), max: maxLen, atStart: true}
			}
			r, err := fastx.NewReaderFromIO(seq.Unlimit, src, "")
			if err != nil {
				f.Close()
				return nil, nil, err
			}
			return r, func() { z.Close(); f.Close() }, nil
		}
		f.Close()
	}
	var (
		r   *fastx.Reader
		err error
	)
	if maxLen > 0 {
		r, err = guardedReader(path, maxLen)
	} else {
		r, err = fastx.NewReader(seq.Unlimit, path, "")
	}
	if err != nil {
		return nil, nil, err
	}
	return r, r.Close, nil
}

// ReadAll returns every record of path.
func ReadAll(path string, opt Options) ([]Record, error) {
	var recs []Record
	err := Read(path, opt, func(r Record) error {
		recs = append(recs, r)
		return nil
	})
	return recs, err
}

func cleanErr(err error) error {
	switch {
	case errors.Is(err, fastx.ErrNotFASTXFormat):
		return errors.New("not FASTA (the first non-blank character must be '>')")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("unexpected end of file (truncated or corrupt compressed input?)")
	}
	msg := strings.TrimPrefix(err.Error(), "fastx: ")
	if strings.Contains(msg, "gzip") || strings.Contains(msg, "flate") || strings.Contains(msg, "unexpected EOF") {
		return fmt.Errorf("corrupt or truncated compressed input: %s", msg)
	}
	return errors.New(msg)
}

// normalize copies s, dropping white space and CR and upper-casing letters.
func normalize(s []byte) []byte {
	out := make([]byte, 0, len(s))
	for _, c := range s {
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			continue
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		}
		out = append(out, c)
	}
	return out
}

// Alphabet is the set of characters a record may hold.
type Alphabet int

const (
	AnyAlphabet Alphabet = iota
	// DNA accepts IUPAC nucleotide codes (ACGTU, N and the ambiguity codes) and '-'.
	DNA
	// Protein accepts the 20 amino acids, B Z J U O X, '*' (stop) and '-'.
	Protein
)

func (a Alphabet) String() string {
	switch a {
	case DNA:
		return "a nucleotide (IUPAC) code"
	case Protein:
		return "an amino-acid code"
	}
	return "any character"
}

var dnaOK, protOK [256]bool

func init() {
	for _, c := range []byte("ACGTUNRYKMSWBDHV-") {
		dnaOK[c] = true
	}
	for c := 'A'; c <= 'Z'; c++ {
		protOK[c] = true
	}
	protOK['*'], protOK['-'] = true, true
}

// Check returns the 1-based position and value of the first character of s
// (already upper case) outside the alphabet.
func (a Alphabet) Check(s []byte) (pos int, c byte, bad bool) {
	var ok *[256]bool
	switch a {
	case DNA:
		ok = &dnaOK
	case Protein:
		ok = &protOK
	default:
		return 0, 0, false
	}
	for i, c := range s {
		if !ok[c] {
			return i + 1, c, true
		}
	}
	return 0, 0, false
}

// Count returns how many characters of s (already upper case) are outside
// the alphabet.
func (a Alphabet) Count(s []byte) int {
	n := 0
	for i := range s {
		if _, _, bad := a.Check(s[i : i+1]); bad {
			n++
		}
	}
	return n
}

// LooksLikeDNA reports whether at least 90 % of s is A, C, G, T, U or N:
// nucleotide sequences pass, proteins essentially never do.
func LooksLikeDNA(s []byte) bool {
	if len(s) == 0 {
		return false
	}
	n := 0
	for _, c := range s {
		switch c {
		case 'A', 'C', 'G', 'T', 'U', 'N':
			n++
		}
	}
	return n*10 >= len(s)*9
}

// Writer writes FASTA records wrapped at Width columns (0: 60).
type Writer struct {
	w     *bufio.Writer
	Width int
}

// NewWriter returns a FASTA writer on w; call Flush at the end.
func NewWriter(w io.Writer) *Writer { return &Writer{w: bufio.NewWriter(w), Width: 60} }

// Write writes one record; desc may be empty.
func (w *Writer) Write(id, desc string, s []byte) error {
	var b bytes.Buffer
	b.WriteByte('>')
	b.WriteString(id)
	if desc != "" {
		b.WriteByte(' ')
		b.WriteString(desc)
	}
	b.WriteByte('\n')
	width := w.Width
	if width <= 0 {
		width = 60
	}
	for i := 0; i < len(s); i += width {
		j := min(i+width, len(s))
		b.Write(s[i:j])
		b.WriteByte('\n')
	}
	_, err := w.w.Write(b.Bytes())
	return err
}

// Flush writes buffered data to the underlying writer.
func (w *Writer) Flush() error { return w.w.Flush() }
