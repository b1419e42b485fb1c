#!/usr/bin/env python3
"""Ranks the placements of one in-frame insertion by how many bases they change.

docs/peers.md uses it where the genome's CDS holds an in-frame insertion next to
substitutions, so that the insertion's place (and with it the names of the
neighbouring substitutions) is ambiguous. Given the reference's codons over a
stretch and the genome's codons over the same stretch (k codons more), every
placement of one contiguous block of k inserted codons is scored by the number
of bases that differ in the codons it pairs; the cheapest come first, each with
the protein changes it implies. Standard library only; genetic code 11.

Usage: peers_placements.py "REF CODONS" "GENOME CODONS" FIRST_REF_POSITION [N]

Example (ompK36 227-232, Kp1084):
  peers_placements.py "CAG CTG CTG CTG GGC GAA" "AGT GTT CCG GCA CTG GGT CGT" 227
"""
import sys

BASES = "TCAG"
AA = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODE = {a + b + c: AA[16 * i + 4 * j + k]
        for i, a in enumerate(BASES) for j, b in enumerate(BASES) for k, c in enumerate(BASES)}


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    ref = sys.argv[1].upper().split()
    gen = sys.argv[2].upper().split()
    first = int(sys.argv[3])
    top = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    k = len(gen) - len(ref)
    if k <= 0 or any(len(c) != 3 or c not in CODE for c in ref + gen):
        sys.exit("peers_placements.py: the genome needs more codons than the reference, all of three bases ACGT")
    out = []
    for at in range(len(gen) - k + 1):  # inserted block = gen[at:at+k], after reference codon first+at-1
        kept = gen[:at] + gen[at + k:]
        bases = sum(x != y for r, g in zip(ref, kept) for x, y in zip(r, g))
        changes = [f"{CODE[r]}{first + i}{CODE[g]} ({r}>{g})" for i, (r, g) in enumerate(zip(ref, kept))
                   if CODE[r] != CODE[g]]
        ins = "".join(CODE[c] for c in gen[at:at + k])
        out.append((bases, at, changes, f"{ins} ({' '.join(gen[at:at + k])}) inserted after {first + at - 1}"))
    for bases, _, changes, ins in sorted(out)[:top]:
        print(f"{bases} bases changed: {', '.join(changes + [ins])}")


if __name__ == "__main__":
    main()
