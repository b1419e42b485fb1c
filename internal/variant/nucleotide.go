package variant

import (
	"fmt"
	"strconv"
	"strings"
)

// NucInput is one aligned pair of a nucleotide target (an RNA gene or a
// promoter region) and its query copy.
type NucInput struct {
	AlignedQuery, AlignedRef string // gapped, equal length
	QueryStart, QueryEnd     int    // 1-based query positions of the first and last aligned bases
	RefStart                 int    // 1-based index into Ref of the first aligned base
	Ref                      []byte // the whole target sequence
	// Coord converts a 1-based index into Ref to the coordinate names use
	// (for a promoter, negative before the gene; nil: the index itself).
	Coord func(int) int
	// Prefix is the HGVS coordinate prefix: "n." for RNA genes, "c." for
	// promoters.
	Prefix string
	// Limit, when positive, is the last index called: a promoter whose gene
	// part is called on its protein stops before the gene.
	Limit int
}

// CallNucleotide calls every change of one aligned nucleotide pair: base
// substitutions one by one, and each run of gapped columns (with the
// mismatches inside it) as one deletion, insertion (named dup when it repeats
// the bases before it) or delins. Pure insertions and deletions are shifted
// 3′ as far as the sequence allows, as HGVS names them. Event positions are
// 1-based indices into Ref; HGVS and Short use Coord. Query bases other than
// A, C, G, T (and U, read as T) are ambiguous, never substitutions.
func CallNucleotide(in NucInput) (*Result, error) {
	aq, ar := in.AlignedQuery, in.AlignedRef
	if len(aq) != len(ar) {
		return nil, fmt.Errorf("aligned query and reference differ in length (%d, %d)", len(aq), len(ar))
	}
	coord := in.Coord
	if coord == nil {
		coord = func(i int) int { return i }
	}
	ref := in.Ref
	res := &Result{RefStart: in.RefStart, RefLength: len(ref)}
	rp, qp := in.RefStart-1, in.QueryStart-1 // bases consumed so far
	n := len(aq)
	hi := rp + n - strings.Count(ar, "-") // the last aligned reference base: a 3′ shift stays inside
	for i := 0; i < n; {
		a, r := nucUpper(aq[i]), nucUpper(ar[i])
		if a != '-' && r != '-' {
			rp++
			qp++
			switch {
			case a == r:
			case !isBase(a):
				res.Ambiguous = append(res.Ambiguous, Ambiguous{Pos: rp, Residue: a, QPos: qp})
			default:
				res.Events = append(res.Events, Event{Type: Substitution, Start: rp, End: rp, Ref: string(r), Alt: string(a), QStart: qp, QEnd: qp})
			}
			i++
			continue
		}
		// a block: a run of gapped columns (an insertion next to a deletion
		// makes a delins)
		j := i
		var rseg, qseg []byte
		rs, qs := rp+1, qp+1
		for ; j < n && (aq[j] == '-' || ar[j] == '-'); j++ {
			if ar[j] != '-' {
				rseg = append(rseg, nucUpper(ar[j]))
				rp++
			}
			if aq[j] != '-' {
				qseg = append(qseg, nucUpper(aq[j]))
				qp++
			}
		}
		i = j
		res.Events = append(res.Events, nucBlock(ref, rseg, qseg, rs, qs, in.RefStart, hi))
	}
	res.RefEnd = rp
	limit := in.Limit
	if limit > 0 {
		kept := res.Events[:0]
		for _, e := range res.Events {
			if e.Start <= limit && e.End <= limit+1 {
				kept = append(kept, e)
			}
		}
		res.Events = kept
		amb := res.Ambiguous[:0]
		for _, a := range res.Ambiguous {
			if a.Pos <= limit {
				amb = append(amb, a)
			}
		}
		res.Ambiguous = amb
		res.RefEnd = min(res.RefEnd, limit)
	}
	for k := range res.Events {
		res.Events[k].nameNucleotide(in.Prefix, coord, ref)
	}
	res.buildObserved()
	return res, nil
}

