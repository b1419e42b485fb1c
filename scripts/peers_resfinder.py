#!/usr/bin/env python3
"""Joins ResFinder's PointFinder calls with wtscan's on the same genomes.

Called by scripts/peers-resfinder.sh; standard library only.

ResFinder (4.3.0) writes its point-mutation calls three ways; this reads
PointFinder_table.txt, the one that says per call whether the database knows
it ("Known Mutations" / "Unknown Mutations" sections, one block per gene, one
tab-separated line per call), and checks it call for call against
PointFinder_results.txt (every call in one list, "Unknown" in the Resistance
column for the unknown ones). Any line it cannot place is an error, not a
silent skip.

wtscan: the mutations TSV of wtscan-subscan (gene, position, short, known,
codon_ref, codon_alt).

A call is named `<gene> <change>` in wtscan's short style (`gyrA S83L`,
`ompK35 K292fs`, `ramR K194*`); ResFinder's own spelling is kept in its
column. ResFinder's names are mapped as it means them: `p.X123Y` -> X123Y,
`p.X123Y - Frameshift` -> X123fs (it claims a frameshift there),
`p.X123* - Premature stop codon` -> X123*, `p.A183_A183delinsAL` ->
A183delinsAL. Calls of the two tools pair when the names are equal, else when
they start at the same gene position (one row, agree=no), else they stand
alone. agree=yes: both tools report the change under the same name and agree
on whether the database lists it.

Nucleotide targets (RNA genes of RNA_genes.txt, NAME-promoter-size-Nbp
promoters) are read with the species folder (manifest column `folder`).
ResFinder 4.3.0 writes RNA-gene changes `r.523A>C` and promoter changes
`n.-42C>T` (its promoter gene is `ampC-promoter-size-53bp`; wtscan's target is
`ampC-promoter`, HGVS `c.-42C>T`, short `C-42T`). Its indels are named where
blastn put the gap, not shifted 3', and its insertion `a_binsX` puts X just
before base a (HGVS would write (a-1)_a: see pointfinder.py's
find_nucleotid_mismatches, and the blastn alignment docs/peers.md quotes). Each
ResFinder nucleotide call is therefore read as the edit it means and renamed
as HGVS (and wtscan) name that edit: shifted 3', a repeat of the bases before
it a dup, short `A523C` / `C-42T` for a substitution and the HGVS name without
its prefix otherwise. ResFinder reports one blastn hit per contig and gene and
lists the same change once per hit; those lines are one call here (`x2`).
wtscan writes one row per copy: one call here, with copies_with/copies.
"""
import argparse
import csv
import re
import sys


def die(msg):
    sys.exit(f"peers_resfinder.py: {msg}")


HGVS = re.compile(r"^(?P<hgvs>[a-z]\.\S+)(?: - (?P<note>.+))?$")
POS = re.compile(r"(-?\d+)")


def resfinder_change(text):
    """ResFinder's mutation text (without the gene) -> (change, position)."""
    m = HGVS.match(text)
    if not m:
        return None, None
    hgvs, note = m.group("hgvs"), (m.group("note") or "")
    body = hgvs[2:]
    pm = POS.search(body)
    pos = int(pm.group(1)) if pm else None
    if hgvs.startswith("p."):
        # p.A183_A183delinsAL: a range of one residue
        body = re.sub(r"^([A-Z*])(\d+)_\1\2(?=[a-z])", r"\1\2", body)
        if "Frameshift" in note:
            fm = re.match(r"^([A-Z*])(\d+)", body)
            if fm:
                body = f"{fm.group(1)}{fm.group(2)}fs"
    else:
        body = hgvs  # nucleotide (RNA gene, promoter): keep n./r. notation
    return body, pos


PROMOTER = re.compile(r"^(.+?)[-_]promoter[-_]size[-_](\d+)bp$")


