package swalign

import (
	"bytes"
	"errors"
	"fmt"
	"math"
)

// Params are water's scoring parameters.
type Params struct {
	Matrix    *Matrix // water -datafile; nil means EBLOSUM62
	GapOpen   float64 // water -gapopen, 0..100
	GapExtend float64 // water -gapextend, 0..10
}

// DefaultParams returns water's protein defaults: EBLOSUM62, gap open 10,
// gap extend 0.5.
func DefaultParams() Params {
	return Params{Matrix: matricesByName["EBLOSUM62"], GapOpen: 10, GapExtend: 0.5}
}

// DefaultDNAParams returns water's nucleotide defaults: EDNAFULL, gap open
// 10, gap extend 0.5.
func DefaultDNAParams() Params {
	return Params{Matrix: matricesByName["EDNAFULL"], GapOpen: 10, GapExtend: 0.5}
}

// scaledParams are the gap penalties multiplied by scale so that the dynamic
// programming runs on integers.
type scaledParams struct {
	matrix    *Matrix
	scale     int32
	open, ext int32
}

// scales are tried in order; the first one that turns both penalties into
// integers is used. All are ≤ 100, so water's 0.01 traceback tolerance always
// means exact equality on the scaled integers.
var scales = [...]int32{1, 2, 4, 5, 8, 10, 16, 20, 25, 40, 50, 100}

func (p Params) scaled() (scaledParams, error) {
	m := p.Matrix
	if m == nil {
		m = matricesByName["EBLOSUM62"]
	}
	// Water's ACD limits for -gapopen and -gapextend.
	if math.IsNaN(p.GapOpen) || p.GapOpen < 0 || p.GapOpen > 100 {
		return scaledParams{}, fmt.Errorf("gap open penalty %v out of water's range 0..100", p.GapOpen)
	}
	if math.IsNaN(p.GapExtend) || p.GapExtend < 0 || p.GapExtend > 10 {
		return scaledParams{}, fmt.Errorf("gap extend penalty %v out of water's range 0..10", p.GapExtend)
	}
	for _, s := range scales {
		o, e := p.GapOpen*float64(s), p.GapExtend*float64(s)
		if math.Abs(o-math.Round(o)) < 1e-9 && math.Abs(e-math.Round(e)) < 1e-9 {
			return scaledParams{matrix: m, scale: s, open: int32(math.Round(o)), ext: int32(math.Round(e))}, nil
		}
	}
	return scaledParams{}, fmt.Errorf("gap penalties %v/%v must be multiples of 0.01", p.GapOpen, p.GapExtend)
}

// Profile is the substitution profile of one reference sequence: for every
// residue code c and reference position j, the scaled score of c against
// ref[j]. Build it once per reference with NewProfile; it is read-only and
// may be shared by any number of goroutines and Aligners with the same
// Params.
type Profile struct {
	sp   scaledParams
	ref  []byte
	rows []int32 // rows[c*len(ref)+j]

	// For the SIMD engine (simd_amd64.go), built only when it can run:
	// rows16[c*w16+j] is rows[c*len(ref)+j] as int16 for j < len(ref) and
	// simdPad beyond, so that whole vectors can be loaded at any column.
	w16    int
	rows16 []int16
	// rsuf16[j] bounds the score any path can still gain after reference
	// column j (the sum of the best scores of ref[j+1:], capped at
	// simdMaxBound); 0 in the padding.
	rsuf16 []int16
	// 2-mer index of the reference for the seed diagonals: the positions of
	// k-mer code c are kmerPos[kmerStart[c]:kmerStart[c+1]].
	kmerStart, kmerPos []int32
	rcodes             []uint8 // matrix codes of ref
	colSum             int64   // sum of the best (unscaled) scores of ref's residues
}

// NewProfile builds the profile of ref for p.
func NewProfile(p Params, ref []byte) (*Profile, error) {
	sp, err := p.scaled()
	if err != nil {
		return nil, err
	}
	if err := checkSeq(sp.matrix, "reference", ref); err != nil {
		return nil, err
	}
	pr := &Profile{}
	pr.build(sp, waterDNA(sp.matrix, ref))
	return pr, nil
}

