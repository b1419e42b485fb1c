package simulate

import (
	"math"
	"math/rand/v2"
)

// aminoAcids is the order of the rows and columns of blosum62 and background.
const aminoAcids = "ARNDCQEGHILKMFPSTWYV"

// background holds the amino-acid frequencies of real proteins (Robinson &
// Robinson 1991, PNAS 88:8880; the background NCBI BLAST uses), in the order
// of aminoAcids. They sum to 1 within rounding.
var background = [20]float64{
	0.07805, 0.05129, 0.04487, 0.05364, 0.01925, 0.04264, 0.06295, 0.07377, 0.02199, 0.05142,
	0.09019, 0.05744, 0.02243, 0.03856, 0.05203, 0.07120, 0.05841, 0.01330, 0.03216, 0.06441,
}

// blosum62 is BLOSUM62 for the 20 standard amino acids, copied from EMBOSS's
// data file EBLOSUM62 (Debian package emboss, /usr/share/EMBOSS/data/EBLOSUM62).
// It only shapes which substitutions the generator makes; scoring is
// internal/swalign's business.
var blosum62 = [20][20]int8{
	{4, -1, -2, -2, 0, -1, -1, 0, -2, -1, -1, -1, -1, -2, -1, 1, 0, -3, -2, 0},      // A
	{-1, 5, 0, -2, -3, 1, 0, -2, 0, -3, -2, 2, -1, -3, -2, -1, -1, -3, -2, -3},      // R
	{-2, 0, 6, 1, -3, 0, 0, 0, 1, -3, -3, 0, -2, -3, -2, 1, 0, -4, -2, -3},          // N
	{-2, -2, 1, 6, -3, 0, 2, -1, -1, -3, -4, -1, -3, -3, -1, 0, -1, -4, -3, -3},     // D
	{0, -3, -3, -3, 9, -3, -4, -3, -3, -1, -1, -3, -1, -2, -3, -1, -1, -2, -2, -1},  // C
	{-1, 1, 0, 0, -3, 5, 2, -2, 0, -3, -2, 1, 0, -3, -1, 0, -1, -2, -1, -2},         // Q
	{-1, 0, 0, 2, -4, 2, 5, -2, 0, -3, -3, 1, -2, -3, -1, 0, -1, -3, -2, -2},        // E
	{0, -2, 0, -1, -3, -2, -2, 6, -2, -4, -4, -2, -3, -3, -2, 0, -2, -2, -3, -3},    // G
	{-2, 0, 1, -1, -3, 0, 0, -2, 8, -3, -3, -1, -2, -1, -2, -1, -2, -2, 2, -3},      // H
	{-1, -3, -3, -3, -1, -3, -3, -4, -3, 4, 2, -3, 1, 0, -3, -2, -1, -3, -1, 3},     // I
	{-1, -2, -3, -4, -1, -2, -3, -4, -3, 2, 4, -2, 2, 0, -3, -2, -1, -2, -1, 1},     // L
	{-1, 2, 0, -1, -3, 1, 1, -2, -1, -3, -2, 5, -1, -3, -1, 0, -1, -3, -2, -2},      // K
	{-1, -1, -2, -3, -1, 0, -2, -3, -2, 1, 2, -1, 5, 0, -2, -1, -1, -1, -1, 1},      // M
	{-2, -3, -3, -3, -2, -3, -3, -3, -1, 0, 0, -3, 0, 6, -4, -2, -2, 1, 3, -1},      // F
	{-1, -2, -2, -1, -3, -1, -1, -2, -2, -3, -3, -1, -2, -4, 7, -1, -1, -4, -3, -2}, // P
	{1, -1, 1, 0, -1, 0, 0, 0, -1, -2, -2, 0, -1, -2, -1, 4, 1, -3, -2, -2},         // S
	{0, -1, 0, -1, -1, -1, -1, -2, -2, -1, -1, -1, -1, -2, -1, 1, 5, -2, -2, 0},     // T
	{-3, -3, -4, -4, -2, -2, -3, -2, -2, -3, -2, -3, -1, 1, -4, -3, -2, 11, 2, -3},  // W
	{-2, -2, -2, -3, -2, -1, -2, -3, 2, -1, -1, -2, -1, 3, -3, -2, -2, 2, 7, -1},    // Y
	{0, -3, -3, -3, -1, -2, -2, -3, -3, 3, 1, -2, 1, -1, -2, -2, 0, -3, -1, 4},      // V
}

// lambda converts BLOSUM62 scores (half-bit units: s = 2·log2(q_ab / p_a p_b))
// back to odds: q_ab / (p_a p_b) = exp(lambda·s).
var lambda = math.Ln2 / 2

// model draws residues and plausible substitutions.
type model struct {
	bgCum  [20]float64     // cumulative background
	subCum [20][20]float64 // subCum[a]: cumulative P(b | a, b != a) ∝ p_b·exp(lambda·s_ab)
	index  [256]int8       // residue letter -> row, -1 for anything else
}

func newModel() *model {
	m := &model{}
	for i := range m.index {
		m.index[i] = -1
	}
	sum := 0.0
	for i := range 20 {
		m.index[aminoAcids[i]] = int8(i)
		sum += background[i]
		m.bgCum[i] = sum
	}
	for i := range 20 {
		m.bgCum[i] /= sum
	}
	for a := range 20 {
		total := 0.0
		for b := range 20 {
			if b != a {
				total += background[b] * math.Exp(lambda*float64(blosum62[a][b]))
			}
			m.subCum[a][b] = total
		}
		for b := range 20 {
			m.subCum[a][b] /= total
		}
	}
	return m
}

func pick(cum []float64, u float64) int {
	for i, c := range cum {
		if u < c {
			return i
		}
	}
	return len(cum) - 1
}

// residue draws an amino acid from the background frequencies.
func (m *model) residue(r *rand.Rand) byte {
	return aminoAcids[pick(m.bgCum[:], r.Float64())]
}

// substitute draws a different amino acid for a, with the odds BLOSUM62 gives
// the change; for a letter outside the 20 (X, '*') it draws from the background.
func (m *model) substitute(r *rand.Rand, a byte) byte {
	i := m.index[a]
	if i < 0 {
		return m.residue(r)
	}
	return aminoAcids[pick(m.subCum[i][:], r.Float64())]
}
