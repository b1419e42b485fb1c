package extract

// The search verifies every seed cluster with one local alignment, made by
// the single function localAlign: Smith-Waterman with affine gaps, scored as
// EMBOSS water scores by default (EBLOSUM62, gap open 10, gap extend 0.5; a
// gap of k residues costs open + (k-1)·extend). Scores are kept as integers
// scaled by 2. Stops ('*') in the translated query are ordinary residues
// (EBLOSUM62 scores * against anything at -4), so homology that runs on past
// a premature stop stays in one alignment.
//
// wtscan-align then realigns each extracted protein with the water-exact
// engine (internal/swalign); this one only places and ranks loci.

const aaAlphabet = "ARNDCQEGHILKMFPSTWYVBZX*"

// aaCode maps a residue byte to its EBLOSUM62 index; unknown letters are X.
var aaCode [256]uint8

// seedCode maps the 20 standard residues to 0..19 and everything else to 255.
var seedCode [256]uint8

func init() {
	for i := range aaCode {
		aaCode[i] = 22 // X
		seedCode[i] = 255
	}
	for i := 0; i < len(aaAlphabet); i++ {
		c := aaAlphabet[i]
		aaCode[c] = uint8(i)
		aaCode[c+'a'-'A'] = uint8(i)
		if i < 20 {
			seedCode[c] = uint8(i)
			seedCode[c+'a'-'A'] = uint8(i)
		}
	}
	aaCode['*'] = 23
}

const (
	gapOpen2   = 20 // 2 × water's default gap open 10
	gapExtend2 = 1  // 2 × water's default gap extend 0.5
)

// hit is one local alignment of a translated query against a reference.
type hit struct {
	Score            float64 // in water units
	QStart, QEnd     int     // 1-based inclusive, on the query
	RStart, REnd     int     // 1-based inclusive, on the reference
	Identity, Length int     // identical columns; alignment columns (gaps included)
	QueryStops       int     // '*' in the aligned query
}

// aligner holds buffers reused across calls; one per goroutine.
type aligner struct {
	h, e  []int32
	dir   []uint8
	qc    []uint8
	rc    []uint8
	score [24][24]int32

	fh, fe, fjlo []int32 // alignFrames: H and E rows, each row's first band column
}

func newAligner() *aligner {
	a := &aligner{}
	for i := 0; i < 24; i++ {
		for j := 0; j < 24; j++ {
			a.score[i][j] = 2 * int32(blosum62[i][j])
		}
	}
	return a
}

const (
	fromZero = 0
	fromDiag = 1
	fromE    = 2 // query residue against a gap
	fromF    = 3 // reference residue against a gap
	eExtend  = 4 // E came from E (extension) rather than from H (open)
	fExtend  = 8
)

// localAlign aligns query (a translated frame, may hold '*') to ref.
func (a *aligner) localAlign(query, ref []byte) hit {
	return a.localAlignBand(query, ref, -len(ref), len(query))
}

// localAlignBand aligns within the diagonals dLo..dHi, a diagonal being
// i - j for query index i and reference index j (both 0-based).
func (a *aligner) localAlignBand(query, ref []byte, dLo, dHi int) hit {
	n, m := len(query), len(ref)
	if n == 0 || m == 0 {
		return hit{}
	}
	a.qc = grow(a.qc, n)
	for i, c := range query {
		a.qc[i] = aaCode[c]
	}
	a.rc = grow(a.rc, m)
	for j, c := range ref {
		a.rc[j] = aaCode[c]
	}
	a.h = grow(a.h, m+1)
	a.e = grow(a.e, m+1)
	a.dir = grow(a.dir, (n+1)*(m+1))
	h, e, dir := a.h, a.e, a.dir
	for j := range h {
		h[j] = 0
		e[j] = -1 << 28
	}
	best, bi, bj := int32(0), 0, 0
	for i := 1; i <= n; i++ {
		// 1-based cells (i, j) with dLo <= (i-1)-(j-1) <= dHi.
		lo, hi := max(1, i-dHi), min(m, i-dLo)
		if lo > hi {
			if lo > m {
				break
			}
			continue
		}
		if i-dLo <= m { // cell (i-1, hi) lay outside the previous row's band
			h[hi], e[hi] = 0, -1<<28
		}
		row := &a.score[a.qc[i-1]]
		diag := h[lo-1] // H[i-1][lo-1]
		if lo-1 < max(1, i-1-dHi) {
			diag = 0
		}
		f := int32(-1 << 28)
		hLeft := int32(0) // H[i][lo-1]: outside the band
		base := i * (m + 1)
		for j := lo; j <= hi; j++ {
			var d uint8
			// E: query residue i against a gap (vertical move from H[i-1][j]).
			eo, ee := h[j]-gapOpen2, e[j]-gapExtend2
			ev := eo
			if ee > eo {
				ev = ee
				d |= eExtend
			}
			e[j] = ev
			// F: reference residue j against a gap (horizontal move from H[i][j-1]).
			fo, fe := hLeft-gapOpen2, f-gapExtend2
			fv := fo
			if fe > fo {
				fv = fe
				d |= fExtend
			}
			f = fv
			hv := diag + row[a.rc[j-1]]
			src := uint8(fromDiag)
			if ev > hv {
				hv, src = ev, fromE
			}
			if fv > hv {
				hv, src = fv, fromF
			}
			if hv <= 0 {
				hv, src = 0, fromZero
			}
			diag = h[j]
			h[j] = hv
			hLeft = hv
			dir[base+j] = d | src
			if hv > best {
				best, bi, bj = hv, i, j
			}
		}
	}
	if best == 0 {
		return hit{}
	}
	// Trace back.
	r := hit{Score: float64(best) / 2, QEnd: bi, REnd: bj}
	i, j := bi, bj
	state := uint8(fromDiag)
	for i > 0 && j > 0 {
		d := dir[i*(m+1)+j]
		switch state {
		case fromDiag:
			src := d & 3
			if src == fromZero {
				goto done
			}
			if src != fromDiag {
				state = src
				continue
			}
			if query[i-1] == ref[j-1] {
				r.Identity++
			}
			if query[i-1] == '*' {
				r.QueryStops++
			}
			r.Length++
			r.QStart, r.RStart = i, j
			i--
			j--
		case fromE: // query residue i against a gap
			r.Length++
			if d&eExtend == 0 {
				state = fromDiag
			}
			i--
		case fromF: // reference residue j against a gap
			r.Length++
			if d&fExtend == 0 {
				state = fromDiag
			}
			j--
		}
	}
done:
	return r
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
