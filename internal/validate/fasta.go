package validate

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/wtscan/wtscan/internal/seqio"
)

// fastaRecord is one record as the validator's own scanner saw it.
type fastaRecord struct {
	ID, Desc string
	Line     int    // line of the header
	Seq      []byte // upper case, white space removed
	N        int    // 1-based record number
	spans    []span // where each sequence line starts in Seq
}

type span struct{ line, off int }

// lineOf maps a 0-based offset in Seq to its line and 1-based column
// (counting only sequence characters).
func (r *fastaRecord) lineOf(off int) (line, col int) {
	for i := len(r.spans) - 1; i >= 0; i-- {
		if r.spans[i].off <= off {
			return r.spans[i].line, off - r.spans[i].off + 1
		}
	}
	return r.Line, 0
}

// alphabetFor decides which alphabet a record must use.
type alphabetFor func(rec *fastaRecord) seqio.Alphabet

func fixedAlphabet(a seqio.Alphabet) alphabetFor {
	return func(*fastaRecord) seqio.Alphabet { return a }
}

// scanFASTA checks a FASTA file line by line and reports every problem with
// its line: text before the first header, empty ids, empty records,
// duplicate ids, characters outside the alphabet, line endings and
// decompression errors. fn (may be nil) sees every record with an id.
// alpha nil leaves the alphabet to fn (references: refset knows each
// record's kind).
// It returns the number of records.
func scanFASTA(path string, alpha alphabetFor, fs *Findings, fn func(*fastaRecord)) int {
	lr, err := openLines(path)
	if err == errEmpty {
		fs.Errorf(Where{File: path}, "fasta.empty", "empty file: no FASTA records")
		return 0
	}
	if err != nil {
		fs.Errorf(Where{File: path}, "input.read", "cannot read: %v", err)
		return 0
	}
	defer lr.close()
	seen := map[string]int{} // id -> header line
	var cur *fastaRecord
	n := 0
	preHeader := 0
	finish := func() {
		if cur == nil {
			return
		}
		rec := cur
		cur = nil
		w := Where{File: path, Record: rec.ID, Line: rec.Line}
		if len(rec.Seq) == 0 {
			fs.Errorf(w, "fasta.empty_record", "record %d has no sequence", rec.N)
			return
		}
		if alpha != nil {
			a := alpha(rec)
			if pos, c, bad := a.Check(rec.Seq); bad {
				line, col := rec.lineOf(pos - 1)
				more := ""
				if count := a.Count(rec.Seq); count > 1 {
					more = fmt.Sprintf(" (%d such characters in the record)", count)
				}
				fs.Errorf(Where{File: path, Record: rec.ID, Line: line}, "fasta.alphabet", "character %q at column %d (sequence position %d) is not %s%s", c, col, pos, a, more)
			}
		}
		if fn != nil && rec.ID != "" {
			fn(rec)
		}
	}
	for {
		line, ok := lr.next()
		if !ok {
			break
		}
		if len(line) > 0 && line[0] == '>' {
			finish()
			n++
			header := string(line[1:])
			id, desc, _ := strings.Cut(strings.TrimLeft(header, " \t"), " ")
			if i := strings.IndexByte(id, '\t'); i >= 0 {
				id, desc = id[:i], id[i+1:]+" "+desc
			}
			cur = &fastaRecord{ID: id, Desc: strings.TrimSpace(desc), Line: lr.line, N: n}
			w := Where{File: path, Record: id, Line: lr.line}
			if id == "" {
				fs.Errorf(w, "fasta.header", "record %d has an empty id ('>' with no name after it)", n)
			} else if first, dup := seen[id]; dup {
				fs.Errorf(w, "fasta.duplicate_id", "duplicate id %q (first at line %d)", id, first)
			} else {
				seen[id] = lr.line
			}
			continue
		}
		trimmed := bytes.TrimSpace(line)
		if len(trimmed) == 0 {
			continue
		}
		if cur == nil {
			if preHeader == 0 {
				what := "sequence data before the first '>' header"
				if trimmed[0] == '@' && lr.line == 1 {
					what = "FASTQ, not FASTA (first line starts with '@')"
				}
				fs.Errorf(Where{File: path, Line: lr.line}, "fasta.format", "%s", what)
			}
			preHeader++
			continue
		}
		cur.spans = append(cur.spans, span{line: lr.line, off: len(cur.Seq)})
		for _, c := range trimmed {
			switch {
			case c == ' ' || c == '\t':
				continue
			case c >= 'a' && c <= 'z':
				c -= 'a' - 'A'
			}
			cur.Seq = append(cur.Seq, c)
		}
	}
	finish()
	lr.report(fs, "fasta")
	if n == 0 && lr.err == nil && preHeader == 0 {
		fs.Errorf(Where{File: path}, "fasta.empty", "no FASTA records")
	}
	return n
}

// checkFASTAFile validates an assembly (DNA) or protein FASTA file given on
// the command line.
func checkFASTAFile(path string, a seqio.Alphabet, fs *Findings) {
	scanFASTA(path, fixedAlphabet(a), fs, func(rec *fastaRecord) {
		if a != seqio.Protein {
			return
		}
		s := bytes.TrimSuffix(rec.Seq, []byte("*"))
		if i := bytes.IndexByte(s, '*'); i >= 0 {
			line, col := rec.lineOf(i)
			fs.Warnf(Where{File: path, Record: rec.ID, Line: line}, "fasta.internal_stop",
				"internal stop '*' at column %d (protein position %d; %d internal stops in the record)", col, i+1, bytes.Count(s, []byte("*")))
		}
	})
}