class NtTarget:
    """A nucleotide target of a PointFinder folder: an RNA gene or a promoter region."""

    def __init__(self, name, gene, kind, upstream, seq):
        self.name, self.gene, self.kind, self.upstream, self.seq = name, gene, kind, upstream, seq
        self.prefix = "c." if kind == "promoter" else "n."

    def index(self, coord):
        """0-based index into seq of a coordinate (a promoter's: negative before the gene, no 0)."""
        if self.kind != "promoter":
            return coord - 1
        return self.upstream + coord if coord < 0 else self.upstream + coord - 1

    def coord(self, i):
        if self.kind != "promoter":
            return i + 1
        return i - self.upstream if i < self.upstream else i - self.upstream + 1


def fasta_first(path):
    seq, started = [], False
    with open(path) as f:
        for line in f:
            if line.startswith(">"):
                if started:
                    break
                started = True
            elif started:
                seq.append(line.strip())
    return "".join(seq).upper().replace("U", "T")


def nt_targets(folder):
    """The folder's nucleotide targets by PointFinder name (genes.txt) and by wtscan gene."""
    def names(f):
        try:
            with open(f"{folder}/{f}") as fh:
                return [x.strip() for x in fh if x.strip() and not x.startswith("#")]
        except FileNotFoundError:
            return []
    rna = set(names("RNA_genes.txt"))
    out = {}
    for name in names("genes.txt"):
        m = PROMOTER.match(name)
        if m:
            t = NtTarget(name, m.group(1) + "-promoter", "promoter", int(m.group(2)), fasta_first(f"{folder}/{name}.fsa"))
        elif name in rna:
            t = NtTarget(name, name, "rna", 0, fasta_first(f"{folder}/{name}.fsa"))
        else:
            continue
        out[name] = t
        out[t.gene] = t
    return out


def hgvs_of_edit(t, s, e, alt):
    """HGVS (without prefix) and short name of an edit of target t: seq[s:e] (0-based) replaced by alt.

    Named as HGVS (and wtscan's caller) name it: a deletion or insertion shifted
    3' as far as the sequence allows, an insertion repeating the bases before it
    a dup; short is REF<pos>ALT for a substitution, the name otherwise."""
    seq, c = t.seq, t.coord
    n = len(seq)
    if e - s == 1 and len(alt) == 1:
        return f"{c(s)}{seq[s]}>{alt}", f"{seq[s]}{c(s)}{alt}"
    if not alt:  # deletion
        while e < n and seq[s] == seq[e]:
            s, e = s + 1, e + 1
        name = f"{c(s)}del" if e - s == 1 else f"{c(s)}_{c(e - 1)}del"
        return name, name
    if s == e:  # insertion before index s
        p = s  # bases before it
        while p < n and alt[0] == seq[p]:
            alt, p = alt[1:] + seq[p], p + 1
        k = len(alt)
        if p - k >= 0 and seq[p - k:p] == alt:
            name = f"{c(p - k)}dup" if k == 1 else f"{c(p - k)}_{c(p - 1)}dup"
        else:
            name = f"{c(p - 1)}_{c(p)}ins{alt}"
        return name, name
    name = (f"{c(s)}delins{alt}" if e - s == 1 else f"{c(s)}_{c(e - 1)}delins{alt}")
    return name, name


COORD = r"(-?\d+)"
WT_FORMS = [  # wtscan's (HGVS) nucleotide names, without prefix -> edit
    (re.compile(rf"^{COORD}([ACGT])>([ACGT])$"), lambda t, m: (t.index(int(m[1])), t.index(int(m[1])) + 1, m[3])),
    (re.compile(rf"^{COORD}(?:_{COORD})?del$"),
     lambda t, m: (t.index(int(m[1])), t.index(int(m[2] or m[1])) + 1, "")),
    (re.compile(rf"^{COORD}(?:_{COORD})?dup$"),
     lambda t, m: (t.index(int(m[2] or m[1])) + 1, t.index(int(m[2] or m[1])) + 1,
                   t.seq[t.index(int(m[1])):t.index(int(m[2] or m[1])) + 1])),
    (re.compile(rf"^{COORD}_{COORD}ins([ACGT]+)$"),
     lambda t, m: (t.index(int(m[2])), t.index(int(m[2])), m[3])),
    (re.compile(rf"^{COORD}(?:_{COORD})?delins([ACGT]+)$"),
     lambda t, m: (t.index(int(m[1])), t.index(int(m[2] or m[1])) + 1, m[3])),
]


