//go:build goexperiment.simd && amd64

package swalign

import (
	"simd/archsimd"
	"unsafe"
)

// The SIMD engine computes exactly the recurrences of fill (dp.go) on int16
// vectors of 32 consecutive reference columns, one query row at a time:
//
//   - row 0 and column 0 follow water's edge rules and are done in scalar;
//   - F (gap in the reference, from the row above) is element-wise;
//   - E (gap in the query, along the row) is a max-plus prefix scan: with
//     open >= extend, E(j) = max(E(j-1)-ext, max(Ht(j-1),0)-open) where
//     Ht = max(diagonal, F), because a gap continuing from a cell whose best
//     move was itself that gap is never better than extending it. Inside a
//     vector the scan takes five shift/max steps (three byte-aligns within
//     the 128-bit groups, which are cheap, and two permutes across them),
//     and the carry from the previous vector is the last lane of the
//     previous scan.
//   - the direction of each cell (the same ties as fill: diagonal, then
//     left, then down) is kept as two bit masks per 32 columns, and H is
//     kept clamped at 0 as int16 for the traceback, which only reads cells
//     on its walk.
//
// Columns beyond the end of the reference (padding up to a whole vector)
// score simdPad; they only feed other padding cells and are masked out of
// the maxima.

var simdAvailable = archsimd.X86.AVX512()

// simdWindow is the fewest vectors fillSIMD computes in a row that has a
// live cell (measured: 2 is faster than 1, 3 or 4 on the realistic mix).
const simdWindow = 2

// Permutation indices for ConcatPermute(x, y): shift x up by one lane,
// filling lane 0 from y's lane 0.
var shiftIdx = func() (t [simdLanes]uint16) {
	for l := 1; l < simdLanes; l++ {
		t[l] = uint16(l - 1)
	}
	t[0] = simdLanes
	return t
}()

// groupIdx[k] are Permute indices that give every lane of 8-lane group g
// the last lane of group g-1-k (lane 0 when there is none, which a prefix
// maximum already includes).
var groupIdx = func() (t [2][simdLanes]uint16) {
	for k := range t {
		for l := 0; l < simdLanes; l++ {
			if g := l/8 - 1 - k; g >= 0 {
				t[k][l] = uint16(8*g + 7)
			}
		}
	}
	return t
}()

// diagIdx shifts x up by one lane, taking lane 0 from y's last lane: the
// previous row's values one column to the left, from two aligned loads
// (an unaligned load across two recent stores would defeat store
// forwarding and stall every row).
var diagIdx = func() (t [simdLanes]uint16) {
	t[0] = 2*simdLanes - 1
	for l := 1; l < simdLanes; l++ {
		t[l] = uint16(l - 1)
	}
	return t
}()

var lastIdx = func() (t [simdLanes]uint16) {
	for l := range t {
		t[l] = simdLanes - 1
	}
	return t
}()

var laneNum = func() (t [simdLanes]int16) {
	for l := range t {
		t[l] = int16(l)
	}
	return t
}()

