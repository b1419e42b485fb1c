// Package variant calls and names amino-acid changes from a pairwise
// alignment of a query protein to its wild-type reference. It is pure logic:
// no I/O, no catalogue.
//
// Every difference inside the aligned region is reported in reference
// coordinates (the alignment's offset included). Adjacent gap columns, and
// mismatches touching them, are one event; pure insertions and deletions are
// shifted to their most C-terminal equivalent position (the HGVS 3' rule), so
// a name never depends on an aligner's tie-break. Ambiguous query residues
// (X, B, Z, J) are never substitutions: they are listed as ambiguous sites.
// Reference residues outside the alignment are not covered, not deleted; a
// C-terminal end missing without a contig edge is a truncation.
package variant

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Type is the kind of a change, as written in the mutations table.
type Type string

// Change types.
const (
	Substitution Type = "substitution"
	Deletion     Type = "deletion"
	Insertion    Type = "insertion"
	Delins       Type = "delins"
	Nonsense     Type = "nonsense" // a premature stop
	StartLost    Type = "start_lost"
	StopLost     Type = "stop_lost"
	Frameshift   Type = "frameshift"
	Truncation   Type = "truncation"
)

// Types lists every change type.
var Types = []Type{Substitution, Deletion, Insertion, Delins, Nonsense, StartLost, StopLost, Frameshift, Truncation}

// ValidType reports whether t names a change type.
func ValidType(t string) bool { return slices.Contains(Types, Type(t)) }

