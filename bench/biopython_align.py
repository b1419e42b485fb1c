#!/usr/bin/env python3
"""Biopython peer for scripts/bench.sh: align every query to its gene's reference.

usage: biopython_align.py REFS.faa QUERIES.faa OUT.txt WORKERS [MATRIX]

Scoring as EMBOSS water: local (Smith-Waterman-Gotoh), MATRIX (BLOSUM62:
Biopython's copy, the same values as EMBOSS's EBLOSUM62, including B, Z, X and
*; NUC.4.4 for DNA: EMBOSS's EDNAFULL on A C G T and the IUPAC codes, without
U), a gap of k residues scores -10 - (k-1)*0.5. For every pair it builds the first optimal
alignment and formats it (alignment output, as the other tools write), and
writes one block per pair: "# pair QUERY_ID REF_ID SCORE" and the alignment.
Pairs are split over WORKERS processes; output is in query order.
"""
import sys
from multiprocessing import Pool

from Bio import SeqIO
from Bio.Align import PairwiseAligner, substitution_matrices

_aligner = None
_refs = None


def _init(refs, matrix):
    global _aligner, _refs
    a = PairwiseAligner()
    a.mode = "local"
    a.substitution_matrix = substitution_matrices.load(matrix)
    a.open_gap_score = -10
    a.extend_gap_score = -0.5
    _aligner, _refs = a, refs


def _align(job):
    qid, gene, seq = job
    rid, ref = _refs[gene]
    alignments = _aligner.align(ref, seq)
    text = format(alignments[0])
    return "# pair %s %s %s\n%s" % (qid, rid, alignments.score, text)


def gene_of(desc):
    for tok in desc.split():
        if tok.startswith("gene="):
            return tok[5:]
    raise SystemExit("no gene= tag in header: " + desc)


def main():
    if len(sys.argv) not in (5, 6):
        raise SystemExit(__doc__)
    refs_path, queries_path, out_path, workers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    matrix = sys.argv[5] if len(sys.argv) == 6 else "BLOSUM62"
    refs = {}
    for r in SeqIO.parse(refs_path, "fasta"):
        refs[gene_of(r.description)] = (r.id, str(r.seq))
    jobs = [(r.id, gene_of(r.description), str(r.seq)) for r in SeqIO.parse(queries_path, "fasta")]
    with open(out_path, "w") as out, Pool(workers, initializer=_init, initargs=(refs, matrix)) as pool:
        for block in pool.imap(_align, jobs, chunksize=16):
            out.write(block)


if __name__ == "__main__":
    main()
