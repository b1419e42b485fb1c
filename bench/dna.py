#!/usr/bin/env python3
"""The nucleotide part of `make bench`: wtscan-align and its peers on rRNA genes and a promoter.

Called by scripts/bench.sh after bench/run.py (see there for the knobs); it can be run alone
(the options' defaults then come from the same environment variables, BENCH_DNA_QUERIES ...):

  bench/dna.py --db /usr/share/doc/resfinder/examples/db_pointfinder/escherichia_coli \\
               --wtscan bin/wtscan-align --out bench/out [--queries 1000] [--seed 1] [--threads N]
               [--water-max N] [--parasail-max N] [--biopython-max N] [--rounds 5]
               [--append-md bench/out/results.md] [--json bench/out/results.json]

The workload: the real E. coli references of the PointFinder database v3.0.0 as
Debian's resfinder-example installs it (23S 2,904 bases, 16S-rrsB/C/H 1,542,
the ampC promoter 145), used through a gunzipped copy of the species folder
(Debian gzips some of its files) in OUT/dna/. --queries copies with a fixed
seed: each names its gene (gene=23S ...) and is the reference with a few
substitutions (15 % are the wild type itself, as most rRNA copies of a genome
are), occasionally a small indel or IUPAC ambiguity codes, now and then cut at
one end (a contig edge).

Scoring as water scores DNA: EDNAFULL, gap open 10, extend 0.5. Every tool gets
the same pairs and the same cores (--threads):
  wtscan-align  --references <folder copy> --queries q.fna -j N (median of --rounds runs)
  water         -snucleotide1 -snucleotide2 -datafile EDNAFULL -gapopen 10 -gapextend 0.5,
                one process per gene and chunk (each gene's queries in N files),
                N processes at a time (water is single-threaded)
  parasail      parasail_aligner -a sw_trace_striped_16 -x -t N, one run per gene, with
                EDNAFULL doubled and open 20 / extend 1 (parasail takes integer gap
                penalties only: "-e 0.5" is read as 0); its score / 2 is water's
  Biopython     PairwiseAligner, NUC.4.4 (EDNAFULL's values), open -10 / extend -0.5
A calibration (untimed) runs parasail's built-in nuc44 with open 10 / extend 1
against water's EDNAFULL 10 / 1 on a few pairs to show that nuc44 is EDNAFULL and
that parasail's gap of k costs open + (k-1)*extend, as water's does.

wtscan-align's score, identity, similarity, gaps and length are checked against
water's on every pair water ran: a score difference fails the run.
"""
import argparse
import gzip
import json
import os
import random
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run  # noqa: E402 — the protein harness: measure, parsers, FASTA helpers

# (file in the species folder, the gene wtscan-align names it, share of the queries)
TARGETS = [
    ("23S.fsa", "23S", 0.45),
    ("16S-rrsB.fsa", "16S-rrsB", 0.25),
    ("16S-rrsC.fsa", "16S-rrsC", 0.10),
    ("16S-rrsH.fsa", "16S-rrsH", 0.10),
    ("ampC-promoter-size-53bp.fsa", "ampC-promoter", 0.10),
]
BASES = "ACGT"
AMBIGUOUS = "NNNNRYKMSW"  # N most often, as assemblers write it


def copy_db(src, dst):
    """A plain copy of the species folder with Debian's .gz files gunzipped."""
    if os.path.isdir(dst):
        shutil.rmtree(dst)
    os.makedirs(dst)
    for name in sorted(os.listdir(src)):
        p = os.path.join(src, name)
        if not os.path.isfile(p):
            continue
        if name.endswith(".gz"):
            with gzip.open(p, "rb") as f, open(os.path.join(dst, name[:-3]), "wb") as out:
                shutil.copyfileobj(f, out)
        else:
            shutil.copyfile(p, os.path.join(dst, name))


