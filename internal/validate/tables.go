package validate

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/wtscan/wtscan/internal/fsx"
	"github.com/wtscan/wtscan/internal/gencode"
	"github.com/wtscan/wtscan/internal/refset"
	"github.com/wtscan/wtscan/internal/swalign"
	"github.com/wtscan/wtscan/internal/table"
	"github.com/wtscan/wtscan/internal/variant"
)

// loaded is one table read leniently, with where each row came from.
type loaded[T any] struct {
	path  string
	rows  []T
	lines []int // TSV line of each row (nil for Parquet)
	meta  table.Meta
	isPQ  bool
}

func (l *loaded[T]) where(i int, record string) Where {
	w := Where{File: l.path, Record: record, Row: i + 1}
	if l.lines != nil {
		w.Line = l.lines[i]
	}
	return w
}

// loadTable reads a Parquet table through the table package (schema name and
// version and required columns checked there) or a TSV table with the
// validator's own lenient reader, which reports every bad line and keeps going.
func loadTable[T any](path, schema string, fs *Findings) (*loaded[T], bool) {
	f, err := table.FormatOf(path)
	if err != nil {
		fs.Errorf(Where{File: path}, "table.format", "%v", err)
		return nil, false
	}
	if f == table.Parquet {
		rows, meta, err := table.ReadAll[T](path, schema)
		if err != nil {
			msg := strings.TrimPrefix(err.Error(), path+": ")
			check := "table.schema"
			if strings.Contains(msg, "missing required columns") {
				check = "table.columns"
			} else if strings.HasPrefix(msg, "read ") || strings.Contains(msg, "not a readable Parquet") {
				check = "table.read"
			}
			fs.Errorf(Where{File: path}, check, "%s", msg)
			return nil, false
		}
		return &loaded[T]{path: path, rows: rows, meta: meta, isPQ: true}, true
	}
	t, ok := readTSV(path, fs)
	if !ok {
		return nil, false
	}
	rows, _, ok := decodeRows[T](t, fs)
	if !ok {
		return nil, false
	}
	return &loaded[T]{path: path, rows: rows, lines: t.lines, meta: table.Meta{Schema: schema}}, true
}

// checkLineage compares the input SHA-256 digests a Parquet table carries
// with the files on disk, for every input that still exists.
func checkLineage(path string, meta table.Meta, fs *Findings) {
	paths := make([]string, 0, len(meta.Inputs))
	for p := range meta.Inputs {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil || st.IsDir() {
			continue
		}
		sum, err := fsx.SHA256File(p)
		if err != nil {
			fs.Warnf(Where{File: path, Record: p}, "lineage.sha256", "cannot read input %s to check its digest: %v", p, err)
			continue
		}
		if sum != meta.Inputs[p] {
			fs.Errorf(Where{File: path, Record: p}, "lineage.sha256", "input %s has changed since this table was written: SHA-256 %s on disk, %s recorded", p, short(sum), short(meta.Inputs[p]))
		}
	}
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}

// proteinKey identifies one gene copy of one sample.
type proteinKey struct {
	sample, gene string
	copy         int32
}

func (k proteinKey) String() string { return fmt.Sprintf("%s/%s/%d", k.sample, k.gene, k.copy) }

// queryOf is a protein's sequence as wtscan-align aligns it: upper case,
// without a terminal stop.
func queryOf(p string) string { return strings.TrimSuffix(strings.ToUpper(p), "*") }

// proteinIndex holds the proteins tables' rows by key.
type proteinIndex map[proteinKey]*table.Protein

