package subscan

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/wtscan/wtscan/internal/align"
	"github.com/wtscan/wtscan/internal/catalog"
	"github.com/wtscan/wtscan/internal/cli"
	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/simulate"
	"github.com/wtscan/wtscan/internal/table"
)

// The benchmarks run on `make bench`'s workload shape (wtscan-simulate's
// defaults: 10,000 queries of six references 300–1,100 aa, 80 % repeated
// alleles, 8 % homologs), with synthetic references so they need no shared
// data, and a catalogue of five sites per reference:
//
//	go test -run - -bench . ./internal/subscan/
//
// BenchmarkAlignStep is wtscan-align on the same queries, to compare the
// others with: BenchmarkCalling (calling alone), BenchmarkCallingAndRows
// (and building the output rows), BenchmarkReadAlignments (reading the
// input) and BenchmarkSubscanStep (the whole step).

type benchFiles struct {
	dir, refs, queries, alignments, catalog string
}

var (
	benchOnce sync.Once
	bench     benchFiles
	benchErr  error
)

func benchWorkload(b *testing.B) benchFiles {
	b.Helper()
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "wtscan-subscan-bench")
		if err != nil {
			benchErr = err
			return
		}
		bench, benchErr = makeWorkload(dir, 10000)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return bench
}

func runTool(main func(context.Context, []string, io.Reader, io.Writer, io.Writer) int, args ...string) error {
	var out, errb bytes.Buffer
	if code := main(context.Background(), args, strings.NewReader(""), &out, &errb); code != 0 {
		return fmt.Errorf("%v: exit %d: %s", args, code, errb.String())
	}
	return nil
}

// makeWorkload writes n simulated queries (wtscan-simulate's defaults, six
// synthetic references), their alignments and a catalogue into dir.
func makeWorkload(dir string, n int) (benchFiles, error) {
	f := benchFiles{dir: dir, refs: filepath.Join(dir, "refs.faa"), queries: filepath.Join(dir, "queries.faa"),
		alignments: filepath.Join(dir, "alignments.parquet"), catalog: filepath.Join(dir, "catalog.tsv")}
	if err := runTool(simulate.Main, "--synthetic", "6", "--seed", "1", "-n", strconv.Itoa(n), "--refs-out", f.refs, "--fasta-out", f.queries); err != nil {
		return f, err
	}
	if err := runTool(align.Main, "--references", f.refs, "--queries", f.queries, "--out", f.alignments); err != nil {
		return f, err
	}
	refs, err := refset.Load(f.refs)
	if err != nil {
		return f, err
	}
	var cat strings.Builder
	cat.WriteString("gene\treference\tposition\tref\talt\ttype\tdrug_classes\tphenotype\tpmids\trequires\tsource\tversion\n")
	for _, r := range refs.Refs {
		for k := 1; k <= 5; k++ {
			pos := k * len(r.Protein) / 6
			ref := r.Protein[pos-1]
			alt := byte('A')
			if ref == 'A' {
				alt = 'G'
			}
			requires := ""
			if k == 5 { // a combination rule: the annotation depends on the sample
				requires = fmt.Sprintf("%s_%c%d%c", r.Gene, r.Protein[len(r.Protein)/6-1], len(r.Protein)/6, 'L')
			}
			fmt.Fprintf(&cat, "%s\t%s\t%d\t%c\t%c\tsubstitution\tquinolone\tbench\t1\t%s\tbench\t1\n", r.Gene, r.ID, pos, ref, alt, requires)
		}
	}
	return f, os.WriteFile(f.catalog, []byte(cat.String()), 0o644)
}

// BenchmarkAlignStep: wtscan-align on the workload, Parquet out.
func BenchmarkAlignStep(b *testing.B) {
	f := benchWorkload(b)
	out := filepath.Join(b.TempDir(), "a.parquet")
	for b.Loop() {
		if err := runTool(align.Main, "--references", f.refs, "--queries", f.queries, "--out", out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSubscanStep: the whole wtscan-subscan step (read, call, write
// mutations and sites).
func BenchmarkSubscanStep(b *testing.B) {
	f := benchWorkload(b)
	dir := b.TempDir()
	for b.Loop() {
		if err := runTool(Main, "--alignments", f.alignments, "--references", f.refs, "--catalog", f.catalog,
			"--out", filepath.Join(dir, "m.parquet"), "--sites", filepath.Join(dir, "s.parquet")); err != nil {
			b.Fatal(err)
		}
	}
}

// callingSetup loads what BenchmarkCalling and BenchmarkCallingAndRows
// work on: the workload's alignment rows in memory, references, catalogue.
func callingSetup(b *testing.B) (*cli.Env, *CLI, []table.Alignment, *refset.Set, *catalog.Catalog, func()) {
	f := benchWorkload(b)
	refs, err := refset.Load(f.refs)
	if err != nil {
		b.Fatal(err)
	}
	cat, err := catalog.Load(f.catalog, catalog.Options{Format: "auto"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := cat.Validate(refs, false); err != nil {
		b.Fatal(err)
	}
	rows, _, err := table.ReadAll[table.Alignment](f.alignments, table.SchemaAlignments)
	if err != nil {
		b.Fatal(err)
	}
	restore := cli.GCHeadroom(alignmentBytes(rows), 256<<20) // as run does
	c := new(CLI)
	env, _, ok := cli.Parse(context.Background(), "wtscan-subscan", description, c, &c.Shared, []string{"--alignments", f.alignments,
		"--references", f.refs, "--catalog", f.catalog, "--out", "m.parquet", "--sites", "s.parquet"}, strings.NewReader(""), io.Discard, io.Discard)
	if !ok {
		b.Fatal("arguments")
	}
	return env, c, rows, refs, cat, restore
}

// BenchmarkCalling: calling alone — checking and ordering the rows, grouping
// identical ones, calling, naming and looking up each distinct input in the
// catalogue — on all threads, as the step does alongside writing.
func BenchmarkCalling(b *testing.B) {
	env, c, rows, refs, cat, restore := callingSetup(b)
	defer restore()
	var distinct int
	for b.Loop() {
		calls, _, err := checkRows(c, &inputRows{rows: rows}, refs)
		if err != nil {
			b.Fatal(err)
		}
		cr := newCaller(c, &inputRows{rows: rows}, calls, sortedCalls(calls), cat)
		stop := make(chan struct{})
		cr.start(env.Threads(), stop)
		cr.wait(0, len(cr.order))
		close(stop)
		distinct = cr.nMemo
	}
	b.ReportMetric(float64(distinct), "distinct_calls")
}

// BenchmarkCallingAndRows: calling and building every mutation and site row
// (discarded, not written): all the step does apart from reading and
// writing tables.
func BenchmarkCallingAndRows(b *testing.B) {
	env, c, rows, refs, cat, restore := callingSetup(b)
	defer restore()
	var sum summary
	var err error
	for b.Loop() {
		if sum, err = callTables(env, c, &inputRows{rows: rows}, refs, cat, func([]table.Mutation) error { return nil }, func([]table.Site) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(sum.mutations), "mutation_rows")
	b.ReportMetric(float64(sum.sites), "site_rows")
}

// BenchmarkReadAlignments: reading the workload's alignments table alone.
func BenchmarkReadAlignments(b *testing.B) {
	f := benchWorkload(b)
	for b.Loop() {
		if _, _, err := table.ReadAll[table.Alignment](f.alignments, table.SchemaAlignments); err != nil {
			b.Fatal(err)
		}
	}
}