def mutate(rng, ref):
    """A copy of ref as a genome might hold it; returns (sequence, what was done)."""
    if rng.random() < 0.15:
        return ref, "wild type"
    s = list(ref)
    what = []
    k = rng.choice([1, 1, 1, 2, 2, 3, 4])
    for p in rng.sample(range(len(s)), k):
        s[p] = rng.choice([b for b in BASES if b != s[p]])
    what.append("%d subst" % k)
    if rng.random() < 0.15:
        n = rng.randint(1, 3)
        p = rng.randrange(10, len(s) - 10)
        if rng.random() < 0.5:
            del s[p:p + n]
            what.append("del %d" % n)
        else:
            s[p:p] = [rng.choice(BASES) for _ in range(n)]
            what.append("ins %d" % n)
    if rng.random() < 0.10:
        n = rng.randint(1, 3)
        for p in rng.sample(range(len(s)), n):
            s[p] = rng.choice(AMBIGUOUS)
        what.append("%d ambiguous" % n)
    if rng.random() < 0.05:
        cut = rng.randint(1, len(s) * 3 // 10)
        s = s[cut:] if rng.random() < 0.5 else s[:-cut]
        what.append("cut %d" % cut)
    return "".join(s), ", ".join(what)


def workload(db, n, seed, path):
    """Write n queries (gene= tags) to path; return the references and the queries."""
    refs = {}
    for fname, gene, _ in TARGETS:
        recs = run.read_fasta(os.path.join(db, fname))
        if not recs:
            raise SystemExit("bench: %s holds no sequence" % os.path.join(db, fname))
        refs[gene] = (recs[0][0], recs[0][2].upper())
    rng = random.Random(seed)
    genes = [g for _, g, _ in TARGETS]
    weights = [w for _, _, w in TARGETS]
    queries, kinds = [], {}
    for i in range(n):
        gene = rng.choices(genes, weights)[0]
        seq, what = mutate(rng, refs[gene][1])
        queries.append(("nt%05d" % (i + 1), "gene=%s" % gene, seq))
        for kind in ["wild type" if what == "wild type" else "changed"] + [
                k for k in ("del", "ins", "ambiguous", "cut") if k in what]:
            kinds[kind] = kinds.get(kind, 0) + 1
    run.write_fasta(path, queries)
    return refs, queries, kinds


def split_jobs(refs, queries, folder, stride, chunks):
    """<gene>.ref.fna and <gene>.<k>.q.fna (every stride-th query, each gene's in `chunks` files).
    Returns [(gene, ref path, query path, n, ref length)], the costliest first."""
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    by_gene = {}
    for i, q in enumerate(queries):
        if i % stride == 0:
            by_gene.setdefault(run.tag(q[1], "gene"), []).append(q)
    jobs = []
    for gene, qs in by_gene.items():
        rid, rseq = refs[gene]
        rp = os.path.join(folder, gene + ".ref.fna")
        run.write_fasta(rp, [(rid, "gene=" + gene, rseq)])
        k = max(1, min(chunks, len(qs)))
        for c in range(k):
            part = qs[c::k]
            qp = os.path.join(folder, "%s.%d.q.fna" % (gene, c))
            run.write_fasta(qp, part)
            jobs.append((gene, rp, qp, len(part), len(rseq)))
    jobs.sort(key=lambda j: -j[4] * j[3])
    return jobs


def water_cmd(water, rp, qp, out, extend="0.5"):
    return ("%s -asequence %s -bsequence %s -snucleotide1 -snucleotide2 -datafile EDNAFULL -gapopen 10 -gapextend %s "
            "-aformat srspair -outfile %s -auto" % (water, rp, qp, extend, out))


def calibrate(water, parasail, refs, queries, folder, npairs):
    """parasail nuc44 open 10 / extend 1 against water EDNAFULL 10 / 1 on npairs pairs (untimed):
    a check that nuc44 is EDNAFULL and that both price a gap of k as open + (k-1)*extend.
    None when the workload has no pair for it (no copy but of the 23S)."""
    # No 23S (slow in water); the copies with an indel or an ambiguity code first.
    def odd(q):
        return bool(set(q[2]) - set(BASES)) or len(q[2]) != len(refs[run.tag(q[1], "gene")][1])
    short = [q for q in queries if run.tag(q[1], "gene") != "23S"]
    pick = ([q for q in short if odd(q)] + [q for q in short if not odd(q)])[:npairs]
    jobs = split_jobs(refs, pick, folder, 1, 1)
    if not jobs:  # only 23S copies in a small workload
        return None
    wfiles, pfiles, cmds = [], [], []
    for gene, rp, qp, _, _ in jobs:
        wf, pf = qp + ".water", qp + ".parasail"
        wfiles.append(wf)
        pfiles.append(pf)
        subprocess.run(water_cmd(water, rp, qp, wf, "1"), shell=True, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cmds.append("%s -a sw_trace_striped_16 -x -t 1 -m nuc44 -o 10 -e 1 -f %s -q %s -O EMBOSS -g %s" % (parasail, rp, qp, pf))
    subprocess.run(["sh", "-c", "exec 0<&-; " + " && ".join(cmds)], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, preexec_fn=lambda: os.close(0))
    # What parasail makes of water's extend 0.5: its -v output shows the penalties it took.
    rp, qp = jobs[0][1], jobs[0][2]
    v = subprocess.run(["sh", "-c", "exec 0<&-; %s -a sw_trace_striped_16 -x -t 1 -m nuc44 -o 10 -e 0.5 -v -f %s -q %s -O EMBOSS -g %s"
                        % (parasail, rp, qp, os.path.join(folder, "half.emboss"))], check=True, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, preexec_fn=lambda: os.close(0)).stdout
    half = next((line.split(":")[1].strip() for line in v.splitlines() if line.strip().startswith("gap_extend:")), "?")
    w, p = run.parse_water(wfiles), run.parse_parasail(pfiles)
    common = [q for q in p if q in w]
    same = sum(1 for q in common if p[q] == w[q][0])
    amb = sum(1 for q in pick if set(q[2]) - set(BASES))
    gapped = sum(1 for q in common if w[q][3] > 0)
    return same, len(common), amb, gapped, half


def times(x):
    return "%.0f×" % x if x >= 10 else "%.1f×" % x


def main():
    def env(name, default):  # scripts/bench.sh's knob of the same meaning, when set
        return int(os.environ.get(name) or default)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default=os.environ.get("BENCH_DNA_DB") or "/usr/share/doc/resfinder/examples/db_pointfinder/escherichia_coli",
                    help="the PointFinder species folder (Debian's resfinder-example; BENCH_DNA_DB)")
    ap.add_argument("--wtscan", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--queries", type=int, default=env("BENCH_DNA_QUERIES", 1000), help="BENCH_DNA_QUERIES, 1000")
    ap.add_argument("--seed", type=int, default=env("BENCH_SEED", 1), help="BENCH_SEED, 1")
    ap.add_argument("--threads", type=int, default=env("BENCH_THREADS", os.cpu_count()), help="BENCH_THREADS, all CPUs")
    ap.add_argument("--water-max", type=int, default=env("BENCH_DNA_WATER_MAX", 0),
                    help="run water on at most N pairs (0: all; BENCH_DNA_WATER_MAX)")
    ap.add_argument("--parasail-max", type=int, default=env("BENCH_DNA_PARASAIL_MAX", 0),
                    help="run parasail on at most N pairs (0: all; BENCH_DNA_PARASAIL_MAX)")
    ap.add_argument("--biopython-max", type=int, default=env("BENCH_DNA_BIOPYTHON_MAX", 200),
                    help="run Biopython on at most N pairs (0: all; BENCH_DNA_BIOPYTHON_MAX, 200)")
    ap.add_argument("--calibration-pairs", type=int, default=30, help="pairs of the nuc44 calibration (0: none)")
    ap.add_argument("--rounds", type=int, default=5, help="wtscan-align runs; the median is reported")
    ap.add_argument("--python", default="/usr/bin/python3", help="a Python with Biopython")
    ap.add_argument("--append-md", help="append the section to this results.md (bench.sh: the protein table's)")
    ap.add_argument("--json", help="add the results under \"nucleotide\" to this results.json")
    a = ap.parse_args()
    if a.queries <= 0:
        print("bench: --queries %d: no nucleotide workload, nothing to run" % a.queries, file=sys.stderr)
        return

    out = os.path.abspath(a.out)
    work = os.path.join(out, "dna")
    logs = os.path.join(work, "logs")
    os.makedirs(logs, exist_ok=True)
    T = a.threads
    if not os.path.isfile(os.path.join(a.db, "23S.fsa")):
        print("bench: %s has no 23S.fsa: the nucleotide benchmark needs Debian's resfinder-example "
              "(scripts/install-deps.sh installs it)" % a.db, file=sys.stderr)
        sys.exit(1)
    db = os.path.join(work, os.path.basename(os.path.normpath(a.db)))
    copy_db(a.db, db)
    qpath = os.path.join(work, "queries.fna")
    refs, queries, kinds = workload(db, a.queries, a.seed, qpath)
    N = len(queries)
    distinct = len({(run.tag(q[1], "gene"), q[2]) for q in queries})
    per_gene = {}
    for q in queries:
        per_gene[run.tag(q[1], "gene")] = per_gene.get(run.tag(q[1], "gene"), 0) + 1
    bases = sum(len(q[2]) for q in queries)
    print("bench: nucleotide workload: %d copies of %s (seed %d), %d distinct pairs, references from %s"
          % (N, ", ".join("%s %d" % kv for kv in per_gene.items()), a.seed, distinct, db), file=sys.stderr)
    rows, notes = [], []
    load0 = os.getloadavg()[0]
    nfail0, nload0 = len(run.FAILED), len(run.LOADS)

    def row(tool, pairs, wall, mb, cpu, note):
        run.add_row(rows, N, tool, pairs, wall, mb, cpu, note)

    def sampled(stride):
        return "; 1 pair in %d, time extrapolated" % stride if stride > 1 else ""

    # wtscan-align: the median of a few runs (one run takes well under a second).
    wt_runs = []
    have_wtscan = os.access(a.wtscan, os.X_OK)
    if have_wtscan:
        for r in range(a.rounds):
            res = run.measure("wtscan-align (nucleotides, run %d)" % (r + 1),
                              [a.wtscan, "--references", db, "--queries", qpath, "--out", os.path.join(work, "wtscan.parquet"),
                               "-j", str(T), "--log-format", "json", "--progress", "never"],
                              os.path.join(logs, "wtscan-%d.log" % r))
            if res:
                wt_runs.append(res)
        if wt_runs:
            wall, cpu = run.med([x[0] for x in wt_runs]), run.med([x[2] for x in wt_runs])
            row("wtscan-align", N, wall, max(x[1] for x in wt_runs), cpu,
                "FASTA in, Parquet out; median of %d runs (%s s)" % (len(wt_runs), " ".join("%.2f" % x[0] for x in wt_runs)))
    else:
        notes.append("wtscan-align: %s not found or not executable (run `make build`); its row is missing" % a.wtscan)

    # EMBOSS water
    water = shutil.which("water")
    water_files = []
    if water:
        stride = run.stride_for(N, a.water_max)
        jobs = split_jobs(refs, queries, os.path.join(work, "split-water"), stride, T)
        lines = []
        for gene, rp, qp, _, _ in jobs:
            wf = qp[:-len(".q.fna")] + ".srspair"
            water_files.append(wf)
            lines.append(water_cmd(water, rp, qp, wf))
        res = run.measure_parallel("water (nucleotides)", lines, os.path.join(work, "water-jobs.txt"), T,
                                   os.path.join(logs, "water.log"))
        if res:
            row("EMBOSS water", sum(j[3] for j in jobs), *res,
                "%d processes at a time, each gene's queries in %d files%s" % (T, T, sampled(stride)))
        else:
            water_files = []
    else:
        notes.append("EMBOSS water not on PATH (apt-get install emboss): row missing, and no score check")

    # parasail
    parasail = shutil.which("parasail_aligner")
    parasail_files = []
    if parasail:
        mat = os.path.join(work, "EDNAFULLx2.mat")
        run.doubled_matrix("/usr/share/EMBOSS/data/EDNAFULL", mat)
        stride = run.stride_for(N, a.parasail_max)
        jobs = split_jobs(refs, queries, os.path.join(work, "split-parasail"), stride, 1)
        cmds = []
        for gene, rp, qp, _, _ in jobs:
            pf = qp[:-len(".q.fna")] + ".emboss"
            parasail_files.append(pf)
            cmds.append("%s -a sw_trace_striped_16 -x -t %d -m %s -o 20 -e 1 -f %s -q %s -O EMBOSS -g %s"
                        % (parasail, T, mat, rp, qp, pf))
        res = run.measure_closed_stdin("parasail (nucleotides)", cmds, os.path.join(logs, "parasail.log"))
        if res:
            row("parasail_aligner", sum(j[3] for j in jobs), *res,
                "sw_trace_striped_16, -t %d, EDNAFULLx2 open 20 extend 1%s" % (T, sampled(stride)))
        else:
            parasail_files = []
    else:
        notes.append("parasail_aligner not on PATH (apt-get install parasail): row missing")

    # Biopython
    bp_out = os.path.join(work, "biopython.txt")
    have_bio = a.biopython_max >= 0 and subprocess.run([a.python, "-c", "import Bio.Align"], stdout=subprocess.DEVNULL,
                                                       stderr=subprocess.DEVNULL).returncode == 0
    if have_bio:
        stride = run.stride_for(N, a.biopython_max)
        sub = queries[::stride]
        rp, qp = os.path.join(work, "biopython-refs.fna"), os.path.join(work, "biopython-queries.fna")
        run.write_fasta(rp, [(rid, "gene=" + g, s) for g, (rid, s) in refs.items()])
        run.write_fasta(qp, sub)
        res = run.measure("biopython (nucleotides)", [a.python, os.path.join(HERE, "biopython_align.py"), rp, qp, bp_out, str(T),
                                                      "NUC.4.4"], os.path.join(logs, "biopython.log"))
        have_bio = res is not None
        if res:
            row("Biopython PairwiseAligner", len(sub), *res, "local, NUC.4.4, %d processes%s" % (T, sampled(stride)))
    else:
        notes.append("Biopython not importable by %s (apt-get install python3-biopython): row missing" % a.python)

    # Score parity: wtscan (TSV, untimed) against water on every pair water ran, then the peers.
    parity = []
    mismatch = False
    wat = run.parse_water(water_files) if water_files else {}
    wt = {}
    if have_wtscan and wat:
        tsv = os.path.join(work, "wtscan-check.tsv")
        wt = run.wtscan_check(a.wtscan, db, qpath, tsv, T, os.path.join(logs, "wtscan-check.log"))
    if wt:
        same_score, same_all, bad = run.water_parity(wat, wt)
        parity.append("wtscan-align score = water score on %d/%d pairs; score, identity, similarity, gaps and length all equal on %d"
                      % (same_score, len(wat), same_all))
        if bad:
            mismatch = True
            parity.append("  SCORE DIFFERENCES (first 5): " + ", ".join(
                "%s wtscan %s water %s" % (q, wt.get(q, ("missing",))[0], wat[q][0]) for q in bad[:5]))
        elif same_all != len(wat):
            diff = [q for q, v in wat.items() if wt[q] != v]
            parity.append("  WARNING: same scores, other figures differ (first 5): " + ", ".join(
                "%s wtscan %s water %s" % (q, wt[q], wat[q]) for q in diff[:5]))
    if wat and parasail_files:
        parity.append("parasail score / 2 = water score on %d/%d common pairs (EDNAFULL doubled, open 20 / extend 1 against "
                      "water's EDNAFULL, open 10 / extend 0.5)" % run.peer_parity(wat, run.parse_parasail(parasail_files), 2))
    if wat and have_bio:
        parity.append("Biopython score = water score on %d/%d common pairs" % run.peer_parity(wat, run.parse_biopython(bp_out)))
    if water and parasail and a.calibration_pairs > 0:
        try:
            cal = calibrate(water, parasail, refs, queries, os.path.join(work, "calibration"), a.calibration_pairs)
        except subprocess.CalledProcessError as e:
            cal = None
            notes.append("calibration (parasail nuc44 against water) failed: %s" % e)
        if cal:
            same, n, amb, gapped, half = cal
            parity.append("calibration: parasail's built-in nuc44 with -o 10 -e 1 = water's EDNAFULL with -gapopen 10 -gapextend 1 on "
                          "%d/%d pairs (%d with ambiguity codes, %d gapped)%s; given -e 0.5, parasail -v reports gap_extend %s, "
                          "hence the doubled matrix" % (same, n, amb, gapped, ": nuc44 is EDNAFULL, and both price a gap of k as "
                                                        "open + (k-1)·extend" if same == n and n > 0 else
                                                        " — WARNING: not all equal, see %s" % os.path.join(work, "calibration"), half))

    failed = run.FAILED[nfail0:]
    # The table.
    base = next((r for r in rows if r["tool"] == "wtscan-align"), None)
    lines = ["## Nucleotides: rRNA genes and a promoter", ""]
    lines.append("workload: PointFinder v3.0.0 E. coli (%s; a gunzipped copy of %s), %d copies = %d pairs (%s), %d distinct pairs, "
                 "%d bases in all, seed %d: %s"
                 % (", ".join("%s %d nt" % (g, len(s)) for g, (_, s) in refs.items()), a.db, N, N,
                    ", ".join("%s %d" % kv for kv in per_gene.items()), distinct, bases, a.seed,
                    "; ".join("%s %d" % kv for kv in sorted(kinds.items()))))
    lines.append("scoring: EDNAFULL, gap open 10, extend 0.5 (water's DNA default); machine: %d CPUs, every tool given %d; "
                 "load %.1f before, %s after each run" % (os.cpu_count(), T, load0, " ".join("%.1f" % x for x in run.LOADS[nload0:])))
    lines.append("versions: %s; %s; Biopython %s; %s" % (
        run.version([water or "water", "-version"]), "parasail 2.6" if parasail else "parasail missing",
        run.bio_version(a.python) if have_bio else "missing", run.version([a.wtscan, "--version"]) if have_wtscan else "wtscan-align missing"))
    lines.append("")
    lines.extend(run.table_lines(rows, N, base, times))
    if parity:
        lines.append("")
        lines.extend(parity)
    lines.append("")
    lines.append("Peers align every pair they are given, the wild-type copies included; wtscan-align aligns each distinct pair once.")
    if base:
        dd = ["%s %s wall / %s CPU" % (r["tool"], times(r["wall_s_full"] * distinct / N / base["wall_s"]), times(r["cpu_s_full"] * distinct / N / base["cpu_s"]))
              for r in rows if r is not base]
        if dd:
            lines.append("Had the peers been given only the %d distinct pairs, against wtscan-align: %s." % (distinct, "; ".join(dd)))
    notes = failed + notes
    if mismatch:
        notes.insert(0, "FAILED: wtscan-align's nucleotide scores differ from water's (see above)")
    if notes:
        lines.append("")
        lines.extend(notes)
    text = "\n".join(lines)
    print()
    print(text)
    open(os.path.join(out, "results-dna.md"), "w").write(text + "\n")
    result = {"rows": rows, "parity": parity, "notes": notes, "queries": N, "distinct_pairs": distinct, "seed": a.seed,
              "per_gene": per_gene, "kinds": kinds, "db": a.db}
    json.dump(result, open(os.path.join(out, "results-dna.json"), "w"), indent=1)
    if a.append_md:
        with open(a.append_md, "a") as f:
            f.write("\n" + text + "\n")
    if a.json:
        try:
            d = json.load(open(a.json))
        except (OSError, ValueError):
            d = {}
        d["nucleotide"] = result
        json.dump(d, open(a.json, "w"), indent=1)
    if failed or mismatch:
        sys.exit(1)


if __name__ == "__main__":
    main()
