package swalign

import (
	"math"
	"strings"
)

// Two reference implementations for the property tests, written for
// clarity, not speed.

// textbookScore is plain Smith-Waterman-Gotoh with three full matrices
// (1-based, zero boundary): M ends in a residue pair, X in a gap in the
// query (reference residue against '-'), Y in a gap in the reference.
// A gap of length k costs open + (k-1)·ext.
func textbookScore(p Params, a, b []byte) float64 {
	m := p.Matrix
	n, l := len(a), len(b)
	inf := math.Inf(-1)
	M := make([][]float64, n+1)
	X := make([][]float64, n+1)
	Y := make([][]float64, n+1)
	for i := range M {
		M[i], X[i], Y[i] = make([]float64, l+1), make([]float64, l+1), make([]float64, l+1)
		for j := range M[i] {
			M[i][j], X[i][j], Y[i][j] = inf, inf, inf
		}
	}
	H := func(i, j int) float64 {
		if i == 0 || j == 0 {
			return 0
		}
		return max(0, M[i][j], X[i][j], Y[i][j])
	}
	best := 0.0
	for i := 1; i <= n; i++ {
		for j := 1; j <= l; j++ {
			M[i][j] = H(i-1, j-1) + float64(m.Score(a[i-1], b[j-1]))
			X[i][j] = max(H(i, j-1)-p.GapOpen, X[i][j-1]-p.GapExtend)
			Y[i][j] = max(H(i-1, j)-p.GapOpen, Y[i-1][j]-p.GapExtend)
			best = max(best, H(i, j))
		}
	}
	return best
}

