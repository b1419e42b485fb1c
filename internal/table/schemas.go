package table

// Schema names and versions of wtscan's tables. Adding a column keeps the
// version; renaming or retyping one bumps it. Version 2 of every table holds
// nucleotide targets (RNA genes, promoters) beside proteins: its molecule
// column says which a row is, and sequences and positions count residues or
// nucleotides accordingly.
const (
	SchemaProteins   = "proteins/2"
	SchemaAlignments = "alignments/2"
	SchemaMutations  = "mutations/2"
	SchemaSites      = "sites/2"
)

// Molecule values: what a row's sequences and positions count. A TSV table
// without the molecule column, or a row with it empty, is protein.
const (
	MoleculeProtein    = "protein"
	MoleculeNucleotide = "nucleotide"
)

// IsNucleotide reports whether a molecule column value is nucleotide.
func IsNucleotide(molecule string) bool { return molecule == MoleculeNucleotide }

// Protein is one gene copy found in a sample (wtscan-extract).
type Protein struct {
	SampleID         string  `parquet:"sample_id,dict"`
	Gene             string  `parquet:"gene,dict"`
	Copy             int32   `parquet:"copy"`
	ReferenceID      string  `parquet:"reference_id,dict"`
	Contig           string  `parquet:"contig"`
	Start            int64   `parquet:"start"` // 1-based, inclusive, on the contig's forward strand
	End              int64   `parquet:"end"`
	Strand           string  `parquet:"strand,dict"` // + or -
	TranslationTable int32   `parquet:"translation_table"`
	Protein          string  `parquet:"protein"`
	CDS              string  `parquet:"cds"`
	LengthAA         int32   `parquet:"length_aa"`
	PartialStart     bool    `parquet:"partial_start"`
	PartialEnd       bool    `parquet:"partial_end"`
	InternalStops    int32   `parquet:"internal_stops"`
	Method           string  `parquet:"method,dict"` // search, gff, genbank, abricate, rgi, amrfinder, fasta
	HitIdentity      float64 `parquet:"hit_identity"`
	HitCoverage      float64 `parquet:"hit_coverage"`
	SeqHash          string  `parquet:"seq_hash"`
	Frameshifts      string  `parquet:"frameshifts" wtscan:"optional"` // comma-separated reference positions, empty when none
	Organism         string  `parquet:"organism,dict" wtscan:"optional"`
	Insertions       string  `parquet:"insertions" wtscan:"optional"`    // wtscan-extract: REFPOS:+LENGTH where homology resumes after an insertion (IS element) in the contig, comma-separated
	Molecule         string  `parquet:"molecule,dict" wtscan:"optional"` // protein, or nucleotide for an RNA gene or promoter (then protein is empty, cds holds the copy's bases in the target's orientation and length_aa is 0)
}

// Alignment is one query × reference pair (wtscan-align). Score, Identity,
// Similarity, Gaps and Length mean exactly what EMBOSS water prints.
type Alignment struct {
	SampleID      string  `parquet:"sample_id,dict"`
	Gene          string  `parquet:"gene,dict"`
	Copy          int32   `parquet:"copy"`
	QueryID       string  `parquet:"query_id"`
	ReferenceID   string  `parquet:"reference_id,dict"`
	Score         float64 `parquet:"score"`
	Identity      int32   `parquet:"identity"`
	Similarity    int32   `parquet:"similarity"`
	Gaps          int32   `parquet:"gaps"`
	Length        int32   `parquet:"length"`
	QueryStart    int32   `parquet:"query_start"`
	QueryEnd      int32   `parquet:"query_end"`
	QueryLength   int32   `parquet:"query_length"`
	RefStart      int32   `parquet:"ref_start"`
	RefEnd        int32   `parquet:"ref_end"`
	RefLength     int32   `parquet:"ref_length"`
	PctIdentity   float64 `parquet:"pct_identity"`
	PctSimilarity float64 `parquet:"pct_similarity"`
	PctGaps       float64 `parquet:"pct_gaps"`
	RefCoverage   float64 `parquet:"ref_coverage"`
	QueryCoverage float64 `parquet:"query_coverage"`
	Quality       string  `parquet:"quality,dict"`
	Cigar         string  `parquet:"cigar"`
	AlignedQuery  string  `parquet:"aligned_query"`
	AlignedRef    string  `parquet:"aligned_ref"`
	Organism      string  `parquet:"organism,dict" wtscan:"optional"`
	Pairing       string  `parquet:"pairing,dict" wtscan:"optional"` // how the reference was chosen: gene, gene+organism, gene-fallback, gene+allele, pairs, all
	Matrix        string  `parquet:"matrix,dict" wtscan:"optional"`
	GapOpen       float64 `parquet:"gap_open" wtscan:"optional"`
	GapExtend     float64 `parquet:"gap_extend" wtscan:"optional"`
	PartialStart  bool    `parquet:"partial_start" wtscan:"optional"`
	PartialEnd    bool    `parquet:"partial_end" wtscan:"optional"`
	QueryCDS      string  `parquet:"query_cds" wtscan:"optional"`
	Frameshifts   string  `parquet:"frameshifts" wtscan:"optional"`
	Query         string  `parquet:"query" wtscan:"optional"`         // the whole query protein, so callers see residues outside the local alignment
	Molecule      string  `parquet:"molecule,dict" wtscan:"optional"` // protein, or nucleotide (aligned bases, EDNAFULL; positions on the target's bases)
}

