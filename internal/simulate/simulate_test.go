package simulate

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtscan/wtscan/internal/seqio"
	"github.com/wtscan/wtscan/internal/table"
	"github.com/wtscan/wtscan/internal/testdata"
)

func synth(t testing.TB) []Reference {
	t.Helper()
	refs, err := Synthetic(4, 300, 1100, 7)
	if err != nil {
		t.Fatal(err)
	}
	return refs
}

func collect(t testing.TB, refs []Reference, cfg Config) ([]Query, Stats) {
	t.Helper()
	var qs []Query
	st, err := Generate(refs, cfg, func(q Query) error { qs = append(qs, q); return nil })
	if err != nil {
		t.Fatal(err)
	}
	return qs, st
}

func TestSyntheticReferences(t *testing.T) {
	refs := synth(t)
	// Lengths spread evenly over [300, 1100] for 4 references: 300, 566, 833, 1100.
	want := []int{300, 566, 833, 1100}
	var counts [256]int
	total := 0
	for i, r := range refs {
		if len(r.Protein) != want[i] {
			t.Errorf("%s: length %d, want %d", r.ID, len(r.Protein), want[i])
		}
		if r.Protein[0] != 'M' {
			t.Errorf("%s: starts with %c, want M", r.ID, r.Protein[0])
		}
		for _, c := range r.Protein[1:] {
			counts[c]++
			total++
		}
	}
	// 2,795 residues: a frequency's standard error is at most
	// sqrt(0.09·0.91/2795) ≈ 0.0054, so 0.025 is more than 4 of them.
	for i := range 20 {
		got := float64(counts[aminoAcids[i]]) / float64(total)
		if d := got - background[i]; d > 0.025 || d < -0.025 {
			t.Errorf("residue %c: frequency %.4f, background %.4f", aminoAcids[i], got, background[i])
		}
	}
	if _, err := Synthetic(0, 300, 1100, 1); err == nil {
		t.Error("Synthetic(0 references): no error")
	}
}

func TestSubstitutionsFollowBLOSUM62(t *testing.T) {
	m := newModel()
	r := rand.New(rand.NewPCG(3, 4))
	var blosumSum, uniformSum float64
	const n = 20000
	for range n {
		a := m.residue(r)
		b := m.substitute(r, a)
		if a == b {
			t.Fatalf("substitute(%c) returned the same residue", a)
		}
		blosumSum += float64(blosum62[m.index[a]][m.index[b]])
		c := aminoAcids[r.IntN(20)]
		uniformSum += float64(blosum62[m.index[a]][m.index[c]])
	}
	// Under BLOSUM62 target frequencies the mean score of a change is about
	// -0.5; a uniform random replacement (including itself) averages about -1.
	// Require the drawn changes to score clearly better than uniform ones.
	if blosumSum/n < uniformSum/n+0.3 {
		t.Errorf("mean BLOSUM62 score of substitutions %.2f, of uniform replacements %.2f", blosumSum/n, uniformSum/n)
	}
	if b := m.substitute(r, 'X'); m.index[b] < 0 {
		t.Errorf("substitute(X) = %q, want a standard amino acid", b)
	}
}

func TestDeterministic(t *testing.T) {
	refs := synth(t)
	cfg := Config{Seed: 42, Queries: 2000, DupFraction: 0.7, HomologFraction: 0.1}
	a, sa := collect(t, refs, cfg)
	b, sb := collect(t, refs, cfg)
	ja, _ := json.Marshal(sa)
	jb, _ := json.Marshal(sb)
	if !bytes.Equal(ja, jb) {
		t.Fatalf("stats differ:\n%s\n%s", ja, jb)
	}
	for i := range a {
		if a[i].ID != b[i].ID || !bytes.Equal(a[i].Protein, b[i].Protein) {
			t.Fatalf("query %d differs between runs", i)
		}
	}
	cfg.Seed = 43
	c, _ := collect(t, refs, cfg)
	same := 0
	for i := range a {
		if bytes.Equal(a[i].Protein, c[i].Protein) {
			same++
		}
	}
	if same == len(a) {
		t.Error("seeds 42 and 43 gave the same queries")
	}
}

func TestStatsAndDuplicates(t *testing.T) {
	refs := synth(t)
	for _, dup := range []float64{0, 0.5, 0.9} {
		cfg := Config{Seed: 5, Queries: 4000, DupFraction: dup, HomologFraction: 0.08}
		qs, st := collect(t, refs, cfg)
		if len(qs) != cfg.Queries || st.Queries != cfg.Queries {
			t.Fatalf("dup %g: %d queries, stats %d, want %d", dup, len(qs), st.Queries, cfg.Queries)
		}
		distinct := map[string]bool{}
		ids := map[string]bool{}
		for _, q := range qs {
			distinct[q.ReferenceID+"\x00"+string(q.Protein)] = true
			if ids[q.ID] {
				t.Fatalf("dup %g: query id %s repeated", dup, q.ID)
			}
			ids[q.ID] = true
		}
		if st.DistinctPairs != len(distinct) {
			t.Errorf("dup %g: distinct_pairs %d, counted %d", dup, st.DistinctPairs, len(distinct))
		}
		// 4,000 draws: the binomial standard error is at most 0.008; 0.04 is 5 of them.
		// New alleles that happen to equal an earlier one add a little on top.
		if d := st.ObservedDup - dup; d < -0.04 || d > 0.04 {
			t.Errorf("dup %g: observed duplicate fraction %.3f", dup, st.ObservedDup)
		}
		if st.Samples != 1000 { // 4,000 queries / 4 genes
			t.Errorf("dup %g: %d samples, want 1000", dup, st.Samples)
		}
	}
}

