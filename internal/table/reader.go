package table

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/shenwei356/xopen"

	"github.com/wtscan/wtscan/internal/fsx"
)

// Reader streams rows of type T from a Parquet or TSV table.
type Reader[T any] struct {
	path  string
	Meta  Meta
	pq    *parquet.GenericReader[T]
	close func() error
	// TSV state
	sc     *bufio.Scanner
	src    *fsx.ErrRecorder // what sc reads, with the error it met
	lineNo int
	fields []int // struct column index for each TSV column, -1 for extra columns
	cols   []column
}

// Open opens a table of the given schema ("alignments/1"). Parquet files must
// carry that schema in their metadata; TSV files need every required column.
func Open[T any](path, schema string) (*Reader[T], error) {
	format, err := FormatOf(path)
	if err != nil {
		return nil, err
	}
	cols, err := columnsOf(reflect.TypeFor[T]())
	if err != nil {
		return nil, err
	}
	r := &Reader[T]{path: path, cols: cols}
	if format == Parquet {
		return r, r.openParquet(schema)
	}
	return r, r.openTSV(schema)
}

func openParquet(path string) (*parquet.File, func() error, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: not a readable Parquet file: %w", path, err)
	}
	return pf, f.Close, nil
}

func (r *Reader[T]) openParquet(schema string) error {
	pf, closer, err := openParquet(r.path)
	if err != nil {
		return err
	}
	got, _ := pf.Lookup(KeySchema)
	if err := checkSchema(r.path, got, schema); err != nil {
		closer()
		return err
	}
	r.Meta = metaOf(pf)
	have := map[string]bool{}
	for _, f := range pf.Schema().Fields() {
		have[f.Name()] = true
	}
	var missing []string
	for _, c := range r.cols {
		if !have[c.name] && !c.optional {
			missing = append(missing, c.name)
		}
	}
	if len(missing) > 0 {
		closer()
		return fmt.Errorf("%s: missing required columns: %s", r.path, strings.Join(missing, ", "))
	}
	r.pq = parquet.NewGenericReader[T](pf)
	r.close = func() error { r.pq.Close(); return closer() }
	return nil
}

func metaOf(pf *parquet.File) Meta {
	m := Meta{Extra: map[string]string{}}
	for _, kv := range pf.Metadata().KeyValueMetadata {
		switch kv.Key {
		case KeySchema:
			m.Schema = kv.Value
		case KeyVersion:
			m.Version = kv.Value
		case KeyCommand:
			m.Command = kv.Value
		case KeyInputs:
			json.Unmarshal([]byte(kv.Value), &m.Inputs)
		default:
			m.Extra[kv.Key] = kv.Value
		}
	}
	return m
}

func (r *Reader[T]) openTSV(schema string) error {
	var in io.ReadCloser
	if r.path == "-" {
		in = io.NopCloser(os.Stdin)
	} else {
		x, err := xopen.Ropen(r.path)
		if err != nil {
			if errors.Is(err, xopen.ErrNoContent) {
				return fmt.Errorf("%s: empty file (no header line)", r.path)
			}
			return fmt.Errorf("open %s: %w", r.path, err)
		}
		in = x
	}
	r.close = in.Close
	r.Meta = Meta{Schema: schema}
	r.src = &fsx.ErrRecorder{R: in}
	r.sc = bufio.NewScanner(r.src)
	r.sc.Buffer(make([]byte, 1<<20), 1<<30)
	if !r.sc.Scan() {
		in.Close()
		if err := r.sc.Err(); err != nil {
			return fmt.Errorf("read %s: %w", r.path, readErr(err))
		}
		return fmt.Errorf("%s: empty file (no header line)", r.path)
	}
	r.lineNo = 1
	header := strings.Split(strings.TrimRight(r.sc.Text(), "\r"), "\t")
	byName := map[string]int{}
	for i, c := range r.cols {
		byName[c.name] = i
	}
	r.fields = make([]int, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimPrefix(strings.TrimSpace(h), "#")
		if seen[h] {
			in.Close()
			return fmt.Errorf("%s line 1: column %q appears twice", r.path, h)
		}
		seen[h] = true
		if j, ok := byName[h]; ok {
			r.fields[i] = j
		} else {
			r.fields[i] = -1
		}
	}
	var missing []string
	for _, c := range r.cols {
		if !seen[c.name] && !c.optional {
			missing = append(missing, c.name)
		}
	}
	if len(missing) > 0 {
		in.Close()
		name, _, _ := strings.Cut(schema, "/")
		article := "a"
		if strings.ContainsRune("aeiou", rune(name[0])) {
			article = "an"
		}
		return fmt.Errorf("%s line 1: not %s %s table: missing required columns: %s", r.path, article, name, strings.Join(missing, ", "))
	}
	return nil
}

