package extract

import (
	"fmt"
	"sort"

	"github.com/wtscan/wtscan/internal/gencode"
	"github.com/wtscan/wtscan/internal/refset"
)

// Annotation-free search, in four steps:
//
//  1. seed: every k-mer (k = seedK residues) of the six-frame translation of a
//     contig is looked up in an index of the reference proteins; each hit
//     implies an anchor, the nucleotide position where the reference's first
//     codon would lie on that strand;
//  2. cluster: hits of one reference on one strand whose anchors lie within
//     anchorSlack nucleotides form a candidate locus (frames mixed, so a
//     frameshift stays in one locus);
//  3. verify: the candidate's window is translated in its dominant frame and
//     aligned to the reference (localAlign); when another frame carries
//     homology of its own (otherFrame), the window is aligned in all three
//     frames at once (alignFrames, framealign.go), and the best path's
//     changes of frame are the frameshifts; a shift in the first or last few
//     codons, too short for any alignment, is found from the gene's start
//     codon (earlyShift) or stop codon (lateShift);
//  4. extend: the gene runs from the start codon (ATG, GTG, TTG) nearest to
//     where the reference's first residue falls in the first segment's frame,
//     with no stop in between, to the first stop codon after the homologous
//     region (after a frameshift: the first stop of that frame past the
//     shift); a contig edge met first makes the gene partial at that end.
//
// Overlapping loci of different references go to the best-scoring one.

const (
	seedK       = 5
	seedSpace   = 20 * 20 * 20 * 20 * 20
	anchorSlack = 90 // nt: indels of up to 30 codons keep a cluster together
	minScore    = 25 // water units: below this a candidate is noise, not a hit
	minHSP      = 45 // EBLOSUM62 units: a seed cluster's best ungapped extension must reach this
	xDrop       = 20
)

type seedEntry struct {
	ref, pos int32
}

// index is a k-mer index of the reference proteins (CSR layout), and nt
// that of the nucleotide targets among refs (nil when there are none).
// Loci name their reference by its place in refs, whatever its kind; only
// protein references have seeds here (a nucleotide target's Protein is nil).
type index struct {
	refs []*refset.Reference
	offs []int32 // seedSpace+1
	ents []seedEntry
	nt   *ntIndex
}

func newIndex(refs []*refset.Reference) *index {
	ix := &index{refs: refs, offs: make([]int32, seedSpace+1), nt: newNtIndex(refs)}
	each := func(fn func(code int, r, p int32)) {
		for ri, ref := range refs {
			if ref.Nucleotide() {
				continue
			}
			kmers(ref.Protein, func(code, p int) { fn(code, int32(ri), int32(p)) })
		}
	}
	each(func(code int, _, _ int32) { ix.offs[code+1]++ })
	for i := 1; i <= seedSpace; i++ {
		ix.offs[i] += ix.offs[i-1]
	}
	ix.ents = make([]seedEntry, ix.offs[seedSpace])
	fill := make([]int32, seedSpace)
	each(func(code int, r, p int32) {
		ix.ents[ix.offs[code]+fill[code]] = seedEntry{r, p}
		fill[code]++
	})
	return ix
}

// kmers calls fn with the code and 0-based start of every k-mer of standard residues.
func kmers(s []byte, fn func(code, start int)) {
	code, valid := 0, 0
	for i, c := range s {
		v := seedCode[c]
		if v == 255 {
			valid, code = 0, 0
			continue
		}
		code = (code*20 + int(v)) % seedSpace
		valid++
		if valid >= seedK {
			fn(code, i-seedK+1)
		}
	}
}

// seed is one k-mer hit on one strand of a contig.
type seed struct {
	anchor int // nt position on the strand where reference residue 1 would start
	frame  int8
	nt     int // nt position on the strand of the k-mer's first codon
}

// locus is a gene found on one strand of one contig.
type locus struct {
	ref          int
	strand       byte // '+' or '-'
	gs, ge       int  // 0-based inclusive gene extent on the strand sequence
	partialStart bool
	partialEnd   bool
	score        float64
	identity     float64
	coverage     float64
	frameshifts  []int // reference positions where the frame changes
	contigIdx    int
	cds          []byte // set when the feature's parts are joined (annotation); else read from the contig
	insertions   []string

	// Search only: the reference range aligned, the strand position of the
	// homology's last base, and the alignment counts (for merging).
	rStart, rEnd, homEnd   int
	ident, alnLen, covered int
}

