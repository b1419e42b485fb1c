package extract

import "github.com/wtscan/wtscan/internal/swalign"

// blosum62 is EMBOSS's EBLOSUM62 over aaAlphabet, taken from internal/swalign's
// matrices (generated from emboss-data) into a flat table the seed search can
// index without a call per residue pair.
var blosum62 = func() (t [24][24]int8) {
	m, err := swalign.MatrixByName("EBLOSUM62")
	if err != nil {
		panic(err) // the matrix is compiled in; this cannot fail
	}
	for i := range len(aaAlphabet) {
		for j := range len(aaAlphabet) {
			t[i][j] = int8(m.Score(aaAlphabet[i], aaAlphabet[j]))
		}
	}
	return t
}()
