// Package catalog loads catalogues of known resistance mutations, checks them
// against the wild-type references, and matches called changes to them.
//
// Three formats are read, chosen by --catalog-format (auto detects them):
//
//   - wtscan: wtscan's own TSV, below.
//   - pointfinder: a PointFinder species folder, its phenotypes.txt or its
//     resistens-overview.txt (PointFinder writes the reference codon in
//     Ref_nuc, the reference amino acid in Ref_codon and the resistant amino
//     acids in Res_codon). A folder is read from phenotypes.txt, plus the rows
//     of resistens-overview.txt that phenotypes.txt lacks. Rows after a
//     "# Indels" line are insertions/deletions whose Codon_pos counts
//     nucleotides of the gene (resistens-overview.txt, TypeGene NUC) or codons
//     (TypeGene AA). Rows for RNA genes and promoters (16S, 23S, "promoter",
//     non-positive positions, single-base Ref_nuc, TypeGene NUC outside the
//     indel section) are nucleotide positions: they are skipped with a note.
//   - amrfinder: AMRFinderPlus's AMRProt-mutation.tsv (columns organism,
//     accession, position, standard_mutation_symbol, mutation_symbol, class,
//     subclass, name; one organism is chosen with Options.Organism).
//
// # The wtscan catalogue format
//
// A tab-separated file, UTF-8. Lines starting with '#' are comments; the
// first other line is the header. Column order is free; these columns are
// required in the header (values may be empty where noted):
//
//	gene          gene symbol as in the reference set (gyrA)
//	reference     reference accession the position is counted on (may be empty;
//	              when it names a reference of the set, that one is used)
//	position      1-based residue position on the reference protein
//	ref           reference residue(s) at position (one-letter codes)
//	alt           changed residue(s): comma-separated alternatives for a
//	              substitution (L,W), "*" for a premature stop, the inserted
//	              residues for an insertion (after position), the new residues
//	              for a delins, empty for deletion, frameshift and truncation
//	type          substitution, nonsense, start_lost, deletion, insertion,
//	              delins, frameshift, truncation (a truncation entry matches a
//	              truncation or premature stop at or before its position)
//	drug_classes  comma-separated drugs or classes (may be empty)
//	phenotype     free text (may be empty)
//	pmids         comma-separated PubMed ids (may be empty)
//	requires      combination rule (may be empty): other changes that must be
//	              present in the same sample, as gene_RefPosAlt tokens; '+'
//	              joins tokens that are all required, '|' separates
//	              alternatives, '.' lists alternative residues:
//	              gyrA_D82G  or  gyrA_S83L.W+parC_S80I|gyrA_D87N
//	source        where the entry comes from (catalogue name)
//	version       catalogue version (may be empty)
//
// Optional columns: id (entry id; default file:line), organism (to choose the
// reference when the set holds the gene for several organisms), end_position
// (last position of a deletion or delins), ref_codon (reference codon, checked
// against a CDS reference; N matches any base), notes.
//
// PointFinder's Required_mut uses ',' for "all of" and ';' for "any of"; both
// spellings are accepted everywhere.
//
// # Checks against the reference
//
// Validate checks every entry: the gene has a reference, the position lies
// inside it, the reference residue matches, the codon (where given, and the
// reference has a CDS) matches and encodes the residue, Gene_ID and
// Gene_name agree (PointFinder), and the tokens of combination rules name
// the reference residue. Every fault is listed with its file and line. A
// catalogue made elsewhere is read as its authors mean it: a row with a wrong
// residue, codon or name is kept (matched on position and alternative) and
// its faults are warnings; a row that cannot apply (no reference for its
// gene, a position past the end) is dropped with a warning; a synonymous
// codon is a note. In strict mode every fault is an error.
package catalog
