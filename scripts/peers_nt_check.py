#!/usr/bin/env python3
"""Checks each tool's calls on nucleotide targets (RNA genes, promoters) against the genome.

Independent of both tools, as peers_cds_check.py is for proteins: blastn
(ncbi-blast+) places every copy of the target record (<gene>.fsa of the
PointFinder folder) on the genome: each HSP covering at least half the record
is a copy. For a call, the reference is cut around it (12 bases each side,
and together with the same tool's other calls on the gene within reach, since
a window holds all of them), the call(s) applied to it, and the genome's own
bases between the two ends of that window (blastn's alignment gives only
where the ends fall; the bases are read from the genome FASTA,
reverse-complemented for a copy on the minus strand) compared with it. A copy
holds the call when the reference with the call applied (and with those of
the window's other calls the copy holds) gives the copy's bases: each copy is
tested with every subset of the window's calls, since copies differ (a 23S
change in 3 of 6 copies). A substitution's verdict also lists the base each
copy has at its position.

The verdict: `k/n copies hold it`, n the copies whose alignment covers the
window. ResFinder's names are read as it means them (peers_resfinder.py: its
insertion `a_binsX` puts X before base a); the verdict also says how many
copies hold its insertion read literally as HGVS would read it (X between a
and b).

Usage: peers_nt_check.py --genome G.fna --folder DB/escherichia_coli --sample S
       [--resfinder OUTDIR] [--wtscan mutations.tsv]   -> TSV on stdout:
       sample, tool, gene, change, claim, copies, copies_with, verdict
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peers_resfinder import (edit_of_hgvs, hgvs_of_edit, nt_resfinder, nt_targets,  # noqa: E402
                             read_resfinder, read_wtscan)

COMP = str.maketrans("ACGTNacgtn", "TGCANtgcan")
MARGIN = 12


def read_fasta(path):
    recs, name, seq = {}, None, []
    with open(path) as f:
        for line in f:
            line = line.rstrip()
            if line.startswith(">"):
                if name is not None:
                    recs[name] = "".join(seq)
                name, seq = line[1:].split()[0], []
            elif line:
                seq.append(line.strip())
    if name is not None:
        recs[name] = "".join(seq)
    return recs


class Copy:
    """One blastn HSP of a target: where each aligned reference base lies in the genome."""

    def __init__(self, contig, strand, g):
        self.contig, self.strand, self.g = contig, strand, g


def copies_of(t, genome, contigs, tmp):
    """Every copy of target t in the genome (blastn HSPs covering at least half the record)."""
    q = f"{tmp}/{t.gene}.fsa"
    with open(q, "w") as f:
        f.write(f">{t.gene}\n{t.seq}\n")
    p = subprocess.run(["blastn", "-query", q, "-subject", genome, "-dust", "no", "-max_hsps", "100",
                        "-outfmt", "6 sseqid qstart qend sstart send qseq sseq bitscore"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"peers_nt_check.py: blastn: {p.stderr.strip()}")
    hsps = []
    for line in p.stdout.splitlines():
        sid, qs, qe, ss, se, qseq, sseq, bits = line.split("\t")
        qs, qe, ss, se = int(qs), int(qe), int(ss), int(se)
        if qe - qs + 1 < len(t.seq) / 2:
            continue
        hsps.append((float(bits), sid, qs, qe, ss, se, qseq.upper(), sseq.upper()))
    hsps.sort(key=lambda h: -h[0])
    kept = []
    for bits, sid, qs, qe, ss, se, qseq, sseq in hsps:
        lo, hi = min(ss, se), max(ss, se)
        if any(k[1] == sid and not (hi < min(k[4], k[5]) or lo > max(k[4], k[5])) for k in kept):
            continue  # the same locus, a weaker alignment
        kept.append((bits, sid, qs, qe, ss, se, qseq, sseq))
    out = []
    for bits, sid, qs, qe, ss, se, qseq, sseq in kept:
        strand = "+" if ss <= se else "-"
        step = 1 if strand == "+" else -1
        g = {}
        qi, gi = qs - 1, ss - 1
        for x, y in zip(qseq, sseq):
            if x != "-" and y != "-":
                g[qi] = gi
                base = contigs[sid][gi].upper()
                if (base if strand == "+" else base.translate(COMP)) != y:
                    sys.exit(f"peers_nt_check.py: {t.gene} on {sid}: blastn's alignment and the genome disagree at {gi + 1}")
            if x != "-":
                qi += 1
            if y != "-":
                gi += step
        out.append(Copy(sid, strand, g))
    out.sort(key=lambda c: (list(contigs).index(c.contig), min(c.g.values())))
    return out


def genome_window(c, contigs, lo, hi):
    """The copy's bases between reference indices lo and hi-1 (both aligned to a genome base), in
    the target's orientation; None when the copy's alignment does not reach them."""
    if lo not in c.g or hi - 1 not in c.g:
        return None
    a, b = c.g[lo], c.g[hi - 1]
    s = contigs[c.contig]
    if c.strand == "+":
        return s[a:b + 1].upper()
    return s[b:a + 1].upper().translate(COMP)[::-1]


def apply(seq, lo, edits):
    """seq (the reference from index lo) with edits (s, e, alt) applied."""
    out = seq
    for s, e, alt in sorted(edits, reverse=True):
        out = out[:s - lo] + alt + out[e - lo:]
    return out


def window_bounds(t, c, edits):
    """A window around edits whose both ends are reference bases the copy aligns; None if none."""
    lo = max(min(e[0] for e in edits) - MARGIN, 0)
    hi = min(max(max(e[1] for e in edits), max(e[0] + 1 for e in edits)) + MARGIN, len(t.seq))
    first, last = min(c.g), max(c.g)
    lo, hi = max(lo, first), min(hi, last + 1)
    while lo not in c.g and lo > first:
        lo -= 1
    while hi - 1 not in c.g and hi - 1 < last:
        hi += 1
    if lo > min(e[0] for e in edits) or hi < max(e[1] for e in edits) or lo not in c.g or hi - 1 not in c.g:
        return None
    return lo, hi


def held(t, copies, contigs, edits):
    """For each copy covering the window of edits: the set of edits (indices) it holds, i.e. the
    subset whose application to the reference gives the copy's bases there (None: no subset
    does, the copy differs in some other way)."""
    out = []
    for c in copies:
        w = window_bounds(t, c, edits)
        if w is None:
            continue
        lo, hi = w
        got = genome_window(c, contigs, lo, hi)
        if got is None:
            continue
        ref = t.seq[lo:hi]
        found = None
        if len(edits) <= 12:
            for mask in sorted(range(1 << len(edits)), key=lambda m: -bin(m).count("1")):
                sub = [e for i, e in enumerate(edits) if mask >> i & 1]
                if apply(ref, lo, sub) == got:
                    found = {i for i in range(len(edits)) if mask >> i & 1}
                    break
        elif apply(ref, lo, edits) == got:
            found = set(range(len(edits)))
        out.append(found)
    return out


def clusters(calls):
    """Groups a tool's calls on one gene whose windows overlap."""
    calls = sorted(calls, key=lambda c: c["edit"][0])
    groups = []
    for c in calls:
        if groups and c["edit"][0] - max(x["edit"][1] for x in groups[-1]) < 2 * MARGIN:
            groups[-1].append(c)
        else:
            groups.append([c])
    return groups


