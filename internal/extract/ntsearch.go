package extract

import (
	"slices"
	"sort"

	"github.com/wtscan/wtscan/internal/gencode"
	"github.com/wtscan/wtscan/internal/refset"
)

// Nucleotide targets (RNA genes, promoter regions) are found by a nucleotide
// search of the contigs, in three steps:
//
//  1. seed: every k-mer (k = ntK bases) of a contig's forward strand is looked
//     up in a hash table of the targets' k-mers and of their reverse
//     complements, so that one pass finds hits on both strands; each hit
//     implies a diagonal, the strand position where the target's first base
//     would lie;
//  2. cluster: hits of one target on one strand whose diagonals lie within
//     ntJoin bases (at most half the target) form a candidate copy (rRNA
//     operons lie kilobases apart, so every copy is its own cluster);
//  3. verify: a candidate whose best ungapped extension (ntHSP) stays under
//     ntMinHSP is chance (two random 12-mers on one diagonal); otherwise its
//     window is aligned to the target by a banded
//     local alignment (match 5, mismatch -4, gap open 10, extend 0.5); the
//     copy is the span the alignment covers, stretched by up to ntEndSlack
//     bases to where the target's ends fall when mismatches trimmed them; a
//     contig edge that leaves no room for the unaligned part of the target
//     makes the copy partial at that end.
//
// Every copy of every gene is reported: different genes may share copies
// (E. coli's 16S-rrsB, 16S-rrsC and 16S-rrsH all hit each 16S copy), but of
// one gene's several records (alleles) only the best-scoring one is kept per
// locus (bestNtLoci). wtscan-align realigns each copy exactly; this search
// only places and ranks them.

const (
	ntK        = 12 // bases: 24 bits of k-mer code
	ntMask     = 1<<(2*ntK) - 1
	ntSlack    = 32  // bases: the band reaches this far beyond the seeds' diagonals
	ntJoin     = 256 // bases: seeds this far apart in diagonal (an insertion, 23S's intervening sequence) stay one candidate
	ntMinScore = 50  // water units (10 matching bases): below this a candidate is noise
	ntMinHSP   = 150 // a cluster's best ungapped extension must reach this (unscaled: 30 bases net; chance pairs of seeds in a 5.5 Mb genome reach about 115), or it is not aligned
	ntXDrop    = 20
	ntEndSlack = 10  // bases: mismatched target ends the copy is stretched over
	ntMismatch = -8  // 2 × mismatch -4
	ntMatch    = 10  // 2 × match 5
	ntOther    = -4  // 2 × -2: N or another ambiguity code against anything
	ntNone     = 255 // baseCode of a byte that is not A, C, G or T
)

// baseCode maps A, C, G, T (either case) to 0..3 and everything else to ntNone.
var baseCode [256]uint8

func init() {
	for i := range baseCode {
		baseCode[i] = ntNone
	}
	for i, c := range "ACGT" {
		baseCode[c] = uint8(i)
		baseCode[c+'a'-'A'] = uint8(i)
	}
}

// ntEntry is one occurrence of a k-mer in a target: the target, the 0-based
// start of the k-mer on the target's forward strand, and whether the k-mer is
// the reverse complement of that (a contig hit then lies on the '-' strand).
type ntEntry struct {
	ref   int32
	pos   int32
	minus bool
}

// ntIndex is a hash table of the nucleotide targets' k-mers: open addressing
// on keys (code+1; 0 is an empty slot), each slot's entries in ents[lo:hi].
type ntIndex struct {
	refs   []*refset.Reference // the index's references; only the nucleotide ones are in the table
	shift  uint
	keys   []uint32
	lo, hi []int32
	ents   []ntEntry
	maxLen int // longest target
}

// newNtIndex indexes the nucleotide targets among refs (indices into refs);
// nil when there are none.
func newNtIndex(refs []*refset.Reference) *ntIndex {
	type occ struct {
		code uint32
		e    ntEntry
	}
	var all []occ
	maxLen := 0
	for ri, r := range refs {
		if !r.Nucleotide() {
			continue
		}
		maxLen = max(maxLen, len(r.Seq))
		ntKmers(r.Seq, func(fw, rc uint32, start int) {
			all = append(all, occ{fw, ntEntry{int32(ri), int32(start), false}})
			if rc != fw {
				all = append(all, occ{rc, ntEntry{int32(ri), int32(start), true}})
			}
		})
	}
	if maxLen == 0 {
		return nil
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].code < all[j].code })
	distinct := 0
	for i := range all {
		if i == 0 || all[i].code != all[i-1].code {
			distinct++
		}
	}
	bits := uint(4)
	for 1<<bits < 4*distinct {
		bits++
	}
	ix := &ntIndex{refs: refs, shift: 32 - bits, keys: make([]uint32, 1<<bits),
		lo: make([]int32, 1<<bits), hi: make([]int32, 1<<bits), ents: make([]ntEntry, len(all)), maxLen: maxLen}
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].code == all[i].code {
			ix.ents[j] = all[j].e
			j++
		}
		s := ix.slot(all[i].code)
		ix.keys[s], ix.lo[s], ix.hi[s] = all[i].code+1, int32(i), int32(j)
		i = j
	}
	return ix
}