// searchContig finds every reference's loci on both strands of seq.
func (ix *index) searchContig(a *aligner, seq []byte, contigIdx int) []*locus {
	var out []*locus
	rc := gencode.ReverseComplement(seq)
	for si, t := range [][]byte{seq, rc} {
		strand := byte('+')
		if si == 1 {
			strand = '-'
		}
		perRef := make(map[int32][]seed)
		var frames [3][]byte
		for f := 0; f < 3; f++ {
			frames[f] = gencode.Translate(t[f:], false)
			kmers(frames[f], func(code, start int) {
				lo, hi := ix.offs[code], ix.offs[code+1]
				for _, e := range ix.ents[lo:hi] {
					nt := f + 3*start
					perRef[e.ref] = append(perRef[e.ref], seed{anchor: nt - 3*int(e.pos), frame: int8(f), nt: nt})
				}
			})
		}
		refIDs := make([]int, 0, len(perRef))
		for r := range perRef {
			refIDs = append(refIDs, int(r))
		}
		sort.Ints(refIDs)
		for _, r := range refIDs {
			seeds := perRef[int32(r)]
			sort.Slice(seeds, func(i, j int) bool {
				if seeds[i].anchor != seeds[j].anchor {
					return seeds[i].anchor < seeds[j].anchor
				}
				return seeds[i].nt < seeds[j].nt
			})
			need := 3
			if len(ix.refs[r].Protein) < 100 {
				need = 2
			}
			for i := 0; i < len(seeds); {
				j := i + 1
				for j < len(seeds) && seeds[j].anchor-seeds[j-1].anchor <= anchorSlack {
					j++
				}
				if j-i >= need && ix.bestHSP(&frames, r, seeds[i:j]) >= minHSP {
					if l := ix.verify(a, t, &frames, strand, r, seeds[i:j]); l != nil {
						l.contigIdx = contigIdx
						out = append(out, l)
					}
				}
				i = j
			}
		}
	}
	return out
}

// bestHSP is the best ungapped (X-drop) extension score, in EBLOSUM62 units,
// of the cluster's seeds: a cheap test that spares random or low-complexity
// seed clusters the full alignment.
func (ix *index) bestHSP(frames *[3][]byte, r int, seeds []seed) int {
	ref := ix.refs[r].Protein
	best := 0
	step := max(1, len(seeds)/32)
	var lastDiag, lastEnd [3]int
	for f := range lastDiag {
		lastDiag[f], lastEnd[f] = -1<<31, -1
	}
	for si := 0; si < len(seeds); si += step {
		s := seeds[si]
		q := frames[s.frame]
		qi := (s.nt - int(s.frame)) / 3
		ri := (s.nt - s.anchor) / 3
		diag := qi - ri
		if diag == lastDiag[s.frame] && qi <= lastEnd[s.frame] {
			continue
		}
		score := 0
		for k := 0; k < seedK; k++ {
			score += int(blosum62[aaCode[q[qi+k]]][aaCode[ref[ri+k]]])
		}
		// Extend right.
		run, peak, end := score, score, qi+seedK-1
		for i, j := qi+seedK, ri+seedK; i < len(q) && j < len(ref); i, j = i+1, j+1 {
			run += int(blosum62[aaCode[q[i]]][aaCode[ref[j]]])
			if run > peak {
				peak, end = run, i
			}
			if run < peak-xDrop {
				break
			}
		}
		// Extend left.
		run, lpeak := peak, peak
		for i, j := qi-1, ri-1; i >= 0 && j >= 0; i, j = i-1, j-1 {
			run += int(blosum62[aaCode[q[i]]][aaCode[ref[j]]])
			if run > lpeak {
				lpeak = run
			}
			if run < lpeak-xDrop {
				break
			}
		}
		lastDiag[s.frame], lastEnd[s.frame] = diag, end
		best = max(best, lpeak)
	}
	return best
}

// segment is the homology found in one frame of a window.
type segment struct {
	frame   int
	h       hit
	ntStart int // strand position of the first aligned codon
	ntEnd   int // strand position of the last aligned codon's last base
}

// bandSlack widens the band of diagonals the seeds span, for indels.
const bandSlack = 48

