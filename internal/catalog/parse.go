package catalog

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/wtscan/wtscan/internal/gencode"
	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/variant"
)

// lines splits data into lines without their line ends (CRLF accepted).
func lines(data []byte) []string {
	ls := strings.Split(string(data), "\n")
	for i := range ls {
		ls[i] = strings.TrimRight(ls[i], "\r")
	}
	if n := len(ls); n > 0 && ls[n-1] == "" {
		ls = ls[:n-1]
	}
	return ls
}

func entryID(file string, line int) string { return fmt.Sprintf("%s:%d", filepath.Base(file), line) }

// geneOf is a Gene_ID's gene: up to the first '_' (as reference ids are read).
func geneOf(id string) string {
	if i := strings.IndexByte(id, '_'); i > 0 {
		return id[:i]
	}
	return id
}

// nucleotideGene tells RNA genes and promoters by name.
func nucleotideGene(geneID, geneName string) bool {
	low := strings.ToLower(geneID + " " + geneName)
	for _, w := range []string{"16s", "23s", "5s_", "promoter", "rrs", "rrl"} {
		if strings.Contains(low, w) {
			return true
		}
	}
	return false
}

// nucleotideRow tells PointFinder rows for RNA genes and promoters: their
// positions count nucleotides, not codons.
func nucleotideRow(geneID, geneName, pos, refNuc string) bool {
	if nucleotideGene(geneID, geneName) {
		return true
	}
	if p, err := strconv.Atoi(pos); err == nil && p <= 0 {
		return true
	}
	return len(refNuc) == 1 && refNuc != "-"
}

// pointFinderGene is a Gene_ID's gene as the reference set names it. The
// two tables spell the folder's targets differently (phenotypes.txt
// 16S-rrsB_1_CP067250.1 and ahpC-promoter-size-180bp_1_CP049108.1,
// resistens-overview.txt 16S_rrsB and ahpC_promoter_size_180bp): a promoter
// entry is "ahpC-promoter"; else the longest target of genes.txt the id
// starts with (separators '_' and '-' alike); else the id up to its first
// '_'.
func (c *Catalog) pointFinderGene(id string) string {
	if g, kind, _ := refset.PointFinderTarget(promoterPrefix(id), nil); kind == refset.KindPromoter {
		return g
	}
	norm := strings.ReplaceAll(id, "_", "-")
	best := ""
	for _, g := range c.pfGenes {
		gn := strings.ReplaceAll(g, "_", "-")
		if (norm == gn || strings.HasPrefix(norm, gn+"-")) && len(g) > len(best) {
			best = g
		}
	}
	if best != "" {
		g, _, _ := refset.PointFinderTarget(best, nil)
		return g
	}
	return geneOf(id)
}

// promoterPrefix is id up to the end of a "promoter-size-Nbp" part (either
// separator), or id itself.
func promoterPrefix(id string) string {
	low := strings.ToLower(id)
	i := strings.Index(low, "promoter")
	if i < 0 {
		return id
	}
	j := strings.Index(low[i:], "bp")
	if j < 0 {
		return id
	}
	return id[:i+j+2]
}

