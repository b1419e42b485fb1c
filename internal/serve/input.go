package serve

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/wtscan/wtscan/internal/gencode"
	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/seqio"
	"github.com/wtscan/wtscan/internal/table"
)

// BatchRequest is the JSON body of POST /alignments/batch.
type BatchRequest struct {
	ReferenceSet string     `json:"reference_set"`
	Catalog      string     `json:"catalog,omitempty"`
	Sequences    []Sequence `json:"sequences"`
}

// Sequence is one query: a protein, or a CDS translated with code 11.
type Sequence struct {
	ID       string `json:"id"`
	SampleID string `json:"sample_id"`
	Gene     string `json:"gene,omitempty"`
	Copy     int    `json:"copy,omitempty"`
	Organism string `json:"organism,omitempty"`
	Protein  string `json:"protein,omitempty"`
	CDS      string `json:"cds,omitempty"`
	// What wtscan-extract found about the gene in its genome, as in its
	// proteins table: the calls depend on them (a frameshift is a change).
	PartialStart bool   `json:"partial_start,omitempty"`
	PartialEnd   bool   `json:"partial_end,omitempty"`
	Frameshifts  string `json:"frameshifts,omitempty"` // comma-separated reference positions
}

var (
	sampleIDRe    = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
	frameshiftsRe = regexp.MustCompile(`^[0-9]+(,[0-9]+)*$`)
)

// inputError is a 400: every problem found, each naming its record.
type inputError struct{ problems []string }

func (e *inputError) Error() string {
	if len(e.problems) == 1 {
		return e.problems[0]
	}
	return fmt.Sprintf("%d problems: %s", len(e.problems), strings.Join(e.problems, "; "))
}

// maxProblems bounds the problems one 400 lists.
const maxProblems = 20

func badInput(format string, a ...any) error {
	return &inputError{[]string{fmt.Sprintf(format, a...)}}
}

// decodeJSON reads a BatchRequest, refusing unknown fields by name.
func decodeJSON(r io.Reader) (*BatchRequest, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var req BatchRequest
	if err := dec.Decode(&req); err != nil {
		return nil, badInput("request body: %v", err)
	}
	if dec.More() {
		return nil, badInput("request body: more than one JSON value")
	}
	return &req, nil
}

// decodeFASTA reads an uploaded FASTA file: header tags sample= (or
// sample_id=), gene=, copy= and organism= as wtscan-align reads them;
// nucleotide records are CDS.
func decodeFASTA(body io.Reader, tmpDir, gene string) ([]Sequence, error) {
	f, err := os.CreateTemp(tmpDir, "upload-*.fa")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	if _, err := io.Copy(f, body); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	var out []Sequence
	var problems []string
	err = seqio.Read(f.Name(), seqio.Options{AllowDupID: true, AllowEmpty: true}, func(r seqio.Record) error {
		s := Sequence{ID: r.ID, SampleID: r.Tag("sample"), Gene: r.Tag("gene"), Organism: r.Tag("organism")}
		if s.SampleID == "" {
			s.SampleID = r.Tag("sample_id")
		}
		if s.SampleID == "" {
			s.SampleID = r.ID
		}
		if s.Gene == "" {
			s.Gene = gene
		}
		if c := r.Tag("copy"); c != "" {
			n, err := strconv.Atoi(c)
			if err != nil || n < 1 {
				problems = append(problems, fmt.Sprintf("record %d (%q): copy=%q is not a positive integer", r.N, r.ID, c))
			}
			s.Copy = n
		}
		if seqio.LooksLikeDNA(r.Seq) {
			s.CDS = string(r.Seq)
		} else {
			s.Protein = string(r.Seq)
		}
		out = append(out, s)
		return nil
	})
	if err != nil {
		// seqio names the temporary file; the client knows it as its upload.
		return nil, badInput("FASTA upload: %s", strings.ReplaceAll(err.Error(), f.Name(), "upload"))
	}
	if len(problems) > 0 {
		return nil, &inputError{problems}
	}
	return out, nil
}

// checked is a validated batch: its rows for the proteins table.
type checked struct {
	rows     []table.Protein
	residues int64
}

