#!/usr/bin/env bash
# Times wtscan-extract against tblastn (ncbi-blast+) on the same search: 20
# reference genes (testdata/references/kpneumoniae.fna, the Salmonella and E. coli
# PointFinder genes of ../shared/data) in one 5.5 Mb K. pneumoniae assembly,
# one thread each, and prints wall time, peak memory (/usr/bin/time -v) and the
# ratio. BenchmarkExtract in internal/extract runs the same search in-process.
#
# Usage: scripts/bench-extract.sh [ASSEMBLY.fna.xz]   (default: MGH78578 of kleborate-examples)
set -euo pipefail
cd "$(dirname "$0")/.."
ASM=${1:-/usr/share/doc/kleborate/examples/data/MGH78578.fna.xz}
SHARED=${WTSCAN_SHARED_DATA:-../shared/data}
for cmd in tblastn makeblastdb transeq /usr/bin/time go; do
  command -v "$cmd" >/dev/null || { echo "bench-extract: $cmd not found (scripts/install-deps.sh)" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The 20 references, tagged by organism (the same set as BenchmarkExtract).
tag() { awk -v org="$2" '/^>/ { id = substr($1, 2); g = id; sub(/_.*/, "", g); if (match($0, /gene=[^ ]+/)) g = substr($0, RSTART + 5, RLENGTH - 5); print ">" id " gene=" g " organism=" org; next } { print }' "$1"; }
{
  tag testdata/references/kpneumoniae.fna Klebsiella_pneumoniae
  for g in acrB gyrA gyrB parC parE pmrA pmrB; do tag "$SHARED/pointfinder/salmonella/$g.fsa" Salmonella_enterica; done
  for g in gyrA pmrB; do tag "$SHARED/pointfinder/escherichia_coli/$g.fsa" Escherichia_coli; done
} > "$tmp/refs.fna"
n=$(grep -c '^>' "$tmp/refs.fna")
transeq -sequence "$tmp/refs.fna" -outseq "$tmp/refs.faa" -table 11 -trim -auto
xzcat -f "$ASM" > "$tmp/genome.fna"

CGO_ENABLED=0 go build -trimpath -o "$tmp/wtscan-extract" ./cmd/wtscan-extract

measure() { # label command...: prints "label seconds peak_kb"
  local label=$1; shift
  /usr/bin/time -v "$@" 2> "$tmp/time.txt" >/dev/null || { cat "$tmp/time.txt" >&2; exit 1; }
  awk -v l="$label" -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = (n == 3) ? t[1] * 3600 + t[2] * 60 + t[3] : t[1] * 60 + t[2] }
    /Maximum resident set size/ { kb = $2 } END { printf "%s %.2f %d\n", l, s, kb }' "$tmp/time.txt"
}

{
  measure wtscan-extract "$tmp/wtscan-extract" -a "$tmp/genome.fna" -s bench -r "$tmp/refs.fna" -o "$tmp/p.parquet" -j 1 --progress never
  measure wtscan-extract-xz "$tmp/wtscan-extract" -a "$ASM" -s bench -r "$tmp/refs.fna" -o "$tmp/p.parquet" -j 1 --progress never
  measure makeblastdb makeblastdb -in "$tmp/genome.fna" -dbtype nucl -out "$tmp/db"
  measure tblastn tblastn -query "$tmp/refs.faa" -db "$tmp/db" -db_gencode 11 -evalue 1e-10 -num_threads 1 -outfmt 6 -out "$tmp/tblastn.tsv"
} > "$tmp/results.txt"

echo "extract benchmark: $n reference genes, $(basename "$ASM") ($(grep -v '^>' "$tmp/genome.fna" | tr -d '\n' | wc -c) bp), one thread"
awk '{ printf "  %-18s %6.2f s  %7.1f MB peak\n", $1, $2, $3 / 1024; t[$1] = $2 }
  END { tb = t["makeblastdb"] + t["tblastn"]; printf "  tblastn (with makeblastdb) / wtscan-extract: %.1fx\n", tb / (t["wtscan-extract"] > 0 ? t["wtscan-extract"] : 0.01) }' "$tmp/results.txt"
echo "  proteins found: $("$tmp/wtscan-extract" -a "$tmp/genome.fna" -s bench -r "$tmp/refs.fna" -o "$tmp/p.tsv" -j 1 --progress never 2>/dev/null; tail -n +2 "$tmp/p.tsv" | wc -l); tblastn HSPs at e <= 1e-10: $(wc -l < "$tmp/tblastn.tsv")"
