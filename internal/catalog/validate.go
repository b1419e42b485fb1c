package catalog

import (
	"fmt"
	"strings"

	"github.com/wtscan/wtscan/internal/gencode"
	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/variant"
)

// Validate checks every entry against the references (see the package
// documentation). Entries for genes without a reference are dropped with a
// note. Faulty entries are all listed: without lenient Validate returns them
// as an error (Problems); with lenient it drops them and returns them as
// warnings.
func (c *Catalog) Validate(refs *refset.Set, lenient bool) (warnings Problems, err error) {
	var faults Problems
	kept := c.Entries[:0]
	for _, e := range c.Entries {
		ref, skip, probs := c.checkEntry(e, refs)
		if skip != "" {
			c.Notes = append(c.Notes, Note{e.File, e.Line, skip})
			continue
		}
		if len(probs) > 0 {
			faults = append(faults, probs...)
			continue
		}
		if err := normalize(e, ref); err != nil {
			faults = append(faults, problem("catalog.entry", e.File, e.Line, err.Error()))
			continue
		}
		kept = append(kept, e)
	}
	if len(faults) > 0 && !lenient {
		return nil, faults
	}
	c.Entries = kept
	c.index()
	return faults, nil
}

func (c *Catalog) refFor(refs *refset.Set, gene, accession, organism string) (*refset.Reference, string, error) {
	if accession != "" {
		if r := refs.ByID(accession); r != nil {
			return r, "", nil
		}
	}
	if len(refs.Gene(gene)) == 0 {
		return nil, fmt.Sprintf("gene %s has no reference in %s: entry not used", gene, refs.Path), nil
	}
	r, _, err := refs.ForGene(gene, organism)
	return r, "", err
}

// checkEntry returns the entry's reference, a note when the entry is skipped
// on purpose, or its faults.
func (c *Catalog) checkEntry(e *Entry, refs *refset.Set) (*refset.Reference, string, Problems) {
	var probs Problems
	add := func(check, format string, args ...any) {
		probs = append(probs, problem(check, e.File, e.Line, fmt.Sprintf(format, args...)))
	}
	if e.GeneName != "" && !strings.EqualFold(e.GeneName, e.Gene) {
		add("catalog.gene_name", "Gene_ID %s and Gene_name %s name different genes", e.Gene, e.GeneName)
	}
	ref, skip, err := c.refFor(refs, e.Gene, e.Reference, e.Organism)
	if err != nil {
		add("catalog.reference", "%v", err)
		return nil, "", probs
	}
	if skip != "" {
		if len(probs) > 0 {
			return nil, "", probs
		}
		return nil, skip, nil
	}
	prot := ref.Protein
	n := len(prot)
	last := e.EndPosition
	if last < e.Position {
		last = e.Position
	}
	if e.Position < 1 || last > n {
		add("catalog.position", "position %d is past the end of reference %s (%d residues)", last, ref.ID, n)
		return nil, "", probs
	}
	if e.Type == variant.Deletion && e.Ref == "" {
		e.Ref = string(prot[e.Position-1 : last])
	}
	if e.Ref != "" {
		if e.Position-1+len(e.Ref) > n {
			add("catalog.position", "reference residues %s at %d run past the end of reference %s (%d residues)", e.Ref, e.Position, ref.ID, n)
			return nil, "", probs
		}
		if got := string(prot[e.Position-1 : e.Position-1+len(e.Ref)]); got != e.Ref {
			add("catalog.residue", "%s %d: catalogue reference residue %s, but reference %s has %s", e.Gene, e.Position, e.Ref, ref.ID, got)
		}
	}
	if e.RefCodon != "" && len(e.Ref) == 1 {
		codon := e.RefCodon
		if len(codon) != 3 || strings.Trim(codon, "ACGTN") != "" {
			add("catalog.ref_codon", "%s %d: reference codon %q is not three bases", e.Gene, e.Position, codon)
		} else {
			if !strings.Contains(codon, "N") {
				if aa := gencode.Codon([]byte(codon)); aa != e.Ref[0] {
					add("catalog.codon", "%s %d: codon %s encodes %c, not %s", e.Gene, e.Position, codon, aa, e.Ref)
				}
			}
			if rc := ref.Codon(e.Position); rc != "" && !codonMatch(codon, rc) {
				add("catalog.ref_codon", "%s %d: catalogue codon %s, but reference %s has %s at codon %d", e.Gene, e.Position, codon, ref.ID, rc, e.Position)
			}
		}
	}
	if e.Type == variant.Substitution || e.Type == variant.StartLost {
		for _, a := range e.Alts {
			if e.Ref != "" && a == e.Ref {
				add("catalog.alt", "%s %d: alternative %s is the reference residue", e.Gene, e.Position, a)
			}
		}
	}
	if e.Type == variant.StartLost && e.Position != 1 {
		add("catalog.entry", "%s: start_lost at position %d (must be 1)", e.Gene, e.Position)
	}
	for _, all := range e.Requires {
		for _, tok := range all {
			tr, skip, err := c.refFor(refs, tok.Gene, "", e.Organism)
			if err != nil {
				add("catalog.combination", "combination %s: %v", tok.Raw, err)
				continue
			}
			if skip != "" {
				continue // a gene without reference: the rule can never be met, said when evaluated
			}
			if tok.Pos < 1 || tok.Pos > len(tr.Protein) {
				add("catalog.combination", "combination %s: position %d is past the end of reference %s (%d residues)", tok.Raw, tok.Pos, tr.ID, len(tr.Protein))
				continue
			}
			if got := tr.Protein[tok.Pos-1]; got != tok.Ref {
				add("catalog.combination", "combination %s: reference %s has %c at %d", tok.Raw, tr.ID, got, tok.Pos)
			}
		}
	}
	return ref, "", probs
}

