package variant

import (
	"strconv"
	"strings"
)

// threeLetter maps one-letter amino-acid codes to HGVS three-letter codes.
var threeLetter = [256]string{
	'A': "Ala", 'R': "Arg", 'N': "Asn", 'D': "Asp", 'C': "Cys", 'Q': "Gln", 'E': "Glu",
	'G': "Gly", 'H': "His", 'I': "Ile", 'L': "Leu", 'K': "Lys", 'M': "Met", 'F': "Phe",
	'P': "Pro", 'S': "Ser", 'T': "Thr", 'W': "Trp", 'Y': "Tyr", 'V': "Val",
	'U': "Sec", 'O': "Pyl", 'B': "Asx", 'Z': "Glx", 'J': "Xle", 'X': "Xaa", '*': "Ter",
}

// Three returns the HGVS three-letter code of residue c ("Xaa" for unknown codes).
func Three(c byte) string {
	if s := threeLetter[upper(c)]; s != "" {
		return s
	}
	return "Xaa"
}

// ThreeSeq spells a residue string in three-letter codes.
func ThreeSeq(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteString(Three(s[i]))
	}
	return b.String()
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// IsAmbiguous reports whether residue c does not name one amino acid: X, B,
// Z, J (and '?'), which are never called as substitutions.
func IsAmbiguous(c byte) bool {
	switch upper(c) {
	case 'X', 'B', 'Z', 'J', '?':
		return true
	}
	return false
}

// name fills e.HGVS and e.Short from the event's type, positions and residues.
// refAt returns the reference residue of a 1-based position.
func (e *Event) name(refAt func(int) byte) {
	var hb, sb [64]byte
	h, sh := append(hb[:0], "p."...), sb[:0]
	one := func(b []byte, pos int) []byte { return strconv.AppendInt(append(b, refAt(pos)), int64(pos), 10) }
	three := func(b []byte, pos int) []byte {
		return strconv.AppendInt(append(b, Three(refAt(pos))...), int64(pos), 10)
	}
	rangeOne := func(b []byte, s, t int) []byte {
		b = one(b, s)
		if s != t {
			b = one(append(b, '_'), t)
		}
		return b
	}
	rangeThree := func(b []byte, s, t int) []byte {
		b = three(b, s)
		if s != t {
			b = three(append(b, '_'), t)
		}
		return b
	}
	threeSeq := func(b []byte, s string) []byte {
		for i := 0; i < len(s); i++ {
			b = append(b, Three(s[i])...)
		}
		return b
	}
	switch e.Type {
	case Substitution:
		h = append(three(h, e.Start), Three(e.Alt[0])...)
		sh = append(one(sh, e.Start), e.Alt...)
	case Nonsense:
		h = append(three(h, e.Start), "Ter"...)
		sh = append(one(sh, e.Start), '*')
	case StartLost:
		h = append(three(h, e.Start), '?')
		sh = append(one(sh, e.Start), '?')
	case Deletion, Truncation:
		// A truncation's residues from Start to the reference end are absent:
		// named as a deletion of that range; the type and RetainedPct say it
		// is a truncation.
		h = append(rangeThree(h, e.Start, e.End), "del"...)
		sh = append(rangeOne(sh, e.Start, e.End), "del"...)
	case Insertion:
		if e.Dup {
			h = append(rangeThree(h, e.Start, e.End), "dup"...)
			sh = append(rangeOne(sh, e.Start, e.End), "dup"...)
		} else {
			h = threeSeq(append(three(append(three(h, e.Start), '_'), e.End), "ins"...), e.Alt)
			sh = append(append(one(append(one(sh, e.Start), '_'), e.End), "ins"...), e.Alt...)
		}
	case Delins:
		h = threeSeq(append(rangeThree(h, e.Start, e.End), "delins"...), e.Alt)
		sh = append(append(rangeOne(sh, e.Start, e.End), "delins"...), e.Alt...)
	case Frameshift:
		// p.Lys292GlnfsTer18: the first residue the shifted frame changes,
		// its replacement, and where the new frame's stop falls counting
		// that residue as 1 (Ter? when the query has no stop); p.Gly134fs
		// when the new residue is not known.
		h = three(h, e.Start)
		if e.Alt != "" {
			h = append(append(h, Three(e.Alt[0])...), "fsTer"...)
			if e.FsTer > 0 {
				h = strconv.AppendInt(h, int64(e.FsTer), 10)
			} else {
				h = append(h, '?')
			}
		} else {
			h = append(h, "fs"...)
		}
		sh = append(one(sh, e.Start), "fs"...)
	case StopLost:
		// The reference stop (one past its last residue) is read through; the
		// extension's length is not known from the alignment.
		h = append(strconv.AppendInt(append(h, "Ter"...), int64(e.Start), 10), "ext*?"...)
		sh = append(strconv.AppendInt(append(sh, '*'), int64(e.Start), 10), "ext"...)
	default:
		return
	}
	e.HGVS, e.Short = string(h), string(sh)
}

// Symbol is gene_short, as in gyrA_S83L.
func Symbol(gene, short string) string { return string(AppendSymbol(nil, gene, short)) }

// AppendSymbol appends Symbol(gene, short) to b.
func AppendSymbol(b []byte, gene, short string) []byte {
	return append(append(append(b, gene...), '_'), short...)
}
