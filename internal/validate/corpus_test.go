package validate

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/swalign"
	"github.com/wtscan/wtscan/internal/table"
)

// corpus is a small, valid set of wtscan inputs and outputs made by a test:
// two reference proteins, six samples with a few substitutions each, and
// the proteins, alignments (computed by internal/swalign), mutations and sites
// tables a correct pipeline would write for them.
type corpus struct {
	t          *testing.T
	dir        string
	refs       string            // protein FASTA of the references
	refSeq     map[string]string // gene -> protein
	refID      map[string]string // gene -> reference id
	proteins   []table.Protein
	alignments []table.Alignment
	mutations  []table.Mutation
	sites      []table.Site
}

const aminoAcids = "ACDEFGHIKLMNPQRSTVWY"

// Sites the corpus's sites table reports (gene, position), like a catalogue's.
var corpusSites = [][2]any{{"gyrA", 83}, {"gyrA", 87}, {"parC", 80}}

// substitutions per sample: gene -> positions changed. S1 is wild type.
var corpusSubs = map[string]map[string][]int{
	"S1": {},
	"S2": {"gyrA": {83}},
	"S3": {"gyrA": {83, 87}, "parC": {80}},
	"S4": {"parC": {80}},
	"S5": {"gyrA": {87}},
	"S6": {"gyrA": {40}},
}

// newCorpus builds the corpus; subs overrides corpusSubs when not nil.
func newCorpus(t *testing.T, subs map[string]map[string][]int) *corpus {
	t.Helper()
	if subs == nil {
		subs = corpusSubs
	}
	c := &corpus{t: t, dir: t.TempDir(), refSeq: map[string]string{}, refID: map[string]string{}}
	rng := rand.New(rand.NewPCG(7, 11))
	randomProtein := func(n int) string {
		b := []byte{'M'}
		for len(b) < n {
			b = append(b, aminoAcids[rng.IntN(len(aminoAcids))])
		}
		return string(b)
	}
	// Lengths: 120 and 100 aa, above the 30 aa plausibility floor.
	c.refSeq["gyrA"], c.refSeq["parC"] = randomProtein(120), randomProtein(100)
	c.refID["gyrA"], c.refID["parC"] = "gyrA_1_TEST", "parC_1_TEST"
	var fa strings.Builder
	for _, g := range []string{"gyrA", "parC"} {
		fmt.Fprintf(&fa, ">%s gene=%s\n%s\n", c.refID[g], g, c.refSeq[g])
	}
	c.refs = c.write("refs.faa", fa.String())

	aligner, err := swalign.NewAligner(swalign.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"S1", "S2", "S3", "S4", "S5", "S6"} {
		for _, g := range []string{"gyrA", "parC"} {
			ref := c.refSeq[g]
			q := []byte(ref)
			for _, pos := range subs[s][g] {
				// A deterministic different residue: the next one in aminoAcids.
				q[pos-1] = aminoAcids[(strings.IndexByte(aminoAcids, q[pos-1])+1)%len(aminoAcids)]
				m := table.Mutation{SampleID: s, Gene: g, Copy: 1, ReferenceID: c.refID[g], Position: int32(pos), EndPosition: int32(pos),
					Ref: ref[pos-1 : pos], Alt: string(q[pos-1]), Type: "substitution"}
				m.Short = fmt.Sprintf("%s%d%s", m.Ref, pos, m.Alt)
				m.Symbol = g + "_" + m.Short
				m.HGVS = fmt.Sprintf("p.%s%d%s", m.Ref, pos, m.Alt) // one-letter form is enough for the validator
				c.mutations = append(c.mutations, m)
			}
			prot := string(q)
			c.proteins = append(c.proteins, table.Protein{SampleID: s, Gene: g, Copy: 1, ReferenceID: c.refID[g], Contig: "c1",
				Start: 101, End: int64(100 + 3*len(prot) + 3), Strand: "+", TranslationTable: 11, Protein: prot + "*",
				LengthAA: int32(len(prot)), Method: "search", HitIdentity: 99, HitCoverage: 100, SeqHash: sha256Hex(prot + "*")})
			res, err := aligner.Align(q, []byte(ref))
			if err != nil {
				t.Fatal(err)
			}
			c.alignments = append(c.alignments, alignmentRow(s, g, c.refID[g], res, len(q), len(ref)))
			for _, site := range corpusSites {
				if site[0] != g {
					continue
				}
				pos := site[1].(int)
				st := table.Site{SampleID: s, Gene: g, Position: int32(pos), Ref: ref[pos-1 : pos], Observed: string(q[pos-1]), Status: "WT", Copy: 1}
				if st.Observed != st.Ref {
					st.Status = "MUT"
				}
				c.sites = append(c.sites, st)
			}
		}
	}
	return c
}

