#!/usr/bin/env python3
"""Writes the planted nucleotide genome of the ResFinder side by side.

ResFinder's example isolates hold one nucleotide target between them
(test_isolate_11: a single 16S-rrsB), so the side by side (scripts/
peers-resfinder.sh) adds one constructed genome, built exactly as the Go test
TestNucleotideTruthSet (internal/realdb/nucleotide_test.go) builds it: the
E. coli PointFinder folder's own 23S, 16S-rrsB and ampC promoter records set
into four 60-kb stretches of K. pneumoniae HS11286's chromosome (no rRNA
operon, no ampC promoter there), on both strands, with these changes:

  23S        6 copies: A2058G (catalogued) in 3; in one of them also a
             substitution at 1500 (uncatalogued); a 2-base deletion at
             801-802 in another; 2 copies wild type
  16S-rrsB   2 copies: A523C (catalogued) in one
  ampC       3 promoters: C-42T (catalogued); a substitution at -20
             (uncatalogued, minus strand); GT inserted after -14 (the
             literature's -13insGT, catalogued; HGVS c.-15_-14dup)

The copy layout (copy k goes into contig k mod 4 at 5,000 + (k div 4) x
20,000) is the Go test's, so both say the same about the same sequence.
--truth writes the copies made as a TSV (gene, copy, strand, contig, start,
edits as 0-based index:-deleted+inserted).

Standard library only. Usage:
  peers_planted.py --folder DB/escherichia_coli --background Klebs_HS11286.fna.xz --out planted.fna [--truth T.tsv]
"""
import argparse
import gzip
import lzma
import sys

COMP = str.maketrans("ACGTN", "TGCAN")
SUB = {"A": "G", "C": "T", "G": "A", "T": "C"}


def read_fasta(path):
    op = lzma.open if path.endswith(".xz") else gzip.open if path.endswith(".gz") else open
    recs, name, seq = [], None, []
    with op(path, "rt") as f:
        for line in f:
            line = line.strip()
            if line.startswith(">"):
                if name is not None:
                    recs.append((name, "".join(seq)))
                name, seq = line[1:].split()[0], []
            elif line:
                seq.append(line)
    if name is not None:
        recs.append((name, "".join(seq)))
    return recs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folder", required=True, help="the E. coli PointFinder folder (gunzipped)")
    ap.add_argument("--background", required=True, help="K. pneumoniae HS11286 (kleborate-examples)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--truth", help="also write the planted copies and edits here (TSV)")
    a = ap.parse_args()

    seqs = {g: read_fasta(f"{a.folder}/{g}.fsa")[0][1].upper()
            for g in ("23S", "16S-rrsB", "ampC-promoter-size-53bp")}
    chrom = read_fasta(a.background)[0][1].upper()
    chunks = [chrom[o:o + 60_000] for o in (150_000, 1_500_000, 2_600_000, 3_300_000)]
    s23, s16, amp = seqs["23S"], seqs["16S-rrsB"], seqs["ampC-promoter-size-53bp"]

    def rna(p):  # 0-based index of an RNA position
        return p - 1

    def prom(p):  # of a promoter position (53 bases before the gene: -1 is index 52)
        return 53 + p

    for seq, i, b, what in ((s23, rna(2058), "A", "23S 2058"), (s16, rna(523), "A", "16S-rrsB 523"),
                            (amp, prom(-42), "C", "ampC -42"), (amp, prom(-15), "G", "ampC -15"),
                            (amp, prom(-14), "T", "ampC -14"), (amp, prom(-13), "T", "ampC -13")):
        if seq[i] != b:
            sys.exit(f"peers_planted.py: {what}: the database has {seq[i]}, expected {b}")
    if s23[rna(801)] == s23[rna(803)]:
        sys.exit("peers_planted.py: 23S 801..803 would let the deletion shift")

    # (gene, strand, [(0-based index, bases deleted, bases inserted)])
    plants = [
        ("23S", "+", [(rna(2058), 1, "G")]),
        ("23S", "-", [(rna(2058), 1, "G"), (rna(1500), 1, SUB[s23[rna(1500)]])]),
        ("23S", "+", []),
        ("23S", "-", [(rna(2058), 1, "G")]),
        ("23S", "+", [(rna(801), 2, "")]),
        ("23S", "-", []),
        ("16S-rrsB", "+", [(rna(523), 1, "C")]),
        ("16S-rrsB", "-", []),
        ("ampC-promoter-size-53bp", "+", [(prom(-42), 1, "T")]),
        ("ampC-promoter-size-53bp", "-", [(prom(-20), 1, SUB[amp[prom(-20)]])]),
        ("ampC-promoter-size-53bp", "+", [(prom(-13), 0, "GT")]),
    ]
    contigs = list(chunks)
    truth = ["gene\tcopy\tstrand\tcontig\tstart\tedits"]
    for k, (gene, strand, edits) in enumerate(plants):
        seq = seqs[gene]
        for at, d, ins in sorted(edits, reverse=True):  # from the end: indices stay the database's
            seq = seq[:at] + ins + seq[at + d:]
        if strand == "-":
            seq = seq.translate(COMP)[::-1]
        c = k % len(contigs)
        at = 5_000 + (k // len(contigs)) * 20_000
        contigs[c] = contigs[c][:at] + seq + contigs[c][at:]
        truth.append(f"{gene}\t{k + 1}\t{strand}\tc{c + 1}\t{at + 1}\t"
                     + (",".join(f"{i}:-{d}+{ins or '-'}" for i, d, ins in edits) or "none"))
    with open(a.out, "w") as f:
        for i, c in enumerate(contigs):
            f.write(f">c{i + 1}\n{c}\n")
    if a.truth:
        with open(a.truth, "w") as f:
            f.write("\n".join(truth) + "\n")


if __name__ == "__main__":
    main()
