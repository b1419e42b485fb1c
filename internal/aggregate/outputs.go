package aggregate

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/wtscan/wtscan/internal/build"
	"github.com/wtscan/wtscan/internal/fsx"
	"github.com/wtscan/wtscan/internal/table"
)

// Schemas of the tables wtscan-aggregate writes (cohort_mutations is a
// mutations table: the cohort's rows, merged and sorted).
const (
	SchemaGenePositions  = "gene_positions/1"
	SchemaSampleProfiles = "sample_profiles/1"
	SchemaCooccurrence   = "cooccurrence/1"
	SchemaMatrix         = "matrix/1"
)

// maxMatrixColumns keeps the matrix under Parquet's column limit: beyond it
// only the most frequent changes get a column (a warning says so).
const maxMatrixColumns = 30000

// GenePosition is one change in one gene with its frequency, and the
// frequency of any change at its position. Frequencies are over the samples
// covered there (see coverage.go).
type GenePosition struct {
	Gene              string  `parquet:"gene,dict"`
	Position          int32   `parquet:"position"`
	EndPosition       int32   `parquet:"end_position"`
	Ref               string  `parquet:"ref"`
	Alt               string  `parquet:"alt"`
	Type              string  `parquet:"type,dict"`
	Short             string  `parquet:"short"`
	Symbol            string  `parquet:"symbol"`
	Known             bool    `parquet:"known"`
	DrugClasses       string  `parquet:"drug_classes"`
	Samples           int64   `parquet:"samples"`
	Covered           int64   `parquet:"covered"`
	Frequency         float64 `parquet:"frequency"`
	PositionSamples   int64   `parquet:"position_samples"`
	PositionCovered   int64   `parquet:"position_covered"`
	PositionFrequency float64 `parquet:"position_frequency"`
}

// SampleProfile is one sample's resistance profile. known_changes lists the
// known changes; the members of one catalogue entry (same catalog_id, as
// subscan marks a satisfied combination rule) are joined with "+".
type SampleProfile struct {
	SampleID     string `parquet:"sample_id"`
	Changes      int32  `parquet:"changes"`
	KnownCount   int32  `parquet:"known"`
	KnownChanges string `parquet:"known_changes"`
	DrugClasses  string `parquet:"drug_classes"`
	Phenotypes   string `parquet:"phenotypes"`
	Genes        string `parquet:"genes"`
	NotCovered   string `parquet:"genes_not_covered"`
}

func meta(schema string, args []string, files []inputFile) table.Meta {
	m := table.Meta{Schema: schema, Command: strings.Join(args, " "), Inputs: map[string]string{}}
	for _, f := range files {
		m.Inputs[f.Path] = f.SHA256
	}
	return m
}

// writeTable writes rows of T to path (format by extension).
func writeTable[T any](path string, m table.Meta, rows func(emit func(T) error) error) (int64, error) {
	w, err := table.Create[T](path, m)
	if err != nil {
		return 0, err
	}
	defer w.Abort()
	buf := make([]T, 0, 1024)
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		err := w.Write(buf...)
		buf = buf[:0]
		return err
	}
	if err := rows(func(r T) error {
		buf = append(buf, r)
		if len(buf) == cap(buf) {
			return flush()
		}
		return nil
	}); err != nil {
		return 0, err
	}
	if err := flush(); err != nil {
		return 0, err
	}
	n := w.Rows()
	return n, w.Close()
}

// mutationRows emits the cohort's mutations rows in output order.
func (c *cohort) mutationRows(keep func(o *occurrence) bool, emit func(table.Mutation) error) error {
	for i := range c.occ {
		o := &c.occ[i]
		if keep != nil && !keep(o) {
			continue
		}
		if err := emit(c.row(o)); err != nil {
			return err
		}
	}
	return nil
}

