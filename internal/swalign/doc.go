// Package swalign is wtscan's local alignment engine: Smith-Waterman with
// affine gaps (Gotoh) that scores, breaks ties and reports exactly as
// EMBOSS water 6.6.0 does, so that the score, identity, similarity, gaps and
// length columns of wtscan's tables mean what water prints for the same pair.
//
// # Conventions
//
// The query is water's -asequence and the reference is its -bsequence:
//
//	water -asequence query.fa -bsequence reference.fa -gapopen 10 -gapextend 0.5
//
// Which sequence is which matters: water's traceback breaks ties by
// direction, and the order is not symmetric. In the dynamic-programming
// matrix the query runs down the rows (i) and the reference along the
// columns (j).
//
// Coordinates in Result are 1-based and inclusive. Gaps in the aligned
// strings are '-' (water writes '.' internally and '-' in its output).
// A gap of length k costs GapOpen + (k-1)·GapExtend, as in EMBOSS.
//
// # How water computes, and what is replicated
//
// The recurrences follow embAlignPathCalcSW and embAlignWalkSWMatrix in
// EMBOSS nucleus/embaln.c, including their quirks:
//
//   - H(i,j) = max(H(i-1,j-1)+s, E, F) with ties going diagonal, then
//     left (gap in the query), then down (gap in the reference); negative
//     values are stored as 0 but the direction is kept.
//   - The first row and column are filled with a simplified rule
//     (score, or the neighbour minus open/extend depending on the neighbour's
//     direction), and the horizontal gap state of column 1 starts from that
//     rule too.
//   - The alignment ends at the first cell holding the maximum, scanning rows
//     (query) then columns (reference).
//   - The traceback follows the stored directions; for a gap it takes the
//     shortest gap whose start cell explains the score (|difference| < 0.01),
//     and it stops after a diagonal step onto a cell holding 0 or less.
//   - The score water reports is the largest value computed in the interior of
//     the matrix (row and column 0 excluded) before clamping at 0. So when no
//     pair scores positively, water reports a negative score and a one-column
//     alignment of the first residues, and when either sequence has a single
//     residue it reports -FLT_MAX (-3.4028235e38). Both are reproduced.
//   - Identity, similarity and gaps are counted as EMBOSS's alignConsStats
//     does for two sequences: identical when both residues have the same,
//     known matrix code (X/X counts even though it scores negatively);
//     similar when, for one of the two residues, both its self score and the
//     pair score are positive; a gap column is any column with a '-'.
//
// Residues are looked up case-insensitively; bytes that are not letters of
// the matrix (U, O, J in BLOSUM62, digits, ...) score 0 against everything,
// as in water. Note that water's sequence reader drops digits, blanks, '-'
// and '.' before aligning; callers that feed raw text should do the same.
//
// # Nucleotides
//
// With a nucleotide matrix (EDNAFULL, water's default for DNA, EDNAMAT or
// EDNASIMPLE; DefaultDNAParams) the sequences are DNA and are read as
// water reads DNA: only IUPAC nucleotide codes and X are accepted (any
// other letter, or '*', would make water read a protein and switch to
// EBLOSUM62), and X becomes N (x becomes n) before aligning, so it scores,
// counts and prints as N. U is its own EDNAFULL letter (U/T scores 5 but is
// not identical). Everything else is the same engine; TestWaterParityDNA
// compares it with the real water on rRNA genes and promoters of the
// PointFinder database. The SIMD engine's seeds are 6-mers of A, C, G and T
// for nucleotides (2-mers for proteins).
//
// Arithmetic is exact: gap penalties are scaled to integers (for example ×2
// for 10/0.5) and the dynamic programming runs on int32. Water computes in
// double and stores float, which is exact for penalties that are multiples of
// 1/2, 1/4, ...; for penalties such as 0.3 water's rounding may break a rare
// tie differently.
//
// # Speed
//
// An Aligner holds reusable buffers and is not safe for concurrent use; use
// one per goroutine. A Profile holds the per-reference substitution profile;
// it is read-only and can be shared by goroutines. Align rebuilds the
// profile only when the reference changes; AlignProfile takes a prepared one.
//
// Two engines give identical Results. The scalar engine (dp.go, fill and
// scoreOnly) is the reference implementation: int32 dynamic programming
// with a direction per cell. The SIMD engine (simd.go, simd_amd64.go) is
// used when the package is built with GOEXPERIMENT=simd on amd64 and the
// CPU has AVX-512 (see Accelerated), when every value fits in int16 and
// when gap open >= gap extend; otherwise the scalar engine runs. It
// computes the same recurrences on 32 reference columns at a time (the gap
// along the row as a max-plus prefix scan), keeps H as int16 and the
// directions as bit masks, and skips the cells that provably cannot lie on
// a best path: a cheap seed (the best path along the diagonals sharing the
// most 2-mers) gives a lower bound T on the best score, and a cell whose
// value plus the most its remaining residues could still add stays below T
// is treated as a zero, which changes no value on any best path, no
// direction the traceback reads, the first maximum or water's score (the
// argument is in fillSIMD). TestSIMDMatchesScalar and FuzzSIMD compare the
// two engines; the parity tests run with either.
package swalign