// fillSIMD is fill (full) or scoreOnly (!full) on the SIMD engine; it
// returns water's reported maximum and, when full, the first cell in
// row-major order holding the largest H. useSIMD must have returned true.
//
// Pruning. Let T be a lower bound on the largest interior H (the seed
// score, then the largest value met so far) and G(i,j) = min(Q(i), R(j))
// an upper bound on what a path can still gain after cell (i,j) (sums of
// the best scores of the residues after i and after j). A cell is live when
// H + G >= T. Every cell on a best path to any cell whose true H is at
// least T is live, so only vectors that can hold live cells are computed:
// those fed by the previous row's live cells (diagonal, above), by a live
// E carry from the left, or where a path could start (a residue score plus
// G reaches T). The others are treated as H = 0 and E = F = -inf. Each
// computed value is then at most its true value (fewer paths) and equal
// to it on every best path, so the maximum, its first cell, water's score
// and every direction and H value the traceback reads decide exactly as
// with the full matrix (see TestSIMDMatchesScalar and FuzzSIMD).
func (a *Aligner) fillSIMD(p *Profile, full bool) (ret int32, bi, bj int) {
	q := a.qcodes
	n, m := len(q), len(p.ref)
	open, ext := a.sp.open, a.sp.ext
	w := p.w16
	V := simdBlocks(m)
	rows := p.rows
	mat := a.sp.matrix

	nrows := 2
	if full {
		nrows = n
		a.bits = grow(a.bits, 2*n*V)
		a.rmax = grow(a.rmax, n*simdLanes)
		a.col0dir = grow(a.col0dir, n)
		a.rowRange = grow(a.rowRange, 2*n)
		a.rowRange[0], a.rowRange[1] = 0, int32(V)
	}
	a.h16 = grow(a.h16, nrows*w)
	a.f16 = grow(a.f16, w)
	a.row0dir = grow(a.row0dir, m)
	a.qsuf = grow(a.qsuf, n)
	var suf int32
	for i := n - 1; i >= 0; i-- {
		a.qsuf[i] = min(suf, simdMaxBound)
		suf += mat.rowMax[q[i]] * a.sp.scale
	}

	// Row 0.
	H0 := a.h16[:w]
	prow := rows[int(q[0])*m : int(q[0])*m+m]
	best0, bestJ0 := int32(-1), 0
	// edgeCell along the row without its branches (the scores are
	// random): the value is the largest of the score, the gap value fnew
	// and 0, and it comes along the row unless the score beats fnew and
	// is positive. fnew is 0 before column 0.
	var fnew int32
	for j := 0; j < m; j++ {
		sc := prow[j]
		h := max(sc, fnew, 0)
		d := dirDiag
		if fnew > 0 && (sc <= fnew || sc <= 0) {
			d = dirLeft
		}
		H0[j], a.row0dir[j] = int16(h), d
		if h > best0 {
			best0, bestJ0 = h, j
		}
		fnew = h - open
		if d == dirLeft {
			fnew = h - ext
		}
	}
	clear(H0[m:])
	F := a.f16[:w]
	vOE := archsimd.BroadcastInt16x32(int16(open + ext))
	for v := 0; v < V; v++ {
		st(ld(unsafe.Pointer(&H0[0]), uintptr(2+64*v)).Sub(vOE), unsafe.Pointer(&F[0]), uintptr(2+64*v))
	}
	for j := 1 + V*simdLanes; j < w; j++ {
		F[j] = int16(int32(H0[j]) - open - ext)
	}
	pdir := a.row0dir[0] // direction of column 0 in the previous row
	if full {
		a.col0dir[0] = pdir
	}

	lane := archsimd.LoadInt16x32(&laneNum)
	vNeg := archsimd.BroadcastInt16x32(simdPad)
	valid := int16(m - 1 - (V-1)*simdLanes)
	// The last vector's padding lanes are capped to simdPad for the maxima.
	capLast := archsimd.BroadcastInt16x32(32767).Merge(vNeg, lane.Less(archsimd.BroadcastInt16x32(valid)))
	vRet, vAll, vAcc := vNeg, vNeg, vNeg

	T := a.seedScore(p) // lower bound on the largest interior H
	a.simdVectors = 0
	rsuf := p.rsuf16
	lo, hi := 0, V    // vectors to compute in the next row
	fLo, fEnd := 0, V // vectors whose F is not -inf
	pLo, pEnd := 0, V // vectors of the previous row holding its values
	prevCol0Live := true
	var col0Max int32 = -1
	fp := unsafe.Pointer(&F[0])
	rsp := unsafe.Pointer(&rsuf[0])
	s1 := archsimd.LoadUint16x32(&shiftIdx)
	grp1 := archsimd.LoadUint16x32(&groupIdx[0])
	grp2 := archsimd.LoadUint16x32(&groupIdx[1])
	last := archsimd.LoadUint16x32(&lastIdx)
	sDiag := archsimd.LoadUint16x32(&diagIdx)
	vExt := archsimd.BroadcastInt16x32(int16(ext))
	vOpen := archsimd.BroadcastInt16x32(int16(open))
	laneExt := lane.Mul(vExt)

	zero := archsimd.BroadcastInt16x32(0)
	zero8 := zero.AsUint8x64()
	for i := 1; i < n; i++ {
		var prev, cur []int16
		if full {
			prev, cur = a.h16[(i-1)*w:i*w], a.h16[i*w:(i+1)*w]
		} else {
			prev, cur = a.h16[((i-1)&1)*w:((i-1)&1)*w+w], a.h16[(i&1)*w:(i&1)*w+w]
		}
		c := int(q[i])
		h0, d0 := edgeCell(rows[c*m], int32(prev[0]), pdir, dirDown, false, open, ext)
		cur[0] = int16(h0)
		eq := h0 - open
		if pdir == dirDown {
			eq = h0 - ext
		}
		pdir = d0
		if full {
			a.col0dir[i] = d0
			col0Max = max(col0Max, h0)
		}
		qi := a.qsuf[i]
		col0Live := true
		if T <= 0 {
			lo, hi = 0, V
		} else {
			col0Live = h0+min(qi, int32(rsuf[0])) >= T
			if col0Live || prevCol0Live {
				lo, hi = 0, max(hi, 1)
			}
			// Where a path may start: residue score + G >= T.
			if mr := mat.rowMax[c] * a.sp.scale; qi+mr >= T {
				// R decreases along the reference: the last column with
				// R(j)+mr >= T, by bisection over columns 1..m-1.
				l, r := 1, m
				for l < r {
					mid := (l + r) / 2
					if int32(rsuf[mid])+mr >= T {
						l = mid + 1
					} else {
						r = mid
					}
				}
				if l > 1 {
					lo, hi = 0, max(hi, (l-2)/simdLanes+1)
				}
			}
		}
		carry := int16(-open) // E entering vector lo from a pruned cell
		if lo == 0 {
			carry = int16(max(eq-ext, h0-open)) // E(i,1)
		}
		pp, cp := unsafe.Pointer(&prev[0]), unsafe.Pointer(&cur[0])
		prof := unsafe.Pointer(&p.rows16[c*w])
		var bits unsafe.Pointer
		if full {
			bits = unsafe.Pointer(&a.bits[2*i*V])
		}
		// Cells not computed are H = 0 and F = -inf. The previous row's
		// vectors outside its computed range are zeroed where this row
		// reads them (the vector loop does so beyond hi); the traceback reads
		// them as 0 through a.rowRange.
		for v := max(lo-1, 0); v < min(pLo, hi); v++ {
			st(zero, pp, uintptr(2+64*v))
		}
		for v := max(lo-1, pEnd); v < hi; v++ {
			st(zero, pp, uintptr(2+64*v))
		}
		// One row: vectors lo..hi-1, then further while the E carry is
		// live. The in-row gap scan works on G'(l) = G(l) + l·ext, which
		// turns the decaying max-plus scan into a plain prefix maximum.
		vQ := archsimd.BroadcastInt16x32(int16(min(qi, simdMaxBound)))
		vT := archsimd.BroadcastInt16x32(int16(max(T, 0)))
		vCarry := archsimd.BroadcastInt16x32(carry)
		vRow := vNeg
		zeroFrom := max(hi, pEnd)
		liveLo, liveHi := V, -1 // no live vector yet
		liveTop := 0            // 1 when the last lane of vector liveHi is live
		v := lo
		// The previous row's vector v-1 (column 0 for v = 0), for the
		// diagonal input of vector v.
		pPrev := archsimd.BroadcastInt16x32(prev[0])
		if lo > 0 && lo < V {
			pPrev = ld(pp, uintptr(2+64*(lo-1)))
		}
		for ; v < V; v++ {
			off := uintptr(v) * 2 * simdLanes
			tmg := vT.Sub(vQ.Min(ld(rsp, off+2))) // H >= T - G: live
			if v >= hi && vCarry.GreaterEqual(tmg).ToBits()&1 == 0 {
				break // nothing live enters from the left
			}
			if v >= zeroFrom {
				st(zero, pp, off+2)
			}
			pv := ld(pp, off+2)
			diag := pv.ConcatPermute(pPrev, sDiag).Add(ld(prof, off+2))
			pPrev = pv
			f := ld(fp, off+2).Sub(vExt).Max(pv.Sub(vOpen))
			st(f, fp, off+2)
			ht := diag.Max(f)
			// Prefix maximum of G'+open (>= 0, so shifting in zeros is
			// harmless): within each 128-bit group of 8 lanes by
			// byte-aligns, then across groups from the last lane of the
			// group before and of the one before that.
			g := ht.Max(zero).Add(laneExt)
			g = g.Max(g.AsUint8x64().ConcatShiftBytesRightGrouped(14, zero8).AsInt16x32())
			g = g.Max(g.AsUint8x64().ConcatShiftBytesRightGrouped(12, zero8).AsInt16x32())
			g = g.Max(g.AsUint8x64().ConcatShiftBytesRightGrouped(8, zero8).AsInt16x32())
			g = g.Max(g.Permute(grp1))
			g = g.Max(g.Permute(grp2))
			g = g.Sub(vOpen).Max(vCarry.Sub(vExt)).Sub(laneExt)
			e := g.ConcatPermute(vCarry, s1)
			vCarry = g.Permute(last)
			hu := ht.Max(e)
			h := hu.Max(zero)
			st(h, cp, off+2)
			if full {
				down := f.Greater(diag.Max(e)).ToBits()
				left := e.Greater(diag).ToBits() &^ down
				bp := (*[2]uint32)(unsafe.Add(bits, uintptr(v)*8))
				bp[0], bp[1] = left, down
			}
			// Branch-free: whether a vector is live is hard to predict.
			lb := h.GreaterEqual(tmg).ToBits()
			nz := int((uint64(lb) + 1<<32 - 1) >> 32) // 1 when lb != 0
			liveLo = min(liveLo, v+(1-nz)*V)
			liveHi = max(liveHi, v*nz-(1-nz))
			liveTop = liveTop&(nz-1) | int(lb>>(simdLanes-1))
			if v == V-1 {
				hu = hu.Min(capLast)
			}
			vRow = vRow.Max(hu)
		}
		// One accumulator in the loop (registers are scarce): the maxima
		// of H are those of its unclamped values, clamped.
		vRet = vRet.Max(vRow)
		r := rowResult{vRow: vRow.Max(zero), end: v, liveLo: liveLo, liveHi: liveHi, liveTop: liveTop}
		a.simdVectors += r.end - lo
		pLo, pEnd = lo, r.end
		if full {
			a.rowRange[2*i], a.rowRange[2*i+1] = int32(lo), int32(r.end)
		}
		// F is -inf outside the computed vectors: only those computed in
		// the previous row but not in this one need resetting.
		for v := fLo; v < min(lo, fEnd); v++ {
			st(vNeg, fp, uintptr(2+64*v))
		}
		for v := max(r.end, fLo); v < fEnd; v++ {
			st(vNeg, fp, uintptr(2+64*v))
		}
		fLo, fEnd = lo, r.end
		if r.end > lo {
			if full {
				r.vRow.StoreSlice(a.rmax[i*simdLanes:])
				vAll = vAll.Max(r.vRow)
			}
			vAcc = vAcc.Max(r.vRow)
		} else if full {
			zero.StoreSlice(a.rmax[i*simdLanes:])
		}
		if r.liveLo == V {
			lo, hi = V, 0 // nothing live: only new starts can be
		} else {
			// A live cell feeds the next row in its own column (F) and the
			// next one (diagonal): past vector liveHi only from its last
			// lane. Cells further right can only become live through E,
			// which the vector loop follows beyond hi. Computing more
			// vectors is exact too (it only adds paths the pruning could
			// drop): at least simdWindow of them keeps the count per row,
			// and so the loop's exit branch, predictable.
			lo, hi = r.liveLo, min(max(r.liveHi+1+r.liveTop, r.liveLo+simdWindow), V)
		}
		prevCol0Live = col0Live
		// Raise T with the values met so far (rarely: the seed is usually
		// as good).
		if i%4 == 0 && vAcc.Greater(archsimd.BroadcastInt16x32(int16(max(T, 0)))).ToBits() != 0 {
			T = max(T, hmax16(vAcc))
		}
	}

	ret = hmax16(vRet)
	if !full {
		return ret, 0, 0
	}
	// The first cell holding the largest H, in row-major order.
	best := max(best0, col0Max, hmax16(vAll))
	if best0 == best {
		return ret, 0, bestJ0
	}
	vBest := archsimd.BroadcastInt16x32(int16(best))
	for i := 1; i < n; i++ {
		row := a.h16[i*w : (i+1)*w]
		if col0Max == best && int32(row[0]) == best {
			return ret, i, 0
		}
		if archsimd.LoadInt16x32Slice(a.rmax[i*simdLanes:]).Equal(vBest).ToBits() == 0 {
			continue
		}
		lo, end := int(a.rowRange[2*i]), int(a.rowRange[2*i+1])
		for j := 1 + lo*simdLanes; j < min(m, 1+end*simdLanes); j++ {
			if int32(row[j]) == best {
				return ret, i, j
			}
		}
	}
	panic("align: SIMD maximum not found")
}

// ld and st load and store 32 int16s at p + off bytes.
func ld(p unsafe.Pointer, off uintptr) archsimd.Int16x32 {
	return archsimd.LoadInt16x32((*[simdLanes]int16)(unsafe.Add(p, off)))
}

func st(x archsimd.Int16x32, p unsafe.Pointer, off uintptr) {
	x.Store((*[simdLanes]int16)(unsafe.Add(p, off)))
}

// rowResult is what the vector loop found in one row.
type rowResult struct {
	vRow           archsimd.Int16x32 // lane-wise maxima of H
	end            int               // vectors lo..end-1 were computed
	liveLo, liveHi int               // first and last vector with a live cell, or V and -1
	liveTop        int               // 1 when the last lane of vector liveHi is live
}

// hmax16 returns the largest lane of x.
func hmax16(x archsimd.Int16x32) int32 {
	var t [simdLanes]int16
	x.Store(&t)
	r := t[0]
	for _, v := range t[1:] {
		r = max(r, v)
	}
	return int32(r)
}
