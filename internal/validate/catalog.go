package validate

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"github.com/wtscan/wtscan/internal/catalog"
	"github.com/wtscan/wtscan/internal/gencode"
	"github.com/wtscan/wtscan/internal/refset"
)

// pointFinderFile is the catalogue file inside a PointFinder species folder.
const pointFinderFile = "resistens-overview.txt"

// catalogPath resolves --catalog: the catalogue loader reads a folder itself;
// a PointFinder species folder (with resistens-overview.txt) is also a
// reference set.
func catalogPath(p string) (file, refFolder string) {
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		for _, f := range []string{pointFinderFile, catalog.PointFinderPhenotypes} {
			if _, err := os.Stat(filepath.Join(p, f)); err == nil {
				return p, p
			}
		}
	}
	return p, ""
}

// geneKey normalises a gene name for comparison ("16S (rrsB)" and
// "16S_rrsB" are the same gene).
func geneKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// checkCatalog validates a catalogue with the loader wtscan-subscan uses
// (internal/catalog), so that the validator reports exactly the faults
// subscan would refuse, with their lines: rows that do not parse, then every
// entry whose residue, codon, position or combination rule disagrees with
// the references (refsPath, loaded with refset as subscan does). Rows the
// loader skips on purpose (RNA genes, promoters, genes without a reference)
// are warnings. When the reference set itself does not load (its faults are
// reported separately), PointFinder catalogues are still checked with the
// validator's own minimal parser against the leniently loaded rs.
//
// Entry faults are warnings, as wtscan-subscan keeps such rows (or drops
// those that cannot apply) and goes on; with strict (as --catalog-strict)
// they are errors. Rows that do not parse stay errors, since subscan refuses
// those either way.
func checkCatalog(path, format, refsPath string, strict bool, rs *refs, fs *Findings) {
	cat, err := catalog.Load(path, catalog.Options{Format: format})
	if err != nil {
		var probs catalog.Problems
		if errors.As(err, &probs) {
			for _, p := range probs {
				fs.Errorf(Where{File: p.File, Line: p.Line}, "catalog.parse", "%s", p.Msg)
			}
			return
		}
		fs.Errorf(Where{File: path}, "catalog.format", "%v", err)
		return
	}
	file := path
	if len(cat.Files) > 0 {
		file = cat.Files[0]
	}
	if refsPath == "" {
		reportNotes(cat, fs)
		fs.Warnf(Where{File: file}, "catalog.unchecked", "no --references given: %d entries not checked against the wild type", len(cat.Entries))
		return
	}
	set, err := refset.Load(refsPath)
	if err != nil {
		reportNotes(cat, fs)
		if cat.Format == catalog.FormatPointFinder {
			if t, ok := readTSV(file, &Findings{}); ok {
				checkPointFinder(t, rs, fs)
				return
			}
		}
		fs.Warnf(Where{File: file}, "catalog.unchecked", "entries not checked: the reference set %s does not load (%v)", refsPath, err)
		return
	}
	records := map[[2]any]string{}
	for _, e := range cat.Entries {
		records[[2]any{e.File, e.Line}] = fmt.Sprintf("%s:%d", e.Gene, e.Position)
	}
	faults, err := cat.Validate(set, false)
	if err != nil {
		fs.Errorf(Where{File: file}, "catalog.entry", "%v", err)
	}
	sev := Warning
	if strict {
		sev = Error
	}
	for _, p := range faults {
		fs.Add(Where{File: p.File, Line: p.Line, Record: records[[2]any{p.File, p.Line}]}, faultCheck(p), sev, "%s", p.Msg)
	}
	reportNotes(cat, fs)
}

func reportNotes(cat *catalog.Catalog, fs *Findings) {
	for _, n := range cat.Notes {
		fs.Warnf(Where{File: n.File, Line: n.Line}, "catalog.skipped", "%s", n.Msg)
	}
	cat.Notes = nil
}

// faultCheck is the check name of a catalogue fault, as the loader set it.
func faultCheck(p catalog.Problem) string {
	if p.Check != "" {
		return p.Check
	}
	return "catalog.entry"
}

