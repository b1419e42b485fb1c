package align

// Shared parts of the SIMD engine (simd_amd64.go); the scalar engine in
// dp.go is the reference implementation and is used whenever the SIMD one
// cannot run (no AVX-512, built without GOEXPERIMENT=simd, scores that could
// overflow int16, or gap extension dearer than gap opening).

const (
	simdLanes = 32 // int16 lanes of a 512-bit vector
	// simdPad is the profile score of the padding columns beyond the end of
	// the reference; it keeps them far below any real cell.
	simdPad = -16384
	// simdMaxCell bounds |scaled matrix entry| for the int16 profile.
	simdMaxCell = 4000
	// simdMaxBound caps the gain bounds of the pruning; it is above any T.
	simdMaxBound = 30000
)

// simdStride is the int16 row length for a reference of m residues:
// columns 1..m-1 are processed in blocks of simdLanes starting at column 1,
// plus one block of slack so that loads at column j0-1 and j0 stay inside.
func simdStride(m int) int {
	return simdBlocks(m)*simdLanes + simdLanes
}

// simdBlocks is the number of vectors covering columns 1..m-1.
func simdBlocks(m int) int {
	return (m - 1 + simdLanes - 1) / simdLanes
}

// Accelerated reports whether Align and Score use the SIMD engine on this
// machine and build (GOEXPERIMENT=simd on amd64 with AVX-512). Results are
// identical either way; only the speed differs.
func Accelerated() bool { return simdAvailable }

// useSIMD tells whether the SIMD engine can align a.qcodes against p
// exactly: every value it computes must fit in int16, and its in-row gap
// scan needs open >= extend. H is at most the edge cell a path starts from
// (at most the largest scaled entry) plus the best scores of the residues
// it pairs, so at most that plus the sum of the best scores of either
// sequence; the gap scan adds up to 31 extensions, and values never go
// below -open by more than a few extensions.
func (a *Aligner) useSIMD(p *Profile) bool {
	if !simdAvailable || p.w16 == 0 {
		return false
	}
	n, m := len(a.qcodes), len(p.ref)
	if n < 2 || m < 2 {
		return false
	}
	sp := a.sp
	slack := int64(sp.open) + int64(2*simdLanes)*int64(sp.ext)
	if sp.open < sp.ext || slack > 12000 {
		return false
	}
	var qsum int64
	for _, c := range a.qcodes {
		qsum += int64(sp.matrix.rowMax[c])
	}
	gain := min(qsum, p.colSum) * int64(sp.scale)
	return int64(sp.matrix.absMax)*int64(sp.scale)+gain+slack <= 30000
}

// tracebackSIMD is traceback on the matrices of fillSIMD.
func (a *Aligner) tracebackSIMD(p *Profile, query []byte, ret int32, bi, bj int) Result {
	w := p.w16
	V := simdBlocks(len(p.ref))
	H, bits, r0, c0, rr := a.h16, a.bits, a.row0dir, a.col0dir, a.rowRange
	return a.traceback(p, query, ret, bi, bj,
		func(y, x int) int32 {
			// Vectors outside the computed range of the row hold no value.
			if v := int32(x-1) / simdLanes; x > 0 && (v < rr[2*y] || v >= rr[2*y+1]) {
				return 0
			}
			return int32(H[y*w+x])
		},
		func(y, x int) uint8 {
			switch {
			case y == 0:
				return r0[x]
			case x == 0:
				return c0[y]
			}
			k := 2 * (y*V + (x-1)/simdLanes)
			b := uint((x - 1) % simdLanes)
			switch {
			case bits[k+1]>>b&1 != 0:
				return dirDown
			case bits[k]>>b&1 != 0:
				return dirLeft
			}
			return dirDiag
		})
}

// seedDiagonals is how many diagonals seedScore chains.
const seedDiagonals = 4