// TypeList is every change type, comma-separated, for messages.
func TypeList() string {
	s := make([]string, len(Types))
	for i, t := range Types {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

// IsPointChange reports whether t replaces one residue by one (a
// substitution, a premature stop, a changed start codon): such changes are
// found by position and alternative.
func (t Type) IsPointChange() bool { return t == Substitution || t == Nonsense || t == StartLost }

// IsIndel reports whether t inserts or deletes residues in frame.
func (t Type) IsIndel() bool { return t == Deletion || t == Insertion || t == Delins }

// Truncates reports whether t ends the protein before the reference end: a
// premature stop, a frameshift (the wild-type frame ends there) or a
// truncation.
func (t Type) Truncates() bool { return t == Nonsense || t == Frameshift || t == Truncation }

// ReplacesResidues reports whether t names reference residues it changes
// (their codons are reported): point changes, deletions, delins and
// frameshifts; not insertions, stop_lost or truncations.
func (t Type) ReplacesResidues() bool {
	return t.IsPointChange() || t == Deletion || t == Delins || t == Frameshift
}

// Event is one change against the reference.
type Event struct {
	Type Type
	// Start and End are 1-based reference positions: the changed range for
	// substitutions, deletions, delins and truncations; the two flanking
	// residues for an insertion (End = Start+1); the duplicated range for an
	// insertion named as a dup; one past the reference end for stop_lost.
	Start, End int
	Ref        string // reference residues replaced ("" for an insertion)
	Alt        string // residues in their place ("" for a deletion; "*" for nonsense)
	Dup        bool   // insertion equal to the residues before it (named dup)
	// QStart and QEnd are the 1-based query positions of Alt (0 when Alt is
	// empty); for a deletion QStart is the query residue after the gap.
	QStart, QEnd int
	RetainedPct  float64 // nonsense and truncation: % of the reference length kept
	// FsTer is, for a frameshift whose new residue is known (Alt), the
	// position of the new frame's stop counting Start as 1 (0: no stop).
	FsTer int
	// Context is, for an insertion or delins, the query residues around it
	// (contextFlank on each side): a catalogue insertion written at another
	// place of an ambiguous alignment is found in it.
	Context     string
	HGVS, Short string
}

// Ambiguous is a reference position where the query has an ambiguous residue.
type Ambiguous struct {
	Pos     int
	Residue byte
	QPos    int
}

// Input is one aligned pair and what is known about the query.
type Input struct {
	AlignedQuery, AlignedRef string // gapped, equal length
	QueryStart               int    // 1-based query position of the first aligned residue
	QueryEnd                 int    // 1-based query position of the last aligned residue
	QueryLength              int    // whole query length (0: unknown)
	RefStart                 int    // 1-based reference position of the first aligned residue
	Ref                      []byte // the whole reference protein
	PartialStart, PartialEnd bool   // the query gene runs off a contig edge
	Frameshifts              []int  // reference positions of frameshifts reported by extract
	// QueryBefore and QueryAfter are the query residues before QueryStart and
	// after QueryEnd, when known (translated from the query's CDS). A local
	// alignment stops short of a changed first or last residue; when the
	// unaligned query end has exactly as many residues as the unaligned
	// reference end, the alignment is extended over it without gaps, so M1V or
	// a change of the last residue is still called. QueryAfter also tells a
	// real truncation or a read-through stop from a divergent end.
	QueryBefore, QueryAfter       string
	QueryBeforeSet, QueryAfterSet bool
	// QueryCDS and RefCDS are the coding sequences of the whole query
	// (codon k encodes query residue k) and of the reference, when known.
	// With both, the residues of a block holding gaps are placed codon by
	// codon as the nucleotides say (codonRealign), so a substitution next to
	// an indel is named on its own.
	QueryCDS string
	RefCDS   []byte
}

// extend adds the unaligned query ends to the alignment where they are as long
// as the unaligned reference ends (see Input).
func extend(in *Input) {
	ref := in.Ref
	if in.QueryBeforeSet && in.RefStart > 1 && len(in.QueryBefore) == in.RefStart-1 && in.QueryStart == in.RefStart &&
		!strings.ContainsAny(in.QueryBefore, "*-") && in.RefStart-1 <= len(ref) {
		in.AlignedQuery = in.QueryBefore + in.AlignedQuery
		in.AlignedRef = string(ref[:in.RefStart-1]) + in.AlignedRef
		in.QueryStart, in.RefStart = 1, 1
		in.QueryBeforeSet, in.QueryBefore = true, ""
	}
	if !in.QueryAfterSet {
		return
	}
	tail := in.QueryAfter
	if i := strings.IndexByte(tail, '*'); i >= 0 {
		tail = tail[:i]
	}
	refEnd := in.RefStart - 1 + len(in.AlignedRef) - strings.Count(in.AlignedRef, "-")
	if k := len(ref) - refEnd; k > 0 && len(tail) == k && refEnd >= 0 && !strings.Contains(tail, "-") {
		in.AlignedQuery += tail
		in.AlignedRef += string(ref[refEnd:])
		if in.QueryEnd > 0 {
			in.QueryEnd += k
		}
		in.QueryAfter = in.QueryAfter[k:]
	}
}

// queryRemains reports whether the query has residues after the aligned
// region (not counting a stop). Without QueryAfter a single trailing residue
// is taken for the stop '*' a translated protein may keep.
func queryRemains(in *Input, queryEnd int) bool {
	if in.QueryAfterSet {
		return in.QueryAfter != "" && in.QueryAfter[0] != '*'
	}
	return in.QueryLength-queryEnd >= 2
}

// Result is the calls of one aligned pair.
type Result struct {
	RefStart, RefEnd int
	RefLength        int
	Events           []Event
	Ambiguous        []Ambiguous
	Truncated        bool // the reference end is absent without a contig edge
	PartialStart     bool
	PartialEnd       bool
	observed         []observation // the positions the changes touch, in order
	frameshift       map[int]bool
	frameshiftAt     int // first frameshift: the reference reading frame is lost after it (0: none)
}

type colKind uint8

// nmCol is an alignment column other than a match: its index, kind, and the
// reference and query positions after it (for an insertion, the reference
// residue before it; for a deletion, the query residue before it).
type nmCol struct {
	col    int32
	kind   colKind
	rp, qp int32
}

const (
	colMatch colKind = iota
	colMismatch
	colDel // reference residue, query gap
	colIns // query residue, reference gap
)

// Call calls every change of one aligned pair.
func Call(in Input) (*Result, error) {
	aq, ar := in.AlignedQuery, in.AlignedRef
	if len(aq) != len(ar) {
		return nil, fmt.Errorf("aligned query and reference differ in length (%d, %d)", len(aq), len(ar))
	}
	if in.RefStart < 1 || in.QueryStart < 1 {
		return nil, fmt.Errorf("query_start %d / ref_start %d: positions are 1-based", in.QueryStart, in.RefStart)
	}
	extend(&in)
	anchorStop(&in)
	split := codonRealign(&in)
	aq, ar = in.AlignedQuery, in.AlignedRef
	ref := in.Ref
	if in.RefStart > len(ref) {
		return nil, fmt.Errorf("ref_start %d is past the reference end (%d residues)", in.RefStart, len(ref))
	}
	n := len(aq)
	// The columns other than matches, with their positions: matches between
	// them advance both sequences by one, so every column's position
	// follows from the list.
	var nm []nmCol
	rp, qp := in.RefStart-1, in.QueryStart-1
	for i := 0; i < n; i++ {
		// The common case, eight columns at a time: upper-case matches.
		for i+8 <= n && rp+8 <= len(ref) {
			x := le64(aq, i)
			if x != le64(ar, i) || x != le64b(ref, rp) || !allUpper(x) {
				break
			}
			i, rp, qp = i+8, rp+8, qp+8
		}
		if i == n {
			break
		}
		if c := aq[i]; c == ar[i] && c >= 'A' && c <= 'Z' && rp < len(ref) && ref[rp] == c { // one upper-case match
			rp++
			qp++
			continue
		}
		q, r := upper(aq[i]), upper(ar[i])
		if !residue(q) && q != '-' {
			return nil, fmt.Errorf("aligned query column %d: %q is not an amino-acid code or gap", i+1, aq[i])
		}
		if (!residue(r) || r == '*') && r != '-' {
			return nil, fmt.Errorf("aligned reference column %d: %q is not an amino-acid code or gap", i+1, ar[i])
		}
		var kind colKind
		switch {
		case q == '-' && r == '-':
			return nil, fmt.Errorf("alignment column %d is a gap in both sequences", i+1)
		case r == '-':
			qp++
			kind = colIns
		case q == '-':
			rp++
			kind = colDel
		default:
			rp++
			qp++
			kind = colMismatch
			if q == r {
				kind = colMatch
			}
		}
		if kind != colIns {
			if rp > len(ref) {
				return nil, fmt.Errorf("alignment runs past the reference end (%d residues)", len(ref))
			}
			if upper(ref[rp-1]) != r {
				return nil, fmt.Errorf("aligned reference residue %c at reference position %d does not match the reference (%c)", r, rp, ref[rp-1])
			}
		}
		if kind != colMatch {
			nm = append(nm, nmCol{col: int32(i), kind: kind, rp: int32(rp), qp: int32(qp)})
		}
	}
	res := &Result{RefStart: in.RefStart, RefEnd: rp, RefLength: len(ref), PartialStart: in.PartialStart, PartialEnd: in.PartialEnd,
		Events: make([]Event, 0, len(nm)+len(in.Frameshifts)+2)}
	if in.QueryEnd == 0 {
		in.QueryEnd = qp
	}
	if rp < in.RefStart { // empty alignment
		res.RefEnd = in.RefStart - 1
	}
	refAt := func(pos int) byte {
		if pos >= 1 && pos <= len(ref) {
			return upper(ref[pos-1])
		}
		return '?'
	}

	// runs of consecutive non-match columns
	var rseg, qseg []byte
	for a := 0; a < len(nm); {
		i := int(nm[a].col)
		b := a + 1
		for b < len(nm) && nm[b].col == nm[b-1].col+1 && !(split && gapKind(nm[b].kind) != gapKind(nm[b-1].kind)) {
			b++
		}
		gap := false
		for _, x := range nm[a:b] {
			if x.kind == colDel || x.kind == colIns {
				gap = true
			}
		}
		// limit: the last reference position before the next run
		limit := res.RefEnd
		if b < len(nm) {
			limit = int(nm[b].rp)
			if nm[b].kind != colIns {
				limit--
			}
		}
		if !gap {
			for _, x := range nm[a:b] {
				q := upper(aq[x.col])
				pos, qpos := int(x.rp), int(x.qp)
				if IsAmbiguous(q) {
					res.Ambiguous = append(res.Ambiguous, Ambiguous{Pos: pos, Residue: q, QPos: qpos})
					continue
				}
				res.Events = append(res.Events, pointEvent(pos, refAt(pos), q, qpos, len(ref)))
			}
		} else {
			// the block: reference residues replaced by query residues
			rseg, qseg = rseg[:0], qseg[:0]
			for _, x := range nm[a:b] {
				if x.kind != colIns {
					rseg = append(rseg, upper(ar[x.col]))
				}
				if x.kind != colDel {
					qseg = append(qseg, upper(aq[x.col]))
				}
			}
			// the positions of the column before the block (a match, or the alignment's start)
			rpBefore, qpBefore := in.RefStart-1+i, in.QueryStart-1+i
			if a > 0 {
				prev := nm[a-1]
				d := i - 1 - int(prev.col)
				rpBefore, qpBefore = int(prev.rp)+d, int(prev.qp)+d
			}
			switch ev, kind := blockEvent(rseg, qseg, rpBefore+1, qpBefore+1, limit, ref); kind {
			case blockCall:
				res.Events = append(res.Events, ev)
			case blockAmbiguous:
				res.Ambiguous = append(res.Ambiguous, Ambiguous{Pos: ev.Start, Residue: ev.Alt[0], QPos: ev.QStart})
			}
		}
		a = b
	}

	first := 0 // the first frameshift extract reported
	for _, fs := range in.Frameshifts {
		if fs < 1 || fs > len(ref) {
			return nil, fmt.Errorf("frameshift at reference position %d is outside the reference (1-%d)", fs, len(ref))
		}
		if first == 0 || fs < first {
			first = fs
		}
	}
	var fsAt frameStart
	if first > 0 {
		fsAt = frameshiftStart(&in, first)
	}
	for _, fs := range in.Frameshifts {
		ev := Event{Type: Frameshift, Start: fs, End: fs, Ref: Residue(refAt(fs))}
		if fs == first && fsAt.pos > 0 {
			// extract gives where the next frame's homology begins; the
			// change begins where the query's own frame first differs
			ev.Start, ev.End, ev.Ref, ev.Alt, ev.FsTer = fsAt.pos, fsAt.pos, Residue(refAt(fsAt.pos)), Residue(fsAt.alt), fsAt.ter
			if fsAt.alt == '*' { // the shifted frame stops at once: a premature stop
				ev = Event{Type: Nonsense, Start: fsAt.pos, End: fsAt.pos, Ref: ev.Ref, Alt: "*", QStart: fsAt.qpos, QEnd: fsAt.qpos, RetainedPct: pct(fsAt.pos-1, len(ref))}
				res.Events = append(res.Events, ev)
				continue
			}
		}
		if res.frameshift == nil {
			res.frameshift = map[int]bool{}
		}
		if res.frameshift[ev.Start] {
			continue
		}
		res.frameshift[ev.Start] = true
		res.Events = append(res.Events, ev)
	}

	if len(res.frameshift) > 0 {
		res.outOfFrame(in.QueryLength)
	}

	hasNonsense := res.frameshiftAt > 0 // a frameshift already says how the protein ends
	for _, e := range res.Events {
		if e.Type == Nonsense {
			hasNonsense = true
		}
	}
	// The query's stop codon right after the aligned region, where the
	// reference goes on: a premature stop at the next reference position (a
	// local alignment never ends on the stop itself), as in ramR K194* where
	// codon 194 of 194 is TAA.
	if !hasNonsense && in.QueryAfterSet && strings.HasPrefix(in.QueryAfter, "*") && res.RefEnd >= res.RefStart && res.RefEnd < len(ref) {
		p := res.RefEnd + 1
		res.Events = append(res.Events, Event{Type: Nonsense, Start: p, End: p, Ref: Residue(refAt(p)), Alt: "*",
			QStart: in.QueryEnd + 1, QEnd: in.QueryEnd + 1, RetainedPct: pct(p-1, len(ref))})
		hasNonsense = true
	}
	// truncation: the reference end is missing, the query ends there and
	// no contig edge explains it (a query that goes on has a divergent end:
	// not covered)
	if res.RefEnd < len(ref) && !in.PartialEnd && !hasNonsense && res.RefEnd >= res.RefStart && !queryRemains(&in, in.QueryEnd) {
		res.Truncated = true
		res.Events = append(res.Events, Event{
			Type: Truncation, Start: res.RefEnd + 1, End: len(ref), Ref: string(ref[res.RefEnd:]),
			RetainedPct: pct(res.RefEnd, len(ref)),
		})
	}
	if res.RefEnd == len(ref) && res.frameshiftAt == 0 {
		if queryRemains(&in, in.QueryEnd) {
			res.Events = append(res.Events, Event{Type: StopLost, Start: len(ref) + 1, End: len(ref) + 1, Ref: "*", QStart: in.QueryEnd + 1, QEnd: in.QueryLength})
		}
	}

	byPosition := func(a, b Event) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(typeOrder(a.Type), typeOrder(b.Type)))
	}
	if !slices.IsSortedFunc(res.Events, byPosition) {
		slices.SortStableFunc(res.Events, byPosition)
	}
	var ungapped string
	for k := range res.Events {
		e := &res.Events[k]
		e.name(refAt)
		if (e.Type == Insertion || e.Type == Delins) && e.QStart > 0 {
			if ungapped == "" {
				ungapped = strings.ToUpper(strings.ReplaceAll(aq, "-", ""))
			}
			lo, hi := e.QStart-in.QueryStart-contextFlank, e.QEnd-in.QueryStart+1+contextFlank
			e.Context = ungapped[max(0, lo):min(len(ungapped), max(0, hi))]
		}
	}
	res.buildObserved()
	return res, nil
}

