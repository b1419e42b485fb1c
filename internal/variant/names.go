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
	p := strconv.Itoa
	one := func(pos int) string { return string(refAt(pos)) + p(pos) }
	three := func(pos int) string { return Three(refAt(pos)) + p(pos) }
	rangeOne := func(s, t int) string {
		if s == t {
			return one(s)
		}
		return one(s) + "_" + one(t)
	}
	rangeThree := func(s, t int) string {
		if s == t {
			return three(s)
		}
		return three(s) + "_" + three(t)
	}
	shortAlt := e.Alt
	switch e.Type {
	case Substitution:
		e.HGVS = "p." + three(e.Start) + Three(e.Alt[0])
		e.Short = one(e.Start) + e.Alt
	case Nonsense:
		e.HGVS = "p." + three(e.Start) + "Ter"
		e.Short = one(e.Start) + "*"
	case StartLost:
		e.HGVS = "p." + three(e.Start) + "?"
		e.Short = one(e.Start) + "?"
	case Deletion:
		e.HGVS = "p." + rangeThree(e.Start, e.End) + "del"
		e.Short = rangeOne(e.Start, e.End) + "del"
	case Insertion:
		if e.Dup {
			e.HGVS = "p." + rangeThree(e.Start, e.End) + "dup"
			e.Short = rangeOne(e.Start, e.End) + "dup"
		} else {
			e.HGVS = "p." + three(e.Start) + "_" + three(e.End) + "ins" + ThreeSeq(e.Alt)
			e.Short = one(e.Start) + "_" + one(e.End) + "ins" + shortAlt
		}
	case Delins:
		e.HGVS = "p." + rangeThree(e.Start, e.End) + "delins" + ThreeSeq(e.Alt)
		e.Short = rangeOne(e.Start, e.End) + "delins" + shortAlt
	case Frameshift:
		e.HGVS = "p." + three(e.Start) + "fs"
		e.Short = one(e.Start) + "fs"
	case Truncation:
		// The residues from Start to the reference end are absent: named as a
		// deletion of that range; the type and RetainedPct say it is a truncation.
		e.HGVS = "p." + rangeThree(e.Start, e.End) + "del"
		e.Short = rangeOne(e.Start, e.End) + "del"
	case StopLost:
		// The reference stop (one past its last residue) is read through; the
		// extension's length is not known from the alignment.
		e.HGVS = "p.Ter" + p(e.Start) + "ext*?"
		e.Short = "*" + p(e.Start) + "ext"
	}
}

// Symbol is gene_short, as in gyrA_S83L.
func Symbol(gene, short string) string { return gene + "_" + short }
