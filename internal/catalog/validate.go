package catalog

import (
	"fmt"
	"strings"

	"github.com/wtscan/wtscan/internal/gencode"
	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/variant"
)

// Validate checks every entry against the references (see the package
// documentation) and reads a catalogue made elsewhere as its authors mean it:
// a row whose reference residue, codon, gene name or combination rule
// disagrees with the references is kept (matched on position and
// alternative, as PointFinder matches it) and its faults are returned as
// warnings; a row that cannot apply (a gene without a reference, a position
// past the reference end) is dropped with a warning; a catalogue codon that
// differs from the reference's but encodes the same residue is a note. With
// strict every fault is an error (Problems) and nothing is dropped silently.
// c.Kept, c.Dropped, c.WithFaults and c.Faults count rows and faults apart.
func (c *Catalog) Validate(refs *refset.Set, strict bool) (warnings Problems, err error) {
	var faults Problems
	kept := c.Entries[:0]
	c.Dropped, c.WithFaults = 0, 0
	for _, e := range c.Entries {
		var (
			ref   *refset.Reference
			drop  bool
			probs Problems
			notes []string
		)
		if target := c.target(e, refs); target != nil && (target.Nucleotide() || e.Nucleotide) {
			ref, drop, probs = c.checkNucleotide(e, target)
		} else {
			ref, drop, probs, notes = c.checkEntry(e, refs)
		}
		for _, n := range notes {
			c.Notes = append(c.Notes, Note{e.File, e.Line, n})
		}
		if !drop && ref != nil && !e.Nucleotide {
			if err := normalize(e, ref); err != nil {
				probs = append(probs, problem("catalog.entry", e.File, e.Line, err.Error()))
				drop = true
			}
		}
		faults = append(faults, probs...)
		if drop {
			c.Dropped++
			continue
		}
		if len(probs) > 0 {
			c.WithFaults++
			for _, p := range probs {
				e.Faults = append(e.Faults, p.Msg)
			}
		}
		kept = append(kept, e)
	}
	c.Faults = len(faults)
	if len(faults) > 0 && strict {
		return nil, faults
	}
	c.Entries = kept
	c.Kept = len(kept)
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
		return nil, fmt.Sprintf("gene %s has no reference in %s (genes there: %s)", gene, refs.Path, strings.Join(refs.Genes(), ", ")), nil
	}
	r, _, err := refs.ForQuery(gene, organism, accession)
	return r, "", err
}

