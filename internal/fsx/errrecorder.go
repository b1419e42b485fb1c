package fsx

import "io"

// ErrRecorder is a reader that remembers the error its reader R returned.
// A bufio.Scanner hands out the last line of a truncated input, cut short,
// before it reports why the input ended: a parser that fails on that line
// can look here and say "truncated" rather than "malformed".
type ErrRecorder struct {
	R   io.Reader
	Err error // the last error R returned (io.EOF at a clean end)
}

func (e *ErrRecorder) Read(p []byte) (int, error) {
	n, err := e.R.Read(p)
	if err != nil {
		e.Err = err
	}
	return n, err
}

// Cut reports whether the input ended on an error other than a clean end.
func (e *ErrRecorder) Cut() bool { return e.Err != nil && e.Err != io.EOF }
