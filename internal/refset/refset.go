// Package refset loads wild-type reference sets: a FASTA file of proteins or
// of their coding sequences, or a folder of such files (a PointFinder species
// folder: every *.fsa in it). Nucleotide records are detected, translated with
// genetic code 11 (the initiator codon read as M) and keep their CDS for
// codon-level reporting.
//
// A record's gene is its `gene=NAME` header tag; without one, its id up to the
// first '_' (PointFinder's gyrA_1_MH933946.1 is gene gyrA); otherwise the
// whole id. An `organism=` tag lets one set hold a gene for several organisms.
// A `kind=rna` tag makes a record a nucleotide target (an RNA gene), and
// `kind=promoter upstream=N` a promoter region of N bases followed by its
// gene's start; PointFinder folders say the same with RNA_genes.txt and
// NAME-promoter-size-Nbp entries.
package refset

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/wtscan/wtscan/internal/gencode"
	"github.com/wtscan/wtscan/internal/seqio"
)

// Kinds of target: a protein (aligned as amino acids) or a nucleotide target
// (aligned as nucleotides): an RNA gene, or a promoter region followed by the
// start of its gene.
const (
	KindProtein  = "protein"
	KindRNA      = "rna"
	KindPromoter = "promoter"
)

// Molecules, as the tables name them: what a row's sequences and positions
// count.
const (
	MoleculeProtein    = "protein"
	MoleculeNucleotide = "nucleotide"
)

// Reference is one wild-type target: a protein, or a nucleotide target (an
// RNA gene or a promoter region) whose sequence is Seq.
type Reference struct {
	ID       string
	Gene     string
	Organism string // empty when the header has no organism= tag
	Kind     string // KindProtein, KindRNA or KindPromoter
	Protein  []byte // without a terminal '*'; nil for a nucleotide target
	CDS      []byte // nil when the record was a protein
	// Seq is a nucleotide target's sequence (upper case); nil for a protein.
	Seq []byte
	// Upstream is a promoter target's promoter length: Seq[:Upstream] lies
	// before the gene's first base, which is position 1; Seq[Upstream-1] is
	// position -1 (HGVS c.-1).
	Upstream int
	// CodingGene, for a promoter whose gene part is read as a protein target
	// of its own, is that target's gene: calls on the promoter then stop at
	// position -1 and the gene's changes are named on its protein.
	CodingGene string
	Source     string // file it came from
	Record     int    // record number in that file
}

// Nucleotide reports whether the reference is a nucleotide target.
func (r *Reference) Nucleotide() bool { return r.Kind == KindRNA || r.Kind == KindPromoter }

// Molecule is MoleculeNucleotide for a nucleotide target, else
// MoleculeProtein.
func (r *Reference) Molecule() string {
	if r.Nucleotide() {
		return MoleculeNucleotide
	}
	return MoleculeProtein
}

// Residues is the sequence alignments run on: the protein, or a nucleotide
// target's bases.
func (r *Reference) Residues() []byte {
	if r.Nucleotide() {
		return r.Seq
	}
	return r.Protein
}

// Pos converts a 0-based index into Seq to the target's coordinate: 1-based
// for RNA genes; for promoters, negative before the gene (-1 is the base just
// before its first base) and 1-based from the gene's first base on (no
// position 0, as in HGVS c.).
func (r *Reference) Pos(i int) int {
	if r.Kind == KindPromoter {
		if i < r.Upstream {
			return i - r.Upstream
		}
		return i - r.Upstream + 1
	}
	return i + 1
}

// Index is the inverse of Pos: the 0-based index into Seq of coordinate pos,
// or -1 when pos is not on the target.
func (r *Reference) Index(pos int) int {
	i := pos - 1
	if r.Kind == KindPromoter {
		switch {
		case pos < 0:
			i = r.Upstream + pos
		case pos > 0:
			i = r.Upstream + pos - 1
		default:
			return -1
		}
	}
	if i < 0 || i >= len(r.Residues()) {
		return -1
	}
	return i
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
	// Faults are faults of a distributed database that loading works
	// around (a target file holding another target's record), for the log.
	Faults  []string
	byID    map[string]*Reference
	byGene  map[string][]*Reference
	alleles bool            // a gene may have several untagged references (PointFinder folders)
	listed  map[string]bool // a PointFinder folder's genes.txt names
}