// alignFrame aligns ref to the window t[lo:hi] read in one frame; frames
// holds the strand's three translations (searchContig), of which the window's
// codons are a slice.
func (ix *index) alignFrame(a *aligner, frames *[3][]byte, lo, hi, frame int, ref []byte, seeds []seed) segment {
	ws := lo
	for ws%3 != frame {
		ws++
	}
	q := frames[frame][ws/3 : ws/3+(hi-ws)/3] // the codon at ws is frames[frame][(ws-frame)/3]
	dLo, dHi := 1<<30, -1<<30
	for _, s := range seeds {
		d := (s.nt-ws)/3 - (s.nt-s.anchor)/3
		dLo, dHi = min(dLo, d), max(dHi, d)
	}
	h := a.localAlignBand(q, ref, dLo-bandSlack, dHi+bandSlack)
	return segment{frame: frame, h: h, ntStart: ws + 3*(h.QStart-1), ntEnd: ws + 3*h.QEnd - 1}
}

// verify aligns one seed cluster and extends it to a gene.
func (ix *index) verify(a *aligner, t []byte, frames *[3][]byte, strand byte, r int, seeds []seed) *locus {
	ref := ix.refs[r].Protein
	rl := len(ref)
	var perFrame [3]int // seeds in each frame
	minA, maxA, minNt, maxNt := seeds[0].anchor, seeds[len(seeds)-1].anchor, seeds[0].nt, seeds[0].nt
	for _, s := range seeds {
		perFrame[s.frame]++
		minNt = min(minNt, s.nt)
		maxNt = max(maxNt, s.nt)
	}
	main := 0
	for f := 1; f < 3; f++ {
		if perFrame[f] > perFrame[main] {
			main = f
		}
	}
	pad := 3 * (30 + rl/10)
	lo := max(0, min(minA, minNt)-pad)
	hi := min(len(t), max(maxA+3*rl, maxNt+3*seedK)+pad)
	if hi-lo < 3*seedK {
		return nil
	}
	segs := []segment{ix.alignFrame(a, frames, lo, hi, main, ref, seeds)}
	m := segs[0].h
	if m.Score < minScore {
		return nil
	}
	if ix.otherFrame(a, frames, lo, hi, main, ref, seeds, m) {
		// Resolve it: the best path through all three frames says where the
		// homology moves from one frame to the next (or that it does not).
		if fs := a.alignFrames(t, lo, hi, ref, minA-3*bandSlack, maxA+3*bandSlack); len(fs) > 1 {
			segs = fs
		}
	}
	cds := ix.refs[r].CDS
	segs = a.lateShift(t, ref, cds, a.earlyShift(t, ref, cds, segs, seeds), seeds)

	l := &locus{ref: r, strand: strand}
	covered, ident, length := 0, 0, 0
	prevEnd := 0
	for i, s := range segs {
		l.score += s.h.Score
		ident += s.h.Identity
		length += s.h.Length
		rs := max(s.h.RStart, prevEnd+1)
		if s.h.REnd >= rs {
			covered += s.h.REnd - rs + 1
		}
		prevEnd = max(prevEnd, s.h.REnd)
		if i > 0 {
			l.frameshifts = append(l.frameshifts, s.h.RStart)
		}
	}
	l.identity = 100 * float64(ident) / float64(max(1, length))
	l.coverage = 100 * float64(covered) / float64(rl)
	l.rStart, l.rEnd = segs[0].h.RStart, prevEnd
	l.homEnd = segs[len(segs)-1].ntEnd
	l.ident, l.alnLen, l.covered = ident, length, covered

	// The gene is the ORF of the N-terminal segment's frame.
	p := segs[0]
	l.gs, l.partialStart = findStart(t, p.ntStart, p.ntStart-3*(p.h.RStart-1), p.h.Length)
	lastCodon := p.ntEnd - 2
	if len(segs) > 1 {
		// After a frameshift the ORF ends at the first stop of its own frame
		// past the point where the homology moves to the next frame.
		shift := segs[1].ntStart
		shift -= ((shift-p.ntStart)%3 + 3) % 3
		lastCodon = max(l.gs, min(lastCodon, shift))
	}
	l.ge, l.partialEnd = findStop(t, lastCodon)
	return l
}

