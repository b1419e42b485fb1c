package swalign

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

// tracebackSIMD is traceback on the matrices of fillSIMD: the same walk,
// with the cell accessors written out (closure calls cost more than the
// walk itself).
func (a *Aligner) tracebackSIMD(p *Profile, query []byte, ret int32, bi, bj int) Result {
	ref := p.ref
	w := p.w16
	V := simdBlocks(len(ref))
	H, bits, r0, c0, rr := a.h16, a.bits, a.row0dir, a.col0dir, a.rowRange
	hAt := func(y, x int) int32 {
		// Vectors outside the computed range of the row hold no value.
		if v := int32(x-1) / simdLanes; x > 0 && (v < rr[2*y] || v >= rr[2*y+1]) {
			return 0
		}
		return int32(H[y*w+x])
	}
	dirAt := func(y, x int) uint8 {
		switch {
		case y == 0:
			return r0[x]
		case x == 0:
			return c0[y]
		}
		k := 2 * (y*V + (x-1)/simdLanes)
		b := uint((x - 1) % simdLanes)
		return uint8(bits[k]>>b&1 | (bits[k+1]>>b&1)<<1) // down wins over left
	}
	open, ext := a.sp.open, a.sp.ext
	tol := int64(a.sp.scale) // water's |diff| < 0.01, as in traceback
	aq, ar := a.aq[:0], a.ar[:0]
	y, x := bi, bj
	for x >= 0 && y >= 0 {
		d := dirAt(y, x)
		if d == dirDiag {
			aq = append(aq, query[y])
			ar = append(ar, ref[x])
			y--
			x--
			if y >= 0 && x >= 0 && hAt(y, x) <= 0 {
				break
			}
			continue
		}
		score := hAt(y, x)
		var gapcnt, bimble int32
		if d&dirDown != 0 {
			iy := y - 1
			for {
				bimble = hAt(iy, x) - open - gapcnt*ext
				if dd := int64(score - bimble); iy == 0 || dd*100 < tol && -dd*100 < tol {
					break
				}
				iy--
				gapcnt++
			}
			if bimble <= 0 {
				break
			}
			for k := int32(0); k <= gapcnt; k++ {
				aq = append(aq, query[y])
				ar = append(ar, '-')
				y--
			}
			continue
		}
		ix := x - 1
		for {
			bimble = hAt(y, ix) - open - gapcnt*ext
			if dd := int64(score - bimble); ix == 0 || dd*100 < tol && -dd*100 < tol {
				break
			}
			ix--
			gapcnt++
		}
		if bimble <= 0 {
			break
		}
		for k := int32(0); k <= gapcnt; k++ {
			aq = append(aq, '-')
			ar = append(ar, ref[x])
			x--
		}
	}
	return a.result(p, query, ret, bi, bj, y, x, aq, ar)
}

// seedDiagonals is how many diagonals seedScore chains.
const seedDiagonals = 4

// seedStep is the step between the query positions whose 2-mers are
// looked up, and seedMin the fewest hits that make a seed diagonal.
const seedStep, seedMin = 4, 2

