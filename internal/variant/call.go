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
	"fmt"
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
	HGVS, Short  string
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
	observed         []byte // per reference position RefStart..RefEnd: the query residue, '-', or multiObserved
	observedMulti    map[int]string
	frameshift       map[int]bool
	frameshiftAt     int // first frameshift: the reference reading frame is lost after it (0: none)
}

type colKind uint8

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
	aq, ar = in.AlignedQuery, in.AlignedRef
	ref := in.Ref
	if in.RefStart > len(ref) {
		return nil, fmt.Errorf("ref_start %d is past the reference end (%d residues)", in.RefStart, len(ref))
	}
	n := len(aq)
	kinds := make([]colKind, n) // colMatch is zero
	// refPos: reference position of the column (or of the last reference
	// residue before it); qryPos likewise in the query.
	pos := make([]int32, 2*n)
	refPos, qryPos := pos[:n], pos[n:]
	rp, qp := in.RefStart-1, in.QueryStart-1
	changed := 0 // columns other than matches: at most as many events
	for i := 0; i < n; i++ {
		if c := aq[i]; c == ar[i] && c >= 'A' && c <= 'Z' && rp < len(ref) && ref[rp] == c { // the common case: an upper-case match
			rp++
			qp++
			refPos[i], qryPos[i] = int32(rp), int32(qp)
			continue
		}
		changed++
		q, r := upper(aq[i]), upper(ar[i])
		if !residue(q) && q != '-' {
			return nil, fmt.Errorf("aligned query column %d: %q is not an amino-acid code or gap", i+1, aq[i])
		}
		if (!residue(r) || r == '*') && r != '-' {
			return nil, fmt.Errorf("aligned reference column %d: %q is not an amino-acid code or gap", i+1, ar[i])
		}
		switch {
		case q == '-' && r == '-':
			return nil, fmt.Errorf("alignment column %d is a gap in both sequences", i+1)
		case r == '-':
			qp++
			kinds[i] = colIns
		case q == '-':
			rp++
			kinds[i] = colDel
		default:
			rp++
			qp++
			if rp > len(ref) {
				return nil, fmt.Errorf("alignment runs past the reference end (%d residues)", len(ref))
			}
			if upper(ref[rp-1]) != r {
				return nil, fmt.Errorf("aligned reference residue %c at reference position %d does not match the reference (%c)", r, rp, ref[rp-1])
			}
			if q == r {
				kinds[i] = colMatch
			} else {
				kinds[i] = colMismatch
			}
		}
		if kinds[i] == colDel {
			if rp > len(ref) {
				return nil, fmt.Errorf("alignment runs past the reference end (%d residues)", len(ref))
			}
			if upper(ref[rp-1]) != r {
				return nil, fmt.Errorf("aligned reference residue %c at reference position %d does not match the reference (%c)", r, rp, ref[rp-1])
			}
		}
		refPos[i], qryPos[i] = int32(rp), int32(qp)
	}
	res := &Result{RefStart: in.RefStart, RefEnd: rp, RefLength: len(ref), PartialStart: in.PartialStart, PartialEnd: in.PartialEnd,
		Events: make([]Event, 0, changed+len(in.Frameshifts)+2)}
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

	// runs of non-match columns
	i := 0
	for i < n {
		if kinds[i] == colMatch {
			i++
			continue
		}
		j := i
		gap := false
		for j < n && kinds[j] != colMatch {
			if kinds[j] == colDel || kinds[j] == colIns {
				gap = true
			}
			j++
		}
		// limit: the last reference position before the next non-match run
		limit := res.RefEnd
		for k := j; k < n; k++ {
			if kinds[k] != colMatch {
				limit = int(refPos[k])
				if kinds[k] != colIns {
					limit--
				}
				break
			}
		}
		if !gap {
			for k := i; k < j; k++ {
				q := upper(aq[k])
				pos, qpos := int(refPos[k]), int(qryPos[k])
				if IsAmbiguous(q) {
					res.Ambiguous = append(res.Ambiguous, Ambiguous{Pos: pos, Residue: q, QPos: qpos})
					continue
				}
				res.Events = append(res.Events, pointEvent(pos, refAt(pos), q, qpos, len(ref)))
			}
		} else {
			// the block: reference residues replaced by query residues
			var rseg, qseg []byte
			for k := i; k < j; k++ {
				if kinds[k] != colIns {
					rseg = append(rseg, upper(ar[k]))
				}
				if kinds[k] != colDel {
					qseg = append(qseg, upper(aq[k]))
				}
			}
			rs := 1 // first reference position of the block
			if i > 0 {
				rs = int(refPos[i-1]) + 1
			} else {
				rs = in.RefStart
			}
			qs := in.QueryStart
			if i > 0 {
				qs = int(qryPos[i-1]) + 1
			}
			switch ev, kind := blockEvent(rseg, qseg, rs, qs, limit, ref); kind {
			case blockCall:
				res.Events = append(res.Events, ev)
			case blockAmbiguous:
				res.Ambiguous = append(res.Ambiguous, Ambiguous{Pos: ev.Start, Residue: ev.Alt[0], QPos: ev.QStart})
			}
		}
		i = j
	}

	for _, fs := range in.Frameshifts {
		if fs < 1 || fs > len(ref) {
			return nil, fmt.Errorf("frameshift at reference position %d is outside the reference (1-%d)", fs, len(ref))
		}
		if res.frameshift == nil {
			res.frameshift = map[int]bool{}
		}
		if res.frameshift[fs] {
			continue
		}
		res.frameshift[fs] = true
		res.Events = append(res.Events, Event{Type: Frameshift, Start: fs, End: fs, Ref: oneByte(refAt(fs))})
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

	sort.SliceStable(res.Events, func(a, b int) bool {
		ea, eb := res.Events[a], res.Events[b]
		if ea.Start != eb.Start {
			return ea.Start < eb.Start
		}
		return typeOrder(ea.Type) < typeOrder(eb.Type)
	})
	for k := range res.Events {
		res.Events[k].name(refAt)
	}
	res.buildObserved(ref)
	return res, nil
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
	e := Event{Type: Substitution, Start: pos, End: pos, Ref: oneByte(r), Alt: oneByte(q), QStart: qpos, QEnd: qpos}
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

// buildObserved records the query residue at each covered reference position:
// one byte each ('-' when deleted), with the few multi-residue observations
// (a delins's alternative) kept aside.
func (r *Result) buildObserved(ref []byte) {
	if r.RefEnd < r.RefStart {
		return
	}
	obs := upperSeq(ref[r.RefStart-1 : r.RefEnd])
	set := func(p int, s string) {
		if p < r.RefStart || p > r.RefEnd {
			return
		}
		if len(s) == 1 {
			obs[p-r.RefStart] = s[0]
			return
		}
		obs[p-r.RefStart] = multiObserved
		if r.observedMulti == nil {
			r.observedMulti = map[int]string{}
		}
		r.observedMulti[p] = s
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
		set(a.Pos, oneByte(a.Residue))
	}
	r.observed = obs
}

// multiObserved marks a position whose observation is in observedMulti.
const multiObserved = 0

// oneByteStrings holds every one-byte string, so that naming a residue does
// not allocate.
var oneByteStrings = func() (t [256]string) {
	for i := range t {
		t[i] = string([]byte{byte(i)})
	}
	return t
}()

func oneByte(c byte) string { return oneByteStrings[c] }

// Residue returns residue c as a string, without allocating.
func Residue(c byte) string { return oneByteStrings[c] }

// Site statuses, as written in the sites table.
const (
	StatusWT         = "WT"
	StatusMut        = "MUT"
	StatusNotCovered = "NOT_COVERED"
	StatusAmbiguous  = "AMBIGUOUS"
)

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
	c := r.observed[pos-r.RefStart]
	switch {
	case c == multiObserved:
		return StatusMut, r.observedMulti[pos]
	case IsAmbiguous(c):
		return StatusAmbiguous, oneByte(c)
	case c != upper(ref[pos-1]):
		return StatusMut, oneByte(c)
	}
	return StatusWT, oneByte(c)
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