// checkSequences validates every sequence against the limits and the
// reference set and turns them into proteins-table rows, the input
// wtscan-align reads. It lists every problem (up to maxProblems), each
// naming its record, and accepts nothing if there is one.
func checkSequences(seqs []Sequence, setName string, refs *refset.Set, lim Limits, fasta bool) (*checked, error) {
	if len(seqs) == 0 {
		return nil, badInput("no sequences")
	}
	if len(seqs) > lim.MaxSequences {
		return nil, badInput("%d sequences: at most %d per job", len(seqs), lim.MaxSequences)
	}
	var problems []string
	ids := map[string]int{}
	keys := map[string]int{}
	copies := map[[2]string]int{}
	out := &checked{rows: make([]table.Protein, 0, len(seqs))}
	for i := range seqs {
		s := &seqs[i]
		name := fmt.Sprintf("sequences[%d] (id %q)", i, s.ID)
		if fasta {
			name = fmt.Sprintf("record %d (%q)", i+1, s.ID)
		}
		bad := func(format string, a ...any) {
			problems = append(problems, name+": "+fmt.Sprintf(format, a...))
		}
		switch first, dup := ids[s.ID]; {
		case s.ID == "":
			bad("empty id")
		case dup:
			bad("duplicate id (also sequence %d)", first)
		default:
			ids[s.ID] = i
		}
		if !sampleIDRe.MatchString(s.SampleID) {
			bad("sample_id %q must match %s", s.SampleID, sampleIDRe)
		}
		gene := s.Gene
		if gene == "" {
			if g, _, ok := strings.Cut(s.ID, "_"); ok && len(refs.Gene(g)) > 0 {
				gene = g
			} else {
				bad("no gene: give gene (or an id GENE_... naming a gene of the reference set)")
			}
		}
		nucleotide := false // the gene is an RNA gene or a promoter: cds holds the copy's bases
		if gene != "" {
			if ref, _, err := refs.ForGene(gene, s.Organism); err != nil {
				// The message names the set as the client knows it, not its file.
				bad("%s", strings.ReplaceAll(err.Error(), refs.Path, "reference set "+setName))
			} else {
				nucleotide = ref.Nucleotide()
			}
		}
		prot := strings.ToUpper(strings.TrimSpace(s.Protein))
		cds := strings.ToUpper(strings.TrimSpace(s.CDS))
		switch {
		case nucleotide:
			switch {
			case prot != "" || cds == "":
				bad("gene %s is a nucleotide target (an RNA gene or a promoter): give the copy's bases in cds, and no protein", gene)
			case len(cds) > lim.MaxResidues:
				bad("%d bases: at most %d per sequence", len(cds), lim.MaxResidues)
			default:
				if msg := checkBases(cds); msg != "" {
					bad("%s", msg)
				}
				out.residues += int64(len(cds))
			}
		case prot == "" && cds == "":
			bad("neither protein nor cds")
		case cds != "":
			if msg := checkBases(cds); msg != "" {
				bad("%s", msg)
			} else if len(cds)%3 != 0 {
				bad("cds: length %d is not a whole number of codons", len(cds))
			} else if prot == "" {
				prot = string(gencode.Translate([]byte(cds), true))
			}
		}
		if prot != "" {
			if pos, c, badc := seqio.Protein.Check([]byte(prot)); badc || strings.IndexByte(prot, '-') >= 0 {
				if !badc {
					pos, c = strings.IndexByte(prot, '-')+1, '-'
				}
				bad("protein: character %q at position %d is not an amino-acid code", c, pos)
			}
			n := len(strings.TrimSuffix(prot, "*"))
			if n == 0 {
				bad("protein: no residues")
			}
			if n > lim.MaxResidues {
				bad("%d residues: at most %d per sequence", n, lim.MaxResidues)
			}
			out.residues += int64(n)
		}
		if s.Frameshifts != "" && !frameshiftsRe.MatchString(s.Frameshifts) {
			bad("frameshifts %q: want comma-separated positions like 134,201", s.Frameshifts)
		}
		cp := s.Copy
		if cp < 0 {
			bad("copy %d is not positive", cp)
		}
		if cp == 0 {
			copies[[2]string{s.SampleID, gene}]++
			cp = copies[[2]string{s.SampleID, gene}]
		}
		key := fmt.Sprintf("%s|%s|%d", s.SampleID, gene, cp)
		if first, dup := keys[key]; dup {
			bad("sample %s gene %s copy %d again (also sequence %d): give copy numbers", s.SampleID, gene, cp, first)
		}
		keys[key] = i
		if len(problems) >= maxProblems {
			problems = append(problems, "(stopped after this many)")
			break
		}
		molecule := table.MoleculeProtein
		if nucleotide {
			molecule = table.MoleculeNucleotide
		}
		out.rows = append(out.rows, table.Protein{
			SampleID: s.SampleID, Gene: gene, Copy: int32(cp), Organism: s.Organism,
			Protein: prot, CDS: cds, LengthAA: int32(len(strings.TrimSuffix(prot, "*"))),
			Method: "serve", TranslationTable: 11,
			PartialStart: s.PartialStart, PartialEnd: s.PartialEnd, Frameshifts: s.Frameshifts,
			Molecule: molecule,
		})
	}
	if len(problems) > 0 {
		return nil, &inputError{problems}
	}
	return out, nil
}

// writeProteins writes the job's input: a proteins table wtscan-align reads.
func writeProteins(dir string, rows []table.Protein) error {
	w, err := table.Create[table.Protein](filepath.Join(dir, "proteins.tsv"), table.Meta{Schema: table.SchemaProteins})
	if err != nil {
		return err
	}
	defer w.Abort()
	if err := w.Write(rows...); err != nil {
		return err
	}
	return w.Close()
}

// checkBases says what is wrong with a sequence's cds field: a byte that is
// not a nucleotide code (seqio.DNA takes '-', a gap, which is refused here),
// or "".
func checkBases(cds string) string {
	pos, c, bad := seqio.DNA.Check([]byte(cds))
	if !bad {
		if i := strings.IndexByte(cds, '-'); i >= 0 {
			pos, c, bad = i+1, '-', true
		}
	}
	if bad {
		return fmt.Sprintf("cds: character %q at position %d is not a nucleotide code", c, pos)
	}
	return ""
}
