// Package extract is wtscan-extract: it finds the target genes of a reference
// set in genome assemblies — by annotation-free search of the six-frame
// translation (the default; see search.go), from a GFF3 or GenBank annotation,
// or from the coordinates of an abricate, RGI or AMRFinderPlus hit table — and
// writes one row per gene copy to the proteins table, plus an optional protein
// FASTA.
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
//     begins; the gene is then the ORF of the first frame, up to the first
//     stop after the shift — never a translation across it.
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
//   - --faa: one record per row, id SAMPLE|GENE|COPY, description
//     "gene=GENE copy=N sample_id=SAMPLE reference_id=REF location=CONTIG:START..END(STRAND)",
//     the protein column as sequence.
package extract