// nucBlock names a block of reference bases rseg (from index rs) replaced by
// query bases qseg (from query position qs); lo and hi bound the aligned
// reference region a 3′ shift may move in.
func nucBlock(ref, rseg, qseg []byte, rs, qs, lo, hi int) Event {
	switch {
	case len(qseg) == 0: // deletion of ref[rs..rs+len-1], shifted 3′
		s, e := rs, rs+len(rseg)-1
		for e+1 <= hi && nucUpper(ref[s-1]) == nucUpper(ref[e]) {
			s, e = s+1, e+1
		}
		return Event{Type: Deletion, Start: s, End: e, Ref: upperString(ref[s-1 : e]), QStart: qs}
	case len(rseg) == 0: // insertion between rs-1 and rs, shifted 3′
		alt := append([]byte(nil), qseg...)
		p := rs - 1 // the base before the insertion
		for p+1 <= hi && alt[0] == nucUpper(ref[p]) {
			alt = append(alt[1:], nucUpper(ref[p]))
			p++
		}
		ev := Event{Type: Insertion, Start: p, End: p + 1, Alt: string(alt), QStart: qs, QEnd: qs + len(qseg) - 1}
		if k := len(alt); p-k+1 >= lo && upperString(ref[p-k:p]) == string(alt) {
			ev.Dup, ev.Start, ev.End = true, p-k+1, p
		}
		return ev
	}
	return Event{Type: Delins, Start: rs, End: rs + len(rseg) - 1, Ref: string(rseg), Alt: string(qseg), QStart: qs, QEnd: qs + len(qseg) - 1}
}

// nameNucleotide fills HGVS (n.2059A>G, c.-15C>T, n.100_102del,
// c.-15_-14dup, n.5_6insGT, n.5_7delinsTT) and Short (A2059G, C-15T, and the
// HGVS name without its prefix for other changes).
func (e *Event) nameNucleotide(prefix string, coord func(int) int, ref []byte) {
	var b []byte
	pos := func(b []byte, i int) []byte { return strconv.AppendInt(b, int64(coord(i)), 10) }
	rng := func(b []byte, s, t int) []byte {
		b = pos(b, s)
		if t != s {
			b = pos(append(b, '_'), t)
		}
		return b
	}
	switch e.Type {
	case Substitution:
		b = append(append(append(pos(b, e.Start), e.Ref...), '>'), e.Alt...)
		e.Short = string(append(pos(append([]byte(nil), e.Ref...), e.Start), e.Alt...))
	case Deletion:
		b = append(rng(b, e.Start, e.End), "del"...)
	case Insertion:
		if e.Dup {
			b = append(rng(b, e.Start, e.End), "dup"...)
		} else {
			b = append(append(pos(append(pos(b, e.Start), '_'), e.End), "ins"...), e.Alt...)
		}
	case Delins:
		b = append(append(rng(b, e.Start, e.End), "delins"...), e.Alt...)
	default:
		return
	}
	e.HGVS = prefix + string(b)
	if e.Type != Substitution {
		e.Short = string(b)
	}
}

// isBase reports whether c (upper case) is one of A, C, G, T.
func isBase(c byte) bool { return c == 'A' || c == 'C' || c == 'G' || c == 'T' }

// nucUpper is upper case with U read as T.
func nucUpper(c byte) byte {
	c = upper(c)
	if c == 'U' {
		return 'T'
	}
	return c
}

func upperString(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		out[i] = nucUpper(c)
	}
	return string(out)
}

// IsBaseChange reports whether an alternative written in a table is a run of
// bases (A, C, G, T): a nucleotide change's alt.
func IsBaseChange(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isBase(nucUpper(s[i])) {
			return false
		}
	}
	return s != ""
}
