package validate

import (
	"errors"
	"fmt"
	"strings"

	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/seqio"
)

// Plausible reference lengths; a reference outside them is reported (a
// warning). Nucleotide targets: PointFinder v3.0.0's RNA genes run from
// 1,500 (16S) to 2,900 bases (23S), its promoter regions from 53 (ampC) to
// 365 bases (nuoA) before the gene.
const (
	minRefLength = 30   // amino acids
	maxRefLength = 5000 // amino acids
	minRNALength = 50   // bases (a 5S rRNA has about 120)
	maxNucLength = 10000
	maxUpstream  = 1000 // bases of a promoter region before its gene
)

// refs is the reference set as the validator loaded it: with refset's own
// plan, classification and checks (refset.NewPlan, Set.AddRecord), so that
// the records, genes, kinds and coordinates are the ones every other
// binary uses, but leniently: every problem is reported with its file, line
// and record, and every usable record is kept, so the checks that need
// references still run.
type refs struct {
	*refset.Set
}

// forGene returns the reference of gene for organism, as refset.ForGene
// picks it, or nil (no reference, or an ambiguous choice).
func (s *refs) forGene(gene, organism string) *refset.Reference {
	if s == nil {
		return nil
	}
	r, _, err := s.ForGene(gene, organism)
	if err != nil {
		return nil
	}
	return r
}

// lookup finds a reference by id, falling back to the gene.
func (s *refs) lookup(id, gene, organism string) *refset.Reference {
	if s == nil {
		return nil
	}
	if r := s.ByID(id); r != nil {
		return r
	}
	if id == "" {
		return s.forGene(gene, organism)
	}
	return nil
}

// loadRefs checks and loads a reference FASTA file or folder: the files
// refset.Load reads, read as it reads them (a PointFinder species folder:
// the targets genes.txt lists, RNA genes and promoters as nucleotide
// targets). It reports every problem: FASTA format and alphabet, CDS
// lengths, internal stops and gaps of proteins, promoters shorter than
// their promoter region, implausible lengths, repeated ids, genes repeated
// for one organism, a target file holding another target's record, and
// target files genes.txt lists but the folder lacks. It returns nil when
// path cannot be a reference set at all.
func loadRefs(path string, fs *Findings) *refs {
	plan, err := refset.NewPlan(path)
	if err != nil {
		check := "input.read"
		if errors.Is(err, refset.ErrEmpty) {
			check = "ref.empty"
		}
		fs.Errorf(Where{File: path}, check, "%v", err)
		return nil
	}
	for _, p := range plan.Problems {
		fs.Errorf(Where{File: p.File}, "ref."+p.Check, "%s", p.Msg)
	}
	set := plan.NewSet()
	headers := map[string]map[int]int{} // file -> record number -> header line
	for _, src := range plan.Sources {
		lines := map[int]int{}
		headers[src.Path] = lines
		scanFASTA(src.Path, nil, fs, func(rec *fastaRecord) {
			lines[rec.N] = rec.Line
			ref, probs := set.AddRecord(src, seqio.Record{ID: rec.ID, Desc: rec.Desc, Seq: rec.Seq, N: rec.N})
			for _, p := range probs {
				reportRefProblem(p, rec, headers, fs)
			}
			if ref != nil {
				checkRefLength(ref, Where{File: src.Path, Record: rec.ID, Line: rec.Line}, fs)
			}
		})
	}
	return &refs{set}
}

// reportRefProblem reports a problem refset found in rec, at the line of
// the sequence where it is.
func reportRefProblem(p refset.Problem, rec *fastaRecord, headers map[string]map[int]int, fs *Findings) {
	w := Where{File: p.File, Record: p.ID, Line: rec.Line}
	msg := p.Msg
	if p.Offset >= 0 {
		line, col := rec.lineOf(p.Offset)
		w.Line = line
		msg += fmt.Sprintf(" (column %d of line %d", col, line)
		switch {
		case p.Count > 1 && p.Check == refset.CheckAlphabet:
			msg += fmt.Sprintf("; %d such characters in the record", p.Count)
		case p.Count > 1 && p.Check == refset.CheckInternalStop:
			msg += fmt.Sprintf("; %d internal stops", p.Count)
		case p.Count > 1 && p.Check == refset.CheckGap:
			msg += fmt.Sprintf("; %d gap characters", p.Count)
		}
		msg += ")"
	}
	check := "ref." + p.Check
	switch p.Check {
	case refset.CheckAlphabet:
		check = "fasta.alphabet"
	case refset.CheckDuplicateID:
		if p.Other != nil && p.Other.Source == p.File {
			return // the scanner reports ids repeated within a file
		}
	}
	if o := p.Other; o != nil {
		// refset names the other record by number; say its line
		if line := headers[o.Source][o.Record]; line > 0 {
			msg = strings.Replace(msg, fmt.Sprintf("%s record %d", o.Source, o.Record), fmt.Sprintf("%s line %d", o.Source, line), 1)
		}
	}
	sev := Error
	if p.Fault {
		sev = Warning // a database fault refset works around, as every step does
	}
	fs.Add(w, check, sev, "%s", msg)
}

// checkRefLength warns about a reference whose length is implausible for
// its kind.
func checkRefLength(ref *refset.Reference, w Where, fs *Findings) {
	switch ref.Kind {
	case refset.KindRNA:
		if n := len(ref.Seq); n < minRNALength || n > maxNucLength {
			fs.Warnf(w, "ref.length", "implausible RNA gene length %d nt (expected %d..%d)", n, minRNALength, maxNucLength)
		}
	case refset.KindPromoter:
		if ref.Upstream > maxUpstream {
			fs.Warnf(w, "ref.length", "implausible promoter region of %d bases before the gene (expected at most %d)", ref.Upstream, maxUpstream)
		}
		if n := len(ref.Seq); n > maxNucLength {
			fs.Warnf(w, "ref.length", "implausible promoter target length %d nt (expected at most %d)", n, maxNucLength)
		}
	default:
		if n := len(ref.Protein); n < minRefLength || n > maxRefLength {
			fs.Warnf(w, "ref.length", "implausible protein length %d aa (expected %d..%d)", n, minRefLength, maxRefLength)
		}
	}
}