// Load reads a FASTA file or every *.fsa, *.fa, *.fasta, *.faa, *.fna file of
// a folder. A folder with a genes.txt is a PointFinder species folder: see
// NewPlan. It stops at the first problem (see AddRecord).
func Load(path string) (*Set, error) {
	p, err := NewPlan(path)
	if err != nil {
		return nil, err
	}
	if len(p.Problems) > 0 {
		return nil, p.Problems[0]
	}
	s := p.NewSet()
	for _, src := range p.Sources {
		err := seqio.Read(src.Path, seqio.Options{}, func(rec seqio.Record) error {
			_, probs := s.AddRecord(src, rec)
			if pr := refused(probs); pr != nil {
				return *pr
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Source is one FASTA file of a reference set and how its records are read.
type Source struct {
	Path string
	// Gene, for a target file of a PointFinder folder, is the gene of every
	// record, of kind Kind (a promoter with Upstream bases before its
	// gene). Empty, each record's header says its gene (GeneOf) and kind
	// (kind= and upstream= tags; without them a protein, or a CDS read as
	// its protein).
	Gene     string
	Kind     string
	Upstream int
}

// Plan is what Load reads for a path: which files, and how.
type Plan struct {
	Path    string
	Sources []Source // in the order Load reads them
	// Problems are target files that a PointFinder folder's genes.txt
	// lists but the folder lacks; Load refuses the first.
	Problems []Problem
	listed   map[string]bool // a PointFinder folder's genes.txt names; nil for any other set
}

// ErrEmpty is (as errors.Is finds it) the error of a folder that holds no
// reference file, or of a genes.txt that lists no gene.
var ErrEmpty = errors.New("no references")

type emptyError string

func (e emptyError) Error() string        { return string(e) }
func (e emptyError) Is(target error) bool { return target == ErrEmpty }

// FASTAExts are the file name endings of the FASTA files Load reads from a
// folder that is not a PointFinder species folder.
var FASTAExts = []string{".fsa", ".fa", ".fasta", ".faa", ".fna", ".fsa.gz", ".fa.gz", ".fasta.gz", ".faa.gz", ".fna.gz"}

// NewPlan says what Load reads for path: the file itself; every FASTA file
// of a folder (FASTAExts), sorted by name; or, for a PointFinder species
// folder (one with a genes.txt), its targets as its authors define them:
// the names in genes.txt, each read from NAME.fsa (the species-wide
// SPECIES.fsa repeats them and is not read; retired_genes/ is not read).
// RNA genes (RNA_genes.txt) are nucleotide targets; a promoter entry
// (NAME-promoter-size-Nbp) is a nucleotide target of N bases before its
// gene's start, followed by the gene or its beginning (see AddRecord). A
// gene file may hold several alleles (the Campylobacter gyrA of C. jejuni
// and C. coli): each is a reference of the gene, and a query is paired with
// the allele extract found it by.
func NewPlan(path string) (*Plan, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("references: %w", err)
	}
	p := &Plan{Path: path}
	switch {
	case st.IsDir() && fileExists(filepath.Join(path, "genes.txt")):
		return p, p.readPointFinder()
	case !st.IsDir():
		p.Sources = []Source{{Path: path}}
		return p, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, fmt.Errorf("references: %w", err)
	}
	var files []string
	for _, e := range entries {
		n := e.Name()
		for _, ext := range FASTAExts {
			if !e.IsDir() && strings.HasSuffix(n, ext) {
				files = append(files, filepath.Join(path, n))
				break
			}
		}
	}
	sort.Strings(files)
	if len(files) == 0 {
		return nil, emptyError(fmt.Sprintf("references: folder %s holds no FASTA files (*.fsa, *.fa, *.fasta, *.faa, *.fna)", path))
	}
	for _, f := range files {
		p.Sources = append(p.Sources, Source{Path: f})
	}
	return p, nil
}

func (p *Plan) readPointFinder() error {
	dir := p.Path
	list := filepath.Join(dir, "genes.txt")
	genes, err := ReadPointFinderList(list)
	if err != nil {
		return err
	}
	if len(genes) == 0 {
		return emptyError(fmt.Sprintf("references: %s lists no genes", list))
	}
	rna, err := ReadPointFinderList(filepath.Join(dir, "RNA_genes.txt"))
	if err != nil {
		return err
	}
	isRNA := map[string]bool{}
	for _, g := range rna {
		isRNA[g] = true
	}
	p.listed = map[string]bool{}
	for _, g := range genes {
		p.listed[g] = true
	}
	seen := map[string]bool{}
	for _, g := range genes {
		if seen[g] {
			continue
		}
		seen[g] = true
		f := filepath.Join(dir, g+".fsa")
		if !fileExists(f) {
			if !fileExists(f + ".gz") {
				p.Problems = append(p.Problems, Problem{File: list, Check: CheckMissing, Offset: -1,
					Msg: fmt.Sprintf("%s lists gene %q but %s is missing", list, g, f)})
				continue
			}
			f += ".gz"
		}
		gene, kind, upstream := PointFinderTarget(g, isRNA)
		p.Sources = append(p.Sources, Source{Path: f, Gene: gene, Kind: kind, Upstream: upstream})
	}
	return nil
}

// NewSet returns the empty set of the plan, for AddRecord to fill.
func (p *Plan) NewSet() *Set {
	s := newSet(p.Path)
	s.alleles, s.listed = p.listed != nil, p.listed
	for _, src := range p.Sources {
		s.Files = append(s.Files, src.Path)
	}
	return s
}

func newSet(path string) *Set {
	return &Set{Path: path, byID: map[string]*Reference{}, byGene: map[string][]*Reference{}}
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// PointFinderTarget reads a PointFinder target name (genes.txt, a Gene_ID
// up to its first '_', or a file name without .fsa): a promoter region
// "fabG1-promoter-size-223bp" (or "idsA2_promoter_size_181bp") is gene
// "fabG1-promoter" of kind KindPromoter with upstream 223; a name listed in
// RNA_genes.txt is KindRNA; anything else is a protein.
func PointFinderTarget(name string, rnaGenes map[string]bool) (gene, kind string, upstream int) {
	if m := promoterName.FindStringSubmatch(name); m != nil {
		n, err := strconv.Atoi(m[2])
		if err == nil && n > 0 {
			return m[1] + "-promoter", KindPromoter, n
		}
	}
	if rnaGenes[name] {
		return name, KindRNA, 0
	}
	return name, KindProtein, 0
}

var promoterName = regexp.MustCompile(`^(.+?)[-_]promoter[-_]size[-_](\d+)bp$`)

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

// AddRecord reads one record of src as Load reads it: it classifies the
// record (gene, kind, promoter length), checks it, and adds it to the set,
// with the protein target a promoter entry's coding part makes (below). It
// returns the reference added (nil when the record was not) and every
// problem found, not only the first. Load refuses a record with any
// Refused problem; wtscan-validate reads the records itself, with their
// lines, and reports every problem.
//
// A promoter entry of a PointFinder folder whose gene part is a whole
// coding sequence, in a folder without a target of that gene, is also read
// as a protein target named after the gene (embA from
// embA-promoter-size-115bp, id suffix CodingSuffix), where PointFinder's
// amino-acid rows for the entry are matched. A target file holding another
// target's record (PointFinder 3.0.0's ethA-promoter-size-74bp.fsa holds
// the record of embA-promoter-size-115bp.fsa, id and bases) is a fault of
// the database: the record is not added, and the fault is a Problem and one
// of Set.Faults.
func (s *Set) AddRecord(src Source, rec seqio.Record) (*Reference, []Problem) {
	var (
		ref   *Reference
		probs []Problem
	)
	target := src.Gene != "" && src.Kind != KindProtein // a PointFinder nucleotide target
	if target {
		ref, probs = nucleotideRecord(src.Path, rec, src.Kind, src.Upstream)
	} else {
		ref, probs = fromRecord(src.Path, rec)
	}
	if ref == nil || refused(probs) != nil {
		return nil, probs
	}
	if src.Gene != "" {
		ref.Gene = src.Gene
	}
	if target {
		if prev := s.byID[ref.ID]; prev != nil && prev.Gene != ref.Gene && string(prev.Seq) == string(ref.Seq) {
			p := ref.problem(CheckForeignRecord, -1, 0, "the file holds the record of target %s (%s record %d), not one of %s: target %s not loaded",
				prev.Gene, prev.Source, prev.Record, ref.Gene, ref.Gene)
			p.Fault, p.Other = true, prev
			s.Faults = append(s.Faults, fmt.Sprintf("%s record %d (%q) is the record of target %s (%s record %d), not one of %s: target %s not loaded",
				p.File, p.Record, p.ID, prev.Gene, prev.Source, prev.Record, ref.Gene, ref.Gene))
			return nil, append(probs, p)
		}
	}
	if p := s.add(ref); p != nil {
		return nil, append(probs, *p)
	}
	if target && ref.Kind == KindPromoter {
		if p := s.addCodingPart(ref); p != nil {
			probs = append(probs, *p)
		}
	}
	return ref, probs
}

// addCodingPart adds the protein target of a promoter entry's gene part
// (see AddRecord) when there is one.
func (s *Set) addCodingPart(ref *Reference) *Problem {
	stem := strings.TrimSuffix(ref.Gene, "-promoter")
	if s.listed[stem] || len(s.byGene[stem]) > 0 {
		return nil // the folder has the gene as a target of its own
	}
	cds := ref.Seq[ref.Upstream:]
	prot := gencode.Translate(cds, true)
	if n := len(prot); n > 0 && prot[n-1] == '*' {
		prot = prot[:n-1]
	}
	if len(cds)%3 != 0 || len(prot) < minCodingPart || !isStartCodon(cds) || strings.IndexByte(string(prot), '*') >= 0 {
		return nil // only the gene's beginning, or not a coding sequence: called as nucleotides
	}
	p := &Reference{ID: ref.ID + CodingSuffix, Gene: stem, Kind: KindProtein, Protein: prot, CDS: cds, Source: ref.Source, Record: ref.Record}
	if pr := s.add(p); pr != nil {
		return pr
	}
	ref.CodingGene = stem
	return nil
}

// CodingSuffix ends the id of the protein target made from a promoter
// entry's gene part.
const CodingSuffix = ":cds"

// minCodingPart is the shortest gene part (in codons) of a promoter entry
// read as a protein target.
const minCodingPart = 30

func isStartCodon(cds []byte) bool {
	if len(cds) < 3 {
		return false
	}
	c := string(cds[:3])
	return c == "ATG" || c == "GTG" || c == "TTG"
}

// nucleotideRecord reads and checks a nucleotide target's record.
func nucleotideRecord(file string, rec seqio.Record, kind string, upstream int) (*Reference, []Problem) {
	ref := &Reference{ID: rec.ID, Gene: GeneOf(rec), Organism: rec.Tag("organism"), Kind: kind, Upstream: upstream, Source: file, Record: rec.N}
	seq := []byte(strings.ToUpper(string(rec.Seq)))
	if len(seq) == 0 {
		return nil, []Problem{ref.problem(CheckEmpty, -1, 0, "empty sequence")}
	}
	if pos, c, bad := seqio.DNA.Check(seq); bad {
		return nil, []Problem{ref.problem(CheckAlphabet, pos-1, seqio.DNA.Count(seq),
			"character %q at position %d is not a nucleotide code (a %s target is read as nucleotides)", c, pos, kind)}
	}
	ref.Seq = seq
	var probs []Problem
	if i := strings.IndexByte(string(seq), '-'); i >= 0 {
		p := ref.problem(CheckGap, i, strings.Count(string(seq), "-"), "contains gap characters '-': give unaligned sequences")
		p.Tolerated = true // Load has always read a nucleotide target's '-' as a base
		probs = append(probs, p)
	}
	if kind == KindPromoter && upstream >= len(seq) {
		probs = append(probs, ref.problem(CheckUpstream, -1, 0,
			"a promoter of %d bases needs a longer sequence than %d bases (promoter, then the gene's start)", upstream, len(seq)))
	}
	return ref, probs
}

// add adds a reference, refusing a repeated id, a gene that is a protein
// in one record and a nucleotide target in another, or a second reference
// of a gene for one organism (unless the set holds alleles).
func (s *Set) add(ref *Reference) *Problem {
	if prev, dup := s.byID[ref.ID]; dup {
		p := ref.problem(CheckDuplicateID, -1, 0, "duplicate id (also %s record %d)", prev.Source, prev.Record)
		p.Other = prev
		return &p
	}
	for _, other := range s.byGene[ref.Gene] {
		if other.Kind != ref.Kind {
			p := ref.problem(CheckKind, -1, 0, "gene %s is a %s target here but a %s target in %s record %d",
				ref.Gene, ref.Kind, other.Kind, other.Source, other.Record)
			p.Other = other
			return &p
		}
		if other.Organism == ref.Organism && !s.alleles {
			p := ref.problem(CheckDuplicateGene, -1, 0, "gene %s%s already has reference %q (%s record %d); give each an organism= tag or remove one",
				ref.Gene, orgText(ref.Organism), other.ID, other.Source, other.Record)
			p.Other = other
			return &p
		}
	}
	s.Refs = append(s.Refs, ref)
	s.byID[ref.ID] = ref
	s.byGene[ref.Gene] = append(s.byGene[ref.Gene], ref)
	return nil
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

// fromRecord reads and checks a record whose header says what it is: a
// protein, a CDS (read as its protein), or, tagged kind=rna or
// kind=promoter upstream=N, a nucleotide target.
func fromRecord(file string, rec seqio.Record) (*Reference, []Problem) {
	ref := &Reference{ID: rec.ID, Gene: GeneOf(rec), Organism: rec.Tag("organism"), Kind: KindProtein, Source: file, Record: rec.N}
	switch kind := rec.Tag("kind"); kind {
	case "", KindProtein:
	case KindRNA, KindPromoter:
		upstream := 0
		if kind == KindPromoter {
			n, err := strconv.Atoi(rec.Tag("upstream"))
			if err != nil || n < 1 {
				return nil, []Problem{ref.problem(CheckUpstream, -1, 0,
					"kind=promoter needs upstream=N, the number of bases before the gene's start (got %q)", rec.Tag("upstream"))}
			}
			upstream = n
		}
		return nucleotideRecord(file, rec, kind, upstream)
	default:
		return nil, []Problem{ref.problem(CheckKind, -1, 0, "kind=%q: give kind=protein, kind=rna or kind=promoter", kind)}
	}
	var probs []Problem
	seq := rec.Seq
	if seqio.LooksLikeDNA(seq) {
		if pos, c, bad := seqio.DNA.Check(seq); bad {
			return nil, []Problem{ref.problem(CheckAlphabet, pos-1, seqio.DNA.Count(seq), "character %q at position %d is not a nucleotide code", c, pos)}
		}
		if len(seq)%3 != 0 {
			probs = append(probs, ref.problem(CheckCDSLength, -1, 0, "coding sequence length %d is not a multiple of 3", len(seq)))
		}
		ref.CDS = seq
		ref.Protein = gencode.Translate(seq, true)
	} else {
		if pos, c, bad := seqio.Protein.Check(seq); bad {
			return nil, []Problem{ref.problem(CheckAlphabet, pos-1, seqio.Protein.Count(seq), "character %q at position %d is not an amino-acid code", c, pos)}
		}
		ref.Protein = seq
	}
	if n := len(ref.Protein); n > 0 && ref.Protein[n-1] == '*' {
		ref.Protein = ref.Protein[:n-1]
	}
	if i := strings.IndexByte(string(ref.Protein), '*'); i >= 0 {
		off := i
		if ref.CDS != nil {
			off = 3 * i
		}
		probs = append(probs, ref.problem(CheckInternalStop, off, strings.Count(string(ref.Protein), "*"),
			"internal stop codon at protein position %d: a wild-type reference must not have one", i+1))
	}
	if i := strings.IndexByte(string(seq), '-'); i >= 0 {
		p := ref.problem(CheckGap, i, strings.Count(string(seq), "-"), "contains gap characters '-': give unaligned sequences")
		// a CDS's gaps translate to X: Load has always read such a CDS
		p.Tolerated = strings.IndexByte(string(ref.Protein), '-') < 0
		probs = append(probs, p)
	}
	if len(ref.Protein) == 0 {
		probs = append(probs, ref.problem(CheckEmpty, -1, 0, "empty protein"))
	}
	return ref, probs
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
		if r.Nucleotide() {
			fmt.Fprintf(h, "%s\t%s\t%s\t%s:%d\t%s\n", r.ID, r.Gene, r.Organism, r.Kind, r.Upstream, r.Seq)
			continue
		}
		fmt.Fprintf(h, "%s\t%s\t%s\t%s\n", r.ID, r.Gene, r.Organism, r.Protein)
	}
	return hex.EncodeToString(h.Sum(nil))
}
