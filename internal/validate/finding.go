package validate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wtscan/wtscan/internal/fsx"
	"github.com/wtscan/wtscan/internal/table"
)

// Severities of a finding. Errors fail the run; warnings fail it only with --strict.
const (
	Error   = "error"
	Warning = "warning"
)

// SchemaQC is the schema of the findings table written by --table.
const SchemaQC = "qc/1"

// Finding is one problem found in one place. It is also the row type of the
// findings table (--table qc.tsv|qc.parquet).
type Finding struct {
	File     string `parquet:"file,dict" json:"file"`
	Record   string `parquet:"record" json:"record,omitempty"` // record id (FASTA id, sample_id/gene/copy, catalogue gene:position, ...)
	Row      int64  `parquet:"row" json:"row,omitempty"`       // 1-based data row of a table (0: not a table row)
	Line     int64  `parquet:"line" json:"line,omitempty"`     // 1-based line in a text file (0: unknown or binary)
	Check    string `parquet:"check,dict" json:"check"`        // stable name such as fasta.alphabet
	Severity string `parquet:"severity,dict" json:"severity"`  // error or warning
	Message  string `parquet:"message" json:"message"`
}

// Where is the place a finding refers to; the zero value is "the whole file".
type Where struct {
	File   string
	Record string
	Row    int
	Line   int
}

// maxPerCheck caps the findings of one check in one file, like a compiler
// that stops listing after "too many errors"; the rest are counted in one
// final finding of the same check.
const maxPerCheck = 100

// Findings collects every problem of a run.
type Findings struct {
	list    []Finding
	perFile map[[2]string]int // (file, check) -> findings seen, including suppressed ones
}

// Add records a finding at w.
func (f *Findings) Add(w Where, check, severity, format string, args ...any) {
	if f.perFile == nil {
		f.perFile = map[[2]string]int{}
	}
	k := [2]string{w.File, check}
	f.perFile[k]++
	if f.perFile[k] > maxPerCheck {
		return
	}
	f.list = append(f.list, Finding{
		File: w.File, Record: w.Record, Row: int64(w.Row), Line: int64(w.Line),
		Check: check, Severity: severity, Message: fmt.Sprintf(format, args...),
	})
}

// Errorf records an error finding.
func (f *Findings) Errorf(w Where, check, format string, args ...any) {
	f.Add(w, check, Error, format, args...)
}

// Warnf records a warning finding.
func (f *Findings) Warnf(w Where, check, format string, args ...any) {
	f.Add(w, check, Warning, format, args...)
}

// Sorted returns every finding in a deterministic order (file, line, row,
// record, check, severity, message), with one "more findings" entry per
// (file, check) whose findings were capped.
func (f *Findings) Sorted() []Finding {
	out := append([]Finding(nil), f.list...)
	keys := make([][2]string, 0)
	for k, n := range f.perFile {
		if n > maxPerCheck {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i][0] < keys[j][0] || keys[i][0] == keys[j][0] && keys[i][1] < keys[j][1]
	})
	for _, k := range keys {
		sev := Warning
		for _, x := range f.list {
			if x.File == k[0] && x.Check == k[1] && x.Severity == Error {
				sev = Error
				break
			}
		}
		out = append(out, Finding{File: k[0], Line: 1 << 40, Check: k[1], Severity: sev,
			Message: fmt.Sprintf("%d more %s findings not listed (only the first %d are)", f.perFile[k]-maxPerCheck, k[1], maxPerCheck)})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case a.File != b.File:
			return a.File < b.File
		case a.Line != b.Line:
			return a.Line < b.Line
		case a.Row != b.Row:
			return a.Row < b.Row
		case a.Record != b.Record:
			return a.Record < b.Record
		case a.Check != b.Check:
			return a.Check < b.Check
		case a.Severity != b.Severity:
			return a.Severity < b.Severity
		}
		return a.Message < b.Message
	})
	for i := range out {
		if out[i].Line == 1<<40 {
			out[i].Line = 0
		}
	}
	return out
}

// Summary counts findings.
type Summary struct {
	Files    []string       `json:"files"`
	Errors   int            `json:"errors"`
	Warnings int            `json:"warnings"`
	ByCheck  map[string]int `json:"by_check"`
	Strict   bool           `json:"strict"`
	// WaterChecked is how many alignment rows --cross-check-water re-aligned.
	WaterChecked int  `json:"water_checked"`
	Passed       bool `json:"passed"`
}

// Summarize counts findings by severity and check.
func Summarize(files []string, fs []Finding, strict bool) Summary {
	s := Summary{Files: files, ByCheck: map[string]int{}, Strict: strict}
	if s.Files == nil {
		s.Files = []string{}
	}
	for _, f := range fs {
		if f.Severity == Error {
			s.Errors++
		} else {
			s.Warnings++
		}
		s.ByCheck[f.Check]++
	}
	s.Passed = s.Errors == 0 && (!strict || s.Warnings == 0)
	return s
}