// otherFrame reports whether a frame other than the main one carries
// homology of its own, which makes a frameshift worth resolving: the cluster
// has two seeds on one diagonal in another frame (six residues or more on it
// identical to the reference's: scattered single seeds are chance), or
// the main frame's alignment (half identical or more) leaves an end of the
// reference uncovered and another frame's own alignment is homologous (a
// hit's score, 15 residues or more, half of them identical). Seeds are the
// better witness: in a GC-rich gene the local alignment of one frame often
// runs on through the out-of-frame part, which lowers its identity and lets
// the main frame seem to cover the whole reference.
func (ix *index) otherFrame(a *aligner, frames *[3][]byte, lo, hi, main int, ref []byte, seeds []seed, m hit) bool {
	// seeds are sorted by anchor (diagonal), then position
	for i := 1; i < len(seeds); i++ {
		if s, p := seeds[i], seeds[i-1]; int(s.frame) != main && s.frame == p.frame && s.anchor == p.anchor {
			return true
		}
	}
	rl := len(ref)
	if (m.RStart <= 10 && m.REnd >= rl-10) || 2*m.Identity < m.Length {
		return false
	}
	for f := 0; f < 3; f++ {
		if f == main {
			continue
		}
		h := ix.alignFrame(a, frames, lo, hi, f, ref, seeds).h
		if h.Score >= minScore && h.Length >= 15 && 2*h.Identity >= h.Length {
			return true
		}
	}
	return false
}

// startDistance is the fewest substitutions that make codon c a start codon
// (ATG, GTG or TTG).
func startDistance(c []byte) int {
	d := 0
	if c[1] != 'T' {
		d++
	}
	if c[2] != 'G' {
		d++
	}
	if c[0] != 'A' && c[0] != 'G' && c[0] != 'T' {
		d++
	}
	return d
}

// Frameshifts near the ends of a gene leave too few residues in one frame for
// an alignment to count, or to pay the frame-aware alignment's frameshift
// cost; there the gene's own start codon, or its stop codon, pins the frame:
// it still lies 1 or 2 nt to one side of where the frame the alignment found
// puts it (a base or two deleted or inserted in between). earlyShift and
// lateShift read the reference's residues nearest that end ungapped in the
// pinned frame and in the found one, and give the pinned frame the residues
// it explains better (anchoredSplit).

// endCodons bounds how far from the gene's start or end earlyShift and
// lateShift look for a frameshift.
const endCodons = 12

// split is how anchoredSplit shares the residues nearest a gene end: n of
// them go to the pinned frame, ident of which are identical to the
// reference's (identOther in the found frame), bases is how many more of
// the reference CDS's bases the pinned frame matches there, score is the
// pinned frame's over them (aligner units) and gain its lead.
type split struct {
	n, ident, identOther, bases int
	score, gain                 int32
}

// anchoredSplit chooses how many residues nearest a gene end go to the
// frame pinned there: pinned and found are the two frames' residues and ref
// the reference's (aaCode), nearest the end first; basesPinned[i] and
// basesFound[i] count the reference CDS's bases their first i codons match.
// Taking n residues counts when the pinned frame gains on the found one by
// a frameshift's cost or, for a close homolog (90 % identical: its ends do
// not diverge on their own), when it gains and has more identical residues,
// or has as many, loses nothing and matches more of the reference CDS's
// bases; n lies in minN..maxN
// (n = 1 only when one is set), and the pinned frame must stay open over its
// residues: a stop ends them (as the last one when the pinned frame is the
// gene's first: it may stop in the codon the shift changes). Of equal gains
// the one that puts the shift where the gene's first frame stops explaining
// the reference: the largest n when that frame is the pinned one (first),
// else the smallest. n is 0 when nothing counts.
func (a *aligner) anchoredSplit(pinned, found, ref []uint8, basesPinned, basesFound []int, closeHomolog bool, minN, maxN int, one, first bool) split {
	need := int32(fsPenalty2)
	if closeHomolog {
		need = 1
	}
	var best, c split
	for i := range pinned {
		stop := pinned[i] == aaCode['*']
		if stop && !first {
			break
		}
		sp, sf := a.score[pinned[i]][ref[i]], a.score[found[i]][ref[i]]
		c.n++
		c.score += sp
		c.gain += sp - sf
		if pinned[i] == ref[i] {
			c.ident++
		}
		if found[i] == ref[i] {
			c.identOther++
		}
		c.bases = basesPinned[c.n] - basesFound[c.n]
		ok := c.gain >= need && (!closeHomolog || c.ident > c.identOther)
		if closeHomolog && c.ident == c.identOther && c.bases > 0 && c.gain >= 0 {
			ok = true
		}
		if ok && c.n >= minN && c.n <= maxN && (c.n > 1 || one) && (best.n == 0 || c.gain > best.gain || (first && c.gain == best.gain)) {
			best = c
		}
		if stop {
			break
		}
	}
	return best
}