// codonMatch compares a catalogue codon (N matches any base) with the reference's.
func codonMatch(cat, ref string) bool {
	if len(cat) != len(ref) {
		return false
	}
	for i := 0; i < len(cat); i++ {
		if cat[i] != 'N' && cat[i] != ref[i] {
			return false
		}
	}
	return true
}

// normalize names indel entries the way the caller names the change: the
// change is applied to the reference and called again, so a catalogue
// insertion written at any equivalent place matches the 3'-shifted call.
func normalize(e *Entry, ref *refset.Reference) error {
	var alts []string
	switch e.Type {
	case variant.Deletion:
		alts = []string{""}
	case variant.Insertion, variant.Delins:
		alts = e.Alts
	default:
		return nil
	}
	e.normalized = nil
	prot := string(ref.Protein)
	for _, alt := range alts {
		var aq, ar string
		switch e.Type {
		case variant.Insertion:
			aq = prot[:e.Position] + alt + prot[e.Position:]
			ar = prot[:e.Position] + strings.Repeat("-", len(alt)) + prot[e.Position:]
		default:
			end := e.EndPosition
			if e.Type == variant.Delins && len(e.Ref) > 0 {
				end = e.Position + len(e.Ref) - 1
			}
			span := end - e.Position + 1
			pad := alt
			gapsQ, gapsR := "", ""
			if len(alt) < span {
				gapsQ = strings.Repeat("-", span-len(alt))
			} else if len(alt) > span {
				gapsR = strings.Repeat("-", len(alt)-span)
			}
			aq = prot[:e.Position-1] + pad + gapsQ + prot[end:]
			ar = prot[:e.Position-1] + prot[e.Position-1:end] + gapsR + prot[end:]
		}
		res, err := variant.Call(variant.Input{AlignedQuery: aq, AlignedRef: ar, QueryStart: 1, RefStart: 1, Ref: ref.Protein})
		if err != nil {
			return fmt.Errorf("%s %d: cannot apply the %s to the reference: %v", e.Gene, e.Position, e.Type, err)
		}
		var evs []variant.Event
		for _, ev := range res.Events {
			if ev.Type != variant.Truncation && ev.Type != variant.StopLost {
				evs = append(evs, ev)
			}
		}
		if len(evs) != 1 {
			return fmt.Errorf("%s %d: the %s %q is no change of the reference", e.Gene, e.Position, e.Type, alt)
		}
		e.normalized = append(e.normalized, evs[0])
	}
	return nil
}
