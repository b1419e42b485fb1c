package validate

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/wtscan/wtscan/internal/gencode"
	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/seqio"
)

// Reference lengths outside this range are reported as implausible (amino acids).
const (
	minRefLength = 30
	maxRefLength = 5000
)

// refEntry is one wild-type reference as the validator loaded it.
type refEntry struct {
	ID, Gene, Organism string
	Protein            []byte // without a terminal '*'
	CDS                []byte // nil for protein records
	File               string
	Line               int
}

// codon returns the CDS codon at 1-based protein position pos, or "".
func (r *refEntry) codon(pos int) string { return refset.Codon(r.CDS, pos) }

// refs is a reference set loaded leniently: every problem is reported and
// every usable record kept, so the checks that need references still run.
type refs struct {
	path   string
	files  []string
	list   []*refEntry
	byID   map[string]*refEntry
	byGene map[string][]*refEntry
}

// forGene returns the reference of gene for organism: the one tagged with
// that organism, else the gene's only or only untagged reference.
func (s *refs) forGene(gene, organism string) *refEntry {
	if s == nil {
		return nil
	}
	rs := s.byGene[gene]
	if organism != "" {
		for _, r := range rs {
			if strings.EqualFold(r.Organism, organism) {
				return r
			}
		}
	}
	if len(rs) == 1 {
		return rs[0]
	}
	var untagged []*refEntry
	for _, r := range rs {
		if r.Organism == "" {
			untagged = append(untagged, r)
		}
	}
	if len(untagged) == 1 {
		return untagged[0]
	}
	return nil
}

// lookup finds a reference by id, falling back to the gene.
func (s *refs) lookup(id, gene, organism string) *refEntry {
	if s == nil {
		return nil
	}
	if r := s.byID[id]; r != nil {
		return r
	}
	if id == "" {
		return s.forGene(gene, organism)
	}
	return nil
}

var refExts = []string{".fsa", ".fa", ".fasta", ".faa", ".fna", ".fsa.gz", ".fa.gz", ".fasta.gz", ".faa.gz", ".fna.gz"}

// loadRefs checks and loads a reference FASTA file or folder (the same files
// refset.Load reads) and reports every problem: FASTA format, alphabet,
// CDS lengths, internal stops, gaps, implausible lengths, duplicate ids and
// duplicate genes per organism.
func loadRefs(path string, fs *Findings) *refs {
	s := &refs{path: path, byID: map[string]*refEntry{}, byGene: map[string][]*refEntry{}}
	st, err := os.Stat(path)
	if err != nil {
		fs.Errorf(Where{File: path}, "input.read", "references: %v", err)
		return s
	}
	files := []string{path}
	if st.IsDir() {
		files = nil
		entries, err := os.ReadDir(path)
		if err != nil {
			fs.Errorf(Where{File: path}, "input.read", "references: %v", err)
			return s
		}
		for _, e := range entries {
			for _, ext := range refExts {
				if !e.IsDir() && strings.HasSuffix(e.Name(), ext) {
					files = append(files, filepath.Join(path, e.Name()))
					break
				}
			}
		}
		sort.Strings(files)
		if len(files) == 0 {
			fs.Errorf(Where{File: path}, "ref.empty", "folder holds no FASTA files (%s)", strings.Join(refExts[:5], ", "))
		}
	}
	s.files = files
	for _, f := range files {
		scanFASTA(f, recordAlphabet, fs, func(rec *fastaRecord) { s.add(f, rec, fs) })
	}
	return s
}

func (s *refs) add(file string, rec *fastaRecord, fs *Findings) {
	gene := refset.GeneOf(seqio.Record{ID: rec.ID, Desc: rec.Desc})
	org := seqio.Record{Desc: rec.Desc}.Tag("organism")
	r := &refEntry{ID: rec.ID, Gene: gene, Organism: org, File: file, Line: rec.Line}
	w := Where{File: file, Record: rec.ID, Line: rec.Line}
	isDNA := seqio.LooksLikeDNA(rec.Seq)
	if isDNA {
		if _, _, bad := seqio.DNA.Check(rec.Seq); bad {
			return // reported by the scanner
		}
		if len(rec.Seq)%3 != 0 {
			fs.Errorf(w, "ref.cds_length", "coding sequence length %d is not a multiple of 3", len(rec.Seq))
		}
		r.CDS = rec.Seq
		r.Protein = gencode.Translate(rec.Seq, true)
	} else {
		if _, _, bad := seqio.Protein.Check(rec.Seq); bad {
			return
		}
		r.Protein = rec.Seq
	}
	r.Protein = bytes.TrimSuffix(r.Protein, []byte("*"))
	if i := bytes.IndexByte(r.Protein, '*'); i >= 0 {
		off := i
		if isDNA {
			off = 3 * i
		}
		line, _ := rec.lineOf(off)
		fs.Errorf(Where{File: file, Record: rec.ID, Line: line}, "ref.internal_stop",
			"internal stop codon at protein position %d (%d internal stops): a wild-type reference must not have one", i+1, bytes.Count(r.Protein, []byte("*")))
	}
	if i := bytes.IndexByte(rec.Seq, '-'); i >= 0 {
		line, _ := rec.lineOf(i)
		fs.Errorf(Where{File: file, Record: rec.ID, Line: line}, "ref.gap", "gap character '-' at sequence position %d: give unaligned sequences", i+1)
	}
	if n := len(r.Protein); n < minRefLength || n > maxRefLength {
		fs.Warnf(w, "ref.length", "implausible protein length %d aa (expected %d..%d)", n, minRefLength, maxRefLength)
	}
	if prev, dup := s.byID[r.ID]; dup {
		if prev.File != file { // the scanner reports duplicates within one file
			fs.Errorf(w, "ref.duplicate_id", "duplicate id %q (also %s line %d)", r.ID, prev.File, prev.Line)
		}
		return
	}
	s.list = append(s.list, r)
	s.byID[r.ID] = r
	for _, other := range s.byGene[gene] {
		if other.Organism == org {
			what := ""
			if org != "" {
				what = " for organism " + org
			}
			fs.Errorf(w, "ref.duplicate_gene", "gene %s%s already has reference %q (%s line %d); give each an organism= tag or remove one",
				gene, what, other.ID, other.File, other.Line)
			return // the first one stays the gene's reference for the other checks
		}
	}
	s.byGene[gene] = append(s.byGene[gene], r)
}