def edit_of_hgvs(t, name):
    """An HGVS nucleotide name (n./c. prefix optional) -> edit (s, e, alt), or None."""
    body = re.sub(r"^[a-z]\.", "", name)
    for rx, f in WT_FORMS:
        m = rx.match(body)
        if m:
            return f(t, m)
    return None


RF_FORMS = [  # ResFinder 4.3.0's r./n. names -> edit, as pointfinder.py means them
    (re.compile(rf"^{COORD}([ACGT])>([ACGT])$"), lambda t, m: (t.index(int(m[1])), t.index(int(m[1])) + 1, m[3])),
    # deletion: its first base (and last), then the bases deleted
    (re.compile(rf"^{COORD}(?:_{COORD})?del([ACGT]+)$"),
     lambda t, m: (t.index(int(m[1])), t.index(int(m[1])) + len(m[3]), "")),
    # insertion a_b: the bases go just before base a
    (re.compile(rf"^{COORD}_{COORD}ins([ACGT]+)$"), lambda t, m: (t.index(int(m[1])), t.index(int(m[1])), m[3])),
]


def rf_edit(t, text):
    """ResFinder's nucleotide name (r./n.) -> (edit, literal): the edit it means, and the edit
    its insertion name would mean read as HGVS (None when that reading is the same)."""
    body = re.sub(r"^[a-z]\.", "", text.split(" - ")[0])
    for k, (rx, f) in enumerate(RF_FORMS):
        m = rx.match(body)
        if m:
            ed = f(t, m)
            literal = None
            if k == 2:  # HGVS reading: between a and b
                literal = (t.index(int(m[2])), t.index(int(m[2])), m[3])
            if k == 1 and t.seq[ed[0]:ed[1]] != m[3]:
                return None, None  # the bases it names are not there
            return ed, literal
    return None, None


def nt_resfinder(calls, targets):
    """ResFinder's calls on nucleotide targets renamed as wtscan names them (see the module doc);
    repeated lines (one per blastn hit) become one call with `lines`."""
    out, seen = [], {}
    for c in calls:
        t = targets.get(c["gene"])
        if t is None or not re.match(r"^[rn]\.", c["text"]):
            out.append(c)
            continue
        key = (c["gene"], c["text"], c["known"])
        if key in seen:
            seen[key]["lines"] += 1
            continue
        ed, literal = rf_edit(t, c["text"])
        if ed is None:
            die(f"cannot read ResFinder's nucleotide call {c['gene']} {c['text']!r}")
        name, short = hgvs_of_edit(t, *ed)
        c = dict(c, gene=t.gene, change=short, hgvs=t.prefix + name, position=int(re.match(r"-?\d+", name).group()),
                 molecule="nucleotide", lines=1, edit=ed, literal=literal, rf_gene=c["gene"])
        seen[key] = c
        out.append(c)
    return out