// seedScore returns a lower bound on the largest interior H of a.qcodes
// against p (0 when it finds nothing better). It takes the diagonals that
// share the most 2-mers with the query and finds the best path that runs
// along them, joined by gaps; that path's textbook score can only be
// exceeded by water's H at the path's end, whose recurrences are the
// textbook ones in the interior (row and column 0 are never used by a gap
// here, and water's edge values are never below the textbook ones).
func (a *Aligner) seedScore(p *Profile) int32 {
	q := a.qcodes
	n, m := len(q), len(p.ref)
	if n < 3 || m < 3 || len(p.kmerPos) == 0 {
		return 0
	}
	a.hist = grow(a.hist, n+m)
	clear(a.hist)
	hist := a.hist
	for i := 0; i+1 < n; i++ {
		c := kmerCode(q[i], q[i+1])
		pos := p.kmerPos[p.kmerStart[c]:p.kmerStart[c+1]]
		if len(pos) > 16 { // low complexity: no information on the diagonal
			continue
		}
		for _, j := range pos {
			hist[int(j)-i+n-1]++
		}
	}
	// The diagonals (d = j - i) with the most hits, at least 3 (random
	// 2-mer hits are about n·m/400 over n+m diagonals).
	var top [seedDiagonals]int
	var cnt [seedDiagonals]int32
	for d, h := range hist {
		if h < 3 || h <= cnt[seedDiagonals-1] {
			continue
		}
		k := seedDiagonals - 1
		for k > 0 && h > cnt[k-1] {
			top[k], cnt[k] = top[k-1], cnt[k-1]
			k--
		}
		top[k], cnt[k] = d-(n-1), h
	}
	K := 0
	for K < seedDiagonals && cnt[K] > 0 {
		K++
	}
	if K == 0 {
		return 0
	}
	// S[k][i]: best score of a path ending with a residue pair at
	// (i, i+top[k]), or none off the matrix. A path reaches the cell
	// before the pair, (i-1, i-1+top[k]), by a diagonal step, or by a gap
	// from another diagonal that lies in the interior of the matrix: along
	// row i-1 from a diagonal to the left, or down column i-1+top[k] from
	// a diagonal to the right.
	open, ext := a.sp.open, a.sp.ext
	// Sort the diagonals by d, so that gaps along a row come from lower k
	// and gaps down a column from higher k; cost[k][k2] is the gap's.
	for x := 1; x < K; x++ {
		for y := x; y > 0 && top[y] < top[y-1]; y-- {
			top[y], top[y-1] = top[y-1], top[y]
		}
	}
	var cost [seedDiagonals][seedDiagonals]int32
	for k := 0; k < K; k++ {
		for k2 := 0; k2 < K; k2++ {
			if k2 != k {
				cost[k][k2] = open + int32(max(top[k]-top[k2], top[k2]-top[k])-1)*ext
			}
		}
	}
	a.seedS = grow(a.seedS, K*n)
	const none = minInt32 / 2
	var Sk [seedDiagonals][]int32
	for k := 0; k < K; k++ {
		Sk[k] = a.seedS[k*n : (k+1)*n]
	}
	// Scores from the small matrix rather than the profile: the diagonals
	// visit a different profile row at every step.
	mat, scale := a.sp.matrix, a.sp.scale
	rc := p.rcodes[:m]
	var prevS [seedDiagonals]int32
	for k := range prevS {
		prevS[k] = none
	}
	var best int32
	for i := 0; i < n; i++ {
		mrow := mat.scores[int(q[i])*mat.size : int(q[i])*mat.size+mat.size]
		var curS [seedDiagonals]int32
		for k := 0; k < K; k++ {
			d := top[k]
			j := i + d
			if j < 0 || j >= m {
				curS[k], Sk[k][i] = none, none
				continue
			}
			from := int32(0) // a path may start here
			if i >= 1 && j >= 1 {
				from = max(from, prevS[k])
				if i >= 2 { // along row i-1 from (i-1, i-1+d2), d2 < d
					for k2 := 0; k2 < k; k2++ {
						from = max(from, prevS[k2]-cost[k][k2])
					}
				}
				if j >= 2 { // down column j-1 from (a, a+d2), d2 > d
					for k2 := k + 1; k2 < K; k2++ {
						if a := i - 1 - (top[k2] - d); a >= 0 {
							from = max(from, Sk[k2][a]-cost[k][k2])
						}
					}
				}
			}
			v := from + mrow[rc[j]]*scale
			curS[k], Sk[k][i] = v, v
			if i >= 1 && j >= 1 {
				best = max(best, v)
			}
		}
		prevS = curS
	}
	return best
}