// splitList splits a drug class or phenotype list on ';' and ','.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// profiles computes every analysed sample's profile, in sample id order.
func (c *cohort) profiles(geneUnc []bitset) []SampleProfile {
	out := make([]SampleProfile, 0, len(c.order))
	i := 0
	for _, s := range c.order {
		p := SampleProfile{SampleID: c.samples.str[s]}
		seen := map[string]bool{}
		groups := map[string][]string{} // catalog_id -> symbols
		var singles []string
		classes, phen, genes := map[string]bool{}, map[string]bool{}, map[string]bool{}
		for ; i < len(c.occ) && c.occ[i].sample == s; i++ {
			k := &c.recs[c.occ[i].rec]
			if seen[k.Symbol] {
				continue
			}
			seen[k.Symbol] = true
			p.Changes++
			genes[k.Gene] = true
			if !k.Known || k.Unmet {
				continue // not a resistance determinant in this sample
			}
			p.KnownCount++
			if k.CatalogID != "" {
				groups[k.CatalogID] = append(groups[k.CatalogID], k.Symbol)
			} else {
				singles = append(singles, k.Symbol)
			}
			for _, d := range splitList(k.DrugClasses) {
				classes[d] = true
			}
			for _, d := range splitList(k.Phenotype) {
				phen[d] = true
			}
		}
		names := singles
		for _, syms := range groups {
			names = append(names, strings.Join(syms, "+"))
		}
		slices.Sort(names)
		names = slices.Compact(names)
		p.KnownChanges = strings.Join(names, ";")
		p.DrugClasses = joinSet(classes)
		p.Phenotypes = joinSet(phen)
		p.Genes = joinSet(genes)
		var nc []string
		for g, u := range geneUnc {
			if u.has(s) {
				nc = append(nc, c.genes.str[g])
			}
		}
		slices.Sort(nc)
		p.NotCovered = strings.Join(nc, ";")
		out = append(out, p)
	}
	return out
}

func joinSet(m map[string]bool) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return strings.Join(keys, ";")
}

// matrixColumns picks the changes that get a matrix column, in change order.
func (c *cohort) matrixColumns() []int {
	cols := make([]int, len(c.changes))
	for i := range cols {
		cols[i] = i
	}
	if len(cols) > maxMatrixColumns {
		slices.SortStableFunc(cols, func(a, b int) int {
			return cmp.Compare(len(c.changes[b].samples), len(c.changes[a].samples))
		})
		cols = cols[:maxMatrixColumns]
		slices.Sort(cols)
	}
	return cols
}

// columnName makes a symbol safe as a Parquet struct tag name.
func columnName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ',' || r == '"' || r == '\\' || r == '`' || r < ' ' {
			return '_'
		}
		return r
	}, s)
}