// Report is the JSON document written by --report.
type Report struct {
	Summary  Summary   `json:"summary"`
	Findings []Finding `json:"findings"`
}

// ReadReport reads a JSON report written by WriteReport (wtscan-aggregate
// reads wtscan-validate's with it): an object with "summary" and
// "findings"; unknown fields are refused, so a file from another tool is
// named as such rather than half read.
func ReadReport(path string) (Report, error) {
	var r Report
	data, err := os.ReadFile(path)
	if err != nil {
		return r, err
	}
	trim := bytes.TrimSpace(data)
	if len(trim) == 0 || trim[0] != '{' {
		return r, fmt.Errorf("%s: not a wtscan-validate report (a JSON object with \"summary\" and \"findings\")", path)
	}
	dec := json.NewDecoder(bytes.NewReader(trim))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return r, fmt.Errorf("%s: bad QC JSON: %w", path, err)
	}
	if !bytes.Contains(trim, []byte(`"findings"`)) {
		return r, fmt.Errorf("%s: QC report has no \"findings\" array", path)
	}
	for i, f := range r.Findings {
		if f.Check == "" || (f.Severity != Error && f.Severity != Warning) {
			return r, fmt.Errorf("%s: finding %d: check %q, severity %q (want a check and error or warning)", path, i+1, f.Check, f.Severity)
		}
	}
	return r, nil
}

// WriteReport writes the JSON report atomically.
func WriteReport(path string, r Report) error {
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	return fsx.WriteJSON(path, r)
}

// WriteTable writes the findings as a qc/1 table (Parquet or TSV by extension).
func WriteTable(path string, meta table.Meta, fs []Finding) error {
	w, err := table.Create[Finding](path, meta)
	if err != nil {
		return err
	}
	defer w.Abort()
	if err := w.Write(fs...); err != nil {
		return err
	}
	return w.Close()
}

// PrintSummary writes a short human summary: counts by severity and check,
// then the first few findings.
func PrintSummary(w io.Writer, s Summary, fs []Finding, first int) {
	verdict := "PASSED"
	if !s.Passed {
		verdict = "FAILED"
	}
	fmt.Fprintf(w, "wtscan-validate: %s — %d error(s), %d warning(s) in %d file(s)\n", verdict, s.Errors, s.Warnings, len(s.Files))
	if len(s.ByCheck) > 0 {
		checks := make([]string, 0, len(s.ByCheck))
		for c := range s.ByCheck {
			checks = append(checks, c)
		}
		sort.Strings(checks)
		parts := make([]string, len(checks))
		for i, c := range checks {
			parts[i] = fmt.Sprintf("%s %d", c, s.ByCheck[c])
		}
		fmt.Fprintf(w, "  by check: %s\n", strings.Join(parts, ", "))
	}
	for i, f := range fs {
		if i == first {
			fmt.Fprintf(w, "  ... and %d more (see the report)\n", len(fs)-first)
			break
		}
		fmt.Fprintf(w, "  %s\n", f.String())
	}
}

// String renders a finding the way a compiler prints a diagnostic:
// file:line: severity: [check] record: message.
// File names, record ids and messages come from the inputs: a FASTA id such
// as ">ok\x1b[2J" would clear the terminal. A file or record holding
// anything but printable characters is shown quoted (Go syntax, as align and
// extract quote ids), and such characters in a message are escaped.
func (f Finding) String() string {
	var b strings.Builder
	b.WriteString(quoteUnprintable(f.File))
	if f.Line > 0 {
		fmt.Fprintf(&b, ":%d", f.Line)
	}
	fmt.Fprintf(&b, ": %s: [%s]", f.Severity, f.Check)
	if f.Row > 0 {
		fmt.Fprintf(&b, " row %d", f.Row)
	}
	if f.Record != "" {
		fmt.Fprintf(&b, " %s", quoteUnprintable(f.Record))
	}
	b.WriteString(": ")
	b.WriteString(escapeUnprintable(f.Message))
	return b.String()
}

func printable(s string) bool {
	for _, r := range s {
		if !unicode.IsPrint(r) || r == utf8.RuneError {
			return false
		}
	}
	return true
}

func quoteUnprintable(s string) string {
	if printable(s) {
		return s
	}
	return strconv.Quote(s)
}

func escapeUnprintable(s string) string {
	if printable(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsPrint(r) && r != utf8.RuneError {
			b.WriteRune(r)
			continue
		}
		q := strconv.QuoteRune(r)
		b.WriteString(q[1 : len(q)-1])
	}
	return b.String()
}
