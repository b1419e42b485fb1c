package swalign

// tracebackScalar is traceback on the int32 matrices of fill.
func (a *Aligner) tracebackScalar(p *Profile, query []byte, ret int32, bi, bj int) Result {
	m := len(p.ref)
	H, D := a.h, a.dir
	return a.traceback(p, query, ret, bi, bj,
		func(y, x int) int32 { return H[y*m+x] },
		func(y, x int) uint8 { return D[y*m+x] })
}

// traceback walks back from cell (bi, bj) exactly as embAlignWalkSWMatrix
// does and fills in the Result. hAt and dirAt give the stored (clamped) H
// value and the direction of a cell; only cells on the walk are asked for.
func (a *Aligner) traceback(p *Profile, query []byte, ret int32, bi, bj int, hAt func(y, x int) int32, dirAt func(y, x int) uint8) Result {
	ref := p.ref
	open, ext := a.sp.open, a.sp.ext
	// water: fabs(score-bimble) < 0.01, on values scaled by scale ≤ 100.
	tol := a.sp.scale // |diff|*100 < scale
	near := func(x, y int32) bool {
		d := x - y
		if d < 0 {
			d = -d
		}
		return int64(d)*100 < int64(tol)
	}
	aq, ar := a.aq[:0], a.ar[:0]
	y, x := bi, bj
	for x >= 0 && y >= 0 {
		switch dirAt(y, x) {
		case dirDiag:
			aq = append(aq, query[y])
			ar = append(ar, ref[x])
			y--
			x--
			if y >= 0 && x >= 0 && hAt(y, x) <= 0 {
				goto done
			}
		case dirLeft:
			score := hAt(y, x)
			var gapcnt int32
			ix := x - 1
			var bimble int32
			for {
				bimble = hAt(y, ix) - open - gapcnt*ext
				if ix == 0 || near(score, bimble) {
					break
				}
				ix--
				gapcnt++
			}
			if bimble <= 0 {
				goto done
			}
			for k := int32(0); k <= gapcnt; k++ {
				aq = append(aq, '-')
				ar = append(ar, ref[x])
				x--
			}
		default: // dirDown
			score := hAt(y, x)
			var gapcnt int32
			iy := y - 1
			var bimble int32
			for {
				bimble = hAt(iy, x) - open - gapcnt*ext
				if iy == 0 || near(score, bimble) {
					break
				}
				iy--
				gapcnt++
			}
			if bimble <= 0 {
				goto done
			}
			for k := int32(0); k <= gapcnt; k++ {
				aq = append(aq, query[y])
				ar = append(ar, '-')
				y--
			}
		}
	}
done:
	return a.result(p, query, ret, bi, bj, y, x, aq, ar)
}

// result reverses the walked columns aq, ar (collected from the end cell
// (bi, bj) back to the cell before (y+1, x+1)) and fills in the Result.
func (a *Aligner) result(p *Profile, query []byte, ret int32, bi, bj, y, x int, aq, ar []byte) Result {
	m := len(p.ref)
	reverse(aq)
	reverse(ar)
	a.aq, a.ar = aq, ar
	r := Result{
		Score:        a.reportScore(ret, len(query), m),
		QueryStart:   y + 2,
		QueryEnd:     bi + 1,
		RefStart:     x + 2,
		RefEnd:       bj + 1,
		AlignedQuery: string(aq),
		AlignedRef:   string(ar),
	}
	r.Identity, r.Similarity, r.Gaps, r.Length = countStats(a.sp.matrix, aq, ar)
	return r
}

func reverse(b []byte) {
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
}
