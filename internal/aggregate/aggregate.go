// Package aggregate is wtscan-aggregate: it merges the mutations, sites and
// (optionally) alignments tables of a whole cohort into cohort tables, a
// presence matrix, per-gene position frequencies, per-sample resistance
// profiles, change- and gene-level co-occurrence statistics, a PHA4GE
// hAMRonization table, a provenance file and a self-contained HTML report.
//
// Outputs in --out-dir (tables as .parquet, or .tsv with --tables tsv):
//
//   - cohort_mutations: every mutations row of the cohort, sorted by sample,
//     gene, position, symbol, copy (a mutations/2 table).
//   - matrix: sample_id, num_found, num_known, then one column per change
//     (symbol): 1 present, 0 absent, null (TSV: NA) where not covered.
//   - gene_positions: gene, position, end_position, ref, alt, type, short,
//     symbol, known, drug_classes, samples, covered, frequency, and the same
//     for any change at that position (position_samples, position_covered,
//     position_frequency).
//   - sample_profiles: sample_id, changes, known, known_changes (";"-joined;
//     changes of one catalogue entry — a combination rule — joined by "+"),
//     drug_classes, phenotypes, genes, genes_not_covered.
//   - cooccurrence: level (gene, mutation), a, b, n11, n10, n01, n00,
//     jaccard, odds_ratio, p_value, q_value (see cooc.go and coverage.go).
//   - hamronization.tsv: PHA4GE hAMRonization columns, one row per sample ×
//     known change × gene copy (--hamronization all: every change).
//   - provenance.json: tool version and command, catalogues and references
//     named in the rows, every wtscan.* metadata value of the inputs (reference
//     and catalogue digests), and each input with its SHA-256 and lineage.
//   - report.html: see internal/report.
//
// Tables are streamed: rows are reduced as they are read to interned change
// records and 32-byte occurrences, so 100,000 samples fit in well under 2 GB.
package aggregate

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/wtscan/wtscan/internal/cli"
	"github.com/wtscan/wtscan/internal/fsx"
)

const description = `Summarise a cohort: merge mutations, sites and alignments tables into cohort tables,
a samples × changes matrix, per-gene position frequencies, per-sample resistance profiles,
co-occurrence statistics (Fisher exact p, Haldane–Anscombe odds ratio, Benjamini–Hochberg q),
a hAMRonization table, provenance.json and a self-contained report.html.

Table arguments take several paths after one flag (--mutations a.parquet b.parquet), shell
globs (quote them: --mutations 'results/*/mutations.parquet') and files of paths
(--mutations @mutations.txt, one path or glob per line).`

// CLI is wtscan-aggregate's command line.
type CLI struct {
	cli.Shared
	Mutations     []string `required:"" sep:"none" placeholder:"PATH" help:"Mutations tables (wtscan-subscan): paths, quoted globs, or @file-of-paths."`
	Sites         []string `sep:"none" placeholder:"PATH" help:"Sites tables (wtscan-subscan): which catalogue sites were covered in each sample."`
	Alignments    []string `sep:"none" placeholder:"PATH" help:"Alignments tables (wtscan-align): reference coverage for changes outside the catalogue, and hAMRonization coordinates."`
	QC            string   `name:"qc" type:"existingfile" placeholder:"QC.json" help:"QC report of wtscan-validate (JSON array of findings or {\"findings\": [...]}) to summarise in the report."`
	Samples       string   `type:"existingfile" placeholder:"SHEET" help:"Sample sheet of the run: every sample in it counts in the cohort, also one in which no target gene was found (no rows in any table); a row of a sample not in it is refused."`
	OutDir        string   `required:"" type:"path" placeholder:"DIR" help:"Output folder (written beside, then moved into place)."`
	Tables        string   `enum:"parquet,tsv" default:"parquet" help:"Format of the cohort tables (${enum})."`
	MinSupport    int      `default:"2" help:"Co-occurrence: test only changes (and genes) present in at least this many samples."`
	Hamronization string   `enum:"known,all" default:"known" help:"Rows of hamronization.tsv: known resistance changes only, or every change (${enum})."`
	HeatmapTop    int      `default:"60" help:"Report: number of most frequent changes drawn as heatmap columns."`
	Title         string   `default:"wtscan cohort report" help:"Report title."`

	argsForReport []string
}

