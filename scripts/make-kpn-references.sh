#!/usr/bin/env bash
# Build wtscan's Klebsiella pneumoniae wild-type reference set,
# testdata/references/kpneumoniae.fna, from Debian package data only:
#
#  - kleborate (/usr/lib/python3/dist-packages/kleborate/data):
#      OmpK.fasta            OmpK35, OmpK36 full CDS      -> taken as they are
#      MgrB_and_PmrB.fasta   mgrB, pmrB full CDS          -> taken as they are
#      QRDR_120.fasta        GyrA, ParC: first 360 nt (QRDR fragments)
#      Klebsiella_pneumoniae.fasta  MLST alleles (internal fragments) rpoB_1, phoE_1
#  - kleborate-examples (/usr/share/doc/kleborate/examples/data): the complete
#    genome of NTUH-K2044, from which gyrA, parC, gyrB, parE, acrB, rpoB and
#    phoE are taken.
#
# gyrA and parC: the QRDR fragment is located in NTUH-K2044 with blastn; it
# must match at 100 % over its whole length (the strain is wild type at the
# QRDR as kleborate defines it) and it begins at the start codon, so the gene
# is the open reading frame from there to the first stop codon.
# rpoB and phoE: the MLST allele is located the same way (>= 97 %: allele 1
# need not be NTUH-K2044's); being an internal fragment, the gene is the
# longest ORF through it (the first start codon after the nearest upstream
# in-frame stop).
# gyrB, parE and acrB: kleborate has no sequence for them, so they are located
# in NTUH-K2044 with blastn (dc-megablast) using the Salmonella PointFinder
# CDS of the shared test data (../shared/data/pointfinder/salmonella, or
# $SALMONELLA_PROBES) as probes only: the probe must align from its first
# base over >= 95 % of its length at >= 80 % identity; the reference written
# is NTUH-K2044's own ORF from the start codon so located.
#
# NTUH-K2044 (ST23, a hypervirulent, fluoroquinolone-susceptible lineage) is
# used because it is the example strain whose GyrA and ParC QRDRs are
# identical to kleborate's wild-type fragments; HS11286 (GyrA S83I, ParC S80I)
# and MGH78578 (GyrA S83Y) are not wild type there.
#
# Usage: scripts/make-kpn-references.sh [OUT_DIR]   (default testdata/references)
set -euo pipefail

KLEB=${KLEBORATE_DATA:-/usr/lib/python3/dist-packages/kleborate/data}
EXAMPLES=${KLEBORATE_EXAMPLES:-/usr/share/doc/kleborate/examples/data}
OUT=${1:-testdata/references}
STRAIN=NTUH-K2044
ORG=Klebsiella_pneumoniae
HERE=$(cd "$(dirname "$0")/.." && pwd)
PROBES=${SALMONELLA_PROBES:-$HERE/../shared/data/pointfinder/salmonella}

for cmd in blastn xzcat awk; do
  command -v "$cmd" >/dev/null || { echo "make-kpn-references: $cmd not found (apt-get install ncbi-blast+ xz-utils)" >&2; exit 1; }
done
for f in "$KLEB/OmpK.fasta" "$KLEB/MgrB_and_PmrB.fasta" "$KLEB/QRDR_120.fasta" "$KLEB/Klebsiella_pneumoniae.fasta" "$EXAMPLES/$STRAIN.fna.xz"; do
  [[ -s $f ]] || { echo "make-kpn-references: missing $f (Debian packages kleborate, kleborate-examples)" >&2; exit 1; }