// alignmentRow fills an alignments row the way wtscan-align does.
func alignmentRow(sample, gene, refID string, res swalign.Result, qlen, rlen int) table.Alignment {
	pct := func(n, d int) float64 { return math.Round(1000*float64(n)/float64(d)) / 10 }
	return table.Alignment{
		SampleID: sample, Gene: gene, Copy: 1, QueryID: fmt.Sprintf("%s|%s|1", sample, gene), ReferenceID: refID,
		Score: res.Score, Identity: int32(res.Identity), Similarity: int32(res.Similarity), Gaps: int32(res.Gaps), Length: int32(res.Length),
		QueryStart: int32(res.QueryStart), QueryEnd: int32(res.QueryEnd), QueryLength: int32(qlen),
		RefStart: int32(res.RefStart), RefEnd: int32(res.RefEnd), RefLength: int32(rlen),
		PctIdentity: pct(res.Identity, res.Length), PctSimilarity: pct(res.Similarity, res.Length), PctGaps: pct(res.Gaps, res.Length),
		RefCoverage: pct(res.RefEnd-res.RefStart+1, rlen), QueryCoverage: pct(res.QueryEnd-res.QueryStart+1, qlen),
		Quality: "HIGH", Cigar: res.Cigar(), AlignedQuery: res.AlignedQuery, AlignedRef: res.AlignedRef,
		Pairing: "gene", Matrix: "EBLOSUM62", GapOpen: 10, GapExtend: 0.5,
	}
}

func (c *corpus) write(name, content string) string {
	c.t.Helper()
	p := filepath.Join(c.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		c.t.Fatal(err)
	}
	return p
}

// writeTable writes rows to name (format by extension) with lineage over inputs.
func writeTable[T any](c *corpus, name, schema string, rows []T, inputs ...string) string {
	c.t.Helper()
	p := filepath.Join(c.dir, name)
	meta, err := table.NewMeta(schema, []string{"test"}, inputs...)
	if err != nil {
		c.t.Fatal(err)
	}
	w, err := table.Create[T](p, meta)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := w.Write(rows...); err != nil {
		c.t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		c.t.Fatal(err)
	}
	return p
}

// assembly is a DNA FASTA of n contigs of 300 nt (above the 90 % ACGT the
// DNA sniffer needs), wrapped at 60.
func assembly(n int) string {
	var b strings.Builder
	rng := rand.New(rand.NewPCG(3, 5))
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, ">c%d\n", i)
		for l := 0; l < 5; l++ {
			for k := 0; k < 60; k++ {
				b.WriteByte("ACGT"[rng.IntN(4)])
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// all writes the whole valid corpus (Parquet tables, an assembly, a sample
// sheet) and returns the command-line arguments that check it.
func (c *corpus) all(ext string) []string {
	c.t.Chdir(c.dir) // sample sheet paths are relative to the working directory
	c.write("S1.fna", assembly(2))
	c.write("S2.fna", assembly(1))
	sheet := c.write("samples.tsv", "sample_id\tassembly\torganism\nS1\tS1.fna\tSalmonella\nS2\tS2.fna\tSalmonella\nS3\tS1.fna\t\nS4\tS1.fna\t\nS5\tS1.fna\t\nS6\tS1.fna\t\n")
	return []string{
		"--references", c.refs, "--samples", sheet,
		filepath.Join(c.dir, "S1.fna"),
		writeTable(c, "proteins"+ext, table.SchemaProteins, c.proteins, c.refs),
		writeTable(c, "alignments"+ext, table.SchemaAlignments, c.alignments, c.refs),
		writeTable(c, "mutations"+ext, table.SchemaMutations, c.mutations, c.refs),
		writeTable(c, "sites"+ext, table.SchemaSites, c.sites, c.refs),
	}
}

// run calls Main in-process and returns its exit code, the report and stderr.
func run(t *testing.T, args ...string) (int, Report, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "qc.json")
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), append(args, "--report", out, "--log-level", "error", "--summary", "50"), nil, &stdout, &stderr)
	var r Report
	if b, err := os.ReadFile(out); err == nil {
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatalf("report: %v", err)
		}
	} else if code != 2 {
		t.Logf("no report (exit %d): %s", code, stderr.String())
	}
	return code, r, stderr.String()
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
