// Package refset loads wild-type reference sets: a FASTA file of proteins or
// of their coding sequences, or a folder of such files (a PointFinder species
// folder: every *.fsa in it). Nucleotide records are detected, translated with
// genetic code 11 (the initiator codon read as M) and keep their CDS for
// codon-level reporting.
//
// A record's gene is its `gene=NAME` header tag; without one, its id up to the
// first '_' (PointFinder's gyrA_1_MH933946.1 is gene gyrA); otherwise the
// whole id. An `organism=` tag lets one set hold a gene for several organisms.
package refset

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/wtscan/wtscan/internal/gencode"
	"github.com/wtscan/wtscan/internal/seqio"
)

// Reference is one wild-type protein.
type Reference struct {
	ID       string
	Gene     string
	Organism string // empty when the header has no organism= tag
	Protein  []byte // without a terminal '*'
	CDS      []byte // nil when the record was a protein
	Source   string // file it came from
	Record   int    // record number in that file
}

// Codon returns the CDS codon of 1-based protein position pos, or "" when the
// reference has no CDS.
func (r *Reference) Codon(pos int) string { return Codon(r.CDS, pos) }

// Codon returns the codon of cds for 1-based protein position pos, or "" when
// cds is nil or too short.
func Codon(cds []byte, pos int) string {
	if cds == nil || pos < 1 || 3*pos > len(cds) {
		return ""
	}
	return string(cds[3*pos-3 : 3*pos])
}

// Set is a loaded reference set.
type Set struct {
	Path  string
	Refs  []*Reference // in file order (files sorted by name)
	Files []string     // files read
	// Skipped lists the targets of a PointFinder folder that are not read:
	// RNA genes and promoters are nucleotide targets.
	Skipped []Skipped
	byID    map[string]*Reference
	byGene  map[string][]*Reference
	alleles bool // a gene may have several untagged references (PointFinder folders)
}

// Skipped is a target of a reference folder that was not loaded, and why.
type Skipped struct {
	Gene, File, Why string
}

// Load reads a FASTA file or every *.fsa, *.fa, *.fasta, *.faa, *.fna file of
// a folder. A folder with a genes.txt is a PointFinder species folder: see
// loadPointFinder.
func Load(path string) (*Set, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("references: %w", err)
	}
	if st.IsDir() && fileExists(filepath.Join(path, "genes.txt")) {
		return loadPointFinder(path)
	}
	files := []string{path}
	if st.IsDir() {
		files = nil
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, fmt.Errorf("references: %w", err)
		}
		for _, e := range entries {
			n := e.Name()
			for _, ext := range []string{".fsa", ".fa", ".fasta", ".faa", ".fna", ".fsa.gz", ".fa.gz", ".fasta.gz", ".faa.gz", ".fna.gz"} {
				if !e.IsDir() && strings.HasSuffix(n, ext) {
					files = append(files, filepath.Join(path, n))
					break
				}
			}
		}
		sort.Strings(files)
		if len(files) == 0 {
			return nil, fmt.Errorf("references: folder %s holds no FASTA files (*.fsa, *.fa, *.fasta, *.faa, *.fna)", path)
		}
	}
	s := newSet(path)
	for _, f := range files {
		if err := s.readFile(f, ""); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func newSet(path string) *Set {
	return &Set{Path: path, byID: map[string]*Reference{}, byGene: map[string][]*Reference{}}
}

// readFile adds every record of FASTA file f; gene, when given, is the gene of
// every record (a PointFinder folder names the gene by its file).
func (s *Set) readFile(f, gene string) error {
	s.Files = append(s.Files, f)
	return seqio.Read(f, seqio.Options{}, func(rec seqio.Record) error {
		ref, err := fromRecord(f, rec)
		if err != nil {
			return err
		}
		if gene != "" {
			ref.Gene = gene
		}
		if prev, dup := s.byID[ref.ID]; dup {
			return fmt.Errorf("references %s record %d (%q): duplicate id (also %s record %d)", f, rec.N, ref.ID, prev.Source, prev.Record)
		}
		for _, other := range s.byGene[ref.Gene] {
			if other.Organism == ref.Organism && !s.alleles {
				return fmt.Errorf("references %s record %d (%q): gene %s%s already has reference %q (%s record %d); give each an organism= tag or remove one",
					f, rec.N, ref.ID, ref.Gene, orgText(ref.Organism), other.ID, other.Source, other.Record)
			}
		}
		s.Refs = append(s.Refs, ref)
		s.byID[ref.ID] = ref
		s.byGene[ref.Gene] = append(s.byGene[ref.Gene], ref)
		return nil
	})
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// NucleotideTarget reports whether a PointFinder target is read as
// nucleotides, not as a protein: an RNA gene (listed in RNA_genes.txt) or a
// promoter region (named gene-promoter-size-Nbp).
func NucleotideTarget(gene string, rnaGenes map[string]bool) bool {
	low := strings.ToLower(gene)
	return rnaGenes[gene] || strings.Contains(low, "-promoter-size-") || strings.Contains(low, "_promoter_size_")
}

// ReadPointFinderList reads genes.txt or RNA_genes.txt: one name per line;
// blank lines and '#' comments skipped. A missing file is an empty list.
func ReadPointFinderList(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("references: %w", err)
	}
	var names []string
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			names = append(names, line)
		}
	}
	return names, nil
}

