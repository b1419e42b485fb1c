package extract

import "github.com/wtscan/wtscan/internal/gencode"

// The frame-aware alignment resolves a suspected frameshift: the window is
// aligned to the reference in its three frames at once, as FASTY and
// DIAMOND's frameshift alignment do. A reference residue is aligned to the
// codon that starts at any base of the window; the next residue's codon starts
// 3 nt further on (same frame), or 2 or 4 nt further on (one base deleted or
// inserted) or 1 or 5 nt (two bases) at the cost of a frameshift, fsPenalty2.
// Whole codons against a gap and residues against a gap cost as in
// localAlign; a start codon aligned to reference residue 1 reads as M. Each
// stretch of the best path in one frame is a segment; a frameshift is
// reported at the reference position where the next segment begins.

// fsPenalty2 is the cost of a frameshift in the aligner's units (2 × water
// units): 15, the penalty DIAMOND's frameshift alignment is shown with
// (blastx -F 15, v0.9.14 release notes) and DECIPHER's CorrectFrameshifts
// default. A stretch in another frame must be worth that much to count.
const fsPenalty2 = 30

// Direction codes of the frame-aware alignment (low 4 bits), and the flags
// saying that a gap was extended rather than opened.
const (
	fdZero  = iota // the cell is 0: no alignment ends here
	fdStart        // the alignment starts with this column
	fdStep3        // the previous codon starts 3 nt before: same frame
	fdStep1        // 1, 2, 4 or 5 nt before: a frameshift
	fdStep2
	fdStep4
	fdStep5
	fdGapE // the codon against a gap
	fdGapF // the reference residue against a gap

	fdEExt = 16
	fdFExt = 32
)

var fdStep = [...]int{fdStep3: 3, fdStep1: 1, fdStep2: 2, fdStep4: 4, fdStep5: 5}

const negInf = -1 << 28

// alignFrames aligns ref to the strand t[lo:hi] read in every frame, within
// the band of paths on which reference residue 1's codon would start at
// strand positions aLo..aHi, and returns the best local path's segments in
// reference order (nil when nothing aligns). A segment's hit holds its
// reference range, identity, length (gaps included) and score (frameshift
// costs left out); its ntStart/ntEnd are strand positions.
func (a *aligner) alignFrames(t []byte, lo, hi int, ref []byte, aLo, aHi int) []segment {
	m, n := len(ref), hi-lo-2 // n codon rows: the codon of row p starts at t[lo+p]
	if m == 0 || n <= 0 || aHi < aLo {
		return nil
	}
	a.qc = grow(a.qc, n)
	for p := range n {
		a.qc[p] = aaCode[gencode.Codon(t[lo+p:lo+p+3])]
	}
	a.rc = grow(a.rc, m)
	for j, c := range ref {
		a.rc[j] = aaCode[c]
	}
	w := (aHi-aLo)/3 + 2
	stride := m + 1
	a.fh = grow(a.fh, 6*stride) // rows p-5..p of H and E, ring-indexed by p%6
	a.fe = grow(a.fe, 6*stride)
	for i := range a.fh {
		a.fh[i], a.fe[i] = 0, negInf
	}
	a.fjlo = grow(a.fjlo, n)
	a.dir = grow(a.dir, n*w)
	row := func(s []int32, p int) []int32 { k := (p%6 + 6) % 6; return s[k*stride : (k+1)*stride] }
	startScore := a.score[aaCode['M']][a.rc[0]]
	best, bp, bj := int32(0), 0, 0
	for p := range n {
		// Band: residue j's codon at lo+p puts residue 1 at lo+p-3(j-1).
		P := lo + p
		jlo := max(1, floorDiv(P-aHi+2, 3)+1)
		jhi := min(m, floorDiv(P-aLo, 3)+1)
		a.fjlo[p] = int32(jlo)
		hc, ec := row(a.fh, p), row(a.fe, p)
		// Cells next to the band are read by later rows: keep them neutral.
		for j := max(1, jlo-1); j <= min(m, jhi+2); j++ {
			hc[j], ec[j] = 0, negInf
		}
		if jlo > jhi {
			continue
		}
		h1, h2, h3, h4, h5 := row(a.fh, p-1), row(a.fh, p-2), row(a.fh, p-3), row(a.fh, p-4), row(a.fh, p-5)
		e3 := row(a.fe, p-3)
		sc := &a.score[a.qc[p]]
		isStart := isStartCodon(t[P : P+3])
		f := int32(negInf)
		hLeft := hc[jlo-1]
		base := p*w - jlo // the direction of cell (p, j) is a.dir[base+j]
		for j := jlo; j <= jhi; j++ {
			s := sc[a.rc[j-1]]
			if j == 1 && isStart {
				s = startScore
			}
			v, d := s, uint8(fdStart)
			if x := h3[j-1] + s; x > v {
				v, d = x, fdStep3
			}
			// A frameshift ties with staying in frame where both frames
			// explain the residue: taking it puts the shift as late as the
			// first frame allows, at the first residue it does not explain.
			if x := h2[j-1] + s - fsPenalty2; x > v || (x == v && d == fdStep3) {
				v, d = x, fdStep2
			}
			if x := h4[j-1] + s - fsPenalty2; x > v || (x == v && d == fdStep3) {
				v, d = x, fdStep4
			}
			if x := h1[j-1] + s - fsPenalty2; x > v || (x == v && d == fdStep3) {
				v, d = x, fdStep1
			}
			if x := h5[j-1] + s - fsPenalty2; x > v || (x == v && d == fdStep3) {
				v, d = x, fdStep5
			}
			var flags uint8
			ev := h3[j] - gapOpen2
			if x := e3[j] - gapExtend2; x > ev {
				ev, flags = x, fdEExt
			}
			fv := hLeft - gapOpen2
			if x := f - gapExtend2; x > fv {
				fv, flags = x, flags|fdFExt
			}
			f = fv
			if ev > v {
				v, d = ev, fdGapE
			}
			if fv > v {
				v, d = fv, fdGapF
			}
			if v <= 0 {
				v, d = 0, fdZero
			}
			hc[j], ec[j], hLeft = v, ev, v
			a.dir[base+j] = d | flags
			if v > best {
				best, bp, bj = v, p, j
			}
		}
	}
	if best == 0 {
		return nil
	}
	return a.frameTrace(t, lo, ref, w, bp, bj)
}

