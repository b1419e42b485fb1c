package validate

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"

	"github.com/shenwei356/xopen"
)

// lineReader reads a text file (compressed or not, detected from its content
// by xopen) line by line, counting line endings and remembering a
// decompression error instead of stopping the caller's checks.
type lineReader struct {
	path      string
	rc        io.ReadCloser
	r         *bufio.Reader
	line      int // number of the line last returned
	crlf, lf  int
	firstCRLF int
	firstLF   int
	bareCR    int // first line holding a CR that is not part of CRLF
	err       error
	comp      string // compression detected from the magic bytes, "" for plain text
}

// errEmpty is returned by openLines for a file with no bytes at all.
var errEmpty = errors.New("empty file")

func openLines(path string) (*lineReader, error) {
	comp, err := compressionOf(path)
	if err != nil {
		return nil, err
	}
	rc, err := xopen.Ropen(path)
	if err != nil {
		if errors.Is(err, xopen.ErrNoContent) {
			return nil, errEmpty
		}
		return nil, err
	}
	return &lineReader{path: path, rc: rc, r: bufio.NewReaderSize(rc, 1<<16), comp: comp}, nil
}

// compressionOf names the compression of a file from its first bytes.
func compressionOf(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var b [6]byte
	n, _ := io.ReadFull(f, b[:])
	m := b[:n]
	switch {
	case bytes.HasPrefix(m, []byte{0x1f, 0x8b}):
		return "gzip", nil
	case bytes.HasPrefix(m, []byte{0xfd, '7', 'z', 'X', 'Z', 0}):
		return "xz", nil
	case bytes.HasPrefix(m, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return "zstd", nil
	case bytes.HasPrefix(m, []byte("BZh")):
		return "bzip2", nil
	}
	return "", nil
}

// next returns the next line without its line ending; ok is false at the end
// of the file or after a read error (kept in l.err).
func (l *lineReader) next() (line []byte, ok bool) {
	if l.err != nil {
		return nil, false
	}
	b, err := l.r.ReadBytes('\n')
	if len(b) == 0 {
		if err != nil && err != io.EOF {
			l.err = err
		}
		return nil, false
	}
	if err != nil && err != io.EOF {
		// A partial line before a decompression error is not trusted.
		l.err = err
		return nil, false
	}
	l.line++
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
			l.crlf++
			if l.firstCRLF == 0 {
				l.firstCRLF = l.line
			}
		} else {
			l.lf++
			if l.firstLF == 0 {
				l.firstLF = l.line
			}
		}
	} else if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1] // last line, CR without LF
	}
	if l.bareCR == 0 && bytes.IndexByte(b, '\r') >= 0 {
		l.bareCR = l.line
	}
	return b, true
}

func (l *lineReader) close() { l.rc.Close() }

// report adds the findings about the file as a whole: line endings and
// decompression errors. prefix is the check family ("fasta", "tsv").
func (l *lineReader) report(fs *Findings, prefix string) {
	file := Where{File: l.path}
	if l.err != nil {
		what := "read error"
		if l.comp != "" {
			what = "corrupt or truncated " + l.comp + " data"
		}
		fs.Errorf(Where{File: l.path, Line: l.line + 1}, "input.compression", "%s after line %d: %v", what, l.line, l.err)
	}
	if l.bareCR > 0 {
		fs.Errorf(Where{File: l.path, Line: l.bareCR}, prefix+".line_endings", "carriage return (CR) inside a line: old Mac line endings or a stray control character")
	}
	switch {
	case l.crlf > 0 && l.lf > 0:
		fs.Warnf(file, prefix+".line_endings", "mixed line endings: %d lines end in CRLF (first at line %d), %d in LF (first at line %d)", l.crlf, l.firstCRLF, l.lf, l.firstLF)
	case l.crlf > 0:
		fs.Warnf(file, prefix+".line_endings", "Windows (CRLF) line endings on all %d lines; wtscan reads them, other tools may not", l.crlf)
	}
}
