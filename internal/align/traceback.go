package align

// traceback walks back from cell (bi, bj) exactly as embAlignWalkSWMatrix
// does and fills in the Result.
func (a *Aligner) traceback(p *Profile, query []byte, ret int32, bi, bj int) Result {
	ref := p.ref
	m := len(ref)
	H, D := a.h, a.dir
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
		switch D[y*m+x] {
		case dirDiag:
			aq = append(aq, query[y])
			ar = append(ar, ref[x])
			y--
			x--
			if y >= 0 && x >= 0 && H[y*m+x] <= 0 {
				goto done
			}
		case dirLeft:
			score := H[y*m+x]
			var gapcnt int32
			ix := x - 1
			var bimble int32
			for {
				bimble = H[y*m+ix] - open - gapcnt*ext
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
			score := H[y*m+x]
			var gapcnt int32
			iy := y - 1
			var bimble int32
			for {
				bimble = H[iy*m+x] - open - gapcnt*ext
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
