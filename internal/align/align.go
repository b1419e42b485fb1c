package align

import (
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
}

// NewProfile builds the profile of ref for p.
func NewProfile(p Params, ref []byte) (*Profile, error) {
	sp, err := p.scaled()
	if err != nil {
		return nil, err
	}
	if err := checkSeq("reference", ref); err != nil {
		return nil, err
	}
	pr := &Profile{}
	pr.build(sp, ref)
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
	if err := checkSeq("reference", ref); err != nil {
		return Result{}, err
	}
	a.prof.build(a.sp, ref)
	return a.AlignProfile(&a.prof, query)
}

// AlignProfile aligns query against the reference of profile p, which must
// have been built with the aligner's Params.
func (a *Aligner) AlignProfile(p *Profile, query []byte) (Result, error) {
	if err := checkSeq("query", query); err != nil {
		return Result{}, err
	}
	if p == nil || len(p.ref) == 0 {
		return Result{}, errors.New("align: empty reference profile")
	}
	if p.sp != a.sp {
		return Result{}, errors.New("align: profile was built with different parameters")
	}
	a.codes(query)
	ret, bi, bj := a.fill(p)
	return a.traceback(p, query, ret, bi, bj), nil
}

// Score returns the score water would report for query against ref, using
// linear memory. It returns NaN when a sequence is empty or holds a byte
// that is not a residue (see checkSeq); Align reports those as errors.
func (a *Aligner) Score(query, ref []byte) float64 {
	if checkSeq("query", query) != nil || checkSeq("reference", ref) != nil {
		return math.NaN()
	}
	a.prof.build(a.sp, ref)
	s, _ := a.ScoreProfile(&a.prof, query)
	return s
}

// ScoreProfile is Score against a prepared reference profile.
func (a *Aligner) ScoreProfile(p *Profile, query []byte) (float64, error) {
	if err := checkSeq("query", query); err != nil {
		return 0, err
	}
	if p == nil || len(p.ref) == 0 {
		return 0, errors.New("align: empty reference profile")
	}
	if p.sp != a.sp {
		return 0, errors.New("align: profile was built with different parameters")
	}
	a.codes(query)
	return a.reportScore(a.scoreOnly(p), len(query), len(p.ref)), nil
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

// checkSeq accepts a non-empty sequence of ASCII letters and '*' (stop).
// Gap characters, blanks, digits and other bytes are refused: water's
// sequence reader would silently drop them, changing the coordinates.
func checkSeq(what string, s []byte) error {
	if len(s) == 0 {
		return fmt.Errorf("align: empty %s sequence", what)
	}
	for i, c := range s {
		if !residueByte[c] {
			return fmt.Errorf("align: %s sequence: byte %q at position %d is not a residue letter or '*'", what, c, i+1)
		}
	}
	return nil
}

var residueByte = func() (t [256]bool) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c], t[c+'a'-'A'] = true, true
	}
	t['*'] = true
	return t
}()