// contextFlank is how many query residues Event.Context keeps on each side.
const contextFlank = 8

func gapKind(k colKind) bool { return k == colDel || k == colIns }

// anchorStop: when the alignment reaches the reference end and the query
// goes on for a few residues before its own stop, those residues may be an
// in-frame insertion shortly before a conserved stop (a divergent C-terminus
// makes the local alignment prefer mismatches to a gap) rather than a
// read-through of the reference stop. The alignment's last columns (up to
// anchorWindow, gap-free) are aligned again with the extra residues as one
// gap; when more residues then match than the gap costs (anchorGapCost), the
// end is rewritten, and the reference stop is kept.
func anchorStop(in *Input) {
	if !in.QueryAfterSet {
		return
	}
	stop := strings.IndexByte(in.QueryAfter, '*')
	n := stop
	if stop < 1 || n > anchorMaxInsert {
		return
	}
	aq, ar, ref := in.AlignedQuery, in.AlignedRef, in.Ref
	refEnd := in.RefStart - 1 + len(ar) - strings.Count(ar, "-")
	if refEnd != len(ref) {
		return
	}
	w := 0
	for w < anchorWindow && w < len(aq) && aq[len(aq)-1-w] != '-' && ar[len(ar)-1-w] != '-' {
		w++
	}
	if w < 2*n {
		return
	}
	q := strings.ToUpper(aq[len(aq)-w:]) + in.QueryAfter[:n]
	r := strings.ToUpper(ar[len(ar)-w:])
	same := func(qs, rs string) int {
		k := 0
		for i := 0; i < len(rs); i++ {
			if qs[i] == rs[i] {
				k++
			}
		}
		return k
	}
	diag := same(q[:w], r)
	best, at := -1, 0
	for i := 0; i <= w; i++ { // the n extra residues after reference residue i of the window
		if k := same(q[:i], r[:i]) + same(q[i+n:], r[i:]); k >= best {
			best, at = k, i
		}
	}
	// The stop is conserved when the query ends in the reference's last
	// residues: a read-through would have to meet them again by chance.
	conserved := w >= anchorMotif+n && q[len(q)-anchorMotif:] == r[len(r)-anchorMotif:]
	if !conserved && best-anchorGapCost <= diag {
		return
	}
	in.AlignedQuery = aq[:len(aq)-w] + q
	in.AlignedRef = ar[:len(ar)-w] + r[:at] + strings.Repeat("-", n) + r[at:]
	if in.QueryEnd > 0 {
		in.QueryEnd += n
	}
	in.QueryAfter = in.QueryAfter[n:]
}

