#!/usr/bin/env bash
# Derives the demo set in testdata/demo/ from Debian data, reproducibly:
#  - the four complete K. pneumoniae assemblies of Debian's kleborate-examples
#    (HS11286, Kp1084, MGH78578, NTUH-K2044; /usr/share/doc/kleborate/examples/data),
#  - cut down to the regions around the genes of wtscan's K. pneumoniae reference
#    set (testdata/references/kpneumoniae.fna, made by scripts/make-kpn-references.sh
#    from Debian's kleborate data and the NTUH-K2044 genome), each located with
#    blastn (Debian ncbi-blast+; best hit per gene) and widened by FLANK bases on
#    both sides, overlapping regions merged,
#  - written as testdata/demo/<strain>.fna.gz (gzip -n: no name or time stamp, so
#    the files are byte-identical on every run) and config/samples.tsv.
# Usage: bash scripts/make-demo-data.sh [OUT_DIR]   (default testdata/demo)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-testdata/demo}
FLANK=2000
examples=/usr/share/doc/kleborate/examples/data
refs=testdata/references/kpneumoniae.fna
for need in blastn python3 xz gzip; do
  command -v "$need" >/dev/null || { echo "make-demo-data: $need not found (bash scripts/install-deps.sh)" >&2; exit 1; }
done
[ -e "$examples/Klebs_HS11286.fna.xz" ] || { echo "make-demo-data: $examples missing (Debian package kleborate-examples)" >&2; exit 1; }
[ -s "$refs" ] || bash scripts/make-kpn-references.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Probes: the reference CDS, named by their gene= tag.
awk '/^>/{for (i = 2; i <= NF; i++) if ($i ~ /^gene=/) { print ">" substr($i, 6); next } print; next} {print}' "$refs" > "$tmp/genes.fna"

mkdir -p "$out"
printf 'sample_id\tassembly\torganism\n' > "$tmp/samples.tsv"
for strain in HS11286:Klebs_HS11286 Kp1084:Klebs_Kp1084 MGH78578:MGH78578 NTUH-K2044:NTUH-K2044; do
  id=${strain%%:*}
  file=${strain#*:}
  xz -dc "$examples/$file.fna.xz" > "$tmp/$id.fna"
  # Best hit of each gene (highest bit score; ties broken by position).
  blastn -query "$tmp/genes.fna" -subject "$tmp/$id.fna" -evalue 1e-20 \
    -outfmt '6 qseqid sseqid pident length sstart send bitscore' \
    | sort -t $'\t' -k1,1 -k7,7gr -k2,2 -k5,5n | awk -F'\t' '!seen[$1]++' > "$tmp/$id.hits"
  python3 - "$tmp/$id.fna" "$tmp/$id.hits" "$FLANK" "$id" > "$tmp/$id.regions.fna" <<'PY'
import sys
fna, hits, flank, strain = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
seqs, name = {}, None
for line in open(fna):
    if line.startswith(">"):
        name = line[1:].split()[0]
        seqs[name] = []
    else:
        seqs[name].append(line.strip())
seqs = {k: "".join(v) for k, v in seqs.items()}
spans = {}
for line in open(hits):
    gene, contig, _, _, s, e, _ = line.rstrip("\n").split("\t")
    lo, hi = sorted((int(s), int(e)))
    lo, hi = max(1, lo - flank), min(len(seqs[contig]), hi + flank)
    spans.setdefault(contig, []).append([lo, hi, [gene]])
for contig in sorted(spans):
    merged = []
    for lo, hi, genes in sorted(spans[contig]):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
            merged[-1][2] += genes
        else:
            merged.append([lo, hi, genes])
    for lo, hi, genes in merged:
        sub = seqs[contig][lo - 1 : hi]
        print(f">{contig}_{lo}-{hi} K. pneumoniae {strain} {contig}:{lo}-{hi} around {','.join(sorted(genes))} (Debian kleborate-examples)")
        for i in range(0, len(sub), 80):
            print(sub[i : i + 80])
PY
  gzip -n -9 -c "$tmp/$id.regions.fna" > "$out/$id.fna.gz"
  printf '%s\t%s\tKlebsiella pneumoniae\n' "$id" "$out/$id.fna.gz" >> "$tmp/samples.tsv"
  echo "make-demo-data: $id: $(grep -c '>' "$tmp/$id.regions.fna") regions, $(grep -v '>' "$tmp/$id.regions.fna" | tr -d '\n' | wc -c) bp" >&2
done
if [ "$out" = testdata/demo ]; then
  cp "$tmp/samples.tsv" config/samples.tsv
else
  cp "$tmp/samples.tsv" "$out/samples.tsv"
fi