// sameBases counts the bases of codon r (1-based) of the reference CDS that
// equal those at the start of at (0 without a CDS).
func sameBases(at, cds []byte, r int) int {
	n := 0
	if r >= 1 && len(cds) >= 3*r {
		for i := range 3 {
			if at[i] == cds[3*(r-1)+i] {
				n++
			}
		}
	}
	return n
}

// endReading fills res with the residues (aaCode) of the codons at the
// strand positions pos(1..len(res)) and bases with the reference CDS's bases
// they match cumulatively (codon r of the CDS for reference residue rs(i)).
func endReading(t, cds []byte, res []uint8, bases []int, pos, rs func(i int) int) {
	for i := range res {
		p := pos(i)
		res[i] = aaCode[gencode.Codon(t[p:p+3])]
		bases[i+1] = bases[i] + sameBases(t[p:p+3], cds, rs(i))
	}
}

// earlyShift finds a frameshift in the gene's first codons: the alignment's
// first segment (segs[0]) then begins a few residues into the reference in
// the downstream frame, and the gene's own start codon lies 1 or 2 nt to one
// side of where that frame puts reference residue 1. The first residues are
// split between the start codon's frame and the found one (anchoredSplit),
// up to where the found frame's alignment begins (a residue changed in both
// frames may lie between); a split right after the start codon alone is also
// what a start codon lost to a substitution looks like, so it counts only
// when the found frame has a start codon there too, or no one substitution
// makes its codon one. The gene then starts at that
// start codon, with a first segment of the residues its frame explains and a
// frameshift at the next.
func (a *aligner) earlyShift(t, ref, cds []byte, segs []segment, seeds []seed) []segment {
	b := segs[0]
	k0 := b.h.RStart
	if k0 > endCodons {
		return segs
	}
	// Where the found frame puts reference residue 1: by its seed nearest
	// the reference's start when there is one near it (the local alignment
	// may reach back over the other frame's residues, with gaps), else by
	// where its alignment starts.
	expect, seedRes := b.ntStart-3*(k0-1), len(ref)+1
	for _, s := range seeds {
		if r := (s.nt-s.anchor)/3 + 1; int(s.frame) == b.frame && r < seedRes && r <= 2*endCodons {
			expect, seedRes = s.anchor, r
		}
	}
	n := min(endCodons, len(ref)) - 1
	if expect < 0 || expect+3*n+2 > len(t) {
		return segs
	}
	closeHomolog := 10*b.h.Identity >= 9*b.h.Length
	startB := isStartCodon(t[expect : expect+3])
	one := closeHomolog && (startB || startDistance(t[expect:expect+3]) >= 2)
	res := func(i int) int { return i + 1 }
	var pinned, found, refs [endCodons]uint8
	var basesPinned, basesFound [endCodons + 1]int
	endReading(t, cds, found[:n], basesFound[:n+1], func(i int) int { return expect + 3*i }, res)
	if startB {
		found[0] = aaCode['M']
	}
	for i := range n {
		refs[i] = aaCode[ref[i]]
	}
	best, start, startBases := split{}, -1, 0
	for _, off := range [...]int{1, -1, 2, -2} {
		s := expect + off
		if s < 0 || !isStartCodon(t[s:s+3]) {
			continue
		}
		endReading(t, cds, pinned[:n], basesPinned[:n+1], func(i int) int { return s + 3*i }, res)
		pinned[0] = aaCode['M']
		c := a.anchoredSplit(pinned[:n], found[:n], refs[:n], basesPinned[:n+1], basesFound[:n+1], closeHomolog, k0-2, seedRes+1, one, true)
		// The start codon whose frame explains more residues; of two equally
		// good, the one more like the reference's start codon, then of two in
		// one frame the downstream one (the upstream one reads the real start
		// codon as a residue), else the first in the order above (a one-base
		// indel before a two-base one).
		d, bd := c.ident-c.identOther, best.ident-best.identOther
		sb := sameBases(t[s:], cds, 1)
		if c.n > 0 && (start < 0 || d > bd || (d == bd && (sb > startBases || sb == startBases && (s-start)%3 == 0 && s > start))) {
			best, start, startBases = c, s, sb
		}
	}
	if start < 0 {
		return segs
	}
	k := best.n + 1 // the first residue of the found frame
	first := segment{frame: start % 3, ntStart: start, ntEnd: start + 3*best.n - 1,
		h: hit{RStart: 1, REnd: best.n, Identity: best.ident, Length: best.n, Score: float64(best.score) / 2}}
	if k0 < k { // the found frame's alignment ran back over residues now the first frame's
		b.h.Identity = max(0, b.h.Identity-best.identOther)
		b.h.Length = max(1, b.h.Length-(k-k0))
		b.h.RStart, b.ntStart = k, expect+3*(k-1)
	}
	return append([]segment{first, b}, segs[1:]...)
}

