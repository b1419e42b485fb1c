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
    calls = []
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
            calls.append({"gene": r["gene"], "change": r["short"], "position": pos,
                          "known": r["known"] == "true",
                          "codons": f"{r.get('codon_ref', '')}>{r.get('codon_alt', '')}".strip(">"),
                          "type": r.get("type", "")})
    return calls


def cell_rf(c):
    if c is None:
        return "-"
    nuc = f" [{c['nuc']}]" if c["nuc"] else ""
    return f"{c['text']}{nuc} {'known' if c['known'] else 'unknown'}"


def cell_wt(c):
    if c is None:
        return "-"
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
    ap.add_argument("--manifest", required=True, help="TSV: sample, species, resfinder_dir, wtscan_mutations")
    ap.add_argument("--times", required=True, help="TSV: sample, ..., resfinder_s, wtscan_s")
    ap.add_argument("--out", required=True)
    ap.add_argument("--markdown", help="also write the calls either tool says the database knows, and every "
                    "disagreement, as a Markdown table (for docs/peers.md)")
    ap.add_argument("--cds", help="peers_cds_check.py's table: adds a column with the CDS check of each ResFinder call")
    a = ap.parse_args()
    cds = {}
    if a.cds:
        with open(a.cds) as f:
            for r in csv.DictReader(f, delimiter="\t"):
                cds[(r["sample"], r["gene"], r["resfinder"])] = r["verdict"]

    with open(a.manifest) as f:
        samples = list(csv.DictReader(f, delimiter="\t"))
    out_rows = []
    stats = {}
    for s in samples:
        rf = read_resfinder(s["resfinder_dir"], s["sample"])
        wt = read_wtscan(s["wtscan_mutations"])
        st = stats.setdefault(s["sample"], {"rows": 0, "agree": 0, "known_rows": 0, "known_agree": 0,
                                            "rf_known": 0, "wt_known": 0})
        st["rf_known"] = sum(c["known"] for c in rf)
        st["wt_known"] = sum(c["known"] for c in wt)
        for r, w in join(rf, wt):
            agree = r is not None and w is not None and r["change"] == w["change"] and r["known"] == w["known"]
            c = w or r
            row = [s["sample"], s["species"], c["gene"], f"{c['gene']} {c['change']}",
                   cell_rf(r), cell_wt(w), "yes" if agree else "no"]
            if a.cds:
                row.append(cds.get((s["sample"], r["gene"], r["text"]), "") if r else "")
            out_rows.append(row)
            st["rows"] += 1
            st["agree"] += agree
            if (r and r["known"]) or (w and w["known"]):
                st["known_rows"] += 1
                st["known_agree"] += agree
    with open(a.out, "w", newline="") as f:
        wr = csv.writer(f, delimiter="\t", lineterminator="\n")
        wr.writerow(["sample", "species", "gene", "change", "resfinder", "wtscan", "agree"]
                    + (["cds_check_of_resfinder"] if a.cds else []))
        wr.writerows(out_rows)

    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write("| sample | change | ResFinder | wtscan | agree | CDS check of ResFinder's call |\n"
                    "|---|---|---|---|---|---|\n")
            for row in out_rows:
                known = " known" in row[4] and not row[4].endswith("unknown") or row[5].endswith(" known")
                if known or row[6] == "no":
                    check = row[7] if len(row) > 7 else ""
                    cells = [row[0], row[3], row[4], row[5], row[6], check]
                    f.write("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |\n")
    with open(a.times) as f:
        times = {r["sample"]: r for r in csv.DictReader(f, delimiter="\t")}
    print(f"\nResFinder 4.3.0 (PointFinder) vs wtscan, wall seconds per genome; calls joined in {a.out}")
    print(f"  {'sample':<18} {'ResFinder':>9} {'wtscan':>7} {'ratio':>6}   {'calls':>5} {'agree':>5}   "
          f"{'known calls (RF/wt)':>19} {'agree':>5}")
    tot = {"rf": 0.0, "wt": 0.0}
    for s in samples:
        name = s["sample"]
        t = times[name]
        rs, ws = float(t["resfinder_s"]), float(t["wtscan_s"])
        tot["rf"] += rs
        tot["wt"] += ws
        st = stats[name]
        ratio = f"{rs / ws:.1f}x" if ws > 0 else "-"
        print(f"  {name:<18} {rs:>8.2f}s {ws:>6.2f}s {ratio:>6}   {st['rows']:>5} {st['agree']:>5}   "
              f"{st['known_rows']:>7} ({st['rf_known']:>3}/{st['wt_known']:>3}) {st['known_agree']:>5}")
    rows = sum(st["rows"] for st in stats.values())
    agree = sum(st["agree"] for st in stats.values())
    krows = sum(st["known_rows"] for st in stats.values())
    kagree = sum(st["known_agree"] for st in stats.values())
    ratio = f"{tot['rf'] / tot['wt']:.1f}x" if tot["wt"] > 0 else "-"
    print(f"  {'total':<18} {tot['rf']:>8.2f}s {tot['wt']:>6.2f}s {ratio:>6}   {rows:>5} {agree:>5}")
    for s in samples:
        st = times[s["sample"]].get("resfinder_status", "ok")
        if st and st != "ok":
            print(f"  NOTE: ResFinder on {s['sample']}: {st} (its PointFinder tables were written and are used)")
    print(f"  every call: {agree} agree, {rows - agree} disagree; calls either tool says the database knows: "
          f"{kagree} agree, {krows - kagree} disagree")


if __name__ == "__main__":
    main()
