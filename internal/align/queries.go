package align

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/seqio"
	"github.com/wtscan/wtscan/internal/swalign"
	"github.com/wtscan/wtscan/internal/table"
)

// query is one protein, or the bases of one copy of a nucleotide target, to
// align, with what the alignments row copies from it.
type query struct {
	row   table.Alignment // identity fields only: sample, gene, copy, query id, organism, partial flags, CDS, frameshifts
	seq   []byte
	where string // "file record N" or "file line N", for messages
	hint  string // the reference extract found the query by (chooses among a gene's alleles)
	// molecule is the query's molecule when its input says it (a proteins
	// table row; a FASTA molecule= tag), else "" (the reference decides).
	molecule string
}

var sampleIDRe = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// batchSize bounds the queries held in memory at once.
const batchSize = 8192

// readQueries streams the queries of path in batches. A proteins table is
// recognised by its extension (.parquet, .tsv, .tsv.gz); anything else is FASTA.
func readQueries(path, gene, organism string, fn func([]query) error) error {
	if _, err := table.FormatOf(path); err == nil && path != "-" {
		return readProteinTable(path, organism, fn)
	}
	batch := make([]query, 0, batchSize)
	// Duplicate ids are refused by the caller, for tables and FASTA alike:
	// one set of ids held, not two.
	err := seqio.Read(path, seqio.Options{Alphabet: seqio.Protein, AllowDupID: true}, func(r seqio.Record) error {
		q := query{seq: stripStop(r.Seq), where: fmt.Sprintf("%s record %d (%q)", path, r.N, r.ID)}
		q.row.QueryID = r.ID
		q.row.SampleID = r.Tag("sample")
		if q.row.SampleID == "" {
			q.row.SampleID = r.ID
		}
		q.row.Gene = r.Tag("gene")
		if q.row.Gene == "" {
			q.row.Gene = gene
		}
		q.row.Copy = 1
		if c := r.Tag("copy"); c != "" {
			n, err := strconv.Atoi(c)
			if err != nil || n < 1 {
				return fmt.Errorf("%s: copy=%q is not a positive integer", q.where, c)
			}
			q.row.Copy = int32(n)
		}
		q.row.Organism = r.Tag("organism")
		if q.row.Organism == "" {
			q.row.Organism = organism
		}
		switch m := r.Tag("molecule"); m {
		case "", table.MoleculeProtein:
			q.molecule = m
		case table.MoleculeNucleotide:
			q.molecule = m
			if i := swalign.NotNucleotide(q.seq); i >= 0 {
				return fmt.Errorf("%s: molecule=nucleotide, but %q at position %d is not a nucleotide code", q.where, q.seq[i], i+1)
			}
		default:
			return fmt.Errorf("%s: molecule=%q: want %s or %s", q.where, m, table.MoleculeProtein, table.MoleculeNucleotide)
		}
		if strings.ContainsRune(string(q.seq), '-') {
			return fmt.Errorf("%s: contains gap characters '-': give unaligned proteins", q.where)
		}
		if len(q.seq) == 0 {
			return fmt.Errorf("%s: only a stop codon, no residues", q.where)
		}
		batch = append(batch, q)
		if len(batch) == batchSize {
			err := fn(batch)
			batch = make([]query, 0, batchSize)
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(batch) > 0 {
		return fn(batch)
	}
	return nil
}

// stripStop drops one terminal '*' (the translated stop codon).
func stripStop(s []byte) []byte {
	if n := len(s); n > 0 && s[n-1] == '*' {
		return s[:n-1]
	}
	return s
}

func readProteinTable(path, organism string, fn func([]query) error) error {
	r, err := table.Open[table.Protein](path, table.SchemaProteins)
	if err != nil {
		return err
	}
	defer r.Close()
	buf := make([]table.Protein, batchSize)
	row := 0
	for {
		n, rerr := r.Read(buf)
		batch := make([]query, 0, n)
		for _, p := range buf[:n] {
			row++
			where := fmt.Sprintf("%s row %d", path, row)
			if r.Line() > 0 {
				where = fmt.Sprintf("%s line %d", path, row+1)
			}
			if !sampleIDRe.MatchString(p.SampleID) {
				return fmt.Errorf("%s: sample_id %q must match %s", where, p.SampleID, sampleIDRe)
			}
			if p.Gene == "" {
				return fmt.Errorf("%s: empty gene", where)
			}
			seq, err := tableSeq(&p)
			if err != nil {
				return fmt.Errorf("%s (%s %s copy %d): %w", where, p.SampleID, p.Gene, p.Copy, err)
			}
			q := query{seq: seq, where: where, hint: p.ReferenceID, molecule: p.Molecule}
			if q.molecule == "" {
				q.molecule = table.MoleculeProtein
			}
			q.row.SampleID, q.row.Gene, q.row.Copy = p.SampleID, p.Gene, p.Copy
			q.row.QueryID = fmt.Sprintf("%s|%s|%d", p.SampleID, p.Gene, p.Copy)
			q.row.Organism = p.Organism
			if q.row.Organism == "" {
				q.row.Organism = organism
			}
			q.row.PartialStart, q.row.PartialEnd = p.PartialStart, p.PartialEnd
			if !table.IsNucleotide(p.Molecule) { // a nucleotide row's cds is its query
				q.row.QueryCDS, q.row.Frameshifts = p.CDS, p.Frameshifts
			}
			batch = append(batch, q)
		}
		if len(batch) > 0 {
			if err := fn(batch); err != nil {
				return err
			}
		}
		if errors.Is(rerr, io.EOF) {
			return nil
		}
		if rerr != nil {
			return rerr
		}
	}
}

// tableSeq is what a proteins table row aligns: its protein, or for a
// nucleotide row the copy's bases (the cds column).
func tableSeq(p *table.Protein) ([]byte, error) {
	switch p.Molecule {
	case "", table.MoleculeProtein:
	case table.MoleculeNucleotide:
		seq := []byte(strings.ToUpper(p.CDS))
		if len(seq) == 0 {
			return nil, errors.New("a nucleotide row with no bases in cds")
		}
		if i := swalign.NotNucleotide(seq); i >= 0 {
			return nil, fmt.Errorf("character %q at position %d of cds is not a nucleotide code", seq[i], i+1)
		}
		return seq, nil
	default:
		return nil, fmt.Errorf("molecule %q: want %s or %s", p.Molecule, table.MoleculeProtein, table.MoleculeNucleotide)
	}
	seq := stripStop([]byte(strings.ToUpper(p.Protein)))
	if len(seq) == 0 {
		return nil, errors.New("empty protein")
	}
	if pos, c, bad := seqio.Protein.Check(seq); bad || strings.IndexByte(string(seq), '-') >= 0 {
		if !bad {
			pos, c = strings.IndexByte(string(seq), '-')+1, '-'
		}
		return nil, fmt.Errorf("character %q at position %d is not an amino-acid code", c, pos)
	}
	return seq, nil
}

// checkMolecule refuses a pair whose query and reference are different
// molecules. A query whose input named no molecule takes its reference's;
// then, for a nucleotide target, its letters are checked here (a query
// that said it is nucleotide was checked when it was read).
func checkMolecule(q *query, r *refset.Reference) error {
	if q.molecule != "" && q.molecule != r.Molecule() {
		return fmt.Errorf("%s: a %s query, but reference %s is a %s target", q.where, q.molecule, r.ID, r.Molecule())
	}
	if q.molecule == "" && r.Nucleotide() {
		if i := swalign.NotNucleotide(q.seq); i >= 0 {
			return fmt.Errorf("%s: reference %s is a nucleotide target, but the query holds %q at position %d, not a nucleotide code", q.where, r.ID, q.seq[i], i+1)
		}
	}
	return nil
}

// pairer decides which references each query meets.
type pairer struct {
	refs     *refset.Set
	all      bool
	explicit map[string][]string // query id -> reference ids, from --pairs
	pairsSrc string
}

// job is one query × reference pair of a batch.
type job struct {
	q       int // index in the batch
	ref     *refset.Reference
	pairing string
}

func (p *pairer) pairs(q *query, qi int, out []job) ([]job, error) {
	switch {
	case p.all:
		// every reference of the query's molecule: a protein query with
		// no molecule= tag meets the protein references
		mol := q.molecule
		if mol == "" {
			mol = table.MoleculeProtein
		}
		for _, r := range p.refs.Refs {
			if r.Molecule() == mol {
				if err := checkMolecule(q, r); err != nil {
					return out, err
				}
				out = append(out, job{qi, r, "all"})
			}
		}
	case p.explicit != nil:
		ids, ok := p.explicit[q.row.QueryID]
		if !ok {
			return out, fmt.Errorf("%s: query %q has no line in --pairs %s", q.where, q.row.QueryID, p.pairsSrc)
		}
		for _, id := range ids {
			r := p.refs.ByID(id)
			if err := checkMolecule(q, r); err != nil {
				return out, err
			}
			out = append(out, job{qi, r, "pairs"})
		}
	default:
		if q.row.Gene == "" {
			return out, fmt.Errorf("%s: no gene (give a gene= header tag, --gene, --pairs or --all)", q.where)
		}
		r, how, err := p.refs.ForQuery(q.row.Gene, q.row.Organism, q.hint)
		if err != nil {
			return out, fmt.Errorf("%s: %w", q.where, err)
		}
		if err := checkMolecule(q, r); err != nil {
			return out, err
		}
		out = append(out, job{qi, r, how})
	}
	return out, nil
}

// loadPairs reads a --pairs file: tab-separated query_id and reference_id,
// with an optional header line naming those two columns.
func loadPairs(path string, refs *refset.Set) (map[string][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--pairs: %w", err)
	}
	defer f.Close()
	m := map[string][]string{}
	seen := map[[2]string]bool{}
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		parts := strings.Split(text, "\t")
		if len(parts) < 2 {
			return nil, fmt.Errorf("%s line %d: want query_id<TAB>reference_id", path, line)
		}
		qid, rid := strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])
		if line == 1 && qid == "query_id" && rid == "reference_id" {
			continue
		}
		if qid == "" || rid == "" {
			return nil, fmt.Errorf("%s line %d: empty query_id or reference_id", path, line)
		}
		if refs.ByID(rid) == nil {
			return nil, fmt.Errorf("%s line %d: reference %q is not in the reference set", path, line, rid)
		}
		k := [2]string{qid, rid}
		if seen[k] {
			return nil, fmt.Errorf("%s line %d: pair %s × %s listed twice", path, line, qid, rid)
		}
		seen[k] = true
		m[qid] = append(m[qid], rid)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("%s: no pairs", path)
	}
	return m, nil
}
