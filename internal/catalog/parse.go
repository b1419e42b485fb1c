package catalog

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

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

// nucleotideRow tells PointFinder rows for RNA genes and promoters: their
// positions count nucleotides, not codons.
func nucleotideRow(geneID, geneName, pos, refNuc string) bool {
	low := strings.ToLower(geneID + " " + geneName)
	for _, w := range []string{"16s", "23s", "5s_", "promoter", "rrs", "rrl"} {
		if strings.Contains(low, w) {
			return true
		}
	}
	if p, err := strconv.Atoi(pos); err == nil && p <= 0 {
		return true
	}
	return len(refNuc) == 1 && refNuc != "-"
}

func validResidue(s string) bool {
	if len(s) != 1 {
		return false
	}
	c := s[0]
	return (c >= 'A' && c <= 'Z') || c == '*'
}

func (c *Catalog) parsePointFinder(file string, data []byte) Problems {
	var probs Problems
	indels := false
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
		if len(f) < 7 {
			probs = append(probs, problem("catalog.parse", file, n, fmt.Sprintf("%d tab-separated columns; PointFinder rows have Gene_ID, Gene_name, Codon_pos, Ref_nuc, Ref_codon, Res_codon, Resistance[, PMID, Mechanism, Notes, Required_mut]", len(f))))
			continue
		}
		for len(f) < 11 {
			f = append(f, "")
		}
		for k := range f {
			f[k] = strings.TrimSpace(f[k])
		}
		geneID, geneName, posS, refNuc, refAA, resAA := f[0], f[1], f[2], f[3], f[4], f[5]
		if nucleotideRow(geneID, geneName, posS, refNuc) {
			c.Notes = append(c.Notes, Note{file, n, fmt.Sprintf("%s %s %s: nucleotide position (RNA gene or promoter), not checked or matched", geneID, posS, refNuc)})
			continue
		}
		pos, err := strconv.Atoi(posS)
		if err != nil {
			probs = append(probs, problem("catalog.parse", file, n, fmt.Sprintf("Codon_pos %q is not a number", posS)))
			continue
		}
		e := &Entry{
			ID: entryID(file, n), File: file, Line: n, Gene: geneOf(geneID), GeneName: geneName,
			Position: pos, EndPosition: pos, Ref: strings.ToUpper(refAA), RefCodon: strings.ToUpper(refNuc),
			DrugClasses: splitList(f[6], ","), PMIDs: splitList(f[7], ",;- "), Phenotype: f[8], Notes: f[9],
			RequiresRaw: f[10],
		}
		if e.Phenotype != "" && e.Notes != "" {
			e.Phenotype += ": " + e.Notes
		} else if e.Notes != "" {
			e.Phenotype = e.Notes
		}
		if e.Requires, err = parseRequirement(f[10]); err != nil {
			probs = append(probs, problem("catalog.parse", file, n, "Required_mut: "+err.Error()))
			continue
		}
		low := strings.ToLower(refAA)
		switch {
		case indels && low == "ins":
			e.Type, e.Ref, e.RefCodon = variant.Insertion, "", ""
			e.Alts = splitList(strings.ToUpper(resAA), ",")
		case indels && low == "del":
			e.Type, e.Ref, e.RefCodon = variant.Deletion, "", ""
		default:
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
		}
		c.Entries = append(c.Entries, e)
	}
	return probs
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
	for _, t := range []variant.Type{variant.Substitution, variant.Nonsense, variant.StartLost, variant.StopLost, variant.Deletion,
		variant.Insertion, variant.Delins, variant.Frameshift, variant.Truncation} {
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
			bad = append(bad, fmt.Sprintf("type %q is not one of substitution, nonsense, start_lost, stop_lost, deletion, insertion, delins, frameshift, truncation", get("type")))
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
		if len(e.Ref) != 1 && (t == variant.Substitution || t == variant.Nonsense || t == variant.StartLost) {
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