// loadPointFinder reads a PointFinder species folder as its authors define
// it: the targets are the names in genes.txt, each read from NAME.fsa (the
// species-wide SPECIES.fsa repeats them and is not read; retired_genes/ is
// not read). RNA genes (RNA_genes.txt) and promoters are nucleotide targets
// and are listed in Skipped. A gene file may hold several alleles (the
// Campylobacter gyrA of C. jejuni and C. coli): each is a reference of the
// gene, and a query is paired with the allele extract found it by.
func loadPointFinder(dir string) (*Set, error) {
	genes, err := ReadPointFinderList(filepath.Join(dir, "genes.txt"))
	if err != nil {
		return nil, err
	}
	if len(genes) == 0 {
		return nil, fmt.Errorf("references: %s lists no genes", filepath.Join(dir, "genes.txt"))
	}
	rna, err := ReadPointFinderList(filepath.Join(dir, "RNA_genes.txt"))
	if err != nil {
		return nil, err
	}
	isRNA := map[string]bool{}
	for _, g := range rna {
		isRNA[g] = true
	}
	s := newSet(dir)
	s.alleles = true
	seen := map[string]bool{}
	for _, g := range genes {
		if seen[g] {
			continue
		}
		seen[g] = true
		f := filepath.Join(dir, g+".fsa")
		if !fileExists(f) {
			if fileExists(f + ".gz") {
				f += ".gz"
			} else {
				return nil, fmt.Errorf("references: %s lists gene %q but %s is missing", filepath.Join(dir, "genes.txt"), g, f)
			}
		}
		if NucleotideTarget(g, isRNA) {
			why := "RNA gene (RNA_genes.txt): a nucleotide target"
			if !isRNA[g] {
				why = "promoter region: a nucleotide target"
			}
			s.Skipped = append(s.Skipped, Skipped{Gene: g, File: f, Why: why})
			continue
		}
		if err := s.readFile(f, g); err != nil {
			return nil, err
		}
	}
	if len(s.Refs) == 0 {
		return nil, fmt.Errorf("references: %s holds no protein-coding targets (%d nucleotide targets skipped)", dir, len(s.Skipped))
	}
	return s, nil
}

func orgText(o string) string {
	if o == "" {
		return ""
	}
	return " (organism " + o + ")"
}

// GeneOf derives a gene name from a FASTA id and description.
func GeneOf(rec seqio.Record) string {
	if g := rec.Tag("gene"); g != "" {
		return g
	}
	if i := strings.IndexByte(rec.ID, '_'); i > 0 {
		return rec.ID[:i]
	}
	return rec.ID
}

