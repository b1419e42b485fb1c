package swalign

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// The pair generator for the parity and fuzz tests. It is deterministic: a
// fixed PCG seed gives the same pairs on every machine.

// aaFreq is a rough amino-acid background (UniProt composition, per mille).
var aaFreq = []struct {
	aa byte
	w  int
}{
	{'A', 83}, {'R', 55}, {'N', 41}, {'D', 55}, {'C', 14}, {'Q', 39}, {'E', 67}, {'G', 71},
	{'H', 23}, {'I', 59}, {'L', 97}, {'K', 58}, {'M', 24}, {'F', 39}, {'P', 47}, {'S', 66},
	{'T', 54}, {'W', 11}, {'Y', 29}, {'V', 69},
}

type seqGen struct {
	r     *rand.Rand
	table []byte
}

func newSeqGen(seed uint64) *seqGen {
	g := &seqGen{r: rand.New(rand.NewPCG(seed, 0x77747363616e))}
	for _, f := range aaFreq {
		for range f.w {
			g.table = append(g.table, f.aa)
		}
	}
	return g
}

func (g *seqGen) residue() byte { return g.table[g.r.IntN(len(g.table))] }

func (g *seqGen) protein(n int) []byte {
	s := make([]byte, n)
	s[0] = 'M'
	for i := 1; i < n; i++ {
		s[i] = g.residue()
	}
	return s
}

// lowComplexity returns a short repetitive stretch.
func (g *seqGen) lowComplexity() []byte {
	motifs := []string{"Q", "P", "S", "G", "A", "E", "PA", "GS", "SSG", "KPE", "QQH", "GGGS"}
	m := motifs[g.r.IntN(len(motifs))]
	n := 6 + g.r.IntN(25)
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(m)
	}
	return []byte(b.String()[:n])
}

// mutate applies substitutions with probability sub per residue, and
// nIndel insertions/deletions of 1..maxIndel residues.
func (g *seqGen) mutate(s []byte, sub float64, nIndel, maxIndel int) []byte {
	out := append([]byte(nil), s...)
	for i := range out {
		if g.r.Float64() < sub {
			out[i] = g.residue()
		}
	}
	for k := 0; k < nIndel && len(out) > 2*maxIndel+2; k++ {
		pos := g.r.IntN(len(out))
		l := 1 + g.r.IntN(maxIndel)
		if g.r.IntN(2) == 0 {
			ins := make([]byte, l)
			for i := range ins {
				ins[i] = g.residue()
			}
			if g.r.IntN(5) == 0 {
				ins = g.lowComplexity()
			}
			out = append(out[:pos], append(ins, out[pos:]...)...)
		} else {
			end := min(pos+l, len(out))
			out = append(out[:pos], out[end:]...)
		}
	}
	return out
}

// family is one query with several references, so that water can align them
// in one run (-asequence query, -bsequence references).
type family struct {
	params int // index into parityParams
	query  []byte
	refs   [][]byte
	kinds  []string
}

// parityParams are the scoring schemes exercised by the parity test; most
// families use water's defaults.
var parityParams = []struct {
	matrix    string
	open, ext float64
}{
	{"EBLOSUM62", 10, 0.5},
	{"EBLOSUM62", 10, 0.5},
	{"EBLOSUM62", 10, 0.5},
	{"EBLOSUM62", 10, 0.5},
	{"EBLOSUM45", 12, 2},
	{"EBLOSUM80", 10, 1},
	{"EPAM250", 14, 4},
	{"EBLOSUM62", 5, 0.25},
	{"EPAM30", 9, 1},
	{"EBLOSUM90", 10, 0.5},
}

// genFamilies returns nFam families of perFam pairs each.
func genFamilies(seed uint64, nFam, perFam int) []family {
	g := newSeqGen(seed)
	fams := make([]family, nFam)
	for f := range fams {
		var n int
		switch g.r.IntN(10) {
		case 0:
			n = 50 + g.r.IntN(250)
		case 1:
			n = 1100 + g.r.IntN(401)
		default:
			n = 300 + g.r.IntN(801)
		}
		base := g.protein(n)
		if g.r.IntN(4) == 0 { // a low-complexity region in the wild type
			pos := g.r.IntN(n)
			base = append(base[:pos], append(g.lowComplexity(), base[pos:]...)...)
		}
		fam := family{params: f % len(parityParams), query: g.mutate(base, 0.01, g.r.IntN(2), 3)}
		for k := 0; k < perFam; k++ {
			var ref []byte
			kind := ""
			switch k % 8 {
			case 0:
				kind = "near-identical"
				ref = g.mutate(base, 0.02, g.r.IntN(3), 4)
			case 1:
				kind = "homolog-65"
				ref = g.mutate(base, 0.35, 2+g.r.IntN(8), 10)
			case 2:
				kind = "indels"
				ref = g.mutate(base, 0.05, 3+g.r.IntN(6), 10)
			case 3:
				kind = "n-truncated"
				cut := 1 + g.r.IntN(len(base)/3)
				ref = g.mutate(base[cut:], 0.03, g.r.IntN(2), 5)
			case 4:
				kind = "c-truncated"
				cut := len(base) - 1 - g.r.IntN(len(base)/3)
				ref = g.mutate(base[:cut], 0.03, g.r.IntN(2), 5)
			case 5:
				kind = "x-residues"
				ref = g.mutate(base, 0.04, g.r.IntN(3), 6)
				for range 1 + g.r.IntN(8) {
					ref[g.r.IntN(len(ref))] = 'X'
				}
				if g.r.IntN(2) == 0 {
					ref = append(ref, '*')
				}
			case 6:
				kind = "low-complexity"
				ref = g.mutate(base, 0.08, 1+g.r.IntN(3), 8)
				for range 1 + g.r.IntN(3) {
					pos := g.r.IntN(len(ref))
					ref = append(ref[:pos], append(g.lowComplexity(), ref[pos:]...)...)
				}
			default:
				kind = "homolog-diverged"
				ref = g.mutate(base, 0.45, 4+g.r.IntN(10), 10)
				if g.r.IntN(3) == 0 {
					ref = []byte(strings.ToLower(string(ref)))
				}
			}
			fam.refs = append(fam.refs, ref)
			fam.kinds = append(fam.kinds, kind)
		}
		fams[f] = fam
	}
	return fams
}

func famQueryName(f int) string  { return fmt.Sprintf("q%04d", f) }
func famRefName(f, k int) string { return fmt.Sprintf("r%04d_%02d", f, k) }
func wrapFasta(name string, s []byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, ">%s\n", name)
	for i := 0; i < len(s); i += 60 {
		b.Write(s[i:min(i+60, len(s))])
		b.WriteByte('\n')
	}
	return b.String()
}