// checkEntry returns the entry's reference, whether the row cannot apply
// (drop), its faults, and notes (facts that are no fault).
func (c *Catalog) checkEntry(e *Entry, refs *refset.Set) (ref *refset.Reference, drop bool, probs Problems, notes []string) {
	add := func(check, format string, args ...any) {
		probs = append(probs, problem(check, e.File, e.Line, fmt.Sprintf(format, args...)))
	}
	if e.GeneName != "" && !strings.EqualFold(e.GeneName, e.Gene) {
		add("catalog.gene_name", "Gene_ID %s and Gene_name %s name different genes", e.Gene, e.GeneName)
	}
	ref, missing, err := c.refFor(refs, e.Gene, e.Reference, e.Organism)
	if err != nil {
		add("catalog.reference", "%v", err)
		return nil, true, probs, nil
	}
	if missing != "" {
		add("catalog.reference", "%s: row not used", missing)
		return nil, true, probs, nil
	}
	prot := ref.Protein
	n := len(prot)
	last := max(e.EndPosition, e.Position)
	if e.Position < 1 || last > n {
		where := ""
		if e.NucPosition > 0 {
			where = fmt.Sprintf(" (nucleotide %d)", e.NucPosition)
		}
		add("catalog.position", "position %d%s is past the end of reference %s (%d residues): row not used", last, where, ref.ID, n)
		return nil, true, probs, nil
	}
	if e.Ref != "" {
		if e.Position-1+len(e.Ref) > n {
			add("catalog.position", "reference residues %s at %d run past the end of reference %s (%d residues): row not used", e.Ref, e.Position, ref.ID, n)
			return nil, true, probs, nil
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
			encodes := true
			if !strings.Contains(codon, "N") {
				if aa := gencode.Codon([]byte(codon)); aa != e.Ref[0] {
					add("catalog.codon", "%s %d: codon %s encodes %c, not %s", e.Gene, e.Position, codon, aa, e.Ref)
					encodes = false
				}
			}
			if rc := ref.Codon(e.Position); rc != "" && !codonMatch(codon, rc) {
				if encodes && gencode.Codon([]byte(rc)) == e.Ref[0] {
					notes = append(notes, fmt.Sprintf("%s %d: catalogue codon %s, reference %s has %s: a synonymous codon, both %s", e.Gene, e.Position, codon, ref.ID, rc, e.Ref))
				} else {
					add("catalog.ref_codon", "%s %d: catalogue codon %s, but reference %s has %s at codon %d", e.Gene, e.Position, codon, ref.ID, rc, e.Position)
				}
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
		add("catalog.entry", "%s: start_lost at position %d (must be 1): row not used", e.Gene, e.Position)
		return nil, true, probs, nil
	}
	for _, all := range e.Requires {
		for _, tok := range all {
			tr, missing, err := c.refFor(refs, tok.Gene, "", e.Organism)
			if err != nil {
				add("catalog.combination", "combination %s: %v", tok.Raw, err)
				continue
			}
			if missing != "" {
				add("catalog.combination", "combination %s: %s: the rule can never be met", tok.Raw, missing)
				continue
			}
			if tok.Pos < 1 || tok.Pos > len(tr.Protein) {
				add("catalog.combination", "combination %s: position %d is past the end of reference %s (%d residues)", tok.Raw, tok.Pos, tr.ID, len(tr.Protein))
				continue
			}
			if got := tr.Protein[tok.Pos-1]; tok.Ref != 0 && got != tok.Ref {
				add("catalog.combination", "combination %s: reference %s has %c at %d", tok.Raw, tr.ID, got, tok.Pos)
			}
		}
	}
	return ref, false, probs, notes
}

// normalizeBases applies an indel given in bases (PointFinder's NUC rows:
// rpoB "1295 del AATTCATGG" starts inside a codon, katG "1850 ins AC"
// shifts the frame) to the reference CDS, translates the result and names
// the change the way the caller does: an in-frame indel as the one protein
// change it makes, a frameshift as a frameshift at the first residue the
// new frame changes (and, when that residue is a stop, as that nonsense
// change too). An insertion is read both after and before the base its
// position names, as PointFinder's rows are written either way.
func normalizeBases(e *Entry, ref *refset.Reference) error {
	if ref.CDS == nil {
		return fmt.Errorf("%s: an indel given in bases needs a coding-sequence reference; %s is a protein", e.Gene, ref.ID)
	}
	e.normalized = nil
	p := e.NucPosition
	cds := string(ref.CDS)
	var muts []string
	for _, del := range e.NucDeleted {
		if p < 1 || p-1+len(del) > len(cds) {
			return fmt.Errorf("%s: deletion of %s at nucleotide %d runs past the end of reference %s (%d bases)", e.Gene, del, p, ref.ID, len(cds))
		}
		if got := cds[p-1 : p-1+len(del)]; got != del {
			return fmt.Errorf("%s: deletion of %s at nucleotide %d, but reference %s has %s there", e.Gene, del, p, ref.ID, got)
		}
		muts = append(muts, cds[:p-1]+cds[p-1+len(del):])
	}
	for _, ins := range e.NucInserted {
		if p < 1 || p > len(cds) {
			return fmt.Errorf("%s: insertion at nucleotide %d is outside reference %s (%d bases)", e.Gene, p, ref.ID, len(cds))
		}
		muts = append(muts, cds[:p]+ins+cds[p:], cds[:p-1]+ins+cds[p-1:])
	}
	wt := string(ref.Protein)
	seen := map[variant.Event]bool{}
	add := func(ev variant.Event) {
		if !seen[ev] {
			seen[ev] = true
			e.normalized = append(e.normalized, ev)
		}
	}
	for _, mut := range muts {
		prot := string(gencode.Translate([]byte(mut), true))
		a := 0 // the residues before the change (the reference has no stop to match)
		for a < len(prot) && a < len(wt) && prot[a] == wt[a] {
			a++
		}
		if (len(mut)-len(cds))%3 != 0 {
			// the new frame, compared with the reference from the start
			if a >= len(wt) {
				return fmt.Errorf("%s: the frameshift at nucleotide %d changes no residue of %s", e.Gene, p, ref.ID)
			}
			ev := variant.Event{Type: variant.Frameshift, Start: a + 1, End: a + 1, Ref: wt[a : a+1]}
			add(ev)
			if strings.ContainsRune(mut, 'N') && a+1 < len(wt) {
				// unknown inserted bases may keep the first codon they
				// touch: the frame may change the next residue first
				add(variant.Event{Type: variant.Frameshift, Start: a + 2, End: a + 2, Ref: wt[a+1 : a+2]})
			}
			if a < len(prot) && prot[a] == '*' {
				add(variant.Event{Type: variant.Nonsense, Start: a + 1, End: a + 1, Ref: wt[a : a+1], Alt: "*"})
			}
			if e.Ref == "" {
				e.Ref = ev.Ref
			}
			continue
		}
		prot = strings.TrimSuffix(prot, "*") // as ref.Protein, without its stop
		// the change: what the mutated protein has between the common prefix and suffix
		b := 0
		for b < len(prot)-a && b < len(wt)-a && prot[len(prot)-1-b] == wt[len(wt)-1-b] {
			b++
		}
		rs, qs := wt[a:len(wt)-b], prot[a:len(prot)-b]
		aq, ar := wt[:a]+qs+strings.Repeat("-", max(0, len(rs)-len(qs)))+wt[len(wt)-b:], wt[:a]+rs+strings.Repeat("-", max(0, len(qs)-len(rs)))+wt[len(wt)-b:]
		// called with both coding sequences, as subscan calls a genome
		// holding the change: an indel that starts inside a codon places
		// its gap codon by codon and names the residue it changes on its
		// own (rpoB 1295 del AATTCATGG: Q432H and F433_D435del). The indel
		// is this entry's; the substitution beside it is reported on its
		// own (it may be an entry of its own), so that a sample with that
		// substitution alone is not taken for this indel
		qlen := len(wt) - len(rs) + len(qs)
		res, err := variant.Call(variant.Input{
			AlignedQuery: aq, AlignedRef: ar, QueryStart: 1, QueryEnd: qlen, QueryLength: qlen, RefStart: 1, Ref: ref.Protein,
			QueryBeforeSet: true, QueryAfterSet: true, QueryCDS: mut, RefCDS: ref.CDS,
		})
		if err != nil {
			return fmt.Errorf("%s %d: cannot apply the indel to the reference: %v", e.Gene, e.Position, err)
		}
		for _, ev := range res.Events {
			if ev.Type.IsIndel() {
				add(ev)
				if e.Ref == "" {
					e.Ref = ev.Ref
				}
			}
		}
	}
	if len(e.normalized) == 0 {
		return fmt.Errorf("%s: the indel at nucleotide %d changes no residue of %s", e.Gene, p, ref.ID)
	}
	return nil
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
	if len(e.NucDeleted) > 0 || len(e.NucInserted) > 0 {
		return normalizeBases(e, ref)
	}
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
		ev, n, err := callApplied(aq, ar, ref)
		if err != nil {
			return fmt.Errorf("%s %d: cannot apply the %s to the reference: %v", e.Gene, e.Position, e.Type, err)
		}
		if n != 1 {
			return fmt.Errorf("%s %d: the %s %q is no change of the reference", e.Gene, e.Position, e.Type, alt)
		}
		e.normalized = append(e.normalized, ev)
	}
	return nil
}

// callApplied names a catalogue change applied to the reference (aq and ar
// align the changed and the wild-type protein) as the caller names it: its
// changes other than truncation and stop_lost, how many, and the first.
func callApplied(aq, ar string, ref *refset.Reference) (variant.Event, int, error) {
	res, err := variant.Call(variant.Input{AlignedQuery: aq, AlignedRef: ar, QueryStart: 1, RefStart: 1, Ref: ref.Protein})
	if err != nil {
		return variant.Event{}, 0, err
	}
	var first variant.Event
	n := 0
	for _, ev := range res.Events {
		if ev.Type != variant.Truncation && ev.Type != variant.StopLost {
			if n == 0 {
				first = ev
			}
			n++
		}
	}
	return first, n, nil
}

// target returns the reference a row names, moving an amino-acid row (or an
// indel in the gene) of a promoter entry to the protein target made of the
// entry's gene part (embA-promoter-size-115bp's D4N is embA D4N). Nil when
// the gene has no reference (checkEntry says so).
func (c *Catalog) target(e *Entry, refs *refset.Set) *refset.Reference {
	ref, missing, err := c.refFor(refs, e.Gene, e.Reference, e.Organism)
	if err != nil || missing != "" {
		if e.Nucleotide && strings.HasSuffix(e.Gene, "-promoter") {
			return nil
		}
		// a wtscan catalogue names a promoter change by its gene and a
		// negative position: fabG1 -15
		if p := refs.Gene(e.Gene + "-promoter"); len(p) > 0 && e.Position < 0 {
			e.Gene, e.Nucleotide = e.Gene+"-promoter", true
			return p[0]
		}
		return nil
	}
	if ref.Kind == refset.KindPromoter && !e.Nucleotide && ref.CodingGene != "" {
		if p := refs.ByID(ref.ID + refset.CodingSuffix); p != nil {
			e.Gene, e.Reference = p.Gene, p.ID
			return p
		}
	}
	return ref
}

// checkNucleotide checks a row of a nucleotide target: its position on the
// target, its reference base (a fault when it differs), its alternatives;
// indels are applied to the target and named as the caller names them.
func (c *Catalog) checkNucleotide(e *Entry, ref *refset.Reference) (*refset.Reference, bool, Problems) {
	var probs Problems
	add := func(check, format string, args ...any) {
		probs = append(probs, problem(check, e.File, e.Line, fmt.Sprintf(format, args...)))
	}
	if !ref.Nucleotide() {
		add("catalog.reference", "%s %d: a nucleotide row, but %s is a protein target in the references: row not used", e.Gene, e.Position, ref.ID)
		return nil, true, probs
	}
	if !e.Nucleotide && c.Format == FormatWtscan && variant.IsBaseChange(e.Ref+strings.Join(e.Alts, "")) {
		e.Nucleotide = true // a wtscan catalogue's row of a nucleotide target: bases
	}
	if !e.Nucleotide {
		add("catalog.reference", "%s %d: an amino-acid row, but %s is a nucleotide target (%s) whose gene part is not a protein target: row not used", e.Gene, e.Position, ref.ID, ref.Kind)
		return nil, true, probs
	}
	e.Reference = ref.ID
	i := ref.Index(e.Position)
	if i < 0 {
		add("catalog.position", "%s: position %d is not on reference %s (%s)%s: row not used", e.Gene, e.Position, ref.ID, coordRange(ref), zeroNote(ref, e.Position))
		return nil, true, probs
	}
	if ref.CodingGene != "" && e.Position > 0 {
		add("catalog.position", "%s: position %d lies in the gene part, which is called on protein %s: row not used", e.Gene, e.Position, ref.CodingGene)
		return nil, true, probs
	}
	seq := ref.Seq
	switch e.Type {
	case variant.Substitution:
		if got := string(seq[i]); got != e.Ref {
			add("catalog.residue", "%s %d: catalogue reference base %s, but reference %s has %s", e.Gene, e.Position, e.Ref, ref.ID, got)
		}
		for _, a := range e.Alts {
			if a == string(seq[i]) {
				add("catalog.alt", "%s %d: alternative %s is the reference base", e.Gene, e.Position, a)
			}
		}
		return ref, false, probs
	case variant.Deletion:
		if i+len(e.Ref) > len(seq) {
			add("catalog.position", "%s: deletion of %s at %d runs past the end of reference %s: row not used", e.Gene, e.Ref, e.Position, ref.ID)
			return nil, true, probs
		}
		if got := string(seq[i : i+len(e.Ref)]); got != e.Ref {
			add("catalog.residue", "%s %d: deletion of %s, but reference %s has %s there: row not used", e.Gene, e.Position, e.Ref, ref.ID, got)
			return nil, true, probs
		}
		aq := string(seq[:i]) + strings.Repeat("-", len(e.Ref)) + string(seq[i+len(e.Ref):])
		ev, err := nucApplied(aq, string(seq), ref)
		if err != nil {
			add("catalog.entry", "%s %d: %v: row not used", e.Gene, e.Position, err)
			return nil, true, probs
		}
		e.normalized = []variant.Event{ev}
	case variant.Insertion:
		// PointFinder's insertion positions are read both ways (the bases go
		// in before or after the base at the position): its promoter
		// positions count backwards, and literature names the same
		// insertion either way (ampC -13insGT).
		e.normalized = nil
		for _, a := range e.Alts {
			for _, at := range []int{i, i + 1} {
				aq := string(seq[:at]) + a + string(seq[at:])
				ar := string(seq[:at]) + strings.Repeat("-", len(a)) + string(seq[at:])
				ev, err := nucApplied(aq, ar, ref)
				if err != nil {
					add("catalog.entry", "%s %d: %v: row not used", e.Gene, e.Position, err)
					return nil, true, probs
				}
				e.normalized = append(e.normalized, ev)
			}
		}
	default:
		add("catalog.entry", "%s %d: a %s of a nucleotide target is not matched (substitutions, insertions and deletions are): row not used", e.Gene, e.Position, e.Type)
		return nil, true, probs
	}
	return ref, false, probs
}

// nucApplied names a catalogue change applied to a nucleotide target as the
// caller names it, in the target's coordinates.
func nucApplied(aq, ar string, ref *refset.Reference) (variant.Event, error) {
	res, err := variant.CallNucleotide(NucInput(ref, aq, ar, 1, 1))
	if err != nil {
		return variant.Event{}, err
	}
	if len(res.Events) != 1 {
		return variant.Event{}, fmt.Errorf("the change is %d changes of the reference", len(res.Events))
	}
	return CoordEvent(ref, res.Events[0]), nil
}

// NucInput is the caller's input for an aligned pair of nucleotide target
// ref.
func NucInput(ref *refset.Reference, aq, ar string, queryStart, refStart int) variant.NucInput {
	in := variant.NucInput{AlignedQuery: aq, AlignedRef: ar, QueryStart: queryStart, RefStart: refStart, Ref: ref.Seq,
		Coord: func(i int) int { return ref.Pos(i - 1) }, Prefix: "n."}
	if ref.Kind == refset.KindPromoter {
		in.Prefix = "c."
		if ref.CodingGene != "" {
			in.Limit = ref.Upstream
		}
	}
	return in
}

// CoordEvent returns a nucleotide event with its positions in the target's
// coordinates (the caller counts 1-based indices).
func CoordEvent(ref *refset.Reference, e variant.Event) variant.Event {
	e.Start, e.End = ref.Pos(e.Start-1), ref.Pos(e.End-1)
	return e
}

func coordRange(ref *refset.Reference) string {
	if ref.Kind == refset.KindPromoter {
		return fmt.Sprintf("%d..-1 and 1..%d", -ref.Upstream, len(ref.Seq)-ref.Upstream)
	}
	return fmt.Sprintf("1..%d", len(ref.Seq))
}

func zeroNote(ref *refset.Reference, pos int) string {
	if pos == 0 && ref.Kind == refset.KindPromoter {
		return "; there is no position 0: -1 is the base before the gene's first"
	}
	return ""
}