// slot returns the table slot of code: where it is, or the empty slot where
// it would go.
func (ix *ntIndex) slot(code uint32) uint32 {
	mask := uint32(len(ix.keys) - 1)
	s := (code * 0x9E3779B1) >> ix.shift
	for ix.keys[s] != 0 && ix.keys[s] != code+1 {
		s = (s + 1) & mask
	}
	return s
}

// ntKmers calls fn with the forward and reverse-complement codes and the
// 0-based start of every k-mer of s made of A, C, G and T only.
func ntKmers(s []byte, fn func(fw, rc uint32, start int)) {
	var fw, rc uint32
	valid := 0
	for i, c := range s {
		b := baseCode[c]
		if b == ntNone {
			valid = 0
			continue
		}
		fw = (fw<<2 | uint32(b)) & ntMask
		rc = rc>>2 | uint32(3-b)<<(2*ntK-2)
		valid++
		if valid >= ntK {
			fn(fw, rc, i-ntK+1)
		}
	}
}

// ntSeed is one k-mer hit: diag is the strand position where the target's
// first base would lie, pos the strand position of the k-mer.
type ntSeed struct {
	diag, pos int32
}

// searchContig finds every nucleotide target's copies on both strands of seq.
func (ix *ntIndex) searchContig(a *ntAligner, seq []byte, contigIdx int) []*locus {
	if ix == nil {
		return nil
	}
	n := len(seq)
	buckets := map[int32][]ntSeed{} // ref*2 + (1 for '-')
	var fw uint32
	valid := 0
	mask := uint32(len(ix.keys) - 1)
	for i, c := range seq {
		b := baseCode[c]
		if b == ntNone {
			valid = 0
			continue
		}
		fw = (fw<<2 | uint32(b)) & ntMask
		if valid++; valid < ntK {
			continue
		}
		key := fw + 1
		s := (fw * 0x9E3779B1) >> ix.shift
		for ix.keys[s] != 0 && ix.keys[s] != key {
			s = (s + 1) & mask
		}
		if ix.keys[s] == 0 {
			continue
		}
		q := i - ntK + 1 // the k-mer's start on the forward strand
		for _, e := range ix.ents[ix.lo[s]:ix.hi[s]] {
			if e.minus {
				// On the reverse strand the k-mer starts at n-1-i and is the
				// target's bases e.pos .. e.pos+k-1.
				p := int32(n - 1 - i)
				buckets[2*e.ref+1] = append(buckets[2*e.ref+1], ntSeed{p - e.pos, p})
			} else {
				buckets[2*e.ref] = append(buckets[2*e.ref], ntSeed{int32(q) - e.pos, int32(q)})
			}
		}
	}
	keys := make([]int32, 0, len(buckets))
	for k := range buckets {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []*locus
	for _, k := range keys {
		r, strand := int(k/2), byte('+')
		if k%2 == 1 {
			strand = '-'
		}
		seeds := buckets[k]
		join := int32(min(ntJoin, max(ntSlack, len(ix.refs[r].Seq)/2)))
		slices.SortFunc(seeds, func(x, y ntSeed) int {
			if x.diag != y.diag {
				return int(x.diag - y.diag)
			}
			return int(x.pos - y.pos)
		})
		for i := 0; i < len(seeds); {
			j := i + 1
			for j < len(seeds) && seeds[j].diag-seeds[j-1].diag <= join {
				j++
			}
			if j-i >= 2 && ix.bestHSP(seq, strand, r, seeds[i:j]) >= ntMinHSP {
				if l := ix.verify(a, seq, strand, r, seeds[i:j]); l != nil {
					l.contigIdx = contigIdx
					out = append(out, l)
				}
			}
			i = j
		}
	}
	return out
}

// bestHSP is the best ungapped X-drop extension score (match 5, mismatch -4)
// of a sample of the cluster's seeds, read on the strand without making it.
func (ix *ntIndex) bestHSP(seq []byte, strand byte, r int, seeds []ntSeed) int {
	ref := ix.refs[r].Seq
	n := len(seq)
	at := func(p int) uint8 { // strand base p as a baseCode
		if strand == '+' {
			return baseCode[seq[p]]
		}
		if b := baseCode[seq[n-1-p]]; b != ntNone {
			return 3 - b
		}
		return ntNone
	}
	score := func(q, t int) int {
		if b := at(q); b != ntNone && b == baseCode[ref[t]] {
			return 5
		}
		return -4
	}
	best := 0
	step := max(1, len(seeds)/16)
	lastDiag, lastEnd := int32(-1<<31), -1
	for si := 0; si < len(seeds); si += step {
		s := seeds[si]
		q, t := int(s.pos), int(s.pos-s.diag)
		if s.diag == lastDiag && q <= lastEnd {
			continue
		}
		run, peak, end := 5*ntK, 5*ntK, q+ntK-1
		for i, j := q+ntK, t+ntK; i < n && j < len(ref); i, j = i+1, j+1 {
			run += score(i, j)
			if run > peak {
				peak, end = run, i
			}
			if run < peak-ntXDrop {
				break
			}
		}
		run, lpeak := peak, peak
		for i, j := q-1, t-1; i >= 0 && j >= 0; i, j = i-1, j-1 {
			run += score(i, j)
			if run > lpeak {
				lpeak = run
			}
			if run < lpeak-ntXDrop {
				break
			}
		}
		lastDiag, lastEnd = s.diag, end
		best = max(best, lpeak)

	}
	return best
}

// verify aligns one seed cluster to its target and places the copy on the
// strand (positions on the strand, as for proteins). Only the window of the
// reverse strand that the cluster needs is made.
func (ix *ntIndex) verify(a *ntAligner, seq []byte, strand byte, r int, seeds []ntSeed) *locus {
	ref := ix.refs[r].Seq
	rl, n := len(ref), len(seq)
	dMin, dMax := int(seeds[0].diag), int(seeds[len(seeds)-1].diag)
	lo := max(0, dMin-ntSlack)
	hi := min(n, dMax+rl+ntSlack)
	if hi-lo < ntK {
		return nil
	}
	win := seq[lo:hi]
	if strand == '-' {
		win = gencode.ReverseComplement(seq[n-hi : n-lo])
	}
	h := a.align(win, ref, dMin-lo-ntSlack, dMax-lo+ntSlack)
	if h.Score < ntMinScore {
		return nil
	}
	l := &locus{ref: r, strand: strand, score: h.Score,
		identity: 100 * float64(h.Identity) / float64(max(1, h.Length)),
		coverage: 100 * float64(h.REnd-h.RStart+1) / float64(rl),
		rStart:   h.RStart, rEnd: h.REnd, ident: h.Identity, alnLen: h.Length, covered: h.REnd - h.RStart + 1}
	l.gs, l.ge = lo+h.QStart-1, lo+h.QEnd-1
	l.homEnd = l.ge
	// The target's unaligned ends: the copy is stretched over them when they
	// are short and fit in the contig; partial when the contig edge leaves no
	// room for them.
	if miss := h.RStart - 1; miss > 0 {
		if l.gs < miss {
			l.partialStart = true
		}
		if ext := min(miss, l.gs); ext <= ntEndSlack {
			l.gs -= ext
		}
	}
	if miss := rl - h.REnd; miss > 0 {
		room := n - 1 - l.ge
		if room < miss {
			l.partialEnd = true
		}
		if ext := min(miss, room); ext <= ntEndSlack {
			l.ge += ext
		}
	}
	return l
}

// bestNtLoci keeps, of a gene's loci that overlap on one contig (by more than
// half of the shorter), the best-scoring one: one copy per locus, its best
// allele. Loci of different genes are left alone, even where they overlap.
func bestNtLoci(loci []*locus, refs []*refset.Reference, contigs []contig) []*locus {
	sort.SliceStable(loci, func(i, j int) bool {
		a, b := loci[i], loci[j]
		if a.score != b.score {
			return a.score > b.score
		}
		if a.ref != b.ref {
			return a.ref < b.ref
		}
		if a.contigIdx != b.contigIdx {
			return a.contigIdx < b.contigIdx
		}
		if a.strand != b.strand {
			return a.strand < b.strand
		}
		return a.gs < b.gs
	})
	var kept []*locus
	for _, l := range loci {
		n := contigs[l.contigIdx].length()
		s, e := l.span(n)
		clash := false
		for _, k := range kept {
			if k.contigIdx != l.contigIdx || refs[k.ref].Gene != refs[l.ref].Gene {
				continue
			}
			ks, ke := k.span(n)
			ov := min(e, ke) - max(s, ks) + 1
			if ov > 0 && 2*ov > min(e-s+1, ke-ks+1) {
				clash = true
				break
			}
		}
		if !clash {
			kept = append(kept, l)
		}
	}
	return kept
}

// ntOtherCode is the alignment code of anything but A, C, G and T.
const ntOtherCode = 4

// ntScore is the nucleotide score matrix (×2) over codes 0..3 (A, C, G, T)
// and ntOtherCode; rows and columns are padded to 8 so that a code masked
// with 7 needs no bounds check.
var ntScore = func() (m [8][8]int32) {
	for i := range m {
		for j := range m[i] {
			switch {
			case i >= ntOtherCode || j >= ntOtherCode:
				m[i][j] = ntOther
			case i == j:
				m[i][j] = ntMatch
			default:
				m[i][j] = ntMismatch
			}
		}
	}
	return m
}()

// ntAligner holds the buffers of banded nucleotide local alignment, reused
// across calls; one per goroutine.
type ntAligner struct {
	qc, rc []uint8
	h, e   []int32
	dir    []uint8 // (n+1) rows of the band's width
}

// align is Smith-Waterman with affine gaps on nucleotides (match 5, mismatch
// -4, N against anything -2, gap open 10, extend 0.5; scores ×2 as integers)
// within the diagonals dLo..dHi (i - j for 0-based query index i and target
// index j). The traceback is kept for the band only, so a 3 kb target costs
// its length times the band's width.
func (a *ntAligner) align(query, ref []byte, dLo, dHi int) hit {
	n, m := len(query), len(ref)
	dLo, dHi = max(dLo, -m), min(dHi, n)
	if n == 0 || m == 0 || dLo > dHi {
		return hit{}
	}
	a.qc = grow(a.qc, n)
	for i, c := range query {
		a.qc[i] = min(baseCode[c], ntOtherCode)
	}
	a.rc = grow(a.rc, m)
	for j, c := range ref {
		a.rc[j] = min(baseCode[c], ntOtherCode)
	}
	w := dHi - dLo + 1
	a.h = grow(a.h, m+1)
	a.e = grow(a.e, m+1)
	a.dir = grow(a.dir, (n+1)*w)
	h, e, dir, qc, rcode := a.h, a.e, a.dir, a.qc, a.rc
	for j := range h {
		h[j] = 0
		e[j] = -1 << 28
	}
	// Cell (i, j), 1-based, is in the band when dLo <= i-j <= dHi; its
	// direction byte is dir[i*w + j-(i-dHi)].
	best, bi, bj := int32(0), 0, 0
	for i := 1; i <= n; i++ {
		lo, hi := max(1, i-dHi), min(m, i-dLo)
		if lo > hi {
			if lo > m {
				break
			}
			continue
		}
		if i-dLo <= m { // cell (i-1, hi) lay outside the previous row's band
			h[hi], e[hi] = 0, -1<<28
		}
		qb := qc[i-1] & 7
		diag := h[lo-1] // H[i-1][lo-1]
		if lo-1 < max(1, i-1-dHi) {
			diag = 0
		}
		f := int32(-1 << 28)
		hLeft := int32(0)
		row := &ntScore[qb]
		base := i*w - (i - dHi)
		hs, es, rs, ds := h[lo:hi+1], e[lo:hi+1], rcode[lo-1:hi], dir[base+lo:base+hi+1]
		for k := range hs {
			var d uint8
			eo, ee := hs[k]-gapOpen2, es[k]-gapExtend2
			ev := eo
			if ee > eo {
				ev = ee
				d |= eExtend
			}
			es[k] = ev
			fo, fe := hLeft-gapOpen2, f-gapExtend2
			fv := fo
			if fe > fo {
				fv = fe
				d |= fExtend
			}
			f = fv
			hv := diag + row[rs[k]&7]
			src := uint8(fromDiag)
			if ev > hv {
				hv, src = ev, fromE
			}
			if fv > hv {
				hv, src = fv, fromF
			}
			if hv <= 0 {
				hv, src = 0, fromZero
			}
			diag = hs[k]
			hs[k] = hv
			hLeft = hv
			ds[k] = d | src
			if hv > best {
				best, bi, bj = hv, i, lo+k
			}
		}
	}
	if best == 0 {
		return hit{}
	}
	r := hit{Score: float64(best) / 2, QEnd: bi, REnd: bj}
	i, j := bi, bj
	state := uint8(fromDiag)
	for i > 0 && j > 0 {
		d := dir[i*w+j-(i-dHi)]
		switch state {
		case fromDiag:
			src := d & 3
			if src == fromZero {
				return r
			}
			if src != fromDiag {
				state = src
				continue
			}
			if qc[i-1] == rcode[j-1] && qc[i-1] != ntOtherCode {
				r.Identity++
			}
			r.Length++
			r.QStart, r.RStart = i, j
			i--
			j--
		case fromE: // query base i against a gap
			r.Length++
			if d&eExtend == 0 {
				state = fromDiag
			}
			i--
		case fromF: // target base j against a gap
			r.Length++
			if d&fExtend == 0 {
				state = fromDiag
			}
			j--
		}
	}
	return r
}
