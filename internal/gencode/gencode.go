// Package gencode translates nucleotide sequences with NCBI genetic code 11
// (bacteria, archaea and plant plastids) and handles reverse complements.
package gencode

// Table 11 in NCBI's order TCAG × TCAG × TCAG (first, second, third base).
const (
	aas11    = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
	starts11 = "---M------**--*----M------------MMMM---------------M------------"
)

var baseIndex [256]int8

func init() {
	for i := range baseIndex {
		baseIndex[i] = -1
	}
	for i, c := range "TCAG" {
		baseIndex[c] = int8(i)
		baseIndex[c+'a'-'A'] = int8(i)
	}
	baseIndex['U'], baseIndex['u'] = 0, 0
}

func codonIndex(c []byte) int {
	a, b, d := baseIndex[c[0]], baseIndex[c[1]], baseIndex[c[2]]
	if a < 0 || b < 0 || d < 0 {
		return -1
	}
	return int(a)*16 + int(b)*4 + int(d)
}

// Codon translates one codon with table 11; any codon with a base other than
// A, C, G, T or U gives X.
func Codon(c []byte) byte {
	i := codonIndex(c)
	if i < 0 {
		return 'X'
	}
	return aas11[i]
}

// IsStart reports whether c is an initiator codon of table 11 (ATG, GTG, TTG, CTG, ATT, ATC, ATA).
func IsStart(c []byte) bool {
	i := codonIndex(c)
	return i >= 0 && starts11[i] == 'M'
}

// IsStop reports whether c is TAA, TAG or TGA.
func IsStop(c []byte) bool {
	i := codonIndex(c)
	return i >= 0 && aas11[i] == '*'
}

// Translate translates every whole codon of s (a trailing partial codon is
// ignored). With initiator set, a first codon that is a start codon reads as M.
func Translate(s []byte, initiator bool) []byte {
	out := make([]byte, 0, len(s)/3)
	for i := 0; i+3 <= len(s); i += 3 {
		out = append(out, Codon(s[i:i+3]))
	}
	if initiator && len(out) > 0 && IsStart(s[:3]) {
		out[0] = 'M'
	}
	return out
}

var complement [256]byte

func init() {
	for i := range complement {
		complement[i] = byte(i)
	}
	pairs := "ATTAGCCGUANNRYYRKMMKSSWWBVVBDHHD"
	for i := 0; i < len(pairs); i += 2 {
		complement[pairs[i]] = pairs[i+1]
		complement[pairs[i]+'a'-'A'] = pairs[i+1] + 'a' - 'A'
	}
}

// ReverseComplement returns the reverse complement of s (IUPAC codes kept
// as their complements, case kept).
func ReverseComplement(s []byte) []byte {
	out := make([]byte, len(s))
	for i, c := range s {
		out[len(s)-1-i] = complement[c]
	}
	return out
}