// build fills pr for ref, reusing its slices.
func (pr *Profile) build(sp scaledParams, ref []byte) {
	m := sp.matrix
	n := len(ref)
	pr.sp = sp
	pr.ref = append(pr.ref[:0], ref...)
	need := m.size * n
	if cap(pr.rows) < need {
		pr.rows = make([]int32, need)
	}
	pr.rows = pr.rows[:need]
	for c := 0; c < m.size; c++ {
		row := pr.rows[c*n : c*n+n]
		srow := m.scores[c*m.size : c*m.size+m.size]
		for j, r := range ref {
			row[j] = srow[m.code[r]] * sp.scale
		}
	}
	pr.w16, pr.rows16 = 0, pr.rows16[:0]
	if !simdAvailable || int64(m.absMax)*int64(sp.scale) > simdMaxCell {
		return
	}
	w := simdStride(n)
	need = m.size * w
	if cap(pr.rows16) < need {
		pr.rows16 = make([]int16, need)
	}
	pr.w16, pr.rows16 = w, pr.rows16[:need]
	for c := 0; c < m.size; c++ {
		row := pr.rows[c*n : c*n+n]
		row16 := pr.rows16[c*w : c*w+w]
		for j, v := range row {
			row16[j] = int16(v)
		}
		for j := n; j < w; j++ {
			row16[j] = simdPad
		}
	}
	pr.rsuf16 = grow(pr.rsuf16, w)
	clear(pr.rsuf16)
	var suf int32
	for j := n - 1; j >= 0; j-- {
		pr.rsuf16[j] = int16(min(suf, simdMaxBound))
		suf += m.colMax[m.code[ref[j]]] * sp.scale
	}
	pr.rcodes = pr.rcodes[:0]
	pr.colSum = 0
	for _, c := range ref {
		pr.rcodes = append(pr.rcodes, m.code[c])
		pr.colSum += int64(m.colMax[m.code[c]])
	}
	pr.buildKmers(m)
}

// kmerBits is the number of bits of one residue code in a protein k-mer
// code; a protein k-mer is 2 residues.
const kmerBits = 5

// dnaK is the length of a nucleotide k-mer: 2 bits per base (A, C, G, T),
// 4,096 codes. A 2-mer would occur every 16 bases and say nothing about the
// diagonal.
const dnaK = 6

// kmerCode is the 2-mer code of residue codes a and b (each < 32).
func kmerCode(a, b uint8) int { return int(a)<<kmerBits | int(b) }

// kmerAt returns the k-mer code of the residue codes c[i:i+k] of a sequence
// scored with m, and false when a nucleotide k-mer holds a base other than
// A, C, G or T (or runs past the end).
func kmerAt(m *Matrix, c []uint8, i int) (int, bool) {
	if !m.nucleotide {
		if i+1 >= len(c) {
			return 0, false
		}
		return kmerCode(c[i], c[i+1]), true
	}
	if i+dnaK > len(c) {
		return 0, false
	}
	code := 0
	for _, x := range c[i : i+dnaK] {
		b := m.base2[x]
		if b > 3 {
			return 0, false
		}
		code = code<<2 | int(b)
	}
	return code, true
}

// kmerSpace is the number of k-mer codes of matrix m.
func kmerSpace(m *Matrix) int {
	if m.nucleotide {
		return 1 << (2 * dnaK)
	}
	return 1 << (2 * kmerBits)
}

// buildKmers fills the k-mer index of pr.ref.
func (pr *Profile) buildKmers(m *Matrix) {
	size := kmerSpace(m)
	pr.kmerStart = grow(pr.kmerStart, size+1)
	clear(pr.kmerStart)
	pr.kmerPos = pr.kmerPos[:0]
	n := len(pr.ref)
	if n < 2 || m.size > 1<<kmerBits {
		return
	}
	for j := 0; j < n; j++ {
		if c, ok := kmerAt(m, pr.rcodes, j); ok {
			pr.kmerStart[c+1]++
		}
	}
	for c := 1; c <= size; c++ {
		pr.kmerStart[c] += pr.kmerStart[c-1]
	}
	pr.kmerPos = grow(pr.kmerPos, int(pr.kmerStart[size]))
	fill := pr.kmerStart[:size] // next free slot per code, restored below
	for j := 0; j < n; j++ {
		if c, ok := kmerAt(m, pr.rcodes, j); ok {
			pr.kmerPos[fill[c]] = int32(j)
			fill[c]++
		}
	}
	copy(pr.kmerStart[1:], pr.kmerStart[:size])
	pr.kmerStart[0] = 0
}

