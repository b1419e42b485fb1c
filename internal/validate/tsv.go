package validate

import (
	"bytes"
	"reflect"
	"strings"

	"github.com/wtscan/wtscan/internal/table"
)

// tsvFile is a tab-separated file read leniently: every line is kept with its
// number, so that checks can name the line of each problem.
type tsvFile struct {
	path   string
	header []string
	col    map[string]int // column name -> index (first occurrence)
	rows   [][]string
	lines  []int // line of each row
}

func (t *tsvFile) has(name string) bool { _, ok := t.col[name]; return ok }

// readTSV reads a TSV file (plain or compressed). The first non-blank line is
// the header (a leading '#' is dropped from it); later lines starting with
// '#' are comments and skipped. Field-count problems and duplicate columns are
// reported; the rows are kept either way.
func readTSV(path string, fs *Findings) (*tsvFile, bool) {
	lr, err := openLines(path)
	if err == errEmpty {
		fs.Errorf(Where{File: path}, "tsv.empty", "empty file: no header line")
		return nil, false
	}
	if err != nil {
		fs.Errorf(Where{File: path}, "input.read", "cannot read: %v", err)
		return nil, false
	}
	defer lr.close()
	t := &tsvFile{path: path, col: map[string]int{}}
	for {
		line, ok := lr.next()
		if !ok {
			break
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if t.header == nil {
			t.header = strings.Split(string(line), "\t")
			for i, h := range t.header {
				h = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(h), "#"))
				t.header[i] = h
				if prev, dup := t.col[h]; dup {
					fs.Errorf(Where{File: path, Line: lr.line}, "tsv.header", "column %q appears twice (columns %d and %d)", h, prev+1, i+1)
					continue
				}
				t.col[h] = i
			}
			continue
		}
		if line[0] == '#' {
			continue
		}
		fields := strings.Split(string(line), "\t")
		if len(fields) != len(t.header) {
			fs.Errorf(Where{File: path, Line: lr.line, Row: len(t.rows) + 1}, "tsv.fields", "%d fields, the header has %d", len(fields), len(t.header))
		}
		t.rows = append(t.rows, fields)
		t.lines = append(t.lines, lr.line)
	}
	lr.report(fs, "tsv")
	if t.header == nil {
		if lr.err == nil {
			fs.Errorf(Where{File: path}, "tsv.empty", "no header line")
		}
		return nil, false
	}
	return t, true
}

// decodeRows turns a TSV file into rows of T, reporting every missing
// required column and every unparsable value with its line. Rows with a
// value that does not parse are still returned (that field left zero) so the
// other checks run; bad[i] says row i had such a problem.
func decodeRows[T any](t *tsvFile, fs *Findings) (rows []T, bad []bool, ok bool) {
	cols := table.ColumnsOf[T]()
	var missing []string
	for _, c := range cols {
		if !t.has(c.Name) && !c.Optional {
			missing = append(missing, c.Name)
		}
	}
	if len(missing) > 0 {
		fs.Errorf(Where{File: t.path, Line: 1}, "table.columns", "missing required columns: %s", strings.Join(missing, ", "))
		return nil, nil, false
	}
	rows = make([]T, len(t.rows))
	bad = make([]bool, len(t.rows))
	for r := range t.rows {
		v := reflect.ValueOf(&rows[r]).Elem()
		for _, c := range cols {
			j, present := t.col[c.Name]
			if !present || j >= len(t.rows[r]) {
				continue
			}
			if err := table.SetField(v.Field(c.Field), t.rows[r][j]); err != nil {
				bad[r] = true
				fs.Errorf(Where{File: t.path, Line: t.lines[r], Row: r + 1}, "table.value", "column %s: %v", c.Name, err)
			}
		}
	}
	return rows, bad, true
}
