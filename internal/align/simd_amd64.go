//go:build goexperiment.simd && amd64

package align

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
//     vector the scan takes five shift/max steps, and the carry from the
//     previous vector is the last lane of the previous scan.
//   - the direction of each cell (the same ties as fill: diagonal, then
//     left, then down) is kept as two bit masks per 32 columns, and H is
//     kept clamped at 0 as int16 for the traceback, which only reads cells
//     on its walk.
//
// Columns beyond the end of the reference (padding up to a whole vector)
// score simdPad; they only feed other padding cells and are masked out of
// the maxima.

var simdAvailable = archsimd.X86.AVX512()

// Permutation indices for ConcatPermute(x, y): shift x up by s lanes,
// filling the low lanes from y (whose lanes are all equal).
var shiftIdx = func() (t [5][simdLanes]uint16) {
	for k, s := range [5]int{1, 2, 4, 8, 16} {
		for l := 0; l < simdLanes; l++ {
			if l >= s {
				t[k][l] = uint16(l - s)
			} else {
				t[k][l] = simdLanes
			}
		}
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
	var nh int32
	var nd uint8
	best0, bestJ0 := int32(-1), 0
	for j := 0; j < m; j++ {
		nh, nd = edgeCell(prow[j], nh, nd, dirLeft, j == 0, open, ext)
		H0[j], a.row0dir[j] = int16(nh), nd
		if nh > best0 {
			best0, bestJ0 = nh, j
		}
	}
	clear(H0[m:])
	F := a.f16[:w]
	for j := 1; j < w; j++ {
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
	s1 := archsimd.LoadUint16x32(&shiftIdx[0])
	s2 := archsimd.LoadUint16x32(&shiftIdx[1])
	s4 := archsimd.LoadUint16x32(&shiftIdx[2])
	s8 := archsimd.LoadUint16x32(&shiftIdx[3])
	s16 := archsimd.LoadUint16x32(&shiftIdx[4])
	last := archsimd.LoadUint16x32(&lastIdx)
	vExt := archsimd.BroadcastInt16x32(int16(ext))
	vOpen := archsimd.BroadcastInt16x32(int16(open))
	laneExt := lane.Mul(vExt)
	xOff := laneExt.Sub(vOpen)
	zero := archsimd.BroadcastInt16x32(0)
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
		v := lo
		for ; v < V; v++ {
			off := uintptr(v) * 2 * simdLanes
			tmg := vT.Sub(vQ.Min(ld(rsp, off+2))) // H >= T - G: live
			if v >= hi && vCarry.GreaterEqual(tmg).ToBits()&1 == 0 {
				break // nothing live enters from the left
			}
			if v >= zeroFrom {
				st(zero, pp, off+2)
			}
			diag := ld(pp, off).Add(ld(prof, off+2))
			f := ld(fp, off+2).Sub(vExt).Max(ld(pp, off+2).Sub(vOpen))
			st(f, fp, off+2)
			ht := diag.Max(f)
			g := ht.Max(zero).Add(xOff)
			g = g.Max(g.ConcatPermute(vNeg, s1))
			g = g.Max(g.ConcatPermute(vNeg, s2))
			g = g.Max(g.ConcatPermute(vNeg, s4))
			g = g.Max(g.ConcatPermute(vNeg, s8))
			g = g.Max(g.ConcatPermute(vNeg, s16))
			g = g.Max(vCarry.Sub(vExt)).Sub(laneExt)
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
			live := h.GreaterEqual(tmg).ToBits() != 0
			lv, hv := V, liveHi
			if live {
				lv, hv = v, v
			}
			liveLo, liveHi = min(liveLo, lv), hv
			if v == V-1 {
				hu, h = hu.Min(capLast), h.Min(capLast)
			}
			vRet = vRet.Max(hu)
			vRow = vRow.Max(h)
		}
		r := rowResult{vRow: vRow, end: v, liveLo: liveLo, liveHi: liveHi}
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
			lo, hi = r.liveLo, min(r.liveHi+2, V)
		}
		prevCol0Live = col0Live
		if i%4 == 0 { // raise T with the values met so far
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
		if int32(row[0]) == best {
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
