// Package samplesheet is the one reader of the sample sheet: the TSV that
// names each sample's assembly (and optional annotation, organism, hit
// table). wtscan-extract, wtscan-validate, wtscan-aggregate and the
// workflow's check before any job (wtscan-validate --print-samples) all read
// a sheet with Read, so a sheet one of them accepts, every one accepts, and
// every problem is named with the same line number.
//
// The format:
//   - UTF-8, tab-separated; a byte-order mark and CRLF line ends are accepted;
//   - blank lines and lines starting with '#' are skipped, except that the
//     header may be written with a leading '#' ("#sample_id\tassembly");
//   - the header holds sample_id and assembly, and optionally the other
//     Columns, each once; no other column;
//   - a row has at most as many fields as the header (missing trailing
//     fields are empty); fields are trimmed of surrounding spaces;
//   - sample_id matches IDPattern and is unique; assembly may be empty only
//     when annotation names a GFF3 (##FASTA) or GenBank file holding the
//     sequences; hits and hits_format go together.
//
// Paths are relative to the working directory (as the workflow reads them),
// or absolute. Read does not look at the files; Sheet.Missing does.
package samplesheet

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// IDPattern is the rule every sample id follows (ids become file names).
var IDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// Column is one column a sample sheet may hold.
type Column struct {
	Name     string
	Required bool // in the header
	Help     string
}

// Columns are every column of a sample sheet; workflow/schemas/samples.schema.yaml
// lists the same (a test checks).
var Columns = []Column{
	{"sample_id", true, "sample identifier: letters, digits, '.', '_' and '-' only (it becomes part of file names)"},
	{"assembly", true, "genome assembly FASTA (.gz, .xz ok); may be empty when annotation holds the sequences"},
	{"annotation", false, "GFF3 or GenBank annotation of the assembly (.gz ok): genes are taken from it instead of searched"},
	{"organism", false, "organism: picks among references tagged organism="},
	{"hits", false, "hit table (abricate, rgi or amrfinder output) locating the genes"},
	{"hits_format", false, "format of hits: abricate, rgi or amrfinder"},
}

// HitsFormats are the values hits_format takes.
var HitsFormats = []string{"abricate", "rgi", "amrfinder"}

// Sample is one row of the sheet.
type Sample struct {
	ID         string `json:"sample_id"`
	Assembly   string `json:"assembly"`
	Annotation string `json:"annotation,omitempty"`
	Organism   string `json:"organism,omitempty"`
	Hits       string `json:"hits,omitempty"`
	HitsFormat string `json:"hits_format,omitempty"`
	Line       int    `json:"line"` // line of the sheet (1-based, counting every line)
}

// Sheet is a sample sheet read whole.
type Sheet struct {
	Path    string
	Header  []string // the columns present, in file order
	Samples []Sample
}

// Problem is one thing wrong with a sheet. Check names its kind, the way
// wtscan-validate names its findings (samples.columns, samples.id, …).
type Problem struct {
	Line   int // 0: the file as a whole
	Sample string
	Check  string
	Msg    string
}

func (p Problem) String() string {
	switch {
	case p.Line > 0 && p.Sample != "":
		return fmt.Sprintf("line %d (sample %q): %s", p.Line, p.Sample, p.Msg)
	case p.Line > 0:
		return fmt.Sprintf("line %d: %s", p.Line, p.Msg)
	}
	return p.Msg
}

// Error is every problem of a sheet.
type Error struct {
	Path     string
	Problems []Problem
}