// mismatches counts differing positions of two equally long sequences.
func mismatches(a, b []byte) int {
	n := 0
	for i := range a {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

func TestKinds(t *testing.T) {
	refs := synth(t)
	byGene := map[string][]byte{}
	for _, r := range refs {
		byGene[r.Gene] = r.Protein
	}
	qs, st := collect(t, refs, Config{Seed: 9, Queries: 6000, DupFraction: 0, HomologFraction: 0.1})
	for _, k := range Kinds {
		if st.DistinctKinds[k] == 0 {
			t.Errorf("no allele of kind %s", k)
		}
	}
	for _, q := range qs {
		ref := byGene[q.Gene]
		stops := bytes.Count(q.Protein, []byte("*"))
		switch q.Kind {
		case WildType:
			if !bytes.Equal(q.Protein, ref) || q.Allele != 0 {
				t.Errorf("%s: wild type (allele %d) differs from its reference", q.ID, q.Allele)
			}
		case Substitution:
			// Substitutions are capped at 8 % of the length.
			if len(q.Protein) != len(ref) || mismatches(q.Protein, ref) > len(ref)*8/100 || mismatches(q.Protein, ref) == 0 {
				t.Errorf("%s: substitution allele: length %d/%d, %d mismatches", q.ID, len(q.Protein), len(ref), mismatches(q.Protein, ref))
			}
		case NTrunc:
			if !q.PartialStart || len(q.Protein) >= len(ref) || len(q.Protein) < len(ref)*3/4-1 {
				t.Errorf("%s: N-truncation of length %d from %d, partial_start %v", q.ID, len(q.Protein), len(ref), q.PartialStart)
			}
		case CTrunc:
			if !q.PartialEnd || len(q.Protein) >= len(ref) || q.Protein[0] != 'M' {
				t.Errorf("%s: C-truncation of length %d from %d, partial_end %v", q.ID, len(q.Protein), len(ref), q.PartialEnd)
			}
		case Stop:
			if stops != 1 || q.InternalStops != 1 || len(q.Protein) != len(ref) {
				t.Errorf("%s: premature stop allele has %d '*', internal_stops %d", q.ID, stops, q.InternalStops)
			}
		case XRes:
			if !bytes.Contains(q.Protein, []byte("X")) {
				t.Errorf("%s: xres allele without X", q.ID)
			}
		case Homolog:
			// Homologs are 60–70 % identical with up to 4 indels of ≤10: within ±40 residues.
			if d := len(q.Protein) - len(ref); d < -40 || d > 40 || q.Identity >= 90 {
				t.Errorf("%s: homolog length %d vs %d, identity %.1f", q.ID, len(q.Protein), len(ref), q.Identity)
			}
		}
		if q.Kind != Stop && stops != 0 {
			t.Errorf("%s (%s): unexpected '*'", q.ID, q.Kind)
		}
		if q.Kind != Homolog && q.Kind != NTrunc && q.Kind != CTrunc && q.Identity <= 90 {
			t.Errorf("%s (%s): identity %.1f, want > 90", q.ID, q.Kind, q.Identity)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	refs := synth(t)
	tests := []struct {
		name string
		refs []Reference
		cfg  Config
		want string
	}{
		{"no queries", refs, Config{Queries: 0}, "queries must be at least 1"},
		{"dup 1", refs, Config{Queries: 10, DupFraction: 1}, "duplicate fraction"},
		{"homologs 2", refs, Config{Queries: 10, HomologFraction: 2}, "homolog fraction"},
		{"no references", nil, Config{Queries: 10}, "no references"},
		{"gene twice", []Reference{refs[0], refs[0]}, Config{Queries: 10}, "appears twice"},
		{"short reference", []Reference{{ID: "r", Gene: "g", Protein: []byte("MKV")}}, Config{Queries: 10}, "too short"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Generate(tt.refs, tt.cfg, func(Query) error { return nil })
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestRealReferences(t *testing.T) {
	dir := testdata.Shared(t, "pointfinder/salmonella")
	refs, err := LoadReferences(dir, 300, 1100)
	if err != nil {
		t.Fatal(err)
	}
	// PointFinder's Salmonella folder: acrB, gyrA, gyrB, parC, parE and pmrB
	// are 300–1,100 aa; pmrA (222 aa) is left out.
	var genes []string
	for _, r := range refs {
		genes = append(genes, r.Gene)
		if r.Protein[0] != 'M' || bytes.IndexByte(r.Protein, '*') >= 0 {
			t.Errorf("%s: not a clean wild-type protein", r.ID)
		}
	}
	if got := strings.Join(genes, ","); got != "acrB,gyrA,gyrB,parC,parE,pmrB" {
		t.Errorf("genes %s", got)
	}
}

func runMain(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), append(args, "--log-format", "json"), strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestCLI(t *testing.T) {
	dir := t.TempDir()
	var digests []string
	for i := range 2 {
		d := filepath.Join(dir, string(rune('a'+i)))
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := runMain(t, "--refs-out", filepath.Join(d, "refs.faa"), "--fasta-out", filepath.Join(d, "q.faa"),
			"--table-out", filepath.Join(d, "q.tsv"), "-n", "500", "--synthetic", "4", "--seed", "11")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var st Stats
		if err := json.Unmarshal([]byte(stdout), &st); err != nil || st.Queries != 500 || st.References != 4 {
			t.Fatalf("stdout %q: %v", stdout, err)
		}
		var all []byte
		for _, f := range []string{"refs.faa", "q.faa", "q.tsv"} {
			b, err := os.ReadFile(filepath.Join(d, f))
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, b...)
		}
		sum := sha256.Sum256(all)
		digests = append(digests, hex.EncodeToString(sum[:]))

		recs, err := seqio.ReadAll(filepath.Join(d, "q.faa"), seqio.Options{Alphabet: seqio.Protein})
		if err != nil {
			t.Fatal(err)
		}
		rows, _, err := table.ReadAll[table.Protein](filepath.Join(d, "q.tsv"), table.SchemaProteins)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 500 || len(rows) != 500 {
			t.Fatalf("%d FASTA records, %d rows, want 500", len(recs), len(rows))
		}
		for j, row := range rows {
			rec := recs[j]
			sum := sha256.Sum256([]byte(row.Protein))
			if row.Protein != string(rec.Seq) || rec.Tag("gene") != row.Gene || rec.Tag("sample") != row.SampleID ||
				row.SeqHash != hex.EncodeToString(sum[:]) || int(row.LengthAA) != len(row.Protein) {
				t.Fatalf("row %d (%s) and FASTA record %s disagree", j, row.SampleID, rec.ID)
			}
		}
	}
	if digests[0] != digests[1] {
		t.Error("two runs with the same seed wrote different files")
	}
}

func TestCLIErrors(t *testing.T) {
	dir := t.TempDir()
	refs := filepath.Join(dir, "refs.faa")
	q := filepath.Join(dir, "q.faa")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no query output", []string{"--refs-out", refs}, 2, "--fasta-out"},
		{"dup fraction 1", []string{"--refs-out", refs, "--fasta-out", q, "--dup-fraction", "1"}, 2, "duplicate fraction"},
		{"missing references", []string{"--refs-out", refs, "--fasta-out", q, "--references", filepath.Join(dir, "nope.fa")}, 2, "nope.fa"}, // a missing command-line input is a usage error (issue 13)
		{"references too short", []string{"--refs-out", refs, "--fasta-out", q, "--references", writeFile(t, dir, "short.fa", ">a gene=a\nMKVLA\n")}, 1, "none of 1 references"},
		{"bad table extension", []string{"--refs-out", refs, "--table-out", filepath.Join(dir, "q.txt")}, 1, "q.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runMain(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tt.code, tt.want)
			}
			for _, f := range []string{refs, q} {
				if _, err := os.Stat(f); err == nil {
					t.Errorf("%s left behind", f)
				}
			}
		})
	}
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func BenchmarkGenerate(b *testing.B) {
	refs := synth(b)
	cfg := DefaultConfig()
	for b.Loop() {
		if _, err := Generate(refs, cfg, func(Query) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSelect(t *testing.T) {
	refs := []Reference{
		{ID: "a1", Gene: "a", Protein: bytes.Repeat([]byte("M"), 20)},            // too short
		{ID: "a2", Gene: "a", Protein: []byte("MKV*" + strings.Repeat("A", 40))}, // internal stop
		{ID: "a3", Gene: "a", Protein: bytes.Repeat([]byte("K"), 50)},
		{ID: "a4", Gene: "a", Protein: bytes.Repeat([]byte("L"), 50)},  // second of gene a
		{ID: "b1", Gene: "b", Protein: bytes.Repeat([]byte("V"), 200)}, // too long
		{ID: "0", Gene: "0", Protein: bytes.Repeat([]byte("W"), 60)},
	}
	var ids []string
	for _, r := range Select(refs, 30, 100) {
		ids = append(ids, r.ID)
	}
	if got := strings.Join(ids, ","); got != "0,a3" {
		t.Errorf("Select kept %s, want 0,a3", got)
	}
}