def read_resfinder(d, sample):
    """Calls from PointFinder_table.txt, checked against PointFinder_results.txt."""
    table = f"{d}/PointFinder_table.txt"
    calls = []
    genes = set()
    section = None
    gene = None
    with open(table) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            s = line.strip()
            if s.startswith("Genes:"):
                genes = {g.strip() for g in s[len("Genes:"):].split(",") if g.strip()}
                continue
            if s.startswith("Known Mutations"):
                section = "known"
                continue
            if s.startswith("Unknown Mutations"):
                section = "unknown"
                continue
            if section is None or not s:
                continue
            if "\t" not in line:
                if s in genes:
                    gene = s
                # "No known mutations found in X", "excluded", ...: nothing to read
                continue
            fields = line.split("\t")
            if fields[0] == "Mutation":
                continue
            name = fields[0]
            g, _, text = name.partition(" ")
            if not text or (gene is not None and g != gene and g not in genes):
                die(f"{table}:{n}: cannot read call {name!r}")
            change, pos = resfinder_change(text)
            if change is None:
                die(f"{table}:{n}: cannot read mutation {text!r}")
            nuc = fields[1] if len(fields) > 1 else ""
            calls.append({"gene": g, "change": change, "position": pos, "text": text,
                          "nuc": nuc, "known": section == "known",
                          "resistance": fields[3] if len(fields) > 3 else ""})
    # The flat list must hold the same calls with the same known/unknown status.
    flat = {}
    results = f"{d}/PointFinder_results.txt"
    with open(results) as f:
        rows = list(csv.reader(f, delimiter="\t"))
    if not rows or rows[0][0] != "Mutation":
        die(f"{results}: no 'Mutation' header")
    for r in rows[1:]:
        if not r or not r[0].strip():
            continue
        known = len(r) > 3 and r[3].strip() not in ("Unknown", "")
        flat[r[0]] = flat.get(r[0], []) + [known]
    mine = {}
    for c in calls:
        k = f"{c['gene']} {c['text']}"
        mine[k] = mine.get(k, []) + [c["known"]]
    if sorted(flat) != sorted(mine):
        only_t = sorted(set(mine) - set(flat))
        only_r = sorted(set(flat) - set(mine))
        die(f"{sample}: PointFinder_table.txt and PointFinder_results.txt list different calls "
            f"(table only: {only_t[:5]}, results only: {only_r[:5]})")
    for k in flat:
        if sorted(flat[k]) != sorted(mine[k]):
            die(f"{sample}: {k}: known in one of PointFinder_table.txt / PointFinder_results.txt, not the other")
    return calls


def read_wtscan(path):
    """wtscan's calls; a nucleotide target's rows (one per copy) are one call with copies_with/copies."""
    calls = []
    nt = {}
    with open(path) as f:
        rd = csv.DictReader(f, delimiter="\t")
        need = {"gene", "position", "short", "known"}
        if not need <= set(rd.fieldnames or []):
            die(f"{path}: columns {sorted(need - set(rd.fieldnames or []))} missing")
        for r in rd:
            if r["known"] not in ("true", "false"):
                die(f"{path}: known={r['known']!r}")
            try:
                pos = int(r["position"])
            except ValueError:
                pos = None
            c = {"gene": r["gene"], "change": r["short"], "position": pos,
                 "known": r["known"] == "true",
                 "codons": f"{r.get('codon_ref', '')}>{r.get('codon_alt', '')}".strip(">"),
                 "type": r.get("type", ""), "molecule": r.get("molecule") or "protein"}
            if c["molecule"] != "nucleotide":
                calls.append(c)
                continue
            key = (r["gene"], r["hgvs"])
            prev = nt.get(key)
            if prev is not None:
                if prev["known"] != c["known"]:
                    die(f"{path}: {r['gene']} {r['hgvs']}: known in one copy, not in another")
                continue
            c.update(hgvs=r["hgvs"], codons="", copies=int(r.get("copies") or 0),
                     copies_with=int(r.get("copies_with") or 0))
            nt[key] = c
            calls.append(c)
    return calls


def cell_rf(c):
    if c is None:
        return "-"
    if c.get("molecule") == "nucleotide":
        lines = f" x{c['lines']}" if c["lines"] > 1 else ""
        return f"{c['rf_gene']} {c['text']}{lines} {'known' if c['known'] else 'unknown'}"
    nuc = f" [{c['nuc']}]" if c["nuc"] else ""
    return f"{c['text']}{nuc} {'known' if c['known'] else 'unknown'}"


def cell_wt(c):
    if c is None:
        return "-"
    if c.get("molecule") == "nucleotide":
        return f"{c['hgvs']} {c['copies_with']}/{c['copies']} copies {'known' if c['known'] else 'unknown'}"
    cod = f" [{c['codons']}]" if c["codons"] else ""
    return f"{c['change']}{cod} {'known' if c['known'] else 'unknown'}"