func (e *Error) Error() string {
	if len(e.Problems) == 1 {
		return fmt.Sprintf("sample sheet %s %s", e.Path, e.Problems[0])
	}
	var b strings.Builder
	fmt.Fprintf(&b, "sample sheet %s: %d problems:", e.Path, len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Read reads and checks a sample sheet. On any problem it returns the sheet
// as far as it could be read together with an *Error listing every problem
// (or the error opening the file).
func Read(path string) (*Sheet, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sample sheet: %w", err)
	}
	sh, probs := Parse(path, data)
	if len(probs) > 0 {
		return sh, &Error{Path: path, Problems: probs}
	}
	return sh, nil
}

// Parse reads a sheet from its bytes; path names it in problems.
func Parse(path string, data []byte) (*Sheet, []Problem) {
	sh := &Sheet{Path: path}
	var probs []Problem
	add := func(line int, sample, check, format string, a ...any) {
		probs = append(probs, Problem{Line: line, Sample: sample, Check: check, Msg: fmt.Sprintf(format, a...)})
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var col map[string]int
	nHeader := 0
	seen := map[string]int{}
	for i, raw := range bytes.Split(data, []byte("\n")) {
		n := i + 1
		line := strings.TrimSuffix(string(raw), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		if col == nil {
			if strings.HasPrefix(line, "#") && !strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(line, "#")), "sample_id") {
				continue // a comment before the header
			}
			col = map[string]int{}
			cells := strings.Split(line, "\t")
			nHeader = len(cells)
			for j, h := range cells {
				h = strings.TrimSpace(h)
				if j == 0 {
					h = strings.TrimSpace(strings.TrimPrefix(h, "#"))
				}
				switch {
				case !slices.ContainsFunc(Columns, func(c Column) bool { return c.Name == h }):
					add(n, "", "samples.columns", "unknown column %q (a sample sheet has %s)", h, columnList())
				case col[h] != 0:
					add(n, "", "samples.columns", "column %q given twice", h)
				default:
					col[h] = j + 1 // 0 means absent
					sh.Header = append(sh.Header, h)
				}
			}
			for _, c := range Columns {
				if c.Required && col[c.Name] == 0 {
					add(n, "", "samples.columns", "header lacks column %s (a sample sheet has %s)", c.Name, columnList())
				}
			}
			continue
		}
		if strings.HasPrefix(line, "#") {
			continue
		}
		cells := strings.Split(line, "\t")
		get := func(name string) string {
			if j := col[name]; j > 0 && j <= len(cells) {
				return strings.TrimSpace(cells[j-1])
			}
			return ""
		}
		s := Sample{ID: get("sample_id"), Assembly: get("assembly"), Annotation: get("annotation"),
			Organism: get("organism"), Hits: get("hits"), HitsFormat: get("hits_format"), Line: n}
		if len(cells) > nHeader {
			add(n, s.ID, "samples.fields", "%d fields, but the header has %d columns", len(cells), nHeader)
		}
		switch {
		case s.ID == "":
			add(n, "", "samples.id", "empty sample_id")
		case !IDPattern.MatchString(s.ID):
			add(n, s.ID, "samples.id", "sample_id %q does not match %s (ids become file names)", s.ID, IDPattern)
		default:
			if first, dup := seen[s.ID]; dup {
				add(n, s.ID, "samples.duplicate", "sample_id %q repeated (first at line %d)", s.ID, first)
			} else {
				seen[s.ID] = n
			}
		}
		if s.Assembly == "" && s.Annotation == "" && col["assembly"] != 0 { // a missing column is named once, above
			add(n, s.ID, "samples.path", "no assembly (and no annotation holding the sequences)")
		}
		switch {
		case (s.Hits == "") != (s.HitsFormat == ""):
			add(n, s.ID, "samples.hits", "hits and hits_format go together")
		case s.HitsFormat != "" && !slices.Contains(HitsFormats, s.HitsFormat):
			add(n, s.ID, "samples.hits", "hits_format %q is not one of %s", s.HitsFormat, strings.Join(HitsFormats, ", "))
		case s.Hits != "" && s.Annotation != "":
			add(n, s.ID, "samples.hits", "give annotation or hits, not both")
		}
		sh.Samples = append(sh.Samples, s)
	}
	switch {
	case col == nil:
		add(0, "", "samples.empty", "no header line (need %s)", columnList())
	case len(sh.Samples) == 0:
		add(0, "", "samples.empty", "no samples (header only)")
	}
	return sh, probs
}

func columnList() string {
	var req, opt []string
	for _, c := range Columns {
		if c.Required {
			req = append(req, c.Name)
		} else {
			opt = append(opt, c.Name)
		}
	}
	return strings.Join(req, ", ") + " and optionally " + strings.Join(opt, ", ")
}

// IDs returns the set of the sheet's sample ids.
func (sh *Sheet) IDs() map[string]bool {
	ids := make(map[string]bool, len(sh.Samples))
	for _, s := range sh.Samples {
		ids[s.ID] = true
	}
	return ids
}

// Missing is one file a sheet names that is not there.
type Missing struct {
	Sample Sample
	Column string // assembly, annotation or hits
	Path   string
	Beside string // the path exists relative to the sheet's folder instead (the workflow would not find it)
}

// Msg says what is missing, without the line.
func (m Missing) Msg() string {
	s := fmt.Sprintf("%s %q not found (paths are relative to the working directory)", m.Column, m.Path)
	if m.Beside != "" {
		s += fmt.Sprintf("; it exists beside the sheet as %s", m.Beside)
	}
	return s
}

// Missing lists the files the sheet names that do not exist.
func (sh *Sheet) Missing() []Missing {
	var out []Missing
	for _, s := range sh.Samples {
		for _, c := range []struct{ name, path string }{{"assembly", s.Assembly}, {"annotation", s.Annotation}, {"hits", s.Hits}} {
			if c.path == "" {
				continue
			}
			if _, err := os.Stat(c.path); err == nil {
				continue
			}
			m := Missing{Sample: s, Column: c.name, Path: c.path}
			if !filepath.IsAbs(c.path) {
				b := filepath.Join(filepath.Dir(sh.Path), c.path)
				if _, err := os.Stat(b); err == nil {
					m.Beside = b
				}
			}
			out = append(out, m)
		}
	}
	return out
}

// CheckFiles returns an error naming every missing file, or nil.
func (sh *Sheet) CheckFiles() error {
	miss := sh.Missing()
	if len(miss) == 0 {
		return nil
	}
	e := &Error{Path: sh.Path}
	for _, m := range miss {
		e.Problems = append(e.Problems, Problem{Line: m.Sample.Line, Sample: m.Sample.ID, Check: "samples.path", Msg: m.Msg()})
	}
	return e
}

// IsSheetError reports whether err lists problems of a sheet's content.
func IsSheetError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}