// checkPointFinder checks every row of a PointFinder catalogue.
func checkPointFinder(t *tsvFile, rs *refs, fs *Findings) {
	for _, c := range []string{"Gene_ID", "Codon_pos", "Ref_nuc", "Ref_codon", "Res_codon"} {
		if !t.has(c) {
			fs.Errorf(Where{File: t.path, Line: 1}, "catalog.columns", "missing column %s", c)
			return
		}
	}
	for i := range t.rows {
		geneID := strings.TrimSpace(t.get(i, "Gene_ID"))
		name := strings.TrimSpace(t.get(i, "Gene_name"))
		posText := strings.TrimSpace(t.get(i, "Codon_pos"))
		refNuc := strings.ToUpper(strings.TrimSpace(t.get(i, "Ref_nuc")))
		refAA := strings.ToUpper(strings.TrimSpace(t.get(i, "Ref_codon")))
		alts := strings.TrimSpace(t.get(i, "Res_codon"))
		w := Where{File: t.path, Record: geneID + ":" + posText, Row: i + 1, Line: t.lines[i]}
		if geneID == "" {
			fs.Errorf(w, "catalog.gene", "empty Gene_ID")
			continue
		}
		if name != "" {
			a, b := geneKey(geneID), geneKey(name)
			if !strings.Contains(a, b) && !strings.Contains(b, a) {
				fs.Errorf(w, "catalog.gene_name", "Gene_ID %s and Gene_name %s disagree: which gene is meant?", geneID, name)
			}
		}
		// Indels (ins/del rows) and RNA genes or promoters (single-nucleotide
		// Ref_nuc) are nucleotide entries: not checked against proteins.
		if refAA == "INS" || refAA == "DEL" || refNuc == "-" || len(refNuc) != 3 {
			if rs != nil && rs.forGene(geneID, "") == nil && rs.forGene(prefixGene(geneID), "") == nil {
				fs.Warnf(w, "catalog.nucleotide", "nucleotide entry (RNA gene, promoter or indel) not checked: the reference set has no %s", geneID)
			}
			continue
		}
		pos, err := strconv.Atoi(posText)
		if err != nil || pos < 1 {
			fs.Errorf(w, "catalog.position", "Codon_pos %q is not a positive codon number", posText)
			continue
		}
		if len(refAA) != 1 || !isAA(refAA[0]) {
			fs.Errorf(w, "catalog.residue", "Ref_codon %q is not one amino acid", refAA)
			continue
		}
		for _, a := range strings.Split(alts, ",") {
			a = strings.ToUpper(strings.TrimSpace(a))
			if len(a) != 1 || !isAA(a[0]) {
				fs.Errorf(w, "catalog.alt", "Res_codon entry %q is not one amino acid", a)
			}
		}
		switch aas := codonAAs(refNuc); {
		case len(aas) == 0:
			fs.Errorf(w, "catalog.codon", "Ref_nuc %q is not a codon", refNuc)
		case len(aas) == 1 && aas[0] != refAA[0]:
			fs.Errorf(w, "catalog.codon", "codon %s codes %c, not %s (Ref_nuc and Ref_codon disagree)", refNuc, aas[0], refAA)
		case len(aas) > 1 && strings.IndexByte(string(aas), refAA[0]) < 0:
			fs.Errorf(w, "catalog.codon", "ambiguous codon %s codes one of %s, never %s", refNuc, string(aas), refAA)
		}
		if rs == nil {
			continue
		}
		ref := rs.forGene(geneID, "")
		if ref == nil {
			ref = rs.forGene(prefixGene(geneID), "")
		}
		if ref == nil {
			fs.Warnf(w, "catalog.no_reference", "no reference for gene %s in %s: entry not checked", geneID, rs.path)
			continue
		}
		if pos > len(ref.Protein) {
			fs.Errorf(w, "catalog.position", "codon %d is beyond the end of reference %s (%d aa)", pos, ref.ID, len(ref.Protein))
			continue
		}
		if got := ref.Protein[pos-1]; got != refAA[0] {
			hint := ""
			if other := rs.forGene(name, ""); name != "" && other != nil && other != ref && pos <= len(other.Protein) && other.Protein[pos-1] == refAA[0] {
				hint = fmt.Sprintf("; %s (Gene_name) does have %s there", other.ID, refAA)
			}
			fs.Errorf(w, "catalog.residue", "reference %s has %c at position %d, the catalogue says %s%s", ref.ID, got, pos, refAA, hint)
			continue
		}
		if c := ref.codon(pos); c != "" && c != refNuc {
			fs.Warnf(w, "catalog.ref_codon", "reference %s has codon %s at %d, the catalogue says %s (same amino acid %s)", ref.ID, c, pos, refNuc, refAA)
		}
	}
}

// prefixGene is a PointFinder Gene_ID up to its first '_' (16S_rrsB -> 16S).
func prefixGene(id string) string {
	if i := strings.IndexByte(id, '_'); i > 0 {
		return id[:i]
	}
	return id
}

// iupac lists the bases each nucleotide code stands for.
var iupac = map[byte]string{
	'A': "A", 'C': "C", 'G': "G", 'T': "T", 'U': "T", 'R': "AG", 'Y': "CT", 'S': "CG", 'W': "AT", 'K': "GT", 'M': "AC",
	'B': "CGT", 'D': "AGT", 'H': "ACT", 'V': "ACG", 'N': "ACGT",
}

// codonAAs returns the distinct amino acids an (IUPAC) codon can code, in
// order of first appearance; nil when it is not a codon.
func codonAAs(codon string) []byte {
	if len(codon) != 3 {
		return nil
	}
	var out []byte
	for _, a := range iupac[codon[0]] {
		for _, b := range iupac[codon[1]] {
			for _, c := range iupac[codon[2]] {
				aa := gencode.Codon([]byte{byte(a), byte(b), byte(c)})
				if bytes.IndexByte(out, aa) < 0 {
					out = append(out, aa)
				}
			}
		}
	}
	return out
}

func isAA(c byte) bool { return c >= 'A' && c <= 'Z' || c == '*' }
