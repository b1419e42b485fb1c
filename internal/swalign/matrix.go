package swalign

import (
	"fmt"
	"sort"
	"strings"
)

//go:generate go run ./internal/genmatrix -data /usr/share/EMBOSS/data -out matrices_gen.go

// matrixData is one embedded EMBOSS matrix as written by internal/genmatrix.
type matrixData struct {
	name     string
	alphabet string // residue letters in file order
	values   []int8 // len(alphabet)² scores, row-major
}

// Matrix is a substitution matrix read from an EMBOSS matrix file.
//
// Residues are mapped to matrix indices the way EMBOSS does (ajSeqcvt):
// each letter of the matrix header gets a code 1..K, upper and lower case
// alike; every other byte gets code 0, which scores 0 against everything and
// is never counted as identical or similar. A Matrix is read-only and safe
// for concurrent use.
type Matrix struct {
	Name string

	// nucleotide is set for the EDNA matrices (every letter a nucleotide
	// code): sequences aligned with them are DNA, read as water reads DNA.
	nucleotide bool
	// base2 maps the codes of A, C, G and T (and U, as T) of a nucleotide
	// matrix to 0..3 and every other code to 4 (k-mer seeds).
	base2 [32]uint8

	alphabet string
	size     int        // K+1: code 0 is the unknown residue
	code     [256]uint8 // byte -> code
	scores   []int32    // size×size, row 0 and column 0 are zero
	maxScore int32      // largest entry
	absMax   int32      // largest |entry|

	// rowMax[c] and colMax[c] are the largest score of code c against any
	// code, as first and as second residue, at least 0 (bounds for pruning).
	rowMax, colMax []int32
}

var matricesByName = func() map[string]*Matrix {
	m := make(map[string]*Matrix, len(builtinMatrices))
	for _, d := range builtinMatrices {
		m[d.name] = newMatrix(d)
	}
	return m
}()

func newMatrix(d matrixData) *Matrix {
	k := len(d.alphabet)
	m := &Matrix{Name: d.name, alphabet: d.alphabet, size: k + 1, nucleotide: true}
	for i := 0; i < k; i++ {
		if !nucleotideByte[d.alphabet[i]] {
			m.nucleotide = false
		}
	}
	for i := 0; i < k; i++ {
		c := d.alphabet[i]
		m.code[c] = uint8(i + 1)
		if c >= 'A' && c <= 'Z' {
			m.code[c+'a'-'A'] = uint8(i + 1)
		}
	}
	for i := range m.base2 {
		m.base2[i] = 4
	}
	for b, letters := range []string{"A", "C", "G", "TU"} {
		for _, c := range []byte(letters) {
			if x := m.code[c]; x != 0 && int(x) < len(m.base2) {
				m.base2[x] = uint8(b)
			}
		}
	}
	m.scores = make([]int32, m.size*m.size)
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			v := int32(d.values[i*k+j])
			m.scores[(i+1)*m.size+j+1] = v
			if v > m.maxScore {
				m.maxScore = v
			}
			m.absMax = max(m.absMax, v, -v)
		}
	}
	m.rowMax, m.colMax = make([]int32, m.size), make([]int32, m.size)
	for i := 0; i < m.size; i++ {
		for j := 0; j < m.size; j++ {
			v := m.scores[i*m.size+j]
			m.rowMax[i] = max(m.rowMax[i], v)
			m.colMax[j] = max(m.colMax[j], v)
		}
	}
	return m
}

// MatrixNames returns the names of the built-in matrices, sorted.
func MatrixNames() []string {
	names := make([]string, 0, len(matricesByName))
	for n := range matricesByName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// MatrixByName returns a built-in EMBOSS matrix such as "EBLOSUM62" or
// "EPAM250". Names are matched case-insensitively.
func MatrixByName(name string) (*Matrix, error) {
	if m, ok := matricesByName[strings.ToUpper(strings.TrimSpace(name))]; ok {
		return m, nil
	}
	return nil, fmt.Errorf("unknown scoring matrix %q; known matrices: %s", name, strings.Join(MatrixNames(), ", "))
}

// Nucleotide reports whether m scores nucleotides (EDNAFULL, EDNAMAT,
// EDNASIMPLE): every letter of its alphabet is a nucleotide code.
func (m *Matrix) Nucleotide() bool { return m.nucleotide }

// Alphabet returns the residue letters of the matrix in EMBOSS file order.
func (m *Matrix) Alphabet() string { return m.alphabet }

// Score returns the raw matrix value for residues a and b (0 when either is
// not in the matrix alphabet, as in EMBOSS).
func (m *Matrix) Score(a, b byte) int {
	return int(m.scores[int(m.code[a])*m.size+int(m.code[b])])
}

// codeScore returns the matrix value for two residue codes.
func (m *Matrix) codeScore(ca, cb uint8) int32 {
	return m.scores[int(ca)*m.size+int(cb)]
}
