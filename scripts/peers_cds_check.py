#!/usr/bin/env python3
"""Checks ResFinder's PointFinder calls against the genome's own CDS.

Independent of both tools: for each gene of a PointFinder species folder,
blastn (ncbi-blast+) places the wild-type gene (<gene>.fsa) on the genome;
the genome's open reading frame is read from the nucleotide that matches the
gene's first base, in the gene's strand, up to its first stop codon, and
translated with EMBOSS transeq -table 11; EMBOSS needle (global) aligns that
protein to the wild-type protein (transeq of <gene>.fsa). Each ResFinder call
(PointFinder_table.txt, read by peers_resfinder.py) is then checked against
what the CDS says at its position, quoting the codons:

  substitution p.X123Y      the genome codon aligned to reference codon 123
  "- Premature stop codon"  where the genome's ORF stops
  "- Frameshift"            whether the ORF keeps the reference frame through
                            that position (and how long the ORF is)
  indels                    the residues needle places there

RNA genes and promoters have no CDS: their calls get peers_nt_check.py's
check (every copy blastn finds; the genome's bases around the call).

Usage: peers_cds_check.py --genome G.fna --folder DB/klebsiella --resfinder OUTDIR
       [--sample S] [--window N]   -> TSV on stdout
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peers_nt_check import check, copies_of  # noqa: E402
from peers_resfinder import nt_resfinder, nt_targets, read_resfinder  # noqa: E402

COMP = str.maketrans("ACGTNacgtn", "TGCANtgcan")


def read_fasta(path):
    recs, name, seq = [], None, []
    with open(path) as f:
        for line in f:
            line = line.rstrip()
            if line.startswith(">"):
                if name is not None:
                    recs.append((name, "".join(seq)))
                name, seq = line[1:].split()[0], []
            elif line:
                seq.append(line.strip())
    if name is not None:
        recs.append((name, "".join(seq)))
    return recs


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"peers_cds_check.py: {' '.join(cmd)}: {p.stderr.strip()}")
    return p.stdout


def transeq(nt, tmp):
    fi, fo = f"{tmp}/t.fna", f"{tmp}/t.faa"
    with open(fi, "w") as f:
        f.write(f">s\n{nt}\n")
    run(["transeq", "-sequence", fi, "-outseq", fo, "-table", "11", "-auto"])
    return read_fasta(fo)[0][1]


def needle(a, b, tmp):
    fa, fb, fo = f"{tmp}/a.faa", f"{tmp}/b.faa", f"{tmp}/n.fa"
    with open(fa, "w") as f:
        f.write(f">ref\n{a}\n")
    with open(fb, "w") as f:
        f.write(f">cds\n{b}\n")
    run(["needle", "-asequence", fa, "-bsequence", fb, "-gapopen", "10", "-gapextend", "0.5",
         "-aformat3", "fasta", "-outfile", fo, "-auto"])
    (_, ra), (_, qa) = read_fasta(fo)
    return ra, qa


def place(gene_fsa, genome, tmp):
    """Best blastn HSP of the gene on the genome -> (contig, strand, genome index of gene nt 1)."""
    out = run(["blastn", "-query", gene_fsa, "-subject", genome, "-outfmt",
               "6 qseqid sseqid qstart qend sstart send bitscore", "-max_target_seqs", "5"])
    best = None
    for line in out.splitlines():
        q, s, qs, qe, ss, se, bits = line.split("\t")
        qs, qe, ss, se, bits = int(qs), int(qe), int(ss), int(se), float(bits)
        if best is None or bits > best[-1]:
            best = (s, qs, qe, ss, se, bits)
    if best is None:
        return None
    s, qs, qe, ss, se, _ = best
    if ss <= se:
        return s, "+", ss - (qs - 1) - 1  # 0-based index of gene nt 1
    return s, "-", ss + (qs - 1) - 1


def orf(contigs, where, ref_len):
    s, strand, i = where
    seq = contigs[s]
    span = ref_len * 2 + 600
    if strand == "+":
        nt = seq[max(i, 0):i + span]
    else:
        nt = seq[max(i - span + 1, 0):i + 1].translate(COMP)[::-1]
    return nt.upper()


def check_nucleotide(a, gene, cs, targets, contigs, tmp):
    """RNA genes and promoters: peers_nt_check.py's check (every copy blastn finds, the genome's
    bases around the call)."""
    t = targets.get(gene)
    nt = [c for c in nt_resfinder(cs, targets) if c.get("molecule") == "nucleotide"] if t else []
    if not nt:
        for c in cs:
            print("\t".join([a.sample, gene, c["text"], "known" if c["known"] else "unknown", "", "", "",
                             "not read as a nucleotide call"]))
        return
    copies = copies_of(t, a.genome, contigs, tmp)
    res = check(t, copies, contigs, nt, literal=True) if copies else {}
    for c in nt:
        n, k, v = res.get(id(c), (0, 0, "gene not found by blastn"))
        print("\t".join([a.sample, gene, c["text"], "known" if c["known"] else "unknown", "", "", "",
                         f"{c['hgvs']}: {v}"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--genome", required=True)
    ap.add_argument("--folder", required=True, help="PointFinder species folder (gunzipped)")
    ap.add_argument("--resfinder", required=True, help="ResFinder output folder")
    ap.add_argument("--sample", default="")
    ap.add_argument("--all", action="store_true", help="every call, not only known ones and non-substitutions")
    a = ap.parse_args()

    contigs = dict(read_fasta(a.genome))
    targets = nt_targets(a.folder)
    rna = set()
    if os.path.exists(f"{a.folder}/RNA_genes.txt"):
        with open(f"{a.folder}/RNA_genes.txt") as f:
            rna = {line.strip() for line in f if line.strip() and not line.startswith("#")}
    calls = read_resfinder(a.resfinder, a.sample)
    by_gene = {}
    for c in calls:
        by_gene.setdefault(c["gene"], []).append(c)
    print("\t".join(["sample", "gene", "resfinder", "rf_known", "ref_codon", "cds_codon", "cds", "verdict"]))
    with tempfile.TemporaryDirectory() as tmp:
        for gene, cs in by_gene.items():
            fsa = f"{a.folder}/{gene}.fsa"
            if not os.path.exists(fsa):
                for c in cs:
                    print("\t".join([a.sample, gene, c["text"], str(c["known"]), "", "", "", f"no {gene}.fsa"]))
                continue
            ref_nt = read_fasta(fsa)[0][1].upper()
            if gene in rna or "promoter" in gene or len(ref_nt) % 3 != 0:
                check_nucleotide(a, gene, cs, targets, contigs, tmp)
                continue
            ref_aa = transeq(ref_nt, tmp).rstrip("*")
            where = place(fsa, a.genome, tmp)
            if where is None:
                for c in cs:
                    print("\t".join([a.sample, gene, c["text"], str(c["known"]), "", "", "", "gene not found by blastn"]))
                continue
            nt = orf(contigs, where, len(ref_nt))
            aa_full = transeq(nt[:len(nt) // 3 * 3], tmp)
            stop = aa_full.find("*")
            cds_aa = aa_full if stop < 0 else aa_full[:stop]
            ra, qa = needle(ref_aa, cds_aa, tmp)
            # reference position (1-based) -> (cds residue or '-', cds index 0-based or None, inserted after)
            col = {}
            ins_after = {}
            rp = qp = 0
            for x, y in zip(ra, qa):
                if x != "-":
                    rp += 1
                    if y != "-":
                        col[rp] = (y, qp)
                        qp += 1
                    else:
                        col[rp] = ("-", None)
                else:
                    ins_after.setdefault(rp, []).append(y)
                    qp += 1
            orf_note = (f"ORF {len(cds_aa)} aa (reference {len(ref_aa)} aa), "
                        + ("no stop within reach" if stop < 0 else f"stop codon {nt[3 * stop:3 * stop + 3]}"))
            # aligned columns, to quote the neighbourhood of a call: column index of each reference position
            colidx = {}
            rp = 0
            for k, x in enumerate(ra):
                if x != "-":
                    rp += 1
                    colidx[rp] = k

            def window(p, w=4):
                if p not in colidx:
                    return ""
                lo = colidx.get(max(p - w, 1), 0)
                hi = colidx.get(min(p + w, len(ref_aa)), len(ra) - 1) + 1
                return f"ref {max(p - w, 1)} {ra[lo:hi]} / CDS {qa[lo:hi]}"

            # Is the reference frame kept? The ORF read from the gene's first base either runs to about
            # the reference's length (in frame: any gaps in a nucleotide alignment compensate) or stops
            # early. If early and not at a nonsense codon, the frame changed after the last stretch of
            # 10 residues identical to the reference: that is where the frameshift starts, and the ORF's
            # stop is its Ter.
            in_frame = stop >= 0 and len(cds_aa) >= len(ref_aa) - 10
            fs = None
            if stop >= 0 and not in_frame:
                last = None
                run_len = 0
                rp = qp = 0
                for x, y in zip(ra, qa):
                    if x != "-":
                        rp += 1
                    if y != "-":
                        qp += 1
                    run_len = run_len + 1 if (x == y and x != "-") else 0
                    if run_len >= 10:
                        last = (rp, qp)  # reference position, CDS residue count
                if last is not None and last[1] < len(cds_aa):
                    first = last[0] + 1
                    ter = len(cds_aa) - last[1] + 1
                    fs = {"first": first, "stop_ref": first + ter - 1,
                          "name": f"{ref_aa[first - 1]}{first}fs",
                          "hgvs": f"p.{ref_aa[first - 1]}{first}{cds_aa[last[1]]}fsTer{ter}",
                          "codons": f"reference {ref_nt[3 * (first - 2):3 * (first + 1)]} / "
                                    f"CDS {nt[3 * (last[1] - 1):3 * (last[1] + 2)]}"}

            for c in cs:
                p = c["position"]
                res, qi = col.get(p, ("", None))
                cdsc = nt[3 * qi:3 * qi + 3] if qi is not None else ""
                ins = "".join(ins_after.get(p, []))
                text = c["text"]
                ref_res = ref_aa[p - 1] if p and p <= len(ref_aa) else "?"
                refc = ref_nt[3 * (p - 1):3 * p] if p and 3 * p <= len(ref_nt) else ""
                claim = text.split(" - ")[0]
                note = text.split(" - ")[1] if " - " in text else ""
                simple = (claim.startswith("p.") and len(claim) > 3 and claim[2].isalpha()
                          and (claim[-1].isalpha() or claim[-1] == "*") and claim[3:-1].isdigit())
                if fs is not None and p is not None and p >= fs["first"] - 1:
                    # in or next to a real frameshift
                    where = (f"CDS identical to the reference through {fs['first'] - 1}, new frame from codon "
                             f"{fs['first']} ({fs['codons']}): {fs['hgvs']}, {orf_note}")
                    if "Frameshift" in note:
                        verdict = (f"frameshift confirmed, position {'right' if p == fs['first'] else 'off'}: "
                                   f"{where}")
                    elif "Premature stop" in note and p == fs["stop_ref"]:
                        verdict = f"not a nonsense change: the stop that ends the frameshift ({where})"
                    else:
                        verdict = f"not a change of its own: a residue of the shifted frame ({where})"
                    cdsc = "" if p >= fs["first"] else cdsc
                elif "Premature stop" in note:
                    last_ref = max([r for r, (y, q) in col.items() if q is not None and q == len(cds_aa) - 1],
                                   default=None)
                    if stop >= 0 and last_ref is not None and last_ref + 1 == p:
                        cdsc = nt[3 * stop:3 * stop + 3]
                        verdict = f"nonsense confirmed: codon {p} {refc}>{cdsc} ({orf_note})"
                    else:
                        verdict = (f"false stop: CDS codon {p} is {cdsc or '-'} ({res or '?'}), the ORF reads on "
                                   f"({orf_note}); {window(p)}")
                elif "Frameshift" in note or "Frame restored" in note:
                    if in_frame:
                        verdict = (f"{'no frameshift' if 'Frameshift' in note else 'no frame to restore'}: "
                                   f"the CDS keeps the reference frame ({orf_note}); at {p}: codon {refc}>"
                                   f"{cdsc or '-'} ({ref_res}{p}{res or '-'}"
                                   + (f", then inserted {ins}" if ins else "") + f"); {window(p)}")
                    else:
                        verdict = f"frame broken elsewhere ({orf_note}); at {p}: codon {cdsc or '-'}; {window(p)}"
                elif simple:
                    if res == claim[-1] and ref_res == claim[2]:
                        verdict = f"confirmed: codon {p} {refc}>{cdsc} {ref_res}{p}{res}"
                    else:
                        verdict = (f"CDS says {ref_res}{p}{res or '-'} (codon {refc}>{cdsc or '-'})"
                                   + (f", then inserted {ins}" if ins else "") + f"; {window(p)}")
                else:
                    verdict = (f"CDS: {ref_res}{p}{res or '-'}" + (f", then inserted {ins}" if ins else "")
                               + f" (codon {refc}>{cdsc or '-'}); {orf_note}; {window(p)}")
                if a.all or c["known"] or note or not simple or not verdict.startswith("confirmed"):
                    print("\t".join([a.sample, gene, text, "known" if c["known"] else "unknown", refc, cdsc,
                                     res, verdict]))

if __name__ == "__main__":
    main()