// checkProteins validates a proteins table.
func checkProteins(t *loaded[table.Protein], idx proteinIndex, fs *Findings) {
	seen := map[proteinKey]int{}
	for i := range t.rows {
		p := &t.rows[i]
		k := proteinKey{p.SampleID, p.Gene, p.Copy}
		w := t.where(i, k.String())
		nuc := table.IsNucleotide(p.Molecule)
		if nuc {
			// a nucleotide target's copy: its bases in cds, no protein
			requireNonEmpty(fs, w, map[string]string{"sample_id": p.SampleID, "gene": p.Gene, "cds": p.CDS})
			if p.Protein != "" || p.LengthAA != 0 {
				fs.Errorf(w, "protein.molecule", "a nucleotide row has protein %q and length_aa %d; both must be empty", p.Protein, p.LengthAA)
			}
		} else {
			requireNonEmpty(fs, w, map[string]string{"sample_id": p.SampleID, "gene": p.Gene, "protein": p.Protein})
		}
		if p.Molecule != "" && !nuc && p.Molecule != table.MoleculeProtein {
			fs.Errorf(w, "protein.molecule", "molecule %q is neither %s nor %s", p.Molecule, table.MoleculeProtein, table.MoleculeNucleotide)
		}
		checkSampleID(fs, w, p.SampleID)
		if first, dup := seen[k]; dup {
			fs.Errorf(w, "protein.duplicate", "sample %s gene %s copy %d appears twice (first at row %d)", p.SampleID, p.Gene, p.Copy, first)
		} else {
			seen[k] = i + 1
			if _, other := idx[k]; !other {
				idx[k] = p
			}
		}
		if p.Start < 1 || p.End < p.Start {
			fs.Errorf(w, "protein.coords", "start %d, end %d: need 1 ≤ start ≤ end", p.Start, p.End)
		}
		if p.Strand != "+" && p.Strand != "-" {
			fs.Errorf(w, "protein.strand", "strand %q is not + or -", p.Strand)
		}
		if p.Copy < 1 {
			fs.Errorf(w, "protein.copy", "copy %d: copies are numbered from 1", p.Copy)
		}
		q := queryOf(p.Protein)
		if p.Protein != "" && int(p.LengthAA) != len(q) && int(p.LengthAA) != len(p.Protein) {
			fs.Errorf(w, "protein.length", "length_aa %d, but the protein has %d residues", p.LengthAA, len(q))
		}
		for j := 0; j < len(q); j++ {
			c := q[j]
			if !(c >= 'A' && c <= 'Z' || c == '*') {
				fs.Errorf(w, "protein.alphabet", "character %q at protein position %d is not an amino-acid code", c, j+1)
				break
			}
		}
		if n := strings.Count(q, "*"); n != int(p.InternalStops) {
			fs.Errorf(w, "protein.internal_stops", "internal_stops %d, but the protein has %d internal '*'", p.InternalStops, n)
		}
		if p.CDS != "" && strings.Trim(strings.ToUpper(p.CDS), "ACGTNRYKMSWBDHV") != "" {
			fs.Errorf(w, "protein.alphabet", "cds holds characters that are not nucleotide codes")
		} else if p.CDS != "" && p.Protein != "" {
			// extract's protein is the CDS translated with code 11, the
			// initiator read as M unless the gene runs off the contig start
			if tr := string(gencode.Translate([]byte(strings.ToUpper(p.CDS)), !p.PartialStart)); tr != strings.ToUpper(p.Protein) {
				fs.Errorf(w, "protein.translation", "protein is not the translation of cds (table 11)%s", firstDiff(strings.ToUpper(p.Protein), tr, 1))
			}
		}
		if p.SeqHash != "" && p.Protein != "" {
			if sum := sha256.Sum256([]byte(p.Protein)); hex.EncodeToString(sum[:]) != p.SeqHash {
				fs.Errorf(w, "protein.seq_hash", "seq_hash is not the SHA-256 of the protein column")
			}
		}
		for name, v := range map[string]float64{"hit_identity": p.HitIdentity, "hit_coverage": p.HitCoverage} {
			if v < 0 || v > 100 || math.IsNaN(v) {
				fs.Errorf(w, "protein.range", "%s %v outside 0..100", name, v)
			}
		}
	}
}

// requireNonEmpty reports every empty value of a required column.
func requireNonEmpty(fs *Findings, w Where, cols map[string]string) {
	names := make([]string, 0, len(cols))
	for n, v := range cols {
		if strings.TrimSpace(v) == "" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		fs.Errorf(w, "table.null", "required column %s is empty", n)
	}
}