// anchorStop's bounds: the window of last columns realigned, the longest
// insertion considered, and what a gap costs in matching residues.
const (
	anchorWindow    = 30
	anchorMaxInsert = 10
	anchorGapCost   = 2
	anchorMotif     = 2 // the query's last residues equal to the reference's: the stop is kept
)

// codonRealign places, where both coding sequences are known, the residues of
// every alignment block that holds gaps codon by codon: the block's query and
// reference codons are aligned with the length difference as one gap, put
// where the most bases agree (the 3'-most of equals). It reports whether it
// ran: the caller then names substitutions beside an indel on their own.
func codonRealign(in *Input) bool {
	qc, rc := in.QueryCDS, in.RefCDS
	if qc == "" || len(rc) < 3*len(in.Ref) {
		return false
	}
	aq, ar := in.AlignedQuery, in.AlignedRef
	if strings.IndexByte(aq, '-') < 0 && strings.IndexByte(ar, '-') < 0 {
		return true
	}
	var oq, or strings.Builder
	rp, qp := in.RefStart-1, in.QueryStart-1
	for i := 0; i < len(aq); {
		if aq[i] != '-' && ar[i] != '-' && upper(aq[i]) == upper(ar[i]) {
			oq.WriteByte(aq[i])
			or.WriteByte(ar[i])
			rp, qp, i = rp+1, qp+1, i+1
			continue
		}
		// a block: the columns up to the next match
		j, gaps := i, false
		for j < len(aq) && !(aq[j] != '-' && ar[j] != '-' && upper(aq[j]) == upper(ar[j])) {
			if aq[j] == '-' || ar[j] == '-' {
				gaps = true
			}
			j++
		}
		bq, br := strings.ReplaceAll(aq[i:j], "-", ""), strings.ReplaceAll(ar[i:j], "-", "")
		if gaps && len(bq) != len(br) && len(bq) > 0 && len(br) > 0 && 3*(qp+len(bq)) <= len(qc) {
			q3, r3 := qc[3*qp:3*(qp+len(bq))], string(rc[3*rp:3*(rp+len(br))])
			gq, gr := codonPlace(bq, br, q3, r3)
			oq.WriteString(gq)
			or.WriteString(gr)
		} else {
			oq.WriteString(aq[i:j])
			or.WriteString(ar[i:j])
		}
		rp, qp, i = rp+len(br), qp+len(bq), j
	}
	in.AlignedQuery, in.AlignedRef = oq.String(), or.String()
	return true
}