func fromRecord(file string, rec seqio.Record) (*Reference, error) {
	ref := &Reference{ID: rec.ID, Gene: GeneOf(rec), Organism: rec.Tag("organism"), Source: file, Record: rec.N}
	where := fmt.Sprintf("references %s record %d (%q)", file, rec.N, rec.ID)
	if seqio.LooksLikeDNA(rec.Seq) {
		if pos, c, bad := seqio.DNA.Check(rec.Seq); bad {
			return nil, fmt.Errorf("%s: character %q at position %d is not a nucleotide code", where, c, pos)
		}
		if len(rec.Seq)%3 != 0 {
			return nil, fmt.Errorf("%s: coding sequence length %d is not a multiple of 3", where, len(rec.Seq))
		}
		ref.CDS = rec.Seq
		ref.Protein = gencode.Translate(rec.Seq, true)
	} else {
		if pos, c, bad := seqio.Protein.Check(rec.Seq); bad {
			return nil, fmt.Errorf("%s: character %q at position %d is not an amino-acid code", where, c, pos)
		}
		ref.Protein = rec.Seq
	}
	if n := len(ref.Protein); n > 0 && ref.Protein[n-1] == '*' {
		ref.Protein = ref.Protein[:n-1]
	}
	if i := strings.IndexByte(string(ref.Protein), '*'); i >= 0 {
		return nil, fmt.Errorf("%s: internal stop codon at protein position %d: a wild-type reference must not have one", where, i+1)
	}
	if strings.IndexByte(string(ref.Protein), '-') >= 0 {
		return nil, fmt.Errorf("%s: contains gap characters '-': give unaligned sequences", where)
	}
	if len(ref.Protein) == 0 {
		return nil, fmt.Errorf("%s: empty protein", where)
	}
	return ref, nil
}

// ByID returns the reference with that id, or nil.
func (s *Set) ByID(id string) *Reference { return s.byID[id] }

// Genes lists the genes of the set, sorted.
func (s *Set) Genes() []string {
	g := make([]string, 0, len(s.byGene))
	for k := range s.byGene {
		g = append(g, k)
	}
	sort.Strings(g)
	return g
}

// Gene returns the references of a gene, in load order.
func (s *Set) Gene(gene string) []*Reference { return s.byGene[gene] }

// How a reference was chosen for a query, written in the alignments table.
const (
	PairGene         = "gene"          // the only reference of the gene
	PairOrganism     = "gene+organism" // the gene's reference for the query's organism
	PairGeneFallback = "gene-fallback" // organism unknown or absent from the set; the gene's untagged (or only) reference
	PairAllele       = "gene+allele"   // the allele of the gene extract found the query by (a gene with several alleles)
)

// ForQuery is ForGene for a query that extract found by reference hint: when
// the gene has several references and hint is one of them, that allele is
// chosen.
func (s *Set) ForQuery(gene, organism, hint string) (*Reference, string, error) {
	if refs := s.byGene[gene]; len(refs) > 1 && hint != "" {
		if r := s.byID[hint]; r != nil && r.Gene == gene && (organism == "" || r.Organism == "" || strings.EqualFold(r.Organism, organism)) {
			return r, PairAllele, nil
		}
	}
	return s.ForGene(gene, organism)
}

// ForGene picks the reference for a query of gene (and organism, if known).
// The rule is explicit: a reference tagged with the query's organism wins; else
// the gene's single reference, or its one untagged reference (a fallback, named
// as such); anything else is ambiguous and an error.
func (s *Set) ForGene(gene, organism string) (*Reference, string, error) {
	refs := s.byGene[gene]
	if len(refs) == 0 {
		return nil, "", fmt.Errorf("no reference for gene %q in %s (genes there: %s)", gene, s.Path, strings.Join(s.Genes(), ", "))
	}
	if organism != "" {
		for _, r := range refs {
			if strings.EqualFold(r.Organism, organism) {
				return r, PairOrganism, nil
			}
		}
	}
	if len(refs) == 1 {
		if refs[0].Organism != "" && organism != "" {
			return refs[0], PairGeneFallback, nil
		}
		return refs[0], PairGene, nil
	}
	var untagged []*Reference
	for _, r := range refs {
		if r.Organism == "" {
			untagged = append(untagged, r)
		}
	}
	if len(untagged) == 1 {
		return untagged[0], PairGeneFallback, nil
	}
	orgs := make([]string, 0, len(refs))
	for _, r := range refs {
		orgs = append(orgs, r.Organism)
	}
	return nil, "", fmt.Errorf("gene %q has references for several organisms (%s) and the query's organism %q matches none; give the organism or use --pairs",
		gene, strings.Join(orgs, ", "), organism)
}

// Digest is the SHA-256 over the set's ids and proteins, in order: equal sets
// give equal digests whatever their file layout.
func (s *Set) Digest() string {
	h := sha256.New()
	for _, r := range s.Refs {
		fmt.Fprintf(h, "%s\t%s\t%s\t%s\n", r.ID, r.Gene, r.Organism, r.Protein)
	}
	return hex.EncodeToString(h.Sum(nil))
}