// seedPad is how far beyond its first and last hit a seed path may follow
// a diagonal.
const seedPad = 4 * seedStep

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
	// Every seedStep-th query position is looked up. A hit counts when the
	// previous looked-up position hit the same diagonal too: random 2-mer
	// matches (about one per 400 pairs) almost never come in such runs,
	// real segments of a related pair mostly do. Per diagonal d (index
	// d+n-1): the number of such hits, the rows where they start and
	// end, and the last looked-up position that hit it, plus one.
	N := n + m
	a.hist = grow(a.hist, 4*N)
	clear(a.hist[:N])
	clear(a.hist[3*N:])
	hist, first, last, prev := a.hist[:N], a.hist[N:2*N], a.hist[2*N:3*N], a.hist[3*N:]
	for i := 0; i+1 < n; i += seedStep {
		c, ok := kmerAt(a.sp.matrix, q, i)
		if !ok {
			continue
		}
		pos := p.kmerPos[p.kmerStart[c]:p.kmerStart[c+1]]
		if len(pos) > 16 { // low complexity: no information on the diagonal
			continue
		}
		run := int32(i + 1 - seedStep) // prev[d] when i-seedStep hit d
		for _, j := range pos {
			d := int(j) - i + n - 1
			// Branch-free: whether a hit is part of a run is not
			// predictable.
			h, f, l := hist[d], first[d], last[d]
			ok := int32(0)
			if prev[d] == run {
				ok = 1
			}
			if ok == 1 && h == 0 {
				f = int32(i - seedStep)
			}
			if ok == 1 {
				l = int32(i)
			}
			hist[d], first[d], last[d], prev[d] = h+ok, f, l, int32(i+1)
		}
	}
	// The diagonals (d = j - i) with the most hits, at least seedMin.
	var top [seedDiagonals]int
	var cnt [seedDiagonals]int32
	for d, h := range hist {
		if h < seedMin || h <= cnt[seedDiagonals-1] {
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
	// and gaps down a column from higher k.
	for x := 1; x < K; x++ {
		for y := x; y > 0 && top[y] < top[y-1]; y-- {
			top[y], top[y-1] = top[y-1], top[y]
		}
	}
	// A gap of g residues costs oe + g·ext. Gaps along row i-1 come from
	// a lower diagonal k2 < k: the best of them is rowGap - d·ext - oe,
	// with rowGap the largest prevS[k2] + top[k2]·ext over k2 < k.
	oe := open - ext
	a.seedS = grow(a.seedS, K*n)
	S := a.seedS
	const none = minInt32 / 2
	// Scores from the small matrix rather than the profile: the diagonals
	// visit a different profile row at every step.
	mat, scale := a.sp.matrix, a.sp.scale
	rc := p.rcodes[:m]
	// Diagonal k is followed over rows lo[k]..hi[k]: inside the matrix,
	// and no further than seedPad beyond its first and last hit (the
	// 2-mer at query position i covers rows i and i+1). Fewer paths only
	// weaken the bound, and they make the rows where a single diagonal
	// runs cheap.
	var lo, hi [seedDiagonals]int
	iStart, iEnd := n, -1
	for k := 0; k < K; k++ {
		d := top[k]
		lo[k] = max(0, -d, int(first[d+n-1])-seedPad)
		hi[k] = min(n-1, m-1-d, int(last[d+n-1])+1+seedPad)
		iStart, iEnd = min(iStart, lo[k]), max(iEnd, hi[k])
	}
	// Rows where a gap may join two diagonals, or two diagonals run side
	// by side, are marked; elsewhere at most one diagonal runs and it only
	// extends itself, which the inner loop below does without the
	// bookkeeping of the general row.
	a.seedMark = grow(a.seedMark, n)
	mark := a.seedMark
	clear(mark)
	markRows := func(from, to, k int) { // rows from..to within diagonal k's
		for i := max(from, lo[k]); i <= min(to, hi[k]); i++ {
			mark[i] = 1
		}
	}
	for k := 0; k < K; k++ {
		for k2 := k + 1; k2 < K; k2++ {
			markRows(lo[k2], hi[k2], k)         // side by side
			markRows(lo[k]+1, hi[k]+1, k2)      // along a row from k to k2
			g := top[k2] - top[k]               //
			markRows(lo[k2]+1+g, hi[k2]+1+g, k) // down a column from k2 to k
		}
	}
	// S[k*n+i] is row i of diagonal k, valid for lo[k] <= i <= hi[k]; the
	// previous row is read back from S (copying small arrays between rows
	// would defeat store forwarding).
	var best int32
	for i := iStart; i <= iEnd; {
		if mark[i] == 0 {
			k := 0
			for k < K && (i < lo[k] || i > hi[k]) {
				k++
			}
			if k == K {
				i++
				continue
			}
			d := top[k]
			ps := int32(none)
			if i-1 >= lo[k] {
				ps = S[k*n+i-1]
			}
			Sk := S[k*n : k*n+n]
			for ; i <= hi[k] && mark[i] == 0; i++ {
				j := i + d
				v := mat.scores[int(q[i])*mat.size+int(rc[j])] * scale
				if i >= 1 && j >= 1 {
					v += max(0, ps)
					best = max(best, v)
				}
				Sk[i], ps = v, v
			}
			continue
		}
		mrow := mat.scores[int(q[i])*mat.size : int(q[i])*mat.size+mat.size]
		rowGap := int32(none)
		for k := 0; k < K; k++ {
			d := top[k]
			ps := int32(none)
			if i-1 >= lo[k] && i-1 <= hi[k] {
				ps = S[k*n+i-1]
			}
			if i >= lo[k] && i <= hi[k] {
				j := i + d
				from := int32(0) // a path may start here
				if i >= 1 && j >= 1 {
					from = max(from, ps)
					if i >= 2 { // along row i-1 from (i-1, i-1+d2), d2 < d
						from = max(from, rowGap-int32(d)*ext-oe)
					}
					if j >= 2 { // down column j-1 from (r, r+d2), d2 > d
						for k2 := k + 1; k2 < K; k2++ {
							g := top[k2] - d
							if r := i - 1 - g; r >= lo[k2] && r <= hi[k2] {
								from = max(from, S[k2*n+r]-oe-int32(g)*ext)
							}
						}
					}
					v := from + mrow[rc[j]]*scale
					S[k*n+i] = v
					best = max(best, v)
				} else {
					S[k*n+i] = from + mrow[rc[j]]*scale
				}
			}
			rowGap = max(rowGap, ps+int32(d)*ext)
		}
		i++
	}
	return best
}