// writeMatrix writes the samples × changes presence matrix: sample_id,
// num_found, num_known, then one column per change: 1 present, 0 absent,
// null (TSV: NA) where the sample was not covered there.
func (c *cohort) writeMatrix(path string, m table.Meta, cols []int, profiles []SampleProfile) error {
	f, err := fsx.CreateAtomic(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	// Per-sample cells, filled column by column then emitted row by row.
	present := make([]bitset, len(cols))
	for j, ci := range cols {
		for _, s := range c.changes[ci].samples {
			present[j].set(s)
		}
	}
	cell := func(j int, s int32) int {
		switch {
		case present[j].has(s):
			return 1
		case c.changes[cols[j]].uncovered.has(s):
			return -1
		}
		return 0
	}
	if strings.HasSuffix(path, ".parquet") {
		err = c.writeMatrixParquet(f, m, cols, profiles, cell)
	} else {
		err = c.writeMatrixTSV(f, cols, profiles, cell)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}

func (c *cohort) writeMatrixTSV(w io.Writer, cols []int, profiles []SampleProfile, cell func(int, int32) int) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString("sample_id\tnum_found\tnum_known")
	for _, ci := range cols {
		bw.WriteByte('\t')
		bw.WriteString(c.changes[ci].key.Symbol)
	}
	bw.WriteByte('\n')
	for r, s := range c.order {
		bw.WriteString(c.samples.str[s])
		fmt.Fprintf(bw, "\t%d\t%d", profiles[r].Changes, profiles[r].KnownCount)
		for j := range cols {
			switch cell(j, s) {
			case 1:
				bw.WriteString("\t1")
			case 0:
				bw.WriteString("\t0")
			default:
				bw.WriteString("\tNA")
			}
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

func (c *cohort) writeMatrixParquet(w io.Writer, m table.Meta, cols []int, profiles []SampleProfile, cell func(int, int32) int) error {
	// A struct type built at run time keeps the columns in order.
	fields := []reflect.StructField{
		{Name: "SampleID", Type: reflect.TypeFor[string](), Tag: `parquet:"sample_id"`},
		{Name: "NumFound", Type: reflect.TypeFor[int32](), Tag: `parquet:"num_found"`},
		{Name: "NumKnown", Type: reflect.TypeFor[int32](), Tag: `parquet:"num_known"`},
	}
	for j, ci := range cols {
		fields = append(fields, reflect.StructField{
			Name: "C" + strconv.Itoa(j), Type: reflect.TypeFor[int8](),
			Tag: reflect.StructTag(`parquet:"` + columnName(c.changes[ci].key.Symbol) + `,optional"`),
		})
	}
	schema := parquet.SchemaOf(reflect.New(reflect.StructOf(fields)).Elem().Interface())
	opts := []parquet.WriterOption{
		schema,
		parquet.Compression(&zstd.Codec{Level: zstd.SpeedDefault}),
		parquet.MaxRowsPerRowGroup(table.RowGroupSize),
		parquet.CreatedBy("wtscan", build.Version, ""),
	}
	for _, kv := range metaKeyValues(m) {
		opts = append(opts, parquet.KeyValueMetadata(kv[0], kv[1]))
	}
	pw := parquet.NewWriter(w, opts...)
	rows := make([]parquet.Row, 0, 256)
	flush := func() error {
		if _, err := pw.WriteRows(rows); err != nil {
			return err
		}
		rows = rows[:0]
		return nil
	}
	for r, s := range c.order {
		row := make(parquet.Row, 0, 3+len(cols))
		row = append(row,
			parquet.ByteArrayValue([]byte(c.samples.str[s])).Level(0, 0, 0),
			parquet.Int32Value(profiles[r].Changes).Level(0, 0, 1),
			parquet.Int32Value(profiles[r].KnownCount).Level(0, 0, 2))
		for j := range cols {
			switch v := cell(j, s); v {
			case -1:
				row = append(row, parquet.NullValue().Level(0, 0, 3+j))
			default:
				row = append(row, parquet.Int32Value(int32(v)).Level(0, 1, 3+j))
			}
		}
		rows = append(rows, row)
		if len(rows) == cap(rows) {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return pw.Close()
}

// metaKeyValues mirrors the key/value metadata internal/table writes.
func metaKeyValues(m table.Meta) [][2]string {
	inputs, _ := json.Marshal(m.Inputs)
	return [][2]string{
		{table.KeyVersion, build.Version},
		{table.KeySchema, m.Schema},
		{table.KeyCommand, m.Command},
		{table.KeyInputs, string(inputs)},
	}
}

// hamronizationColumns are the hAMRonization (PHA4GE) fields in the order of
// hAMRonizedResult (pha4ge/hAMRonization, hAMRonizedResult.py): mandatory
// fields first, then the optional ones.
var hamronizationColumns = []string{
	"input_file_name", "gene_symbol", "gene_name", "reference_database_name",
	"reference_database_version", "reference_accession", "analysis_software_name",
	"analysis_software_version", "genetic_variation_type",
	"antimicrobial_agent", "coverage_percentage", "coverage_depth", "coverage_ratio", "drug_class",
	"input_gene_length", "input_gene_start", "input_gene_stop", "input_protein_length",
	"input_protein_start", "input_protein_stop", "input_sequence_id", "nucleotide_mutation",
	"nucleotide_mutation_interpretation", "predicted_phenotype", "predicted_phenotype_confidence_level",
	"amino_acid_mutation", "amino_acid_mutation_interpretation", "reference_gene_length",
	"reference_gene_start", "reference_gene_stop", "reference_protein_length",
	"reference_protein_start", "reference_protein_stop", "resistance_mechanism",
	"strand_orientation", "sequence_identity",
}

var hamTSV = strings.NewReplacer("\t", " ", "\n", " ", "\r", " ")

// writeHamronization writes one row per sample × change × gene copy (known
// changes only unless all): genetic_variation_type protein_variant_detected,
// amino_acid_mutation the HGVS name, coordinates from the alignment when
// alignments were given.
func (c *cohort) writeHamronization(path string, all bool) (int, error) {
	f, err := fsx.CreateAtomic(path)
	if err != nil {
		return 0, err
	}
	defer f.Abort()
	bw := bufio.NewWriterSize(f, 1<<16)
	bw.WriteString(strings.Join(hamronizationColumns, "\t"))
	bw.WriteByte('\n')
	n := 0
	vals := make(map[string]string, len(hamronizationColumns))
	for i := range c.occ {
		o := &c.occ[i]
		k := &c.recs[o.rec]
		if !all && !k.Known {
			continue
		}
		clear(vals)
		db := k.CatalogName
		if db == "" {
			db = "wtscan-references"
		}
		vals["input_file_name"] = c.samples.str[o.sample]
		vals["gene_symbol"] = k.Gene
		vals["gene_name"] = k.Gene
		vals["reference_database_name"] = db
		vals["reference_database_version"] = k.CatalogVersion
		vals["reference_accession"] = k.ReferenceID
		vals["analysis_software_name"] = "wtscan"
		vals["analysis_software_version"] = build.Version
		vals["genetic_variation_type"] = "protein_variant_detected"
		vals["drug_class"] = k.DrugClasses
		vals["predicted_phenotype"] = k.Phenotype
		vals["amino_acid_mutation"] = k.HGVS
		interp := "unknown"
		if k.Known {
			interp = "known resistance change"
			if k.CatalogID != "" {
				interp += " (" + k.CatalogID + ")"
			}
		}
		vals["amino_acid_mutation_interpretation"] = k.Symbol + ": " + interp
		if cr, ca := c.strs.str[o.codonRef], c.strs.str[o.codonAlt]; cr != "" || ca != "" {
			vals["nucleotide_mutation"] = cr + ">" + ca
		}
		g, _ := c.genes.lookup(k.Gene)
		if a, ok := c.aln[alnKey{o.sample, g, o.copy}]; ok {
			vals["input_sequence_id"] = a.queryID
			vals["input_protein_start"] = strconv.Itoa(int(a.qStart))
			vals["input_protein_stop"] = strconv.Itoa(int(a.qEnd))
			vals["input_protein_length"] = strconv.Itoa(int(a.qLen))
			vals["reference_protein_start"] = strconv.Itoa(int(a.refStart))
			vals["reference_protein_stop"] = strconv.Itoa(int(a.refEnd))
			vals["reference_protein_length"] = strconv.Itoa(int(a.refLen))
			vals["coverage_percentage"] = strconv.FormatFloat(a.refCoverage, 'f', -1, 64)
			vals["sequence_identity"] = strconv.FormatFloat(a.pctIdentity, 'f', -1, 64)
			if a.refLen > 0 {
				vals["coverage_ratio"] = fmt.Sprintf("%d/%d", a.refEnd-a.refStart+1, a.refLen)
			}
		}
		for j, col := range hamronizationColumns {
			if j > 0 {
				bw.WriteByte('\t')
			}
			bw.WriteString(hamTSV.Replace(vals[col]))
		}
		bw.WriteByte('\n')
		n++
	}
	if err := bw.Flush(); err != nil {
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	return n, f.Commit()
}
