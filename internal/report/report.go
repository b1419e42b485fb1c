// Package report renders wtscan-aggregate's report.html: one self-contained
// file (inline CSS, inline SVG drawn here in Go, a few lines of our own
// JavaScript for tooltips and sortable tables; nothing fetched from the
// network) with a samples × changes heatmap, a lollipop plot per gene, the
// co-occurrence matrix, drug classes and the QC summary.
//
// Large cohorts stay readable: the heatmap draws the most frequent changes
// as columns and groups samples with the same pattern into one row (with a
// count), so 10,000 or 100,000 samples draw as a few dozen rows.
package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"

	"github.com/wtscan/wtscan/internal/fsx"
)

// Data is everything the report shows.
type Data struct {
	Title      string
	Version    string
	Command    string
	Summary    []Stat
	Heatmap    Heatmap
	Genes      []Gene
	Cooc       Cooc
	GeneCooc   Cooc
	Pairs      []Pair // most significant associations
	DrugClass  []Bar  // samples per implied drug class
	Profiles   []Bar  // most common known-resistance profiles
	QC         *QC
	Catalogues []string
	Notes      []string
}

// Stat is one headline number.
type Stat struct{ Label, Value string }

// Bar is one labelled count.
type Bar struct {
	Label string
	N     int
	Of    int // the whole (for percentages)
}

// Heatmap is samples (or groups of samples with one pattern) × changes.
type Heatmap struct {
	Columns       []Column
	Rows          []Row
	Grouped       bool // rows are groups of identical patterns
	Samples       int  // all samples
	HiddenRows    int  // patterns not drawn
	HiddenSamples int  // samples in them
	TotalChanges  int
}

// Column is one change of the heatmap.
type Column struct {
	Symbol, Gene string
	Known        bool
	Samples      int
	Frequency    float64
}

// Row is a sample or a group of samples; Cells: 1 present, 0 absent, -1 not covered.
type Row struct {
	Label   string
	Example string // a sample with this pattern (grouped rows)
	Samples int
	Cells   []int8
}

// Gene is one lollipop plot.
type Gene struct {
	Name    string
	Length  int // reference length (0: unknown, drawn to the last change)
	Samples int // samples with any change in it
	Changes []Lollipop
}

// Lollipop is one change along a protein.
type Lollipop struct {
	Position  int
	Symbol    string
	Short     string
	Type      string
	Known     bool
	Samples   int
	Frequency float64
}

// Cooc is a co-occurrence matrix over Names: Cells[i][j] for j < i.
type Cooc struct {
	Level string
	Names []string
	Known []bool
	Cells [][]*Pair
	Tests int // pairs tested at this level
}

// Pair is one tested pair.
type Pair struct {
	Level, A, B        string
	N11, N10, N01, N00 int64
	Jaccard, OR, P, Q  float64
}

// QC is the summary of a wtscan-validate report.
type QC struct {
	Source   string
	Total    int
	Severity []Bar
	Checks   []QCCheck
	Findings []QCFinding // the first ones
	Hidden   int
}

// QCCheck counts findings of one check and severity.
type QCCheck struct {
	Severity, Check string
	N               int
}

// QCFinding is one finding.
type QCFinding struct{ Severity, Check, File, Where, Message string }

//go:embed report.html.tmpl
var pageTemplate string

//go:embed report.css
var pageCSS string

//go:embed report.js
var pageJS string

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"heatmap":  func(d *Data) template.HTML { return template.HTML(heatmapSVG(&d.Heatmap)) },
	"lollipop": func(g Gene) template.HTML { return template.HTML(lollipopSVG(g)) },
	"cooc":     func(c Cooc) template.HTML { return template.HTML(coocSVG(c)) },
	"bars":     func(b []Bar, color string) template.HTML { return template.HTML(barsSVG(b, color)) },
	"css":      func() template.CSS { return template.CSS(pageCSS) },
	"js":       func() template.JS { return template.JS(pageJS) },
	"pct":      func(n, of int) string { return pct(n, of) },
	"int":      humanInt,
	"num":      func(f float64) string { return sig(f) },
	"sci":      func(f float64) string { return sci(f) },
	"sigclass": func(q float64) string {
		if q < 0.05 {
			return "sig"
		}
		return ""
	},
}).Parse(pageTemplate))

// Render writes the report.
func Render(w io.Writer, d *Data) error {
	return page.Execute(w, d)
}

// WriteFile renders the report into path atomically.
func WriteFile(path string, d *Data) error {
	var buf bytes.Buffer
	if err := Render(&buf, d); err != nil {
		return fmt.Errorf("render %s: %w", path, err)
	}
	f, err := fsx.CreateAtomic(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}
