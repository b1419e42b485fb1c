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
//     aligned to the reference (localAlign); when the alignment leaves part of
//     the reference uncovered, the other two frames are aligned too, and a
//     segment that carries the homology on in another frame is a frameshift;
//  4. extend: the gene runs from the start codon (ATG, GTG, TTG) nearest to
//     where the reference's first residue falls, with no stop in between, to
//     the first stop codon after the homologous region; a contig edge met
//     first makes the gene partial at that end.
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
			frames[f] = translateInto(make([]byte, 0, len(t)/3+1), t[f:])
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
					if l := ix.verify(a, t, strand, r, seeds[i:j]); l != nil {
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

func translateInto(dst, s []byte) []byte {
	for i := 0; i+3 <= len(s); i += 3 {
		dst = append(dst, gencode.Codon(s[i:i+3]))
	}
	return dst
}

// segment is the homology found in one frame of a window.
type segment struct {
	frame      int
	h          hit
	ntStart    int // strand position of the first aligned codon
	ntEnd      int // strand position of the last aligned codon's last base
	ws         int // strand position of the window's first codon in this frame
	translated []byte
}

// bandSlack widens the band of diagonals the seeds span, for indels.
const bandSlack = 48

func (ix *index) alignFrame(a *aligner, t []byte, lo, hi, frame int, ref []byte, seeds []seed) segment {
	ws := lo
	for ws%3 != frame {
		ws++
	}
	q := translateInto(nil, t[ws:hi])
	dLo, dHi := 1<<30, -1<<30
	for _, s := range seeds {
		d := (s.nt-ws)/3 - (s.nt-s.anchor)/3
		dLo, dHi = min(dLo, d), max(dHi, d)
	}
	h := a.localAlignBand(q, ref, dLo-bandSlack, dHi+bandSlack)
	return segment{frame: frame, h: h, ws: ws, translated: q,
		ntStart: ws + 3*(h.QStart-1), ntEnd: ws + 3*h.QEnd - 1}
}

// verify aligns one seed cluster and extends it to a gene.
func (ix *index) verify(a *aligner, t []byte, strand byte, r int, seeds []seed) *locus {
	ref := ix.refs[r].Protein
	rl := len(ref)
	var frames [3]int
	minA, maxA, minNt, maxNt := seeds[0].anchor, seeds[len(seeds)-1].anchor, seeds[0].nt, seeds[0].nt
	for _, s := range seeds {
		frames[s.frame]++
		minNt = min(minNt, s.nt)
		maxNt = max(maxNt, s.nt)
	}
	main := 0
	for f := 1; f < 3; f++ {
		if frames[f] > frames[main] {
			main = f
		}
	}
	pad := 3 * (30 + rl/10)
	lo := max(0, min(minA, minNt)-pad)
	hi := min(len(t), max(maxA+3*rl, maxNt+3*seedK)+pad)
	if hi-lo < 3*seedK {
		return nil
	}
	segs := []segment{ix.alignFrame(a, t, lo, hi, main, ref, seeds)}
	m := segs[0].h
	if m.Score < minScore {
		return nil
	}
	if (m.RStart > 10 || m.REnd < rl-10) && 2*m.Identity >= m.Length {
		for f := 0; f < 3; f++ {
			if f == main {
				continue
			}
			s := ix.alignFrame(a, t, lo, hi, f, ref, seeds)
			h := s.h
			if h.Score < minScore || h.Length < 15 || 2*h.Identity < h.Length {
				continue
			}
			// It must carry on the reference where the main frame leaves off,
			// in the same order along the strand.
			after := h.REnd >= m.REnd+10 && h.RStart > m.RStart+10 && s.ntEnd > segs[0].ntEnd
			before := h.RStart <= m.RStart-10 && h.REnd < m.REnd-10 && s.ntStart < segs[0].ntStart
			if after || before {
				segs = append(segs, s)
			}
		}
	}
	sort.Slice(segs, func(i, j int) bool { return segs[i].h.RStart < segs[j].h.RStart })
	// Drop segments whose reference range overlaps an earlier one (keep the first).
	kept := segs[:1]
	for _, s := range segs[1:] {
		if prev := kept[len(kept)-1]; s.h.REnd >= prev.h.REnd+10 && s.ntEnd > prev.ntEnd {
			kept = append(kept, s)
		}
	}
	segs = kept

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
