// Package annot reads gene coordinates for wtscan-extract: GFF3 (Prokka,
// Bakta, NCBI PGAP; with an optional ##FASTA section), GenBank flat files,
// and the hit tables of abricate, RGI and AMRFinderPlus. Every error names
// the file and the line.
package annot

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/wtscan/wtscan/internal/fsx"
)

// Part is one 1-based inclusive interval of a feature on the forward strand.
type Part struct{ Start, End int }

// Feature is one coding sequence (or hit) on a contig.
type Feature struct {
	Contig  string
	Parts   []Part // in reading order on the forward strand: GenBank's join order as written (a gene across the origin of a circular contig ends at 1..k); GFF3 parts by position
	Strand  byte   // '+' or '-'
	Gene    string // gene=, Name= or /gene; the hit table's gene column
	Product string
	ID      string
	Partial bool // the file marks the feature partial (partial=true, <, >)
	Line    int  // line of the feature in File
	File    string
}

// Start is the feature's lowest position.
func (f *Feature) Start() int {
	m := f.Parts[0].Start
	for _, p := range f.Parts[1:] {
		m = min(m, p.Start)
	}
	return m
}

// End is the feature's highest position.
func (f *Feature) End() int {
	m := f.Parts[0].End
	for _, p := range f.Parts[1:] {
		m = max(m, p.End)
	}
	return m
}

// Where names the feature's file and line for error messages.
func (f *Feature) Where() string { return fmt.Sprintf("%s line %d", f.File, f.Line) }

// Contig is a sequence embedded in an annotation file.
type Contig struct {
	ID  string
	Seq []byte
}

// Annotation is what a GFF3 or GenBank file holds.
type Annotation struct {
	Features []Feature
	Contigs  []Contig // from a ##FASTA section or ORIGIN blocks; may be empty
	Aliases  map[string]string
}

// open reads a plain or gzip-compressed file.
func open(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReader(f)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return struct {
			io.Reader
			io.Closer
		}{gz, f}, nil
	}
	return struct {
		io.Reader
		io.Closer
	}{br, f}, nil
}

// lines calls fn for every line (CR and the newline removed), numbered from 1.
func lines(path string, fn func(n int, line string) error) error {
	rc, err := open(path)
	if err != nil {
		return err
	}
	defer rc.Close()
	src := &fsx.ErrRecorder{R: rc}
	sc := bufio.NewScanner(src)
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	n := 0
	for sc.Scan() {
		n++
		if err := fn(n, strings.TrimRight(sc.Text(), "\r")); err != nil {
			if src.Cut() { // the line was cut short: say why
				return fmt.Errorf("%s line %d: %w (truncated or corrupt file?)", path, n, src.Err)
			}
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s after line %d: %w (truncated or corrupt file?)", path, n, err)
	}
	return nil
}

// ReadGFF3 reads the CDS features of a GFF3 file. Lines of one CDS that share
// an ID are joined into one feature with several parts.
func ReadGFF3(path string) (*Annotation, error) {
	a := &Annotation{}
	byID := map[string]int{}
	inFASTA := false
	var cur *Contig
	err := lines(path, func(n int, line string) error {
		if inFASTA {
			if strings.HasPrefix(line, ">") {
				id := strings.Fields(line[1:] + " ")
				if len(id) == 0 {
					return fmt.Errorf("%s line %d: FASTA header without an id", path, n)
				}
				a.Contigs = append(a.Contigs, Contig{ID: id[0]})
				cur = &a.Contigs[len(a.Contigs)-1]
				return nil
			}
			if cur == nil {
				if strings.TrimSpace(line) == "" {
					return nil
				}
				return fmt.Errorf("%s line %d: sequence before the first '>' in the ##FASTA section", path, n)
			}
			cur.Seq = append(cur.Seq, bytes.ToUpper([]byte(strings.TrimSpace(line)))...)
			return nil
		}
		if line == "##FASTA" {
			inFASTA = true
			return nil
		}
		if line == "" || line[0] == '#' {
			return nil
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 9 {
			return fmt.Errorf("%s line %d: %d tab-separated columns, GFF3 has 9", path, n, len(cols))
		}
		if cols[2] != "CDS" {
			return nil
		}
		start, err1 := strconv.Atoi(cols[3])
		end, err2 := strconv.Atoi(cols[4])
		if err1 != nil || err2 != nil || start < 1 || end < start {
			return fmt.Errorf("%s line %d: bad coordinates %q..%q (want 1 <= start <= end)", path, n, cols[3], cols[4])
		}
		if cols[6] != "+" && cols[6] != "-" {
			return fmt.Errorf("%s line %d: strand %q of a CDS must be + or -", path, n, cols[6])
		}
		attrs, err := gffAttributes(cols[8])
		if err != nil {
			return fmt.Errorf("%s line %d: %w", path, n, err)
		}
		id := attrs["ID"]
		if i, ok := byID[id]; ok && id != "" {
			f := &a.Features[i]
			if f.Contig != cols[0] || f.Strand != cols[6][0] {
				return fmt.Errorf("%s line %d: CDS %q continues on another contig or strand (first at line %d)", path, n, id, f.Line)
			}
			f.Parts = append(f.Parts, Part{start, end})
			sortParts(f.Parts)
			return nil
		}
		gene := attrs["gene"]
		if gene == "" {
			gene = attrs["Name"]
		}
		f := Feature{Contig: cols[0], Parts: []Part{{start, end}}, Strand: cols[6][0], Gene: gene,
			Product: attrs["product"], ID: id, Line: n, File: path,
			Partial: attrs["partial"] == "true" || attrs["start_range"] != "" || attrs["end_range"] != ""}
		if id != "" {
			byID[id] = len(a.Features)
		}
		a.Features = append(a.Features, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

func sortParts(p []Part) {
	for i := 1; i < len(p); i++ {
		for j := i; j > 0 && p[j].Start < p[j-1].Start; j-- {
			p[j], p[j-1] = p[j-1], p[j]
		}
	}
}

func gffAttributes(s string) (map[string]string, error) {
	m := map[string]string{}
	for _, kv := range strings.Split(strings.TrimSpace(s), ";") {
		kv = strings.TrimSpace(kv)
		if kv == "" || kv == "." {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("attribute %q is not key=value", kv)
		}
		if dv, err := url.PathUnescape(v); err == nil {
			v = dv
		}
		m[k] = v
	}
	return m, nil
}
