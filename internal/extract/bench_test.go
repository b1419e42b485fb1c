package extract

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/seqio"
	"github.com/wtscan/wtscan/internal/testdata"
)

// benchRefs writes 20 reference genes: the project's 11 K. pneumoniae genes,
// the 7 Salmonella PointFinder genes and E. coli gyrA and pmrB, tagged by
// organism so one set holds them all (scripts/bench-extract.sh builds the same set).
func benchRefs(tb testing.TB) string {
	tb.Helper()
	var b strings.Builder
	add := func(path, organism string) {
		recs, err := seqio.ReadAll(path, seqio.Options{})
		if err != nil {
			tb.Fatal(err)
		}
		for _, r := range recs {
			g := refset.GeneOf(r)
			b.WriteString(">" + r.ID + " gene=" + g + " organism=" + organism + "\n" + string(r.Seq) + "\n")
		}
	}
	add(repoFile("testdata/references/kpneumoniae.fna"), "Klebsiella_pneumoniae")
	sal := testdata.Shared(tb, "pointfinder/salmonella")
	for _, g := range []string{"acrB", "gyrA", "gyrB", "parC", "parE", "pmrA", "pmrB"} {
		add(filepath.Join(sal, g+".fsa"), "Salmonella_enterica")
	}
	eco := testdata.Shared(tb, "pointfinder/escherichia_coli")
	for _, g := range []string{"gyrA", "pmrB"} {
		add(filepath.Join(eco, g+".fsa"), "Escherichia_coli")
	}
	p := filepath.Join(tb.TempDir(), "refs20.fna")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	if s, err := refset.Load(p); err != nil || len(s.Refs) != 20 {
		tb.Fatalf("bench references: %v (%d)", err, len(s.Refs))
	}
	return p
}

// BenchmarkExtract: 20 reference genes searched in one 5.5 Mb assembly
// (MGH78578, xz-compressed), on one thread, reading and writing included.
// Target: at most 2 s per op on one core.
func BenchmarkExtract(b *testing.B) {
	refs := benchRefs(b)
	asm := kpnPath(b, "MGH78578")
	out := filepath.Join(b.TempDir(), "p.parquet")
	b.ResetTimer()
	for b.Loop() {
		var sink strings.Builder
		if code := Main(context.Background(), []string{"-a", asm, "-s", "MGH78578", "-r", refs, "-o", out, "-j", "1", "--log-format", "json"}, nil, &sink, &sink); code != 0 {
			b.Fatalf("exit %d: %s", code, sink.String())
		}
	}
}

// BenchmarkExtractNucleotide: the E. coli PointFinder folder searched in one
// 5.5 Mb assembly (MGH78578, xz-compressed), on one thread, reading and
// writing included: its 8 proteins alone, then with its nucleotide targets
// (23S, 16S-rrsB, 16S-rrsC, 16S-rrsH, ampC promoter). Issue 16 allows the
// nucleotide targets to add at most half to the time of the proteins alone.
func BenchmarkExtractNucleotide(b *testing.B) {
	asm := kpnPath(b, "MGH78578")
	for _, tt := range []struct {
		name string
		keep func(gene string) bool
	}{
		{"proteins", func(g string) bool {
			return !strings.HasPrefix(g, "16S") && !strings.HasPrefix(g, "23S") && !strings.Contains(g, "promoter")
		}},
		{"proteins+nucleotide", nil},
	} {
		refs := pointFinderSpecies(b, "escherichia_coli", tt.keep)
		out := filepath.Join(b.TempDir(), "p.parquet")
		b.Run(tt.name, func(b *testing.B) {
			for b.Loop() {
				var sink strings.Builder
				if code := Main(context.Background(), []string{"-a", asm, "-s", "MGH78578", "-r", refs, "-o", out, "-j", "1", "--log-format", "json"}, nil, &sink, &sink); code != 0 {
					b.Fatalf("exit %d: %s", code, sink.String())
				}
			}
		})
	}
}

// BenchmarkNucleotideSearch: the nucleotide search alone (seeding, clustering,
// banded alignment) of MGH78578's contigs, read beforehand, for the E. coli
// folder's nucleotide targets — the part BenchmarkExtractNucleotide's second
// case adds, without the noise of reading and of the protein search.
func BenchmarkNucleotideSearch(b *testing.B) {
	set, err := refset.Load(pointFinderSpecies(b, "escherichia_coli", nil))
	if err != nil {
		b.Fatal(err)
	}
	recs, err := seqio.ReadAll(kpnPath(b, "MGH78578"), seqio.Options{Alphabet: seqio.DNA})
	if err != nil {
		b.Fatal(err)
	}
	ix := newIndex(set.Refs)
	a := &ntAligner{}
	b.ResetTimer()
	for b.Loop() {
		n := 0
		for i, r := range recs {
			n += len(ix.nt.searchContig(a, r.Seq, i))
		}
		if n < 32 { // 8 copies each of 23S, 16S-rrsB, 16S-rrsC, 16S-rrsH
			b.Fatalf("%d copies", n)
		}
	}
}