// lateShift finds a frameshift in the gene's last codons, as earlyShift does
// in its first: the alignment's last segment then ends a few residues short
// of the reference's end, and a stop codon lies 1 or 2 nt to one side of
// where that frame puts the reference's stop codon (the gene's own, read in
// the frame the shift leads to). The last residues are split between that
// frame and the found one, from where the found frame's alignment ends (a
// residue changed in both frames may lie between), and the residues the stop
// codon's frame explains are a last segment, from its frameshift on. The gene
// itself does not change: the ORF of its first frame up to the first stop
// after the shift.
func (a *aligner) lateShift(t, ref, cds []byte, segs []segment, seeds []seed) []segment {
	l := segs[len(segs)-1]
	rl, e0 := len(ref), l.h.REnd
	if rl-e0 > endCodons || l.h.RStart > rl-endCodons {
		return segs
	}
	// Where the found frame puts the stop codon after residue rl: by its
	// seed nearest the reference's end, else by where its alignment ends.
	stop, seedEnd := l.ntEnd+1+3*(rl-e0), 0
	for _, s := range seeds {
		if r := (s.nt-s.anchor)/3 + seedK; int(s.frame) == l.frame && r > seedEnd && r >= rl-2*endCodons {
			stop, seedEnd = s.anchor+3*rl, r
		}
	}
	n := min(endCodons, rl) - 1
	if stop-3*n < 0 || stop+5 > len(t) || gencode.IsStop(t[stop:stop+3]) {
		return segs
	}
	closeHomolog := 10*l.h.Identity >= 9*l.h.Length
	res := func(i int) int { return rl - i } // nearest the end first
	var pinned, found, refs [endCodons]uint8
	var basesPinned, basesFound [endCodons + 1]int
	endReading(t, cds, found[:n], basesFound[:n+1], func(i int) int { return stop - 3*(i+1) }, res)
	for i := range n {
		refs[i] = aaCode[ref[rl-1-i]]
	}
	maxN := n
	if seedEnd > 0 {
		maxN = min(n, rl-seedEnd+2)
	}
	best, at := split{}, -1
	for _, off := range [...]int{1, -1, 2, -2} {
		q := stop + off
		if q-3*n < 0 || q+3 > len(t) || !gencode.IsStop(t[q:q+3]) {
			continue
		}
		endReading(t, cds, pinned[:n], basesPinned[:n+1], func(i int) int { return q - 3*(i+1) }, res)
		c := a.anchoredSplit(pinned[:n], found[:n], refs[:n], basesPinned[:n+1], basesFound[:n+1], closeHomolog, rl-e0-1, maxN, true, false)
		if c.n > 0 && (at < 0 || c.ident-c.identOther > best.ident-best.identOther) {
			best, at = c, q
		}
	}
	if at < 0 {
		return segs
	}
	k := rl - best.n + 1 // the first residue of the stop codon's frame
	last := segment{frame: (at - 3*best.n) % 3, ntStart: at - 3*best.n, ntEnd: at - 1,
		h: hit{RStart: k, REnd: rl, Identity: best.ident, Length: best.n, Score: float64(best.score) / 2}}
	if e0 >= k { // the found frame's alignment ran on over residues now the last frame's
		l.h.Identity = max(0, l.h.Identity-best.identOther)
		l.h.Length = max(1, l.h.Length-(e0-k+1))
		l.h.REnd, l.ntEnd = k-1, stop-3*(rl-k+1)-1
	}
	out := append(append([]segment(nil), segs[:len(segs)-1]...), l)
	return append(out, last)
}