// literalWater is a line-by-line transcription of EMBOSS 6.6.0's
// embAlignPathCalcSW and embAlignWalkSWMatrix (column-major, float64,
// path/compass matrices), returning what water would report.
func literalWater(p Params, a, b []byte) Result {
	m := p.Matrix
	lena, lenb := len(a), len(b)
	gapopen, gapextend := p.GapOpen, p.GapExtend
	sub := func(x, y byte) float64 { return float64(m.Score(x, y)) }
	path := make([]float64, lena*lenb)
	compass := make([]int, lena*lenb)
	maxa := make([]float64, lena)
	ret := -math.MaxFloat32
	for i := 0; i < lena; i++ {
		result := sub(a[i], b[0])
		fnew := 0.0
		if i > 0 {
			fnew = path[(i-1)*lenb]
			if compass[(i-1)*lenb] == 2 {
				fnew -= gapextend
			} else {
				fnew -= gapopen
			}
		}
		switch {
		case result > fnew && result > 0:
			path[i*lenb], compass[i*lenb] = result, 0
		case fnew > 0:
			path[i*lenb], compass[i*lenb] = fnew, 2
		default:
			path[i*lenb], compass[i*lenb] = 0, 0
		}
		if i == 0 {
			maxa[i] = path[0] - gapopen
		} else if compass[(i-1)*lenb] == 2 {
			maxa[i] = path[i*lenb] - gapextend
		} else {
			maxa[i] = path[i*lenb] - gapopen
		}
	}
	for j := 0; j < lenb; j++ {
		result := sub(a[0], b[j])
		fnew := 0.0
		if j > 0 {
			fnew = path[j-1]
			if compass[j-1] == 1 {
				fnew -= gapextend
			} else {
				fnew -= gapopen
			}
		}
		switch {
		case result > fnew && result > 0:
			path[j], compass[j] = result, 0
		case fnew > 0:
			path[j], compass[j] = fnew, 1
		default:
			path[j], compass[j] = 0, 0
		}
	}
	for xpos := 1; xpos < lenb; xpos++ {
		bx := path[xpos] - gapopen - gapextend
		for ypos := 1; ypos < lena; ypos++ {
			k := ypos*lenb + xpos
			mscore := path[(ypos-1)*lenb+xpos-1] + sub(a[ypos], b[xpos])
			compass[k] = 0
			path[k] = mscore
			maxa[ypos] -= gapextend
			if fnew := path[k-1] - gapopen; fnew > maxa[ypos] {
				maxa[ypos] = fnew
			}
			if maxa[ypos] > mscore {
				mscore = maxa[ypos]
				path[k], compass[k] = mscore, 1
			}
			bx -= gapextend
			if fnew := path[k-lenb] - gapopen; fnew > bx {
				bx = fnew
			}
			if bx > mscore {
				mscore = bx
				path[k], compass[k] = mscore, 2
			}
			ret = max(ret, mscore)
			if path[k] < 0 {
				path[k] = 0
			}
		}
	}
	// Walk: the maximum is searched from the last cell backwards, keeping
	// equal values, so the first cell in row-major order wins.
	pmax := -math.MaxFloat32
	xpos, ypos := 0, 0
	for i := lena - 1; i >= 0; i-- {
		for j := lenb - 1; j >= 0; j-- {
			if v := path[i*lenb+j]; v > pmax || v == pmax {
				pmax, xpos, ypos = v, j, i
			}
		}
	}
	endA, endB := ypos, xpos
	var mq, nr []byte
	for xpos >= 0 && ypos >= 0 {
		switch compass[ypos*lenb+xpos] {
		case 0:
			mq, nr = append(mq, a[ypos]), append(nr, b[xpos])
			ypos--
			xpos--
			if ypos >= 0 && xpos >= 0 && path[ypos*lenb+xpos] <= 0 {
				goto done
			}
		case 1:
			score := path[ypos*lenb+xpos]
			gapcnt := 0.0
			ix := xpos - 1
			var bimble float64
			for {
				bimble = path[ypos*lenb+ix] - gapopen - gapcnt*gapextend
				if ix == 0 || math.Abs(score-bimble) < 0.01 {
					break
				}
				ix--
				gapcnt++
			}
			if bimble <= 0 {
				goto done
			}
			for ic := 0.0; ic <= gapcnt; ic++ {
				mq, nr = append(mq, '-'), append(nr, b[xpos])
				xpos--
			}
		default:
			score := path[ypos*lenb+xpos]
			gapcnt := 0.0
			iy := ypos - 1
			var bimble float64
			for {
				bimble = path[iy*lenb+xpos] - gapopen - gapcnt*gapextend
				if iy == 0 || math.Abs(score-bimble) < 0.01 {
					break
				}
				iy--
				gapcnt++
			}
			if bimble <= 0 {
				goto done
			}
			for ic := 0.0; ic <= gapcnt; ic++ {
				mq, nr = append(mq, a[ypos]), append(nr, '-')
				ypos--
			}
		}
	}
done:
	reverse(mq)
	reverse(nr)
	r := Result{
		Score: ret, QueryStart: ypos + 2, QueryEnd: endA + 1, RefStart: xpos + 2, RefEnd: endB + 1,
		AlignedQuery: string(mq), AlignedRef: string(nr),
	}
	r.Identity, r.Similarity, r.Gaps, r.Length = countStats(m, mq, nr)
	return r
}

// checkConsistent verifies that the counts and coordinates of r agree with
// its aligned strings and with the input sequences.
func checkConsistent(r Result, q, ref []byte) string {
	if len(r.AlignedQuery) != len(r.AlignedRef) || r.Length != len(r.AlignedQuery) {
		return "lengths disagree"
	}
	gaps := 0
	for k := range r.AlignedQuery {
		if r.AlignedQuery[k] == '-' || r.AlignedRef[k] == '-' {
			gaps++
		}
	}
	if gaps != r.Gaps {
		return "gap count disagrees"
	}
	if r.Identity > r.Length-r.Gaps || r.Similarity > r.Length-r.Gaps {
		return "identity or similarity exceeds residue columns"
	}
	uq := strings.ReplaceAll(r.AlignedQuery, "-", "")
	ur := strings.ReplaceAll(r.AlignedRef, "-", "")
	if r.QueryStart < 1 || r.QueryEnd > len(q) || string(q[r.QueryStart-1:r.QueryEnd]) != uq {
		return "query coordinates do not match the aligned query"
	}
	if r.RefStart < 1 || r.RefEnd > len(ref) || string(ref[r.RefStart-1:r.RefEnd]) != ur {
		return "reference coordinates do not match the aligned reference"
	}
	if len(r.Cigar()) == 0 && r.Length > 0 {
		return "empty CIGAR"
	}
	return ""
}
