// Package extract is wtscan-extract: it finds the target genes of a reference
// set in genome assemblies — by annotation-free search of the six-frame
// translation (the default; see search.go), from a GFF3 or GenBank annotation,
// or from the coordinates of an abricate, RGI or AMRFinderPlus hit table — and
// writes one row per gene copy to the proteins table, plus an optional protein
// FASTA. Nucleotide targets (RNA genes, promoter regions) are always found by
// a nucleotide search of the contigs (see ntsearch.go), whatever mode gives
// the proteins: annotations name rRNAs unreliably and hit tables hold none.
//
// Output conventions (the proteins table, schema proteins/2):
//
//   - protein is the translation of cds with genetic code 11, the first codon
//     read as M when it is a start codon and the gene is not partial_start.
//     A complete gene keeps its terminal '*'; length_aa does not count it.
//     A premature stop inside the homologous region shows as '*' in place and
//     is counted in internal_stops (the terminal stop is not).
//   - A frameshift (the homology goes on in another frame) is listed in
//     frameshifts as the reference position where the next frame's homology
//     begins: the first residue the previous frame no longer explains (where
//     both frames read the same residues, the one after them). The gene is
//     then the ORF of the first frame, from its start codon up to the first
//     stop after the shift — never a translation across it — wherever the
//     shift lies: a shift in the first codons, too few residues for an
//     alignment, still leaves the gene starting at its own start codon (its
//     protein is those residues and what the first frame reads after them),
//     and one in the last codons is found from the gene's stop codon in the
//     next frame (search.go: earlyShift, lateShift).
//   - partial_start / partial_end: the contig ends before the gene's start or
//     stop codon was reached; the protein then has no M forced / no '*'.
//   - hit_identity is identical columns / alignment columns (%) of the
//     search's local alignment (EBLOSUM62, open 10, extend 0.5: water's
//     scoring) summed over frames; hit_coverage is the % of reference
//     residues aligned. For annotation and hit-table rows they come from
//     aligning the annotated protein to its reference.
//   - seq_hash is the lower-case hex SHA-256 of the protein column (terminal
//     '*' included), so identical proteins share it across samples.
//   - Rows come in sample order (sheet order), then gene, then copy; copies
//     are numbered 1..n per gene by contig order and start.
//   - molecule is protein or nucleotide. A nucleotide row (an RNA gene or a
//     promoter region: every copy, both strands) has the copy's bases in the
//     target's orientation (reverse complement for '-') as cds, an empty
//     protein, length_aa 0, translation_table 0, method search; its
//     hit_identity and hit_coverage come from a banded local alignment of the
//     bases (match 5, mismatch -4, open 10, extend 0.5), its seq_hash is the
//     SHA-256 of cds, and partial_start / partial_end say that a contig edge
//     cuts the copy. A promoter's copy is the whole span homologous to its
//     record (promoter bases and the start of the gene). Different genes may
//     report the same copy (16S-rrsB, 16S-rrsC, 16S-rrsH); of one gene's
//     records, the best-scoring one is kept per copy.
//   - --faa: one record per protein row (nucleotide rows are left out), id
//     SAMPLE|GENE|COPY, description
//     "gene=GENE copy=N sample_id=SAMPLE reference_id=REF location=CONTIG:START..END(STRAND)",
//     the protein column as sequence.
package extract