// Mutation is one change against the reference (wtscan-subscan).
type Mutation struct {
	SampleID       string  `parquet:"sample_id,dict"`
	Gene           string  `parquet:"gene,dict"`
	Copy           int32   `parquet:"copy"`
	ReferenceID    string  `parquet:"reference_id,dict"`
	Position       int32   `parquet:"position"`
	EndPosition    int32   `parquet:"end_position"`
	Ref            string  `parquet:"ref"`
	Alt            string  `parquet:"alt"`
	Type           string  `parquet:"type,dict"`
	HGVS           string  `parquet:"hgvs"`
	Short          string  `parquet:"short"`
	Symbol         string  `parquet:"symbol"`
	CodonRef       string  `parquet:"codon_ref"`
	CodonAlt       string  `parquet:"codon_alt"`
	Known          bool    `parquet:"known"`
	CatalogID      string  `parquet:"catalog_id"`
	DrugClasses    string  `parquet:"drug_classes"`
	Phenotype      string  `parquet:"phenotype"`
	PMIDs          string  `parquet:"pmids"`
	CatalogName    string  `parquet:"catalog_name,dict"`
	CatalogVersion string  `parquet:"catalog_version,dict"`
	RetainedPct    float64 `parquet:"retained_pct" wtscan:"optional"`  // for nonsense/truncation: % of reference length kept
	RequiredMut    string  `parquet:"required_mut" wtscan:"optional"`  // combination rule(s) of the catalogue entries used (PointFinder Required_mut)
	RequiredMet    bool    `parquet:"required_met" wtscan:"optional"`  // false: known only in a combination this sample lacks (drug_classes then empty)
	Molecule       string  `parquet:"molecule,dict" wtscan:"optional"` // protein (p. names, residue positions) or nucleotide (n. for RNA genes, c. for promoters, base positions; negative upstream of the gene)
	Copies         int32   `parquet:"copies" wtscan:"optional"`        // copies of the gene called in the sample
	CopiesWith     int32   `parquet:"copies_with" wtscan:"optional"`   // of those, copies carrying this change (a 23S change in 3 of 6 copies)
}

// Site is one sample × catalogue site (wtscan-subscan).
type Site struct {
	SampleID  string `parquet:"sample_id,dict"`
	Gene      string `parquet:"gene,dict"`
	Position  int32  `parquet:"position"`
	Ref       string `parquet:"ref"`
	Status    string `parquet:"status,dict"` // WT, MUT, NOT_COVERED, AMBIGUOUS
	Observed  string `parquet:"observed"`
	Copy      int32  `parquet:"copy" wtscan:"optional"`
	Molecule  string `parquet:"molecule,dict" wtscan:"optional"` // protein or nucleotide, as in mutations
	Copies    int32  `parquet:"copies" wtscan:"optional"`        // copies of the gene in the sample (rows of this sample, gene and position)
	CopiesMut int32  `parquet:"copies_mut" wtscan:"optional"`    // of those, copies with status MUT at the site
}