// codonPlace aligns query residues bq (codons q3) with reference residues br
// (codons r3), the shorter one gapped once, where the most bases agree.
func codonPlace(bq, br, q3, r3 string) (string, string) {
	long, short, l3, s3 := bq, br, q3, r3
	if len(br) > len(bq) {
		long, short, l3, s3 = br, bq, r3, q3
	}
	n := len(long) - len(short)
	bases := func(a, b string) int {
		k := 0
		for i := 0; i < len(a) && i < len(b); i++ {
			if upper(a[i]) == upper(b[i]) {
				k++
			}
		}
		return k
	}
	best, at := -1, 0
	for i := 0; i <= len(short); i++ { // the gap after codon i of the shorter
		k := bases(l3[:3*i], s3[:3*i]) + bases(l3[3*(i+n):], s3[3*i:])
		if k >= best {
			best, at = k, i
		}
	}
	gs := short[:at] + strings.Repeat("-", n) + short[at:]
	if len(br) > len(bq) {
		return gs, long
	}
	return long, gs
}

// frameStart is where a frameshift changes the protein: the reference
// position of the first changed residue, the query residue there (and its
// query position), and the position of the new frame's stop counting that
// residue as 1 (0 when the query has no stop).
type frameStart struct {
	pos, qpos, ter int
	alt            byte
}