// Validate checks cross-flag rules.
func (c *CLI) Validate() error {
	if c.MinSupport < 1 {
		return fmt.Errorf("--min-support must be at least 1")
	}
	if c.HeatmapTop < 1 {
		return fmt.Errorf("--heatmap-top must be at least 1")
	}
	return nil
}

// multiFlags take several values after one flag.
var multiFlags = map[string]bool{"--mutations": true, "--sites": true, "--alignments": true}

// spreadMultiFlags rewrites "--mutations a b c" as "--mutations=a --mutations=b
// --mutations=c", since kong takes one value per flag occurrence.
func spreadMultiFlags(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		if !multiFlags[a] {
			out = append(out, a)
			continue
		}
		n := 0
		for i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			i++
			out = append(out, a+"="+args[i])
			n++
		}
		if n == 0 {
			out = append(out, a) // kong reports the missing value
		}
	}
	return out
}

// expandInputs resolves paths, globs and @files into a list of existing files,
// in the order given, each once.
func expandInputs(flag string, specs []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(p, from string) error {
		// A path on the command line that is not there is a usage error
		// (exit 2), one named in a file of paths bad input (exit 1).
		errf := fmt.Errorf
		if from == "argument" {
			errf = fsx.Usagef
		}
		matches := []string{p}
		if strings.ContainsAny(p, "*?[") {
			m, err := filepath.Glob(p)
			if err != nil {
				return errf("%s %s: bad pattern %q: %w", flag, from, p, err)
			}
			// Temporary files of a run still going (or killed) are never inputs.
			m = slices.DeleteFunc(m, fsx.IsTemp)
			if len(m) == 0 {
				return errf("%s %s: no file matches %q", flag, from, p)
			}
			slices.Sort(m)
			matches = m
		}
		for _, m := range matches {
			st, err := os.Stat(m)
			if err != nil {
				return errf("%s %s: %v", flag, from, err)
			}
			if st.IsDir() {
				return errf("%s %s: %s is a folder, not a table", flag, from, m)
			}
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
		return nil
	}
	for _, s := range specs {
		if list, ok := strings.CutPrefix(s, "@"); ok {
			if _, err := os.Stat(list); err != nil {
				return nil, fsx.Usagef("%s @%s: file of paths: %v", flag, list, err)
			}
			// Relative paths in a list are relative to the working directory,
			// like paths on the command line.
			if err := readList(list, func(line int, p string) error {
				return add(p, fmt.Sprintf("%s line %d", list, line))
			}); err != nil {
				return nil, err
			}
			continue
		}
		if err := add(s, "argument"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// readList calls fn for every non-blank, non-comment line of a file of paths.
func readList(path string, fn func(line int, p string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("file of paths: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		p := strings.TrimSpace(sc.Text())
		if p == "" || strings.HasPrefix(p, "#") {
			continue
		}
		if err := fn(n, p); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}

// Main runs wtscan-aggregate and returns its exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var c CLI
	env, code, ok := cli.Parse(ctx, "wtscan-aggregate", description, &c, &c.Shared, spreadMultiFlags(args), stdin, stdout, stderr)
	if !ok {
		return code
	}
	// The command line recorded in the outputs leaves out the runtime flags
	// (-j, --log-*, --progress): they do not change what is written.
	c.argsForReport = cli.WithoutRuntimeFlags(args)
	env.Args = append([]string{"wtscan-aggregate"}, c.argsForReport...)
	env.Started(map[string]any{"mutations": len(c.Mutations), "sites": len(c.Sites), "alignments": len(c.Alignments), "out_dir": c.OutDir})
	counts, err := run(env, &c)
	if err != nil {
		return env.Fail(err)
	}
	return env.Done(counts)
}
