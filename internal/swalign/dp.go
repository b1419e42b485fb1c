package swalign

// Directions stored per cell, as water's compass values.
const (
	dirDiag uint8 = 0
	dirLeft uint8 = 1 // from the left: gap in the query
	dirDown uint8 = 2 // from above: gap in the reference
)

// grow returns s resized to n, reallocating only when needed.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, n+n/4)
	}
	return s[:n]
}

// edgeCell applies water's rule for the first row and column: the residue
// score, or the neighbour's value minus the extension penalty when the
// neighbour itself came along the edge (dirAlong), else minus the open
// penalty; negative becomes 0.
func edgeCell(score, nbH int32, nbDir, along uint8, first bool, open, ext int32) (int32, uint8) {
	var fnew int32
	if !first {
		if nbDir == along {
			fnew = nbH - ext
		} else {
			fnew = nbH - open
		}
	}
	switch {
	case score > fnew && score > 0:
		return score, dirDiag
	case fnew > 0:
		return fnew, along
	default:
		return 0, dirDiag
	}
}

// fill runs water's dynamic programming over the whole matrix, keeping H and
// the directions for the traceback. It returns water's reported maximum
// (interior cells, before clamping) and the first cell, in row-major order,
// holding the largest H.
func (a *Aligner) fill(p *Profile) (ret int32, bi, bj int) {
	q := a.qcodes
	n, m := len(q), len(p.ref)
	open, ext := a.sp.open, a.sp.ext
	a.h = grow(a.h, n*m)
	a.dir = grow(a.dir, n*m)
	a.f = grow(a.f, m)
	H, D, F := a.h, a.dir, a.f
	rows := p.rows

	// Row 0.
	prow := rows[int(q[0])*m : int(q[0])*m+m]
	for j := 0; j < m; j++ {
		var nh int32
		var nd uint8
		if j > 0 {
			nh, nd = H[j-1], D[j-1]
		}
		H[j], D[j] = edgeCell(prow[j], nh, nd, dirLeft, j == 0, open, ext)
	}
	best := H[0]
	for j := 1; j < m; j++ {
		if H[j] > best {
			best, bj = H[j], j
		}
	}
	for j := 1; j < m; j++ {
		F[j] = H[j] - open - ext
	}
	ret = minInt32

	for i := 1; i < n; i++ {
		prow := rows[int(q[i])*m : int(q[i])*m+m]
		hp := H[(i-1)*m : i*m]
		hc := H[i*m : (i+1)*m]
		dc := D[i*m : (i+1)*m]
		// Column 0, and the quirky start of the horizontal gap state.
		hc[0], dc[0] = edgeCell(prow[0], hp[0], D[(i-1)*m], dirDown, false, open, ext)
		if hc[0] > best {
			best, bi, bj = hc[0], i, 0
		}
		e := hc[0] - open
		if D[(i-1)*m] == dirDown {
			e = hc[0] - ext
		}
		hc = hc[:m]
		dc = dc[:m]
		hp = hp[:m]
		prow = prow[:m]
		ff := F[:m]
		for j := 1; j < m; j++ {
			h := hp[j-1] + prow[j]
			e = max(e-ext, hc[j-1]-open)
			f := max(ff[j]-ext, hp[j]-open)
			ff[j] = f
			d := dirDiag
			if e > h {
				h, d = e, dirLeft
			}
			if f > h {
				h, d = f, dirDown
			}
			if h > ret {
				ret = h
			}
			h = max(h, 0)
			hc[j] = h
			dc[j] = d
			if h > best {
				best, bi, bj = h, i, j
			}
		}
	}
	return ret, bi, bj
}

const minInt32 = -1 << 31

// scoreOnly computes water's reported maximum with two rows of memory.
func (a *Aligner) scoreOnly(p *Profile) int32 {
	q := a.qcodes
	n, m := len(q), len(p.ref)
	open, ext := a.sp.open, a.sp.ext
	a.h = grow(a.h, 2*m)
	a.f = grow(a.f, m)
	hp, hc, F := a.h[:m], a.h[m:2*m], a.f[:m]
	rows := p.rows

	prow := rows[int(q[0])*m : int(q[0])*m+m]
	var pd, cd uint8 // direction of column 0 in the previous row, and of the current neighbour
	for j := 0; j < m; j++ {
		var nh int32
		if j > 0 {
			nh = hp[j-1]
		}
		hp[j], cd = edgeCell(prow[j], nh, cd, dirLeft, j == 0, open, ext)
		if j == 0 {
			pd = cd
		}
	}
	for j := 1; j < m; j++ {
		F[j] = hp[j] - open - ext
	}
	ret := int32(minInt32)
	for i := 1; i < n; i++ {
		prow := rows[int(q[i])*m : int(q[i])*m+m]
		var d0 uint8
		hc[0], d0 = edgeCell(prow[0], hp[0], pd, dirDown, false, open, ext)
		e := hc[0] - open
		if pd == dirDown {
			e = hc[0] - ext
		}
		pd = d0
		cur, prev := hc[:m], hp[:m]
		prow = prow[:m]
		ff := F[:m]
		for j := 1; j < m; j++ {
			e = max(e-ext, cur[j-1]-open)
			f := max(ff[j]-ext, prev[j]-open)
			ff[j] = f
			h := max(prev[j-1]+prow[j], e, f)
			ret = max(ret, h)
			cur[j] = max(h, 0)
		}
		hp, hc = hc, hp
	}
	return ret
}