// frameshiftStart finds where the query's reading frame leaves the
// reference's: along the diagonal of the alignment's last run of at least
// three matching residues before extract's frameshift position fs (the
// in-frame homology), the first reference position from fs-1 on (the codon
// before fs may hold the shift) whose query residue differs. Differences
// between the run and fs-1 are the gene's own substitutions, named on their
// own: against E. coli's folP, Klebsiella's S274A and E277G stay
// substitutions before a shift at 278-279. The whole query must be known.
func frameshiftStart(in *Input, fs int) frameStart {
	if !in.QueryBeforeSet || !in.QueryAfterSet {
		return frameStart{}
	}
	aq, ar, ref := in.AlignedQuery, in.AlignedRef, in.Ref
	rp, qp := in.RefStart-1, in.QueryStart-1
	run, endR, endQ := 0, 0, 0
	for i := 0; i < len(aq); i++ {
		q, r := upper(aq[i]), upper(ar[i])
		if r != '-' {
			rp++
		}
		if q != '-' {
			qp++
		}
		if q == r && q != '-' {
			if run++; run >= 3 && (rp < fs || endR == 0) {
				endR, endQ = rp, qp
			}
		} else {
			run = 0
		}
	}
	if endR == 0 {
		return frameStart{}
	}
	from := fs - 1
	var b strings.Builder
	b.Grow(len(in.QueryBefore) + len(aq) + len(in.QueryAfter))
	b.WriteString(in.QueryBefore)
	for i := 0; i < len(aq); i++ {
		if aq[i] != '-' {
			b.WriteByte(upper(aq[i]))
		}
	}
	b.WriteString(in.QueryAfter)
	whole := b.String()
	off := in.QueryStart - 1 - len(in.QueryBefore) // whole[0] is query position off+1
	r, q := endR+1, endQ+1
	for r <= len(ref) && q-off <= len(whole) && (r < from || whole[q-off-1] == upper(ref[r-1])) {
		r, q = r+1, q+1
	}
	if r > len(ref) || q-off > len(whole) {
		return frameStart{}
	}
	st := frameStart{pos: r, qpos: q, alt: whole[q-off-1]}
	if k := strings.IndexByte(whole[q-off-1:], '*'); k >= 0 {
		st.ter = k + 1
	}
	return st
}