done
for g in gyrB parE acrB; do
  [[ -s $PROBES/$g.fsa ]] || { echo "make-kpn-references: missing probe $PROBES/$g.fsa (set SALMONELLA_PROBES)" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One record per line: id<TAB>SEQUENCE. Files may lack a final newline
# (QRDR_120.fasta does), so each file is read on its own.
linear() {
  awk '/^>/ { if (n) printf "\n"; printf "%s\t", substr($1, 2); n = 1; next }
       { gsub(/[ \r]/, ""); printf "%s", toupper($0) }
       END { if (n) printf "\n" }' "$@"
}

xzcat "$EXAMPLES/$STRAIN.fna.xz" > "$tmp/genome.fna"
linear "$tmp/genome.fna" > "$tmp/genome.tsv"

# Probes to locate: gene, kind (start: begins at the start codon; internal: a fragment), sequence.
{ linear "$KLEB/QRDR_120.fasta" | awk -F'\t' '$1 == "GyrA" { print "gyrA\tstart\t" $2 } $1 == "ParC" { print "parC\tstart\t" $2 }'
  linear "$KLEB/Klebsiella_pneumoniae.fasta" | awk -F'\t' '$1 == "rpoB_1" { print "rpoB\tinternal\t" $2 } $1 == "phoE_1" { print "phoE\tinternal\t" $2 }'
  for g in gyrB parE acrB; do linear "$PROBES/$g.fsa" | awk -F'\t' -v g=$g '{ print g "\thomolog\t" $2 }'; done
} > "$tmp/probes.tsv"
[[ $(wc -l < "$tmp/probes.tsv") -eq 7 ]] || { echo "make-kpn-references: expected 7 probes, got $(wc -l < "$tmp/probes.tsv")" >&2; exit 1; }
awk -F'\t' '{ print ">" $1 "\n" $3 }' "$tmp/probes.tsv" > "$tmp/probes.fna"

blastn -task dc-megablast -query "$tmp/probes.fna" -subject "$tmp/genome.fna" -evalue 1e-50 \
  -outfmt '6 qseqid sseqid pident length qstart qend qlen sstart send bitscore' > "$tmp/hits.tsv"

# Best hit per probe: it must begin at the probe's first base and cover the
# whole probe (homologs: >= 95 %) at >= 100 % (QRDR), 97 % (MLST) or 80 %
# (homologs) identity.
sort -t$'\t' -k1,1 -k10,10gr "$tmp/hits.tsv" | awk -F'\t' '!seen[$1]++' > "$tmp/best.tsv"
awk -F'\t' -v strain="$STRAIN" '
  { min = ($1 == "gyrA" || $1 == "parC") ? 100 : ($1 == "rpoB" || $1 == "phoE") ? 97 : 80
    cov = min == 80 ? 0.95 : 1 }
  $3 < min || $6 - $5 + 1 < cov * $7 || $5 != 1 { bad = 1; print "make-kpn-references: probe " $1 " does not match " strain " at >= " min "% over its length: " $0 > "/dev/stderr" }
  END { exit bad }' "$tmp/best.tsv"
[[ $(wc -l < "$tmp/best.tsv") -eq 7 ]] || { echo "make-kpn-references: not every probe was found in $STRAIN" >&2; exit 1; }

# Extend each located probe to its open reading frame (genetic code 11: stops
# TAA, TAG, TGA; starts ATG, GTG, TTG), in a 20 kb window around the probe.
awk -F'\t' -v strain="$STRAIN" -v org="$ORG" '
function rc(s,   i, o, c) { o = ""; for (i = length(s); i >= 1; i--) { c = substr(s, i, 1); o = o (c == "A" ? "T" : c == "T" ? "A" : c == "C" ? "G" : c == "G" ? "C" : "N") } return o }
function stop(c) { return c == "TAA" || c == "TAG" || c == "TGA" }
function start(c) { return c == "ATG" || c == "GTG" || c == "TTG" }
FILENAME == ARGV[1] { seq[$1] = $2; next }
FILENAME == ARGV[2] { kind[$1] = $2; next }
{
  g = $1; contig = $2; s0 = $8; s1 = $9
  if (!(contig in seq)) { print "make-kpn-references: contig " contig " not in the genome" > "/dev/stderr"; exit 1 }
  L = length(seq[contig])
  lo = (s0 < s1 ? s0 : s1) - 10000; if (lo < 1) lo = 1
  hi = (s0 < s1 ? s1 : s0) + 10000; if (hi > L) hi = L
  w = substr(seq[contig], lo, hi - lo + 1)
  if (s0 <= s1) { strand = "+"; t = w; p = s0 - lo + 1 }   # p: 1-based probe start on t
  else          { strand = "-"; t = rc(w); p = hi - s0 + 1 }
  if (kind[g] == "internal") {
    q = p; while (q - 3 >= 1 && !stop(substr(t, q - 3, 3))) q -= 3   # nearest upstream in-frame stop
    while (q < p && !start(substr(t, q, 3))) q += 3                   # first start codon after it
    p = q
  }
  if (!start(substr(t, p, 3))) { print "make-kpn-references: " g " does not begin with a start codon" > "/dev/stderr"; exit 1 }
  e = p; while (e + 2 <= length(t) && !stop(substr(t, e, 3))) e += 3
  if (e + 2 > length(t)) { print "make-kpn-references: " g " runs off its window" > "/dev/stderr"; exit 1 }
  cds = substr(t, p, e + 2 - p + 1)
  if (strand == "+") { from = lo + p - 1; to = lo + e + 1 } else { from = hi - (e + 2) + 1; to = hi - p + 1 }
  printf ">%s_%s gene=%s organism=%s source=%s:%s:%d-%d(%s)\n", g, strain, g, org, strain, contig, from, to, strand
  for (i = 1; i <= length(cds); i += 70) print substr(cds, i, 70)
}' "$tmp/genome.tsv" "$tmp/probes.tsv" "$tmp/best.tsv" > "$tmp/located.fna"

# Kleborate's full-length references, renamed to wtscan's gene= convention.
kleb() { # file record gene
  linear "$1" | awk -F'\t' -v r="$2" -v g="$3" -v org="$ORG" -v src="$(basename "$1")" '
    $1 == r { printf ">%s_kleborate gene=%s organism=%s source=kleborate:%s:%s\n", g, g, org, src, r
              for (i = 1; i <= length($2); i += 70) print substr($2, i, 70); found = 1 }
    END { if (!found) { print "make-kpn-references: " r " not in " src > "/dev/stderr"; exit 1 } }'
}

mkdir -p "$OUT"
{
  cat "$tmp/located.fna"
  kleb "$KLEB/OmpK.fasta" OmpK35 ompK35
  kleb "$KLEB/OmpK.fasta" OmpK36 ompK36
  kleb "$KLEB/MgrB_and_PmrB.fasta" mgrB mgrB
  kleb "$KLEB/MgrB_and_PmrB.fasta" pmrB pmrB
} > "$tmp/kpneumoniae.fna"
mv "$tmp/kpneumoniae.fna" "$OUT/kpneumoniae.fna"
grep '^>' "$OUT/kpneumoniae.fna" | sed 's/^>/  /' >&2
echo "make-kpn-references: wrote $OUT/kpneumoniae.fna ($(grep -c '^>' "$OUT/kpneumoniae.fna") genes)" >&2