func checkSampleID(fs *Findings, w Where, id string) {
	if id != "" && !SampleIDPattern.MatchString(id) {
		fs.Errorf(w, "table.sample_id", "sample_id %q does not match %s", id, SampleIDPattern)
	}
}

// tolerance for percentages rounded to one decimal, as wtscan-align writes them.
const pctTolerance = 0.05 + 1e-9

// scoreTolerance allows for scores written with one decimal, as water prints them.
const scoreTolerance = 0.05 + 1e-9

func pctOf(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return 100 * float64(n) / float64(d)
}

// gapped counts an alignment's columns from its two gapped strings.
type gapped struct {
	length, identity, gaps, nonGap int
	similarity                     int    // only with a matrix
	query, ref                     string // residues without gaps
	cigar                          string
}

func recount(aq, ar string) gapped { return recountWith(nil, aq, ar) }

// recountWith recounts an alignment; with a matrix, identity and similarity
// follow EMBOSS (residues outside the matrix alphabet are neither identical
// nor similar; a pair is similar when it scores positively and so does one
// residue against itself).
func recountWith(m *swalign.Matrix, aq, ar string) gapped {
	var g gapped
	g.length = len(aq)
	var qb, rb, cb strings.Builder
	var op byte
	n := 0
	flush := func() {
		if n > 0 {
			fmt.Fprintf(&cb, "%d%c", n, op)
		}
	}
	for k := 0; k < len(aq) && k < len(ar); k++ {
		q, r := aq[k], ar[k]
		var o byte
		switch {
		case q == '-' && r == '-':
			o = 'D'
			g.gaps++
		case q == '-':
			o = 'D'
			g.gaps++
			rb.WriteByte(r)
		case r == '-':
			o = 'I'
			g.gaps++
			qb.WriteByte(q)
		default:
			o = 'M'
			g.nonGap++
			qb.WriteByte(q)
			rb.WriteByte(r)
			ident, sim := columnClass(m, upper(q), upper(r))
			if ident {
				g.identity++
			}
			if sim {
				g.similarity++
			}
		}
		if o != op {
			flush()
			op, n = o, 0
		}
		n++
	}
	flush()
	g.query, g.ref, g.cigar = qb.String(), rb.String(), cb.String()
	return g
}

// columnClass says whether x and y are identical and similar. Without a
// matrix, identical means equal letters and similar is not known (false).
func columnClass(m *swalign.Matrix, x, y byte) (ident, sim bool) {
	if m == nil {
		return x == y, false
	}
	abc := m.Alphabet()
	if strings.IndexByte(abc, x) < 0 || strings.IndexByte(abc, y) < 0 {
		return false, false
	}
	sxx, syy := m.Score(x, x) > 0, m.Score(y, y) > 0
	if x == y {
		return true, sxx
	}
	return false, sxx && m.Score(x, y) > 0 || syy && m.Score(y, x) > 0
}