def join(rf, wt):
    """Pairs: exact names first, then same gene and start position."""
    rows = []
    wt_left = list(wt)
    rf_left = []
    for r in rf:
        hit = next((w for w in wt_left if w["gene"] == r["gene"] and w["change"] == r["change"]), None)
        if hit is not None:
            wt_left.remove(hit)
            rows.append((r, hit))
        else:
            rf_left.append(r)
    for r in rf_left:
        hit = next((w for w in wt_left if w["gene"] == r["gene"] and w["position"] == r["position"]), None)
        if hit is not None:
            wt_left.remove(hit)
        rows.append((r, hit))
    rows.extend((None, w) for w in wt_left)

    def key(p):
        c = p[0] or p[1]
        return (c["gene"], c["position"] if c["position"] is not None else -1)
    rows.sort(key=key)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--manifest", required=True,
                    help="TSV: sample, species, resfinder_dir, wtscan_mutations, folder (the species folder)")
    ap.add_argument("--times", required=True, help="TSV: sample, ..., resfinder_s, wtscan_s")
    ap.add_argument("--out", required=True)
    ap.add_argument("--markdown", help="also write the calls either tool says the database knows, and every "
                    "disagreement, as a Markdown table, and every call on a nucleotide target (for docs/peers.md)")
    ap.add_argument("--cds", help="peers_cds_check.py's table: adds a column with the CDS check of each ResFinder call")
    ap.add_argument("--nt", help="peers_nt_check.py's table: adds a column with the genome check of each tool's "
                    "call on a nucleotide target")
    a = ap.parse_args()
    cds = {}
    if a.cds:
        with open(a.cds) as f:
            for r in csv.DictReader(f, delimiter="\t"):
                cds[(r["sample"], r["gene"], r["resfinder"])] = r["verdict"]
    ntc = {}
    if a.nt:
        with open(a.nt) as f:
            for r in csv.DictReader(f, delimiter="\t"):
                ntc[(r["sample"], r["tool"], r["gene"], r["change"])] = r

    with open(a.manifest) as f:
        samples = list(csv.DictReader(f, delimiter="\t"))
    out_rows = []  # (cells, molecule)
    stats = {}
    for s in samples:
        targets = nt_targets(s["folder"]) if s.get("folder") else {}
        rf = nt_resfinder(read_resfinder(s["resfinder_dir"], s["sample"]), targets)
        wt = read_wtscan(s["wtscan_mutations"])
        st = stats.setdefault(s["sample"], {})
        for mol in ("protein", "nucleotide"):
            st[mol] = {"rows": 0, "agree": 0, "known_rows": 0, "known_agree": 0,
                       "rf_known": sum(c["known"] for c in rf if c.get("molecule", "protein") == mol),
                       "wt_known": sum(c["known"] for c in wt if c.get("molecule", "protein") == mol)}
        for r, w in join(rf, wt):
            agree = r is not None and w is not None and r["change"] == w["change"] and r["known"] == w["known"]
            c = w or r
            mol = c.get("molecule", "protein")
            row = [s["sample"], s["species"], mol, c["gene"], f"{c['gene']} {c['change']}",
                   cell_rf(r), cell_wt(w), "yes" if agree else "no"]
            if a.cds:
                row.append(cds.get((s["sample"], r["gene"], r["text"]), "") if r and mol == "protein" else "")
            if a.nt:
                row.append(genome_check(ntc, s["sample"], r, w) if mol == "nucleotide" else "")
            out_rows.append(row)
            t = st[mol]
            t["rows"] += 1
            t["agree"] += agree
            if (r and r["known"]) or (w and w["known"]):
                t["known_rows"] += 1
                t["known_agree"] += agree
    with open(a.out, "w", newline="") as f:
        wr = csv.writer(f, delimiter="\t", lineterminator="\n")
        wr.writerow(["sample", "species", "molecule", "gene", "change", "resfinder", "wtscan", "agree"]
                    + (["cds_check_of_resfinder"] if a.cds else []) + (["genome_check"] if a.nt else []))
        wr.writerows(out_rows)

    if a.markdown:
        def md(cells):
            return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |\n"
        with open(a.markdown, "w") as f:
            f.write("Protein targets: the calls either tool says the database knows, and every disagreement.\n\n"
                    "| sample | change | ResFinder | wtscan | agree | CDS check of ResFinder's call |\n"
                    "|---|---|---|---|---|---|\n")
            for row in out_rows:
                if row[2] != "protein":
                    continue
                known = " known" in row[5] and not row[5].endswith("unknown") or row[6].endswith(" known")
                if known or row[7] == "no":
                    check = row[8] if a.cds else ""
                    f.write(md([row[0], row[4], row[5], row[6], row[7], check]))
            f.write("\nNucleotide targets (RNA genes, promoters): every call.\n\n"
                    "| sample | change | ResFinder | wtscan | agree | genome check (blastn places each copy) |\n"
                    "|---|---|---|---|---|---|\n")
            for row in out_rows:
                if row[2] == "nucleotide":
                    f.write(md([row[0], row[4], row[5], row[6], row[7], row[-1] if a.nt else ""]))
    with open(a.times) as f:
        times = {r["sample"]: r for r in csv.DictReader(f, delimiter="\t")}
    print(f"\nResFinder 4.3.0 (PointFinder) vs wtscan, wall seconds per genome; calls joined in {a.out}")
    print(f"  {'sample':<18} {'ResFinder':>9} {'wtscan':>7} {'ratio':>6}   {'calls':>5} {'agree':>5}   "
          f"{'known calls (RF/wt)':>19} {'agree':>5}   {'nt calls':>8} {'agree':>5}   {'nt known (RF/wt)':>16} {'agree':>5}")
    tot = {"rf": 0.0, "wt": 0.0}
    for s in samples:
        name = s["sample"]
        t = times[name]
        rs, ws = float(t["resfinder_s"]), float(t["wtscan_s"])
        tot["rf"] += rs
        tot["wt"] += ws
        p, n = stats[name]["protein"], stats[name]["nucleotide"]
        ratio = f"{rs / ws:.1f}x" if ws > 0 else "-"
        print(f"  {name:<18} {rs:>8.2f}s {ws:>6.2f}s {ratio:>6}   {p['rows']:>5} {p['agree']:>5}   "
              f"{p['known_rows']:>7} ({p['rf_known']:>3}/{p['wt_known']:>3}) {p['known_agree']:>5}   "
              f"{n['rows']:>8} {n['agree']:>5}   {n['known_rows']:>4} ({n['rf_known']:>3}/{n['wt_known']:>3}) "
              f"{n['known_agree']:>5}")

    def total(mol, k):
        return sum(st[mol][k] for st in stats.values())
    ratio = f"{tot['rf'] / tot['wt']:.1f}x" if tot["wt"] > 0 else "-"
    print(f"  {'total':<18} {tot['rf']:>8.2f}s {tot['wt']:>6.2f}s {ratio:>6}   {total('protein', 'rows'):>5} "
          f"{total('protein', 'agree'):>5}   {'':>19} {'':>5}   {total('nucleotide', 'rows'):>8} "
          f"{total('nucleotide', 'agree'):>5}")
    for s in samples:
        st = times[s["sample"]].get("resfinder_status", "ok")
        if st and st != "ok":
            print(f"  NOTE: ResFinder on {s['sample']}: {st} (its PointFinder tables were written and are used)")
    for mol, what in (("protein", "protein targets"), ("nucleotide", "nucleotide targets")):
        rows, agree = total(mol, "rows"), total(mol, "agree")
        krows, kagree = total(mol, "known_rows"), total(mol, "known_agree")
        print(f"  {what}: every call: {agree} agree, {rows - agree} disagree; calls either tool says the "
              f"database knows: {kagree} agree, {krows - kagree} disagree")


def genome_check(ntc, sample, r, w):
    """The genome check of each tool's call on a nucleotide target (peers_nt_check.py)."""
    parts = []
    for tool, c in (("ResFinder", r), ("wtscan", w)):
        if c is None:
            continue
        chk = ntc.get((sample, tool.lower(), c["gene"], c["change"]))
        parts.append((tool, chk["verdict"] if chk else "not checked"))
    if len(parts) == 2 and parts[0][1] == parts[1][1]:
        return f"both: {parts[0][1]}"
    return "; ".join(f"{t}: {v}" for t, v in parts)


if __name__ == "__main__":
    main()