// Read fills rows and returns how many it read; io.EOF after the last row.
func (r *Reader[T]) Read(rows []T) (int, error) {
	if r.pq != nil {
		n, err := r.pq.Read(rows)
		if err != nil && err != io.EOF {
			err = fmt.Errorf("read %s: %w", r.path, err)
		}
		return n, err
	}
	n := 0
	for n < len(rows) {
		if !r.sc.Scan() {
			if err := r.sc.Err(); err != nil {
				return n, fmt.Errorf("read %s line %d: %w", r.path, r.lineNo+1, readErr(err))
			}
			return n, io.EOF
		}
		r.lineNo++
		line := strings.TrimRight(r.sc.Text(), "\r")
		if line == "" {
			continue
		}
		parts := strings.Split(line, "\t")
		if len(parts) != len(r.fields) {
			if r.src.Cut() { // the last line, cut short
				return n, fmt.Errorf("read %s line %d: %w", r.path, r.lineNo, readErr(r.src.Err))
			}
			return n, fmt.Errorf("%s line %d: %d fields, header has %d", r.path, r.lineNo, len(parts), len(r.fields))
		}
		var row T
		v := reflect.ValueOf(&row).Elem()
		for i, s := range parts {
			if j := r.fields[i]; j >= 0 {
				c := r.cols[j]
				if err := parseField(v.Field(c.index), c, s); err != nil {
					if r.src.Cut() {
						return n, fmt.Errorf("read %s line %d: %w", r.path, r.lineNo, readErr(r.src.Err))
					}
					return n, fmt.Errorf("%s line %d: %w", r.path, r.lineNo, err)
				}
			}
		}
		rows[n] = row
		n++
	}
	return n, nil
}

// NumRows is the number of rows of a Parquet table (from its footer), or -1
// for a TSV table, whose rows are not known before they are read.
func (r *Reader[T]) NumRows() int64 {
	if r.pq != nil {
		return r.pq.NumRows()
	}
	return -1
}

// Line is the TSV line of the last row read (0 for Parquet).
func (r *Reader[T]) Line() int { return r.lineNo }

// Close releases the file.
func (r *Reader[T]) Close() error {
	if r.close == nil {
		return nil
	}
	return r.close()
}

// ReadAll reads a whole table.
func ReadAll[T any](path, schema string) ([]T, Meta, error) {
	r, err := Open[T](path, schema)
	if err != nil {
		return nil, Meta{}, err
	}
	defer r.Close()
	var all []T
	buf := make([]T, 1024)
	for {
		n, err := r.Read(buf)
		all = append(all, buf[:n]...)
		if err == io.EOF {
			return all, r.Meta, nil
		}
		if err != nil {
			return nil, r.Meta, err
		}
	}
}

// readErr says what a read error of a (possibly compressed) text table means.
func readErr(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("unexpected end of file (truncated or corrupt compressed input?): %w", err)
	}
	if msg := err.Error(); strings.Contains(msg, "gzip") || strings.Contains(msg, "flate") {
		return fmt.Errorf("corrupt compressed input: %w", err)
	}
	return err
}