// alignParams are the scoring parameters of an alignment row (water's
// defaults when the row does not say), or ok=false for an unknown matrix.
func alignParams(a *table.Alignment) (swalign.Params, string, bool) {
	if a.Matrix == "" {
		p := swalign.DefaultParams()
		return p, "EBLOSUM62", true
	}
	m, err := swalign.MatrixByName(a.Matrix)
	if err != nil {
		return swalign.Params{}, a.Matrix, false
	}
	return swalign.Params{Matrix: m, GapOpen: a.GapOpen, GapExtend: a.GapExtend}, a.Matrix, true
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

var qualities = map[string]bool{"HIGH": true, "MEDIUM": true, "LOW": true, "FAILED": true}

// checkAlignments validates an alignments table.
func checkAlignments(t *loaded[table.Alignment], rs *refs, prot proteinIndex, fs *Findings) {
	for i := range t.rows {
		a := &t.rows[i]
		k := proteinKey{a.SampleID, a.Gene, a.Copy}
		rec := a.QueryID
		if rec == "" {
			rec = k.String()
		}
		rec += " vs " + a.ReferenceID
		w := t.where(i, rec)
		requireNonEmpty(fs, w, map[string]string{"gene": a.Gene, "query_id": a.QueryID, "reference_id": a.ReferenceID, "quality": a.Quality})
		checkSampleID(fs, w, a.SampleID)
		if !qualities[a.Quality] && a.Quality != "" {
			fs.Errorf(w, "alignment.quality", "quality %q is not HIGH, MEDIUM, LOW or FAILED", a.Quality)
		}
		if a.Length == 0 && a.AlignedQuery == "" && a.AlignedRef == "" {
			continue // no alignment at all (an empty local alignment): nothing to recount
		}
		if a.AlignedQuery == "" || a.AlignedRef == "" {
			requireNonEmpty(fs, w, map[string]string{"aligned_query": a.AlignedQuery, "aligned_ref": a.AlignedRef})
			continue
		}
		coordsOK := true
		if !(1 <= a.QueryStart && a.QueryStart <= a.QueryEnd && a.QueryEnd <= a.QueryLength) {
			fs.Errorf(w, "alignment.coords", "query %d..%d of length %d: need 1 ≤ query_start ≤ query_end ≤ query_length", a.QueryStart, a.QueryEnd, a.QueryLength)
			coordsOK = false
		}
		if !(1 <= a.RefStart && a.RefStart <= a.RefEnd && a.RefEnd <= a.RefLength) {
			fs.Errorf(w, "alignment.coords", "reference %d..%d of length %d: need 1 ≤ ref_start ≤ ref_end ≤ ref_length", a.RefStart, a.RefEnd, a.RefLength)
			coordsOK = false
		}
		if len(a.AlignedQuery) != len(a.AlignedRef) {
			fs.Errorf(w, "alignment.counts", "aligned_query has %d columns, aligned_ref %d", len(a.AlignedQuery), len(a.AlignedRef))
			continue
		}
		p, mname, known := alignParams(a)
		if !known {
			fs.Errorf(w, "alignment.matrix", "unknown scoring matrix %q: similarity and score not checked", a.Matrix)
		}
		g := recountWith(p.Matrix, a.AlignedQuery, a.AlignedRef)
		var bad []string
		if int(a.Length) != g.length {
			bad = append(bad, fmt.Sprintf("length %d (the aligned strings have %d columns)", a.Length, g.length))
		}
		if int(a.Identity) != g.identity {
			bad = append(bad, fmt.Sprintf("identity %d (recounted %d)", a.Identity, g.identity))
		}
		if int(a.Gaps) != g.gaps {
			bad = append(bad, fmt.Sprintf("gaps %d (recounted %d)", a.Gaps, g.gaps))
		}
		if known && int(a.Similarity) != g.similarity {
			bad = append(bad, fmt.Sprintf("similarity %d (recounted %d with %s)", a.Similarity, g.similarity, mname))
		}
		if len(bad) > 0 {
			fs.Errorf(w, "alignment.counts", "%s", strings.Join(bad, "; "))
		}
		if known && a.Score > 0 {
			if sc := swalign.Rescore(p, strings.ToUpper(a.AlignedQuery), strings.ToUpper(a.AlignedRef)); math.Abs(sc-a.Score) > scoreTolerance {
				fs.Errorf(w, "alignment.score", "score %g, but the aligned strings score %g with %s, gap open %g, extend %g", a.Score, sc, mname, p.GapOpen, p.GapExtend)
			}
		}
		if a.Cigar != "" && a.Cigar != g.cigar {
			fs.Errorf(w, "alignment.cigar", "cigar %s, the aligned strings give %s", a.Cigar, g.cigar)
		}
		var pbad []string
		for _, x := range []struct {
			name string
			got  float64
			want float64
		}{
			{"pct_identity", a.PctIdentity, pctOf(int(a.Identity), int(a.Length))},
			{"pct_similarity", a.PctSimilarity, pctOf(int(a.Similarity), int(a.Length))},
			{"pct_gaps", a.PctGaps, pctOf(int(a.Gaps), int(a.Length))},
			{"ref_coverage", a.RefCoverage, pctOf(int(a.RefEnd-a.RefStart+1), int(a.RefLength))},
			{"query_coverage", a.QueryCoverage, pctOf(int(a.QueryEnd-a.QueryStart+1), int(a.QueryLength))},
		} {
			if math.Abs(x.got-x.want) > pctTolerance {
				pbad = append(pbad, fmt.Sprintf("%s %v (expected %.1f)", x.name, x.got, x.want))
			}
		}
		if len(pbad) > 0 {
			fs.Errorf(w, "alignment.pct", "%s", strings.Join(pbad, "; "))
		}
		if coordsOK {
			if n := int(a.QueryEnd - a.QueryStart + 1); n != len(g.query) {
				fs.Errorf(w, "alignment.span", "query_start..query_end covers %d residues, aligned_query holds %d", n, len(g.query))
			}
			if n := int(a.RefEnd - a.RefStart + 1); n != len(g.ref) {
				fs.Errorf(w, "alignment.span", "ref_start..ref_end covers %d residues, aligned_ref holds %d", n, len(g.ref))
			}
		}
		nuc := table.IsNucleotide(a.Molecule)
		if ref := rs.lookup(a.ReferenceID, a.Gene, a.Organism); ref != nil {
			res := string(ref.Residues())
			switch {
			case ref.Nucleotide() != nuc:
				fs.Errorf(w, "alignment.molecule", "a %s row, but reference %s is a %s target", moleculeName(a.Molecule), ref.ID, ref.Kind)
			case int(a.RefLength) != len(res):
				fs.Errorf(w, "alignment.ref_length", "ref_length %d, reference %s has %d %s", a.RefLength, ref.ID, len(res), unitOf(ref))
			case coordsOK && strings.ToUpper(g.ref) != res[a.RefStart-1:a.RefEnd]:
				fs.Errorf(w, "alignment.ref_residues", "aligned_ref without gaps differs from reference %s residues %d..%d%s", ref.ID, a.RefStart, a.RefEnd, firstDiff(strings.ToUpper(g.ref), res[a.RefStart-1:a.RefEnd], int(a.RefStart)))
			}
		} else if rs != nil {
			fs.Errorf(w, "alignment.reference", "reference %q is not in the reference set %s", a.ReferenceID, rs.Path)
		}
		pr := prot[k]
		switch {
		case pr == nil:
		case nuc:
			// a nucleotide row's query is the copy's bases
			q := strings.ToUpper(pr.CDS)
			if !coordsOK {
				break
			}
			if int(a.QueryLength) != len(q) {
				fs.Errorf(w, "alignment.query_length", "query_length %d, the copy in the proteins table has %d bases", a.QueryLength, len(q))
			} else if strings.ToUpper(g.query) != q[a.QueryStart-1:a.QueryEnd] {
				fs.Errorf(w, "alignment.query_residues", "aligned_query without gaps differs from the copy's bases %d..%d%s", a.QueryStart, a.QueryEnd, firstDiff(strings.ToUpper(g.query), q[a.QueryStart-1:a.QueryEnd], int(a.QueryStart)))
			}
		default:
			q := queryOf(pr.Protein)
			if int(a.QueryLength) != len(q) {
				fs.Errorf(w, "alignment.query_length", "query_length %d, the protein in the proteins table has %d aa", a.QueryLength, len(q))
			} else if coordsOK && strings.ToUpper(g.query) != q[a.QueryStart-1:a.QueryEnd] {
				fs.Errorf(w, "alignment.query_residues", "aligned_query without gaps differs from the protein's residues %d..%d%s", a.QueryStart, a.QueryEnd, firstDiff(strings.ToUpper(g.query), q[a.QueryStart-1:a.QueryEnd], int(a.QueryStart)))
			}
		}
	}
}

// moleculeName is a row's molecule as a word (empty: protein, as version 1
// tables were).
func moleculeName(m string) string {
	if table.IsNucleotide(m) {
		return table.MoleculeNucleotide
	}
	return table.MoleculeProtein
}

// unitOf is what a reference's residues are counted in.
func unitOf(ref *refset.Reference) string {
	if ref.Nucleotide() {
		return "nt"
	}
	return "aa"
}

// firstDiff describes the first difference of two residue strings, the
// first starting at 1-based position start.
func firstDiff(got, want string, start int) string {
	for i := 0; i < len(got) && i < len(want); i++ {
		if got[i] != want[i] {
			return fmt.Sprintf(" (first at position %d: %c, expected %c)", start+i, got[i], want[i])
		}
	}
	return fmt.Sprintf(" (%d residues, expected %d)", len(got), len(want))
}

// checkAlignedOnce checks that each protein was aligned exactly once (once
// per reference for pairing "all"), and that every alignment has a protein.
func checkAlignedOnce(prots []*loaded[table.Protein], alns []*loaded[table.Alignment], fs *Findings) {
	type at struct {
		t *loaded[table.Alignment]
		i int
	}
	byProt := map[proteinKey][]at{}
	for _, t := range alns {
		for i := range t.rows {
			a := &t.rows[i]
			if a.SampleID == "" {
				continue // queries from a FASTA file, not from a proteins table
			}
			k := proteinKey{a.SampleID, a.Gene, a.Copy}
			byProt[k] = append(byProt[k], at{t, i})
		}
	}
	known := map[proteinKey]bool{}
	for _, t := range prots {
		for i := range t.rows {
			p := &t.rows[i]
			k := proteinKey{p.SampleID, p.Gene, p.Copy}
			if known[k] {
				continue
			}
			known[k] = true
			rows := byProt[k]
			if len(rows) == 0 {
				fs.Errorf(t.where(i, k.String()), "alignment.missing", "protein was not aligned (no row in %s)", alignFiles(alns))
				continue
			}
			seen := map[string]at{}
			for _, r := range rows {
				a := &r.t.rows[r.i]
				key := ""
				if a.Pairing == "all" || a.Pairing == "pairs" {
					key = a.ReferenceID
				}
				if first, dup := seen[key]; dup {
					fs.Errorf(r.t.where(r.i, k.String()+" vs "+a.ReferenceID), "alignment.duplicate", "protein aligned more than once (also %s row %d, against %s)", first.t.path, first.i+1, first.t.rows[first.i].ReferenceID)
					continue
				}
				seen[key] = r
			}
		}
	}
	keys := make([]proteinKey, 0, len(byProt))
	for k := range byProt {
		if !known[k] {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
	for _, k := range keys {
		r := byProt[k][0]
		fs.Errorf(r.t.where(r.i, k.String()), "alignment.orphan", "alignment of a protein that is in no proteins table given")
	}
}

func alignFiles(alns []*loaded[table.Alignment]) string {
	var names []string
	for _, t := range alns {
		names = append(names, t.path)
	}
	return strings.Join(names, ", ")
}

// residuesAt compares ref (one or more residues, '*' for the stop after the
// last residue) with the reference protein from 1-based position pos. It
// returns "" when they agree, or what the reference has there.
func residuesAt(prot []byte, pos int, ref string) (got string, ok bool) {
	var b strings.Builder
	for k := 0; k < len(ref); k++ {
		i := pos - 1 + k
		switch {
		case i >= 0 && i < len(prot):
			b.WriteByte(prot[i])
		case i == len(prot):
			b.WriteByte('*')
		default:
			b.WriteByte('?')
		}
	}
	return b.String(), b.String() == strings.ToUpper(ref)
}

// isResidues reports whether s is one or more amino-acid letters or '*'.
func isResidues(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := upper(s[i]); !(c >= 'A' && c <= 'Z' || c == '*') {
			return false
		}
	}
	return true
}

// checkMutations validates a mutations table.
func checkMutations(t *loaded[table.Mutation], rs *refs, fs *Findings) {
	for i := range t.rows {
		m := &t.rows[i]
		rec := fmt.Sprintf("%s/%s/%d %s", m.SampleID, m.Gene, m.Copy, m.Short)
		w := t.where(i, rec)
		requireNonEmpty(fs, w, map[string]string{"sample_id": m.SampleID, "gene": m.Gene, "type": m.Type})
		checkSampleID(fs, w, m.SampleID)
		if m.Type != "" && !variant.ValidType(m.Type) {
			fs.Errorf(w, "mutation.type", "type %q is not one of %s", m.Type, variant.TypeList())
		}
		nuc := table.IsNucleotide(m.Molecule)
		switch {
		case m.Molecule != "" && !nuc && m.Molecule != table.MoleculeProtein:
			fs.Errorf(w, "mutation.molecule", "molecule %q is neither %s nor %s", m.Molecule, table.MoleculeProtein, table.MoleculeNucleotide)
		case nuc && (m.Position == 0 || m.EndPosition == 0 || m.EndPosition < m.Position):
			fs.Errorf(w, "mutation.coords", "position %d, end_position %d: need position ≤ end_position, neither 0 (nucleotides count from 1, or from -1 upstream of a gene)", m.Position, m.EndPosition)
		case !nuc && (m.Position < 1 || m.EndPosition < m.Position):
			fs.Errorf(w, "mutation.coords", "position %d, end_position %d: need 1 ≤ position ≤ end_position", m.Position, m.EndPosition)
		}
		if m.CopiesWith > m.Copies {
			fs.Errorf(w, "mutation.copies", "copies_with %d exceeds copies %d", m.CopiesWith, m.Copies)
		}
		if variant.Type(m.Type) == variant.Substitution {
			if len(m.Ref) != 1 || len(m.Alt) != 1 || m.EndPosition != m.Position {
				fs.Errorf(w, "mutation.span", "a substitution has one ref and one alt residue at one position (ref %q alt %q, %d..%d)", m.Ref, m.Alt, m.Position, m.EndPosition)
			} else if want := fmt.Sprintf("%s%d%s", m.Ref, m.Position, m.Alt); m.Short != "" && m.Short != want {
				fs.Errorf(w, "mutation.name", "short %q, ref/position/alt say %s", m.Short, want)
			}
		}
		switch {
		case nuc && m.HGVS != "" && !strings.HasPrefix(m.HGVS, "n.") && !strings.HasPrefix(m.HGVS, "c."):
			fs.Errorf(w, "mutation.name", "hgvs %q of a nucleotide change does not start with n. or c.", m.HGVS)
		case !nuc && m.HGVS != "" && !strings.HasPrefix(m.HGVS, "p."):
			fs.Errorf(w, "mutation.name", "hgvs %q does not start with p.", m.HGVS)
		}
		// a promoter's changes are named by its gene: fabG1_C-15T
		if sg := strings.TrimSuffix(m.Gene, "-promoter"); m.Symbol != "" && m.Short != "" && m.Symbol != m.Gene+"_"+m.Short && !(nuc && m.Symbol == sg+"_"+m.Short) {
			fs.Errorf(w, "mutation.name", "symbol %q, gene and short say %s_%s", m.Symbol, sg, m.Short)
		}
		if m.Known && m.CatalogID == "" {
			fs.Warnf(w, "mutation.known", "known is true but catalog_id is empty")
		}
		ref := rs.lookup(m.ReferenceID, m.Gene, "")
		if ref == nil {
			if rs != nil {
				fs.Errorf(w, "mutation.reference", "reference %q (gene %s) is not in the reference set %s", m.ReferenceID, m.Gene, rs.Path)
			}
			continue
		}
		if ref.Nucleotide() != nuc {
			fs.Errorf(w, "mutation.molecule", "a %s row, but reference %s is a %s target", moleculeName(m.Molecule), ref.ID, ref.Kind)
			continue
		}
		if nuc {
			checkBases(fs, w, "mutation", ref, m.Position, m.EndPosition, m.Ref)
			continue
		}
		if int(m.Position) > len(ref.Protein)+1 {
			fs.Errorf(w, "mutation.coords", "position %d is beyond reference %s (%d aa)", m.Position, ref.ID, len(ref.Protein))
			continue
		}
		if isResidues(m.Ref) && m.Position >= 1 {
			if got, ok := residuesAt(ref.Protein, int(m.Position), m.Ref); !ok {
				fs.Errorf(w, "mutation.ref", "ref %q at position %d, but reference %s has %q there", m.Ref, m.Position, ref.ID, got)
			}
		}
		if c := ref.Codon(int(m.Position)); c != "" && len(m.CodonRef) == 3 && strings.ToUpper(m.CodonRef) != c {
			fs.Errorf(w, "mutation.codon", "codon_ref %s at position %d, but reference %s has %s", m.CodonRef, m.Position, ref.ID, c)
		}
	}
}

// checkSites validates a sites table.
func checkSites(t *loaded[table.Site], rs *refs, fs *Findings) {
	for i := range t.rows {
		s := &t.rows[i]
		w := t.where(i, fmt.Sprintf("%s/%s:%d", s.SampleID, s.Gene, s.Position))
		requireNonEmpty(fs, w, map[string]string{"sample_id": s.SampleID, "gene": s.Gene, "ref": s.Ref, "status": s.Status})
		checkSampleID(fs, w, s.SampleID)
		nuc := table.IsNucleotide(s.Molecule)
		if s.Position < 1 && !nuc || s.Position == 0 {
			fs.Errorf(w, "site.coords", "position %d: positions start at 1 (nucleotides upstream of a gene at -1)", s.Position)
		}
		if s.CopiesMut > s.Copies {
			fs.Errorf(w, "site.copies", "copies_mut %d exceeds copies %d", s.CopiesMut, s.Copies)
		}
		switch {
		case s.Status != "" && !variant.ValidStatus(s.Status):
			fs.Errorf(w, "site.status", "status %q is not WT, MUT, NOT_COVERED or AMBIGUOUS", s.Status)
		case s.Status == variant.StatusWT && !strings.EqualFold(s.Observed, s.Ref):
			fs.Errorf(w, "site.status", "status WT but observed %q differs from ref %q", s.Observed, s.Ref)
		case s.Status == variant.StatusMut && (s.Observed == "" || strings.EqualFold(s.Observed, s.Ref)):
			fs.Errorf(w, "site.status", "status MUT but observed %q is the reference residue %q (or empty)", s.Observed, s.Ref)
		}
		ref := rs.forGene(s.Gene, "")
		switch {
		case ref == nil:
		case ref.Nucleotide() != nuc:
			fs.Errorf(w, "site.molecule", "a %s row, but reference %s of gene %s is a %s target", moleculeName(s.Molecule), ref.ID, s.Gene, ref.Kind)
		case nuc:
			checkBases(fs, w, "site", ref, s.Position, s.Position, s.Ref)
		case isResidues(s.Ref) && s.Position >= 1:
			if got, ok := residuesAt(ref.Protein, int(s.Position), s.Ref); !ok {
				fs.Errorf(w, "site.ref", "ref %q at position %d, but reference %s has %q there", s.Ref, s.Position, ref.ID, got)
			}
		}
	}
}

// checkBases checks a nucleotide row against its target: positions
// pos..end in the target's coordinates (refset.Reference.Pos: 1-based, a
// promoter's upstream bases negative) lie on it, and ref, when it holds
// bases, is the target's bases from pos on. family is the check family
// (mutation, site).
func checkBases(fs *Findings, w Where, family string, ref *refset.Reference, pos, end int32, bases string) {
	i, j := ref.Index(int(pos)), ref.Index(int(end))
	if i < 0 || j < 0 {
		fs.Errorf(w, family+".coords", "position %d..%d is not on reference %s (%s target of %d bases)", pos, end, ref.ID, ref.Kind, len(ref.Seq))
		return
	}
	if bases == "" || strings.Trim(strings.ToUpper(bases), "ACGTUNRYKMSWBDHV") != "" {
		return // an insertion names no reference bases
	}
	got := string(ref.Seq[i:min(i+len(bases), len(ref.Seq))])
	if got != strings.ToUpper(bases) {
		fs.Errorf(w, family+".ref", "ref %q at position %d, but reference %s has %q there", bases, pos, ref.ID, got)
	}
}