// frameTrace follows the best path back from cell (p, j) and cuts it into
// segments at its frameshifts.
func (a *aligner) frameTrace(t []byte, lo int, ref []byte, w, p, j int) []segment {
	var segs []segment // built from the C-terminal end
	open := func(p, j int) segment {
		return segment{frame: (lo + p) % 3, h: hit{REnd: j, RStart: j}, ntStart: lo + p, ntEnd: lo + p + 2}
	}
	cur := open(p, j)
	state := uint8(fdStep3) // in H
	mCode := aaCode['M']
	for p >= 0 && j >= 1 {
		jlo := int(a.fjlo[p])
		if j < jlo || j-jlo >= w {
			break // out of the band: the path cannot come from there
		}
		d := a.dir[p*w+j-jlo]
		switch state {
		case fdGapE: // the codon at p against a gap
			cur.h.Length++
			cur.ntStart = lo + p
			if d&fdEExt != 0 {
				cur.h.Score -= gapExtend2
			} else {
				cur.h.Score -= gapOpen2
				state = fdStep3
			}
			p -= 3
			continue
		case fdGapF: // residue j against a gap
			cur.h.Length++
			cur.h.RStart = j
			if d&fdFExt != 0 {
				cur.h.Score -= gapExtend2
			} else {
				cur.h.Score -= gapOpen2
				state = fdStep3
			}
			j--
			continue
		}
		code := d & 15
		switch code {
		case fdZero:
			p = -1
			continue
		case fdGapE, fdGapF:
			state = code
			continue
		}
		q := a.qc[p]
		if j == 1 && isStartCodon(t[lo+p:lo+p+3]) {
			q = mCode
		}
		cur.h.Score += float64(a.score[q][a.rc[j-1]])
		if q == a.rc[j-1] {
			cur.h.Identity++
		}
		cur.h.Length++
		cur.h.RStart, cur.ntStart = j, lo+p
		if code == fdStart {
			break
		}
		step := fdStep[code]
		if step != 3 {
			segs = append(segs, cur)
			cur = open(p-step, j-1)
		}
		p, j = p-step, j-1
	}
	segs = append(segs, cur)
	for i, k := 0, len(segs)-1; i < k; i, k = i+1, k-1 {
		segs[i], segs[k] = segs[k], segs[i]
	}
	for i := range segs {
		segs[i].h.Score /= 2
	}
	return segs
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