def check(t, copies, contigs, calls, literal=False):
    """Verdicts for one tool's calls on target t: {id(call): (n, k, verdict)}."""
    out = {}
    for group in clusters(calls):
        edits = [c["edit"] for c in group]
        per_copy = held(t, copies, contigs, edits)
        odd = sum(h is None for h in per_copy)
        for i, c in enumerate(group):
            n = len(per_copy)
            k = sum(1 for h in per_copy if h is not None and i in h)
            v = f"{k}/{n} copies hold it"
            s, e, alt = c["edit"]
            if e - s == 1 and len(alt) == 1:
                bases = []
                for cp in copies:
                    gi = cp.g.get(s)
                    if gi is None:
                        bases.append("-")
                    else:
                        b = contigs[cp.contig][gi].upper()
                        bases.append(b if cp.strand == "+" else b.translate(COMP))
                v += f"; base at {t.coord(s)} in each copy: {''.join(bases)} (reference {t.seq[s]})"
            others = [x["change"] for x in group if x is not c]
            if others:
                v += f" (window shared with {', '.join(others)})"
            if odd:
                v += (f"; {odd} cop{'y' if odd == 1 else 'ies'} differ there from the reference with any of "
                      f"these calls")
            if literal and c.get("literal") and c["literal"] != c["edit"]:
                lit = [x["literal"] if x is c else x["edit"] for x in group]
                lk = sum(1 for h in held(t, copies, contigs, lit) if h is not None and i in h)
                name, _ = hgvs_of_edit(t, *c["literal"])
                v += (f"; its name read as HGVS reads it ({c['literal'][2]} between {t.coord(c['literal'][0] - 1)} "
                      f"and {t.coord(c['literal'][0])}, i.e. {t.prefix}{name}): {lk}/{n} copies")
            out[id(c)] = (n, k, v)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--genome", required=True)
    ap.add_argument("--folder", required=True, help="PointFinder species folder (gunzipped)")
    ap.add_argument("--sample", default="")
    ap.add_argument("--resfinder", help="ResFinder output folder")
    ap.add_argument("--wtscan", help="wtscan-subscan's mutations TSV")
    a = ap.parse_args()

    targets = nt_targets(a.folder)
    contigs = read_fasta(a.genome)
    calls = []  # (tool, call)
    if a.resfinder:
        for c in nt_resfinder(read_resfinder(a.resfinder, a.sample), targets):
            if c.get("molecule") == "nucleotide":
                calls.append(("resfinder", c))
    if a.wtscan:
        for c in read_wtscan(a.wtscan):
            if c.get("molecule") == "nucleotide":
                t = targets.get(c["gene"])
                ed = edit_of_hgvs(t, c["hgvs"]) if t else None
                if ed is None:
                    sys.exit(f"peers_nt_check.py: cannot read wtscan's {c['gene']} {c['hgvs']}")
                calls.append(("wtscan", dict(c, edit=ed)))
    w = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    w.writerow(["sample", "tool", "gene", "change", "claim", "copies", "copies_with", "verdict"])
    with tempfile.TemporaryDirectory() as tmp:
        for gene in sorted({c["gene"] for _, c in calls}):
            t = targets[gene]
            copies = copies_of(t, a.genome, contigs, tmp)
            for tool in ("resfinder", "wtscan"):
                cs = [c for tl, c in calls if tl == tool and c["gene"] == gene]
                if not cs:
                    continue
                if not copies:
                    for c in cs:
                        w.writerow([a.sample, tool, gene, c["change"], c.get("text") or c["hgvs"], 0, 0,
                                    "gene not found by blastn"])
                    continue
                res = check(t, copies, contigs, cs, literal=tool == "resfinder")
                for c in sorted(cs, key=lambda c: c["edit"][0]):
                    n, k, v = res[id(c)]
                    claim = (f"{c['rf_gene']} {c['text']}" + (f" x{c['lines']}" if c["lines"] > 1 else "")
                             if tool == "resfinder" else f"{c['hgvs']} {c['copies_with']}/{c['copies']}")
                    w.writerow([a.sample, tool, gene, c["change"], claim, n, k,
                                v + f" (blastn: {len(copies)} copies)"])


if __name__ == "__main__":
    main()