// nucleotideRow reads a PointFinder row at a nucleotide position of an RNA
// gene or a promoter: a substitution (Ref_nuc, alternatives in Res_codon),
// or, with "ins"/"del" in Ref_codon, an insertion of the bases in Res_codon
// at pos or a deletion of the bases in Res_codon starting at pos.
func (c *Catalog) nucleotideRow(file string, n int, gene, geneID string, pos int, refNuc, refCodon, res string, f []string, cols pfColumns) (*Entry, error) {
	field := func(k int) string {
		if k < 0 || k >= len(f) {
			return ""
		}
		return strings.TrimSpace(f[k])
	}
	e := &Entry{
		ID: entryID(file, n), File: file, Line: n, Gene: gene, Nucleotide: true,
		Position: pos, EndPosition: pos,
		DrugClasses: splitList(field(cols.drugs), ","), PMIDs: splitList(field(cols.pmid), ",;- "),
		Phenotype: field(cols.mechanism), Notes: field(cols.notes), RequiresRaw: field(cols.required),
	}
	if geneID != geneOf(geneID) {
		e.Reference = geneID
	}
	if e.Phenotype != "" && e.Notes != "" {
		e.Phenotype += ": " + e.Notes
	} else if e.Notes != "" {
		e.Phenotype = e.Notes
	}
	alts := splitList(strings.ToUpper(res), ",")
	for _, a := range alts {
		if !variant.IsBaseChange(a) {
			return nil, fmt.Errorf("%s %d: Res_codon %q is not a comma-separated list of bases", gene, pos, res)
		}
	}
	if len(alts) == 0 {
		return nil, fmt.Errorf("%s %d: no alternative bases in Res_codon", gene, pos)
	}
	switch strings.ToLower(refCodon) {
	case "ins":
		e.Type, e.Alts = variant.Insertion, alts
	case "del":
		if len(alts) != 1 {
			return nil, fmt.Errorf("%s %d: a deletion names one run of bases, not %q", gene, pos, res)
		}
		e.Type, e.Ref = variant.Deletion, alts[0]
		e.EndPosition = pos + len(alts[0]) - 1
		if pos < 0 && e.EndPosition >= 0 {
			e.EndPosition++ // no position 0
		}
	default:
		r := strings.ToUpper(refNuc)
		if r == "" || r == "-" {
			r = strings.ToUpper(refCodon)
		}
		if len(r) != 1 || !variant.IsBaseChange(r) {
			return nil, fmt.Errorf("%s %d: reference base %q is not one of A, C, G, T", gene, pos, r)
		}
		for _, a := range alts {
			if len(a) != 1 {
				return nil, fmt.Errorf("%s %d: substitution alternative %q is not one base", gene, pos, a)
			}
		}
		e.Type, e.Ref, e.Alts = variant.Substitution, r, alts
	}
	var err error
	if e.Requires, err = parseRequirement(e.RequiresRaw); err != nil {
		return nil, fmt.Errorf("Required mutation: %v", err)
	}
	return e, nil
}

func validResidue(s string) bool {
	if len(s) != 1 {
		return false
	}
	c := s[0]
	return (c >= 'A' && c <= 'Z') || c == '*'
}

// pfColumns are where a PointFinder table keeps its fields: the legacy
// resistens-overview.txt (Gene_ID, Gene_name, Codon_pos, Ref_nuc, Ref_codon,
// Res_codon, Resistance, PMID, Mechanism, Notes, Required_mut) or the current
// phenotypes.txt (Gene_accession, TypeGene, Mutation ID, Codon_pos, Ref_nuc,
// Ref_codon, Res_codon, Class, Phenotype, PMID, Mechanism of resistance,
// Notes, Required mutation, % abundance mutation required).
type pfColumns struct {
	geneID, geneName, typeGene, pos, refNuc, refAA, resAA, drugs, class, pmid, mechanism, notes, required int
	min                                                                                                   int
}

var (
	pfOverview   = pfColumns{0, 1, -1, 2, 3, 4, 5, 6, -1, 7, 8, 9, 10, 7}
	pfPhenotypes = pfColumns{0, -1, 1, 3, 4, 5, 6, 8, 7, 9, 10, 11, 12, 7}
)

// PointFinder files.
const (
	PointFinderPhenotypes = "phenotypes.txt"
	PointFinderOverview   = "resistens-overview.txt"
)