// le64 and le64b load eight bytes (the compiler makes one load of them).
func le64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func le64b(b []byte, i int) uint64 {
	b = b[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// allUpper reports whether each of the eight bytes of x is in 'A'..'Z'.
func allUpper(x uint64) bool {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	if x&high != 0 {
		return false
	}
	// bytes below 0x80: adding 0x80-c sets a byte's high bit exactly when it is >= c, without carries
	geA := x + (0x80-'A')*ones
	gtZ := x + (0x80-'Z'-1)*ones
	return geA&^gtZ&high == high
}

func residue(c byte) bool { return (c >= 'A' && c <= 'Z') || c == '*' || c == '?' }

func typeOrder(t Type) int {
	switch t {
	case Frameshift:
		return 2
	case Truncation, StopLost:
		return 3
	case Insertion:
		return 1
	}
	return 0
}

func pct(kept, total int) float64 {
	if total == 0 {
		return 0
	}
	v := 100 * float64(kept) / float64(total)
	return float64(int(v*10+0.5)) / 10 // one decimal, deterministic
}

// pointEvent is a single mismatch column.
func pointEvent(pos int, r, q byte, qpos, refLen int) Event {
	e := Event{Type: Substitution, Start: pos, End: pos, Ref: Residue(r), Alt: Residue(q), QStart: qpos, QEnd: qpos}
	switch {
	case q == '*':
		e.Type = Nonsense
		e.RetainedPct = pct(pos-1, refLen)
	case pos == 1 && r == 'M':
		e.Type = StartLost
	}
	return e
}

type blockKind int

const (
	blockNone blockKind = iota
	blockCall
	blockAmbiguous
)

// blockEvent turns a run of columns holding gaps into one event: trimmed of
// residues common to both ends, then shifted 3' when it is a pure indel.
// rs/qs are the reference/query positions of the block's first residues; limit
// is the last reference position the event may be shifted to.
func blockEvent(rseg, qseg []byte, rs, qs, limit int, ref []byte) (Event, blockKind) {
	for len(rseg) > 0 && len(qseg) > 0 && rseg[0] == qseg[0] {
		rseg, qseg = rseg[1:], qseg[1:]
		rs++
		qs++
	}
	for len(rseg) > 0 && len(qseg) > 0 && rseg[len(rseg)-1] == qseg[len(qseg)-1] {
		rseg, qseg = rseg[:len(rseg)-1], qseg[:len(qseg)-1]
	}
	refAt := func(pos int) byte { return upper(ref[pos-1]) }
	switch {
	case len(rseg) == 0 && len(qseg) == 0:
		return Event{}, blockNone
	case len(rseg) == 1 && len(qseg) == 1:
		if IsAmbiguous(qseg[0]) {
			// an ambiguous residue in place of one reference residue: not a call
			return Event{Start: rs, Alt: string(qseg), QStart: qs}, blockAmbiguous
		}
		return pointEvent(rs, rseg[0], qseg[0], qs, len(ref)), blockCall
	case len(qseg) == 0: // deletion of rs..e
		e := rs + len(rseg) - 1
		s := rs
		for e+1 <= limit && e+1 <= len(ref) && refAt(s) == refAt(e+1) {
			s++
			e++
			qs++
		}
		return Event{Type: Deletion, Start: s, End: e, Ref: string(upperSeq(ref[s-1 : e])), QStart: qs}, blockCall
	case len(rseg) == 0: // insertion after flank f
		f := rs - 1
		alt := append([]byte(nil), qseg...)
		for f+1 <= limit && f+1 <= len(ref) && alt[0] == refAt(f+1) {
			alt = append(alt[1:], alt[0])
			f++
			qs++
		}
		ev := Event{Type: Insertion, Start: f, End: f + 1, Alt: string(alt), QStart: qs, QEnd: qs + len(alt) - 1}
		if k := len(alt); f-k+1 >= 1 && string(upperSeq(ref[f-k:f])) == string(alt) {
			ev.Dup = true
			ev.Start, ev.End = f-k+1, f
		}
		return ev, blockCall
	}
	return Event{Type: Delins, Start: rs, End: rs + len(rseg) - 1, Ref: string(rseg), Alt: string(qseg), QStart: qs, QEnd: qs + len(qseg) - 1}, blockCall
}

func upperSeq(s []byte) []byte {
	out := make([]byte, len(s))
	for i, c := range s {
		out[i] = upper(c)
	}
	return out
}

// buildObserved records what the query has at each reference position its
// changes touch ('-' when deleted); every other covered position has the
// reference residue.
func (r *Result) buildObserved() {
	var obs []observation
	set := func(p int, s string) {
		if p >= r.RefStart && p <= r.RefEnd {
			obs = append(obs, observation{p, s})
		}
	}
	for _, e := range r.Events {
		switch e.Type {
		case Substitution, Nonsense, StartLost:
			set(e.Start, e.Alt)
		case Deletion:
			for p := e.Start; p <= e.End; p++ {
				set(p, "-")
			}
		case Delins:
			set(e.Start, e.Alt)
			for p := e.Start + 1; p <= e.End; p++ {
				set(p, "-")
			}
		}
	}
	for _, a := range r.Ambiguous {
		set(a.Pos, Residue(a.Residue))
	}
	// By position; of several at one position the last set wins. Both
	// lists are in position order already, as a rule.
	if !slices.IsSortedFunc(obs, func(a, b observation) int { return cmp.Compare(a.pos, b.pos) }) {
		slices.SortStableFunc(obs, func(a, b observation) int { return cmp.Compare(a.pos, b.pos) })
	}
	r.observed = obs
}

// observation is what the query has at a reference position.
type observation struct {
	pos int
	s   string
}

// oneByteStrings holds every one-byte string, so that naming a residue does
// not allocate.
var oneByteStrings = func() (t [256]string) {
	for i := range t {
		t[i] = string([]byte{byte(i)})
	}
	return t
}()

// Residue returns residue c as a string, without allocating.
func Residue(c byte) string { return oneByteStrings[c] }

// Site statuses, as written in the sites table.
const (
	StatusWT         = "WT"
	StatusMut        = "MUT"
	StatusNotCovered = "NOT_COVERED"
	StatusAmbiguous  = "AMBIGUOUS"
)

// ValidStatus reports whether s is a site status.
func ValidStatus(s string) bool {
	switch s {
	case StatusWT, StatusMut, StatusNotCovered, StatusAmbiguous:
		return true
	}
	return false
}

// Site returns the status of reference position pos and the residue observed
// there ("-" when deleted or absent, "" when not covered).
func (r *Result) Site(pos int, ref []byte) (status, observed string) {
	if r.frameshiftAt > 0 && pos > r.frameshiftAt && pos <= r.RefLength {
		return StatusMut, "fs" // past a frameshift the wild-type reading frame is gone
	}
	if pos < r.RefStart || pos > r.RefEnd || pos > len(ref) {
		if r.Truncated && pos > r.RefEnd && pos <= r.RefLength {
			return StatusMut, "-"
		}
		return StatusNotCovered, ""
	}
	if r.frameshift[pos] {
		return StatusMut, "fs"
	}
	wt := Residue(upper(ref[pos-1]))
	k := sort.Search(len(r.observed), func(i int) bool { return r.observed[i].pos > pos }) - 1
	if k < 0 || r.observed[k].pos != pos {
		return StatusWT, wt
	}
	switch o := r.observed[k].s; {
	case len(o) == 1 && IsAmbiguous(o[0]):
		return StatusAmbiguous, o
	case o != wt:
		return StatusMut, o
	}
	return StatusWT, wt
}

// outOfFrame keeps, after the first frameshift, only the frameshift events:
// the residues that follow are translated in another frame (up to the
// shifted frame's stop), so they are a consequence of the frameshift, not
// independent changes (HGVS names the whole as p.Leu280fs). The frameshift
// events carry the share of the reference length the shifted protein keeps
// (Kleborate's OmpK35-40% for HS11286: a 144-residue protein of 359).
func (r *Result) outOfFrame(queryLength int) {
	at := 0
	for fs := range r.frameshift {
		if at == 0 || fs < at {
			at = fs
		}
	}
	r.frameshiftAt = at
	kept := r.Events[:0]
	for _, e := range r.Events {
		if e.Type == Frameshift || e.Start < at {
			if e.Type == Frameshift && queryLength > 0 {
				e.RetainedPct = pct(min(queryLength, r.RefLength), r.RefLength)
			}
			kept = append(kept, e)
		}
	}
	r.Events = kept
	amb := r.Ambiguous[:0]
	for _, a := range r.Ambiguous {
		if a.Pos < at {
			amb = append(amb, a)
		}
	}
	r.Ambiguous = amb
}

// Apply applies the result's substitution-like events, indels and ambiguous
// residues to the aligned reference region and returns the query region it
// implies (frameshift, truncation and stop_lost events are not applied). The
// round-trip test checks Apply(ref) equals the ungapped aligned query.
func (r *Result) Apply(ref []byte) []byte {
	type edit struct {
		start, end int // replace ref[start..end] (1-based; end = start-1 inserts before start)
		alt        string
	}
	var edits []edit
	for _, e := range r.Events {
		switch e.Type {
		case Substitution, Nonsense, StartLost, Deletion, Delins:
			edits = append(edits, edit{e.Start, e.End, e.Alt})
		case Insertion:
			at := e.End // insert before End
			if e.Dup {
				at = e.End + 1
			}
			edits = append(edits, edit{at, at - 1, e.Alt})
		}
	}
	for _, a := range r.Ambiguous {
		edits = append(edits, edit{a.Pos, a.Pos, string(a.Residue)})
	}
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	var out []byte
	p := r.RefStart
	for _, ed := range edits {
		for ; p < ed.start; p++ {
			out = append(out, upper(ref[p-1]))
		}
		out = append(out, ed.alt...)
		if ed.end >= p {
			p = ed.end + 1
		}
	}
	for ; p <= r.RefEnd; p++ {
		out = append(out, upper(ref[p-1]))
	}
	return out
}