func isStartCodon(c []byte) bool {
	return (c[0] == 'A' || c[0] == 'G' || c[0] == 'T') && c[1] == 'T' && c[2] == 'G'
}

// findStart returns the gene's first codon on strand t, given the first
// aligned codon at, and where the reference's residue 1 would start (expect).
// The gene is partial when the contig edge comes before both a stop codon and
// the expected start.
func findStart(t []byte, at, expect, alnLen int) (int, bool) {
	up := at
	edge := false
	for {
		if up-3 < 0 {
			edge = true
			break
		}
		if gencode.IsStop(t[up-3 : up]) {
			break
		}
		up -= 3
	}
	if edge && expect < up {
		return up, true
	}
	// Start codons from the upstream limit to a few codons into the alignment.
	best, bestD := -1, 0
	limit := at + 3*min(15, alnLen/4)
	for q := up; q <= limit && q+3 <= len(t); q += 3 {
		if q > at && gencode.IsStop(t[q:q+3]) {
			break
		}
		if !isStartCodon(t[q : q+3]) {
			continue
		}
		d := q - expect
		if d < 0 {
			d = -d
		}
		if best < 0 || d < bestD {
			best, bestD = q, d
		}
	}
	if best >= 0 {
		return best, false
	}
	// No start codon: keep the homologous start (subscan reports start_lost).
	if expect >= up && expect <= at {
		return expect, false
	}
	return at, false
}

// findStop returns the last base of the stop codon at or after the codon at
// strand position from, or the last whole codon and true at the contig edge.
func findStop(t []byte, from int) (int, bool) {
	q := from
	for ; q+3 <= len(t); q += 3 {
		if gencode.IsStop(t[q : q+3]) {
			return q + 2, false
		}
	}
	return q - 1, true
}

// maxInsertion is the longest insertion (an IS element, a transposon) that
// mergeDisrupted bridges.
const maxInsertion = 15000

// mergeDisrupted joins the pieces of a gene split by an insertion: a locus
// whose homology stops short of the reference's end and a downstream locus of
// the same reference, contig and strand, within maxInsertion, whose homology
// starts about where the first one's ends. The first piece stays the gene
// (its ORF runs into the insertion up to a stop); the second is dropped and
// recorded in insertions as REFPOS:+LENGTH (the reference position where the
// homology resumes and the nucleotides between the pieces).
func mergeDisrupted(loci []*locus, refs []int) []*locus {
	sort.SliceStable(loci, func(i, j int) bool {
		a, b := loci[i], loci[j]
		if a.contigIdx != b.contigIdx {
			return a.contigIdx < b.contigIdx
		}
		if a.strand != b.strand {
			return a.strand < b.strand
		}
		return a.gs < b.gs
	})
	gone := make([]bool, len(loci))
	for i, a := range loci {
		if gone[i] || a.homEnd == 0 || a.rEnd >= refs[a.ref]-10 {
			continue
		}
		for j := i + 1; j < len(loci); j++ {
			b := loci[j]
			if b.contigIdx != a.contigIdx || b.strand != a.strand || b.gs > a.homEnd+maxInsertion {
				break
			}
			if gone[j] || b.ref != a.ref || b.homEnd == 0 || b.gs <= a.homEnd || b.rStart < a.rEnd-20 || b.rStart > a.rEnd+20 {
				continue
			}
			gap := (b.homEnd - 3*(b.rEnd-b.rStart+1) + 1) - (a.homEnd + 1)
			a.insertions = append(a.insertions, fmt.Sprintf("%d:+%d", b.rStart, max(0, gap)))
			a.covered += b.covered - max(0, a.rEnd-b.rStart+1)
			a.ident += b.ident
			a.alnLen += b.alnLen
			a.rEnd, a.homEnd = b.rEnd, b.homEnd
			rl := refs[a.ref]
			a.coverage = 100 * float64(a.covered) / float64(rl)
			a.identity = 100 * float64(a.ident) / float64(max(1, a.alnLen))
			a.score += b.score
			gone[j] = true
			if a.rEnd >= rl-10 {
				break
			}
		}
	}
	out := loci[:0]
	for i, l := range loci {
		if !gone[i] {
			out = append(out, l)
		}
	}
	return out
}