// parsePointFinder reads a PointFinder table. Rows after a "# Indels" line
// are insertions and deletions; their Codon_pos counts nucleotides of the
// gene in resistens-overview.txt and in phenotypes.txt rows of TypeGene NUC
// (acrR "382 del" is codons 128-132), codons in phenotypes.txt rows of
// TypeGene AA. Rows of RNA genes, promoter positions upstream of the gene
// and NUC substitutions are nucleotide entries (nucleotideRow). Lines starting with '#' are comments (phenotypes.txt comments
// out retired rows that way).
func (c *Catalog) parsePointFinder(file string, data []byte, cols pfColumns) Problems {
	var probs Problems
	indels := false
	field := func(f []string, k int) string {
		if k < 0 || k >= len(f) {
			return ""
		}
		return strings.TrimSpace(f[k])
	}
	for i, line := range lines(data) {
		n := i + 1
		if strings.TrimSpace(line) == "" {
			continue
		}
		if strings.HasPrefix(line, "#") {
			if strings.Contains(strings.ToLower(line), "indel") {
				indels = true
			}
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < cols.min {
			probs = append(probs, problem("catalog.parse", file, n, fmt.Sprintf("%d tab-separated columns; PointFinder rows have at least %d (%s)", len(f), cols.min, filepath.Base(file))))
			continue
		}
		geneID, geneName, posS := field(f, cols.geneID), field(f, cols.geneName), field(f, cols.pos)
		refNuc, refAA, resAA, typeGene := field(f, cols.refNuc), field(f, cols.refAA), field(f, cols.resAA), strings.ToUpper(field(f, cols.typeGene))
		low := strings.ToLower(refAA)
		indel := indels && (low == "ins" || low == "del")
		gene := c.pointFinderGene(geneID)
		promoter := strings.HasSuffix(gene, "-promoter")
		if p, err := strconv.Atoi(posS); err == nil && (p <= 0 || !promoter &&
			(nucleotideGene(geneID, geneName) || !indel && (typeGene == "NUC" ||
				typeGene == "" && nucleotideRow(geneID, geneName, posS, refNuc) && variant.IsBaseChange(strings.ReplaceAll(resAA, ",", ""))))) {
			// a nucleotide row: RNA genes, promoter positions upstream of the
			// gene, NUC substitutions; a promoter entry's positions in its
			// gene (amino-acid rows, NUC indels) are read as the gene's
			// protein changes below and moved to the gene by Validate
			if e, err := c.nucleotideRow(file, n, gene, geneID, p, refNuc, refAA, resAA, f, cols); err != nil {
				probs = append(probs, problem("catalog.parse", file, n, err.Error()))
			} else {
				c.Entries = append(c.Entries, e)
			}
			continue
		}
		pos, err := strconv.Atoi(posS)
		if err != nil {
			probs = append(probs, problem("catalog.parse", file, n, fmt.Sprintf("Codon_pos %q is not a number", posS)))
			continue
		}
		e := &Entry{
			ID: entryID(file, n), File: file, Line: n, Gene: gene, GeneName: geneName,
			Position: pos, EndPosition: pos, Ref: strings.ToUpper(refAA), RefCodon: strings.ToUpper(refNuc),
			DrugClasses: splitList(field(f, cols.drugs), ","), PMIDs: splitList(field(f, cols.pmid), ",;- "),
			Phenotype: field(f, cols.mechanism), Notes: field(f, cols.notes), RequiresRaw: field(f, cols.required),
		}
		if geneID != geneOf(geneID) {
			e.Reference = geneID // the accession: chooses the allele where a gene has several
		}
		if e.Phenotype != "" && e.Notes != "" {
			e.Phenotype += ": " + e.Notes
		} else if e.Notes != "" {
			e.Phenotype = e.Notes
		}
		if e.Requires, err = parseRequirement(e.RequiresRaw); err != nil {
			probs = append(probs, problem("catalog.parse", file, n, "Required mutation: "+err.Error()))
			continue
		}
		for _, all := range e.Requires {
			for k := range all {
				all[k].Gene = geneOf(all[k].Gene) // phenotypes.txt names the accession: gyrA_1_LR134511.1_T86I
			}
		}
		if indel {
			// resistens-overview.txt and NUC rows count nucleotides: the
			// change starts in codon ceil(pos/3)
			if typeGene != "AA" {
				e.NucPosition = pos
				e.Position = (pos + 2) / 3
			}
			e.EndPosition, e.RefCodon = e.Position, ""
			if low == "ins" {
				e.Type, e.Ref = variant.Insertion, ""
				e.Alts = splitList(strings.ToUpper(resAA), ",")
				if len(e.Alts) == 0 {
					probs = append(probs, problem("catalog.parse", file, n, "an insertion row needs the inserted residues in Res_codon"))
					continue
				}
				if typeGene == "NUC" && e.NucPosition > 0 {
					// phenotypes.txt NUC rows insert bases (katG 1850 ins AC):
					// applied to the reference CDS by Validate
					for _, a := range e.Alts {
						if strings.Trim(a, "ACGTN") != "" { // N: any base (pncA 519 ins NNNNN)
							probs = append(probs, problem("catalog.parse", file, n, fmt.Sprintf("NUC insertion %q is not bases", a)))
							e = nil
							break
						}
					}
					if e == nil {
						continue
					}
					e.NucInserted, e.Alts = e.Alts, nil
				}
			} else {
				e.Type, e.Ref = variant.Deletion, ""
				// the deleted residues (resistens-overview.txt, with the bases
				// in Ref_nuc) or bases (phenotypes.txt NUC rows), alternatives
				// comma-separated
				del := strings.ToUpper(resAA)
				if refN := strings.ToUpper(refNuc); e.NucPosition > 0 && isBases(refN) {
					del = refN
				}
				alts := splitList(del, ",")
				bad := len(alts) == 0
				for _, a := range alts {
					switch {
					case e.NucPosition > 0 && isBases(a):
						e.NucDeleted = append(e.NucDeleted, a)
						e.EndPosition = max(e.EndPosition, (e.NucPosition+len(a)+1)/3)
					case strings.Trim(a, "ACDEFGHIKLMNPQRSTVWY") == "" && len(alts) == 1:
						e.Ref = a
						e.EndPosition = e.Position + len(a) - 1
					default:
						bad = true
					}
				}
				if bad {
					probs = append(probs, problem("catalog.parse", file, n, fmt.Sprintf("deletion %q is neither residues nor bases", resAA)))
					continue
				}
				if len(e.NucDeleted) == 1 && e.NucPosition%3 == 1 && len(e.NucDeleted[0])%3 == 0 {
					// whole codons: the deleted residues
					e.Ref = string(gencode.Translate([]byte(e.NucDeleted[0]), false))
					e.NucDeleted = nil
				}
			}
			c.Entries = append(c.Entries, e)
			continue
		}
		if !validResidue(e.Ref) {
			probs = append(probs, problem("catalog.parse", file, n, fmt.Sprintf("Ref_codon %q is not one amino-acid code", refAA)))
			continue
		}
		e.Type = variant.Substitution
		e.Alts = splitList(strings.ToUpper(resAA), ",")
		bad := len(e.Alts) == 0
		for _, a := range e.Alts {
			if !validResidue(a) {
				bad = true
			}
		}
		if bad {
			probs = append(probs, problem("catalog.parse", file, n, fmt.Sprintf("Res_codon %q is not a comma-separated list of amino-acid codes", resAA)))
			continue
		}
		if allStops(e.Alts) {
			e.Type = variant.Nonsense
		}
		c.Entries = append(c.Entries, e)
	}
	return probs
}

func isBases(s string) bool { return s != "" && strings.Trim(s, "ACGT") == "" }

// mergeOverview adds the rows of resistens-overview.txt (already parsed into
// o) that phenotypes.txt lacks: the database ships both, and the newer file
// has lost rows the older one keeps (in Klebsiella, gyrA S83Y and S83I, rpsL
// K43 and K88). A row is the same when gene, type, position and an
// alternative agree.
func (c *Catalog) mergeOverview(o *Catalog) int {
	key := func(e *Entry, alt string) string {
		return fmt.Sprintf("%s\t%s\t%d\t%s\t%s", e.Gene, e.Type, e.Position, e.Ref, alt)
	}
	have := map[string]bool{}
	for _, e := range c.Entries {
		// a NUC insertion's bases are the overview row's Res_codon
		for _, a := range append(append([]string{""}, e.Alts...), e.NucInserted...) {
			have[key(e, a)] = true
		}
	}
	added := 0
	for _, e := range o.Entries {
		alts := e.Alts
		if len(alts) == 0 {
			alts = []string{""}
		}
		var missing []string
		for _, a := range alts {
			if !have[key(e, a)] {
				missing = append(missing, a)
			}
		}
		if len(missing) == 0 {
			continue
		}
		if len(e.Alts) > 0 {
			e.Alts = missing
		}
		c.Entries = append(c.Entries, e)
		added++
	}
	return added
}

func allStops(alts []string) bool {
	for _, a := range alts {
		if a != "*" {
			return false
		}
	}
	return len(alts) > 0
}

// wtscan format columns.
var (
	wtscanRequired = []string{"gene", "reference", "position", "ref", "alt", "type", "drug_classes", "phenotype", "pmids", "requires", "source", "version"}
	wtscanOptional = []string{"id", "organism", "end_position", "ref_codon", "notes"}
	entryTypes     = map[string]variant.Type{}
)

func init() {
	for _, t := range variant.Types {
		entryTypes[string(t)] = t
	}
}

func (c *Catalog) parseWtscan(file string, data []byte) Problems {
	var probs Problems
	var col map[string]int
	var ncols int
	for i, line := range lines(data) {
		n := i + 1
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if col == nil {
			col = map[string]int{}
			for k, name := range f {
				col[strings.ToLower(strings.TrimSpace(name))] = k
			}
			var missing []string
			for _, r := range wtscanRequired {
				if _, ok := col[r]; !ok {
					missing = append(missing, r)
				}
			}
			if len(missing) > 0 {
				return Problems{problem("catalog.parse", file, n, fmt.Sprintf("header lacks column(s) %s (a wtscan catalogue needs %s)", strings.Join(missing, ", "), strings.Join(wtscanRequired, ", ")))}
			}
			ncols = len(f)
			continue
		}
		if len(f) != ncols {
			probs = append(probs, problem("catalog.parse", file, n, fmt.Sprintf("%d columns, the header has %d", len(f), ncols)))
			continue
		}
		get := func(name string) string {
			if k, ok := col[name]; ok {
				return strings.TrimSpace(f[k])
			}
			return ""
		}
		e := &Entry{
			ID: get("id"), File: file, Line: n, Gene: get("gene"), Reference: get("reference"), Organism: get("organism"),
			Ref: strings.ToUpper(get("ref")), RefCodon: strings.ToUpper(get("ref_codon")),
			DrugClasses: splitList(get("drug_classes"), ",;"), Phenotype: get("phenotype"), PMIDs: splitList(get("pmids"), ",; "),
			RequiresRaw: get("requires"), Source: get("source"), Version: get("version"), Notes: get("notes"),
		}
		if e.ID == "" {
			e.ID = entryID(file, n)
		}
		var bad []string
		if e.Gene == "" {
			bad = append(bad, "empty gene")
		}
		var err error
		if e.Position, err = strconv.Atoi(get("position")); err != nil || e.Position < 1 {
			bad = append(bad, fmt.Sprintf("position %q is not a positive number", get("position")))
		}
		e.EndPosition = e.Position
		if s := get("end_position"); s != "" {
			if e.EndPosition, err = strconv.Atoi(s); err != nil || e.EndPosition < e.Position {
				bad = append(bad, fmt.Sprintf("end_position %q is not a number at or after position", s))
			}
		}
		t, ok := entryTypes[strings.ToLower(get("type"))]
		if !ok {
			bad = append(bad, fmt.Sprintf("type %q is not one of %s", get("type"), variant.TypeList()))
		}
		e.Type = t
		alt := strings.ToUpper(get("alt"))
		switch t {
		case variant.Substitution, variant.StartLost:
			e.Alts = splitList(alt, ",")
			for _, a := range e.Alts {
				if !validResidue(a) {
					bad = append(bad, fmt.Sprintf("alt %q is not a comma-separated list of one-letter amino-acid codes", alt))
					break
				}
			}
			if len(e.Alts) == 0 && t == variant.Substitution {
				bad = append(bad, "a substitution needs an alt")
			}
			if allStops(e.Alts) {
				e.Type = variant.Nonsense
			}
		case variant.Nonsense:
			e.Alts = []string{"*"}
		case variant.Insertion, variant.Delins:
			e.Alts = splitList(alt, ",")
			if len(e.Alts) == 0 {
				bad = append(bad, "an insertion or delins needs the new residues in alt")
			}
			for _, a := range e.Alts {
				if strings.Trim(a, "ACDEFGHIKLMNPQRSTVWYUO*") != "" {
					bad = append(bad, fmt.Sprintf("alt %q holds a character that is not an amino-acid code", a))
					break
				}
			}
		}
		if len(e.Ref) != 1 && t.IsPointChange() {
			bad = append(bad, fmt.Sprintf("ref %q is not one amino-acid code", e.Ref))
		}
		if e.Requires, err = parseRequirement(e.RequiresRaw); err != nil {
			bad = append(bad, "requires: "+err.Error())
		}
		for _, b := range bad {
			probs = append(probs, problem("catalog.parse", file, n, b))
		}
		if len(bad) == 0 {
			c.Entries = append(c.Entries, e)
		}
	}
	if col == nil {
		probs = append(probs, problem("catalog.parse", file, 1, "no header line (the file is empty)"))
	}
	return probs
}

// parseAMRFinder reads AMRProt-mutation.tsv: organism, accession, position,
// standard_mutation_symbol, mutation_symbol, class, subclass, name.
func (c *Catalog) parseAMRFinder(file string, data []byte, organism string) Problems {
	var probs Problems
	organisms := map[string]bool{}
	want := strings.ReplaceAll(organism, "_", " ")
	for i, line := range lines(data) {
		n := i + 1
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 8 {
			probs = append(probs, problem("catalog.parse", file, n, fmt.Sprintf("%d tab-separated columns; AMRProt-mutation.tsv rows have organism, accession, position, standard_mutation_symbol, mutation_symbol, class, subclass, name", len(f))))
			continue
		}
		for k := range f {
			f[k] = strings.TrimSpace(f[k])
		}
		org := strings.ReplaceAll(f[0], "_", " ")
		organisms[org] = true
		if want != "" && !strings.EqualFold(org, want) {
			continue
		}
		if _, err := strconv.Atoi(f[2]); err != nil {
			probs = append(probs, problem("catalog.parse", file, n, fmt.Sprintf("position %q is not a number", f[2])))
			continue
		}
		e, err := amrEntry(f[3])
		if err != nil {
			probs = append(probs, problem("catalog.parse", file, n, err.Error()))
			continue
		}
		e.ID, e.File, e.Line = f[3], file, n
		e.Organism, e.Reference = org, ""
		e.DrugClasses = splitList(f[5], "/")
		e.Phenotype = f[6]
		e.Notes = strings.ReplaceAll(f[7], "_", " ")
		c.Entries = append(c.Entries, e)
	}
	if want == "" && len(organisms) > 1 {
		names := make([]string, 0, len(organisms))
		for o := range organisms {
			names = append(names, o)
		}
		sort.Strings(names)
		return append(probs, problem("catalog.parse", file, 1, fmt.Sprintf("rows for %d organisms (%s): choose one with --catalog-organism", len(names), strings.Join(names, ", "))))
	}
	if want != "" && !organisms[want] && len(probs) == 0 {
		found := false
		for o := range organisms {
			if strings.EqualFold(o, want) {
				found = true
			}
		}
		if !found {
			return append(probs, problem("catalog.parse", file, 1, fmt.Sprintf("no rows for organism %q", organism)))
		}
	}
	return probs
}

// amrEntry parses an AMRFinderPlus mutation symbol such as gyrA_S83L,
// nfsA_K141STOP, ompK36_D135DGD (insertion) or ompK36_GD134del.
func amrEntry(sym string) (*Entry, error) {
	gene, ref, pos, alt, ok := splitSymbol(sym)
	if !ok || strings.Trim(alt, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") != "" {
		return nil, fmt.Errorf("mutation symbol %q is not gene_RefPosAlt", sym)
	}
	ref = strings.ToUpper(ref)
	e := &Entry{Gene: gene, Position: pos, EndPosition: pos + len(ref) - 1, Ref: ref}
	switch {
	case alt == "STOP":
		e.Type, e.Alts = variant.Nonsense, []string{"*"}
		if len(ref) != 1 {
			return nil, fmt.Errorf("mutation symbol %q: a stop replaces one residue", sym)
		}
	case strings.EqualFold(alt, "del"):
		e.Type = variant.Deletion
	case len(ref) == 1 && len(alt) == 1:
		e.Type, e.Alts = variant.Substitution, []string{strings.ToUpper(alt)}
	case strings.HasPrefix(strings.ToUpper(alt), ref) && len(alt) > len(ref):
		e.Type, e.Alts = variant.Insertion, []string{strings.ToUpper(alt[len(ref):])}
		e.Position = pos + len(ref) - 1
		e.EndPosition = e.Position
	default:
		e.Type, e.Alts = variant.Delins, []string{strings.ToUpper(alt)}
	}
	return e, nil
}
