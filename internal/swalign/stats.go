package swalign

import (
	"math"
	"strconv"
	"strings"
)

// countStats counts identical, similar and gap columns as EMBOSS's
// alignConsStats does for a pair of sequences with weight 1 each.
func countStats(m *Matrix, aq, ar []byte) (ident, sim, gaps, length int) {
	for k := range aq {
		x, y := aq[k], ar[k]
		if x == '-' || y == '-' || x == ' ' || y == ' ' {
			gaps++
			continue
		}
		ident1, sim1 := columnClass(m, x, y)
		if ident1 {
			ident++
		}
		if sim1 {
			sim++
		}
	}
	return ident, sim, gaps, len(aq)
}

// columnClass tells whether residues x and y are identical and similar in
// EMBOSS's sense (see the package documentation).
func columnClass(m *Matrix, x, y byte) (ident, sim bool) {
	cx, cy := m.code[x], m.code[y]
	if cx == 0 || cy == 0 {
		return false, false
	}
	// EMBOSS's matching[c] counts residue c against itself and against the
	// other residue; the column is similar when one of them reaches 2.
	ident = cx == cy
	sim = (m.codeScore(cx, cx) > 0 && m.codeScore(cx, cy) > 0) ||
		(m.codeScore(cy, cy) > 0 && m.codeScore(cy, cx) > 0)
	return ident, sim
}

// markupChar is the character water's srspair format prints between the
// two residues of a column: '|' identical, ':' similar, '.' other pairs, ' '
// for gaps and for residues that are not letters or score badly against
// themselves (the consensus logic of alignConsStats/alignSim).
func markupChar(m *Matrix, x, y byte) byte {
	if x == '-' || y == '-' || x == ' ' || y == ' ' {
		return ' '
	}
	cx, cy := m.code[x], m.code[y]
	ident, sim := columnClass(m, x, y)
	// himatch: matching weight of the first sequence's residue.
	var himatch int
	if cx != 0 {
		if m.codeScore(cx, cx) > 0 {
			himatch++
		}
		if cy != 0 && m.codeScore(cx, cy) > 0 {
			himatch++
		}
	}
	res := byte('-')
	switch {
	case himatch == 2:
		res = upper(x)
	case himatch == 1:
		res = '#' // numres is 2 here: both are residues
	}
	if sim && !ident {
		res = lower(res)
	}
	switch {
	case res == '#':
		return '.'
	case res >= 'A' && res <= 'Z':
		return '|'
	case res >= 'a' && res <= 'z':
		return ':'
	}
	return ' '
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c - 'A' + 'a'
	}
	return c
}

// Cigar returns the alignment as a CIGAR string from the query's point of
// view against the reference: M for a column with a residue in both (match or
// mismatch), I for a query residue opposite a gap in the reference, D for a
// reference residue opposite a gap in the query. It covers only the aligned
// region (QueryStart..QueryEnd, RefStart..RefEnd); no clipping operations
// are written. An empty alignment gives "".
func (r Result) Cigar() string {
	var b strings.Builder
	var op byte
	n := 0
	flush := func() {
		if n > 0 {
			b.WriteString(strconv.Itoa(n))
			b.WriteByte(op)
		}
	}
	for k := 0; k < len(r.AlignedQuery) && k < len(r.AlignedRef); k++ {
		var o byte
		switch {
		case r.AlignedQuery[k] == '-':
			o = 'D'
		case r.AlignedRef[k] == '-':
			o = 'I'
		default:
			o = 'M'
		}
		if o != op {
			flush()
			op, n = o, 0
		}
		n++
	}
	flush()
	return b.String()
}

// Rescore computes the score of a given alignment under p: the sum of the
// matrix values of the aligned residue pairs minus GapOpen + (k-1)·GapExtend
// for every run of k gap characters in either string. Columns with a gap in
// both strings are skipped. It returns NaN when the strings differ in length.
func Rescore(p Params, alignedQuery, alignedRef string) float64 {
	if len(alignedQuery) != len(alignedRef) {
		return math.NaN()
	}
	m := p.Matrix
	if m == nil {
		m = matricesByName["EBLOSUM62"]
	}
	var sub int64
	var opens, exts int64
	inQ, inR := false, false
	for k := 0; k < len(alignedQuery); k++ {
		x, y := alignedQuery[k], alignedRef[k]
		gx, gy := x == '-', y == '-'
		switch {
		case gx && gy:
			continue
		case gx:
			if inQ {
				exts++
			} else {
				opens++
			}
		case gy:
			if inR {
				exts++
			} else {
				opens++
			}
		default:
			sub += int64(m.Score(x, y))
		}
		inQ, inR = gx, gy
	}
	return float64(sub) - float64(opens)*p.GapOpen - float64(exts)*p.GapExtend
}