// Ref returns the reference sequence the profile was built from.
func (pr *Profile) Ref() []byte { return pr.ref }

// Result is one local alignment, with the numbers water prints for it.
type Result struct {
	Score float64 // as water prints it (see the package documentation for degenerate cases)

	// Counts as in water's header: Identity, Similarity and Gaps are numbers
	// of alignment columns, Length is the number of columns.
	Identity, Similarity, Gaps, Length int

	// 1-based inclusive positions of the aligned region in each sequence.
	QueryStart, QueryEnd, RefStart, RefEnd int

	// The aligned residues with '-' for gaps, the same columns as water.
	AlignedQuery, AlignedRef string
}

// Aligner aligns pairs of sequences with fixed Params. It keeps its buffers
// between calls, so it is NOT safe for concurrent use: use one per goroutine.
type Aligner struct {
	p  Params
	sp scaledParams

	prof   Profile // profile of the last reference given to Align/Score
	qcodes []uint8
	h      []int32 // full H matrix (Align) or two rows (Score)
	dir    []uint8 // traceback directions (Align)
	f      []int32 // vertical gap state per column
	aq, ar []byte  // traceback buffers

	// SIMD engine buffers (see simd_amd64.go).
	h16     []int16  // clamped H, rows of Profile.w16 (Align) or two rows (Score)
	f16     []int16  // vertical gap state per column
	bits    []uint32 // per row and 32-column block: left bits, down bits
	rmax    []int16  // per row: lane-wise maxima of H over columns 1..m-1
	row0dir []uint8  // directions of row 0
	col0dir []uint8  // directions of column 0
	// rowRange[2i], rowRange[2i+1]: the vectors fillSIMD computed in row i.
	rowRange []int32
	qsuf     []int32 // per query row: bound on the score still to gain
	hist     []int32 // seed diagonal histogram
	// simdVectors counts the vectors the last fillSIMD computed (tests).
	simdVectors int
	seedS       []int32 // seed path scores per diagonal and row
	seedMark    []uint8 // seed rows where diagonals meet
}

// NewAligner validates p and returns an Aligner.
func NewAligner(p Params) (*Aligner, error) {
	sp, err := p.scaled()
	if err != nil {
		return nil, err
	}
	if p.Matrix == nil {
		p.Matrix = sp.matrix
	}
	return &Aligner{p: p, sp: sp}, nil
}

// Params returns the aligner's parameters.
func (a *Aligner) Params() Params { return a.p }

// Align aligns query (water's -asequence) against ref (-bsequence).
func (a *Aligner) Align(query, ref []byte) (Result, error) {
	if err := checkSeq(a.sp.matrix, "reference", ref); err != nil {
		return Result{}, err
	}
	a.profileFor(waterDNA(a.sp.matrix, ref))
	return a.AlignProfile(&a.prof, query)
}

// AlignProfile aligns query against the reference of profile p, which must
// have been built with the aligner's Params.
func (a *Aligner) AlignProfile(p *Profile, query []byte) (Result, error) {
	if err := checkSeq(a.sp.matrix, "query", query); err != nil {
		return Result{}, err
	}
	query = waterDNA(a.sp.matrix, query)
	if p == nil || len(p.ref) == 0 {
		return Result{}, errors.New("align: empty reference profile")
	}
	if p.sp != a.sp {
		return Result{}, errors.New("align: profile was built with different parameters")
	}
	a.codes(query)
	if a.useSIMD(p) {
		ret, bi, bj := a.fillSIMD(p, true)
		return a.tracebackSIMD(p, query, ret, bi, bj), nil
	}
	return a.alignScalar(p, query), nil
}

// alignScalar is the reference implementation of AlignProfile: the plain
// int32 dynamic programming of fill with a direction per cell. The SIMD
// path must give identical Results (TestSIMDMatchesScalar, FuzzSIMD).
// a.qcodes must hold the query's codes.
func (a *Aligner) alignScalar(p *Profile, query []byte) Result {
	ret, bi, bj := a.fill(p)
	return a.tracebackScalar(p, query, ret, bi, bj)
}

// Score returns the score water would report for query against ref, using
// linear memory. It returns NaN when a sequence is empty or holds a byte
// that is not a residue (see checkSeq); Align reports those as errors.
func (a *Aligner) Score(query, ref []byte) float64 {
	if checkSeq(a.sp.matrix, "query", query) != nil || checkSeq(a.sp.matrix, "reference", ref) != nil {
		return math.NaN()
	}
	a.profileFor(waterDNA(a.sp.matrix, ref))
	s, _ := a.ScoreProfile(&a.prof, query)
	return s
}

// ScoreProfile is Score against a prepared reference profile.
func (a *Aligner) ScoreProfile(p *Profile, query []byte) (float64, error) {
	if err := checkSeq(a.sp.matrix, "query", query); err != nil {
		return 0, err
	}
	query = waterDNA(a.sp.matrix, query)
	if p == nil || len(p.ref) == 0 {
		return 0, errors.New("align: empty reference profile")
	}
	if p.sp != a.sp {
		return 0, errors.New("align: profile was built with different parameters")
	}
	a.codes(query)
	if a.useSIMD(p) {
		ret, _, _ := a.fillSIMD(p, false)
		return a.reportScore(ret, len(query), len(p.ref)), nil
	}
	return a.reportScore(a.scoreOnly(p), len(query), len(p.ref)), nil
}

// profileFor makes a.prof the profile of ref, rebuilding it only when ref
// differs from the last reference.
func (a *Aligner) profileFor(ref []byte) {
	if a.prof.sp == a.sp && len(a.prof.rows) > 0 && bytes.Equal(a.prof.ref, ref) {
		return
	}
	a.prof.build(a.sp, ref)
}

func (a *Aligner) codes(query []byte) {
	a.qcodes = a.qcodes[:0]
	for _, c := range query {
		a.qcodes = append(a.qcodes, a.sp.matrix.code[c])
	}
}

// reportScore converts the interior maximum to the float water prints.
func (a *Aligner) reportScore(ret int32, n, m int) float64 {
	if n < 2 || m < 2 {
		// water's interior loop never runs; it reports its initial -FLT_MAX.
		return -math.MaxFloat32
	}
	return float64(ret) / float64(a.sp.scale)
}

// checkSeq accepts a non-empty sequence of ASCII letters and '*' (stop);
// with a nucleotide matrix, of IUPAC nucleotide codes and X. Gap
// characters, blanks, digits and other bytes are refused: water's sequence
// reader would silently drop them, changing the coordinates. A letter that
// is not a nucleotide code (or '*') would make water read the sequence as a
// protein and score it with EBLOSUM62.
func checkSeq(m *Matrix, what string, s []byte) error {
	if len(s) == 0 {
		return fmt.Errorf("align: empty %s sequence", what)
	}
	nuc := m != nil && m.nucleotide
	for i, c := range s {
		if nuc && !nucleotideByte[c] {
			return fmt.Errorf("align: %s sequence: byte %q at position %d is not a nucleotide code (%s scores DNA)", what, c, i+1, m.Name)
		}
		if !residueByte[c] {
			return fmt.Errorf("align: %s sequence: byte %q at position %d is not a residue letter or '*'", what, c, i+1)
		}
	}
	return nil
}

// waterDNA returns s as water reads a nucleotide sequence: X and x, which
// water's nucleotide sequence type converts on input, become N and n (they
// score, count and print as N). Other sequences, and DNA without X, are
// returned as they are.
func waterDNA(m *Matrix, s []byte) []byte {
	if m == nil || !m.nucleotide || bytes.IndexAny(s, "Xx") < 0 {
		return s
	}
	out := bytes.Clone(s)
	for i, c := range out {
		switch c {
		case 'X':
			out[i] = 'N'
		case 'x':
			out[i] = 'n'
		}
	}
	return out
}

// nucleotideByte marks what a sequence scored with a nucleotide matrix may
// hold: the IUPAC nucleotide codes and X (read as N), either case.
var nucleotideByte = func() (t [256]bool) {
	for _, c := range "ACGTUNRYSWKMBDHVX" {
		t[c], t[c+'a'-'A'] = true, true
	}
	return t
}()

// NotNucleotide returns the 0-based index of the first byte of s that a
// sequence aligned with a nucleotide matrix cannot hold (an IUPAC
// nucleotide code or X, either case), or -1.
func NotNucleotide(s []byte) int {
	for i, c := range s {
		if !nucleotideByte[c] {
			return i
		}
	}
	return -1
}

var residueByte = func() (t [256]bool) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c], t[c+'a'-'A'] = true, true
	}
	t['*'] = true
	return t
}()
