#!/usr/bin/env bash
# wtscan side by side with ResFinder 4.3.0 in PointFinder mode (Debian's
# `resfinder`), on the same genomes and the same database: the PointFinder
# database v3.0.0 as distributed in Debian's `resfinder-example` (Debian gzips
# files in documentation folders; a gunzipped copy is used, as a user who
# clones the database has it).
#
# Genomes: the four K. pneumoniae assemblies of `kleborate-examples`
# (species folder klebsiella) and ResFinder's own example isolates from
# `resfinder-example` (all E. coli: ResFinder's tests run them with
# -s "Escherichia coli", see examples/data/wdl_input.tsv and
# examples/deprecated/functional_tests.py; folder escherichia_coli), and
# planted-nt: the E. coli folder's 23S, 16S-rrsB and ampC promoter set into
# stretches of HS11286 with catalogued and uncatalogued changes in some of
# their copies (scripts/peers_planted.py, the genome of the Go test
# TestNucleotideTruthSet), since the example isolates hold one nucleotide
# target between them (test_isolate_11, a single 16S-rrsB).
#
# For each genome both tools run on the same plain FASTA, one after the other,
# timed with /usr/bin/time (wall seconds; wtscan = extract + align + subscan):
#   run_resfinder.py -ifa G -o OUT -s SPECIES -c -u -db_point DB -db_res RESDB
#   wtscan-extract --assembly G --sample-id S --references DB/<folder> --out p.parquet
#   wtscan-align   --references DB/<folder> --queries p.parquet --out a.parquet
#   wtscan-subscan --alignments a.parquet --references DB/<folder> --catalog DB/<folder> --out mutations.tsv --sites sites.tsv
# Any failure of either tool stops the run with exit 1 and the tool's log.
#
# Output (PEERS_OUT, default bench/out):
#   peers-resfinder.tsv        every call of either tool, joined: sample, species,
#                              molecule, gene, change, resfinder, wtscan, agree, the CDS
#                              check of ResFinder's call (cds_check_of_resfinder) and, on
#                              RNA genes and promoters, the genome check of each tool's
#                              call (genome_check)
#   peers-resfinder.md         the rows either tool calls known, every disagreement, and
#                              every call on a nucleotide target (Markdown)
#   peers-resfinder-times.tsv  wall seconds per genome and tool
#   peers-resfinder-cds.tsv    every ResFinder call checked against the genome's
#                              own CDS (scripts/peers_cds_check.py: blastn places
#                              the gene, transeq -table 11 translates, needle aligns)
#   peers-resfinder-nt.tsv     every call of either tool on an RNA gene or promoter checked
#                              against the genome (scripts/peers_nt_check.py: blastn places
#                              each copy, the genome's bases around the call are compared)
#   peers-resfinder/<sample>/  each tool's own output (ResFinder's folder, mutations.tsv,
#                              sites.tsv, logs; for planted-nt also planted.tsv, the copies made)
# and a summary on stdout (times, ratio, agreements).
#
# Knobs (environment): PEERS_THREADS (1: wtscan's -j; ResFinder's blastn runs
# on one core), PEERS_SAMPLES (space-separated sample names to run, default all),
# PEERS_OUT, WTSCAN_BIN (bin), RESFINDER_DB (/usr/share/resfinder/db), POINTFINDER_DB (the
# distributed folder, /usr/share/doc/resfinder/examples/db_pointfinder).
# Needs: scripts/install-deps.sh (resfinder, resfinder-example, resfinder-db,
# kleborate-examples, time) and `make build` (bin/wtscan-*).
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${PEERS_OUT:-bench/out}
THREADS=${PEERS_THREADS:-1}
RESDB=${RESFINDER_DB:-/usr/share/resfinder/db}
PFDB=${POINTFINDER_DB:-/usr/share/doc/resfinder/examples/db_pointfinder}
KLEB=/usr/share/doc/kleborate/examples/data
RFEX=/usr/share/doc/resfinder/examples/data
# Debian's run_resfinder.py needs Debian's Python (cgelib, cgecore); a python3
# earlier on PATH (pyenv, a venv) does not have them.
PY=/usr/bin/python3
RESFINDER=$(command -v run_resfinder.py || echo /usr/bin/run_resfinder.py)

die() { echo "peers-resfinder: $*" >&2; exit 1; }
for f in "$PY" "$RESFINDER" /usr/bin/time /usr/bin/blastn /usr/bin/transeq /usr/bin/needle; do
  [ -x "$f" ] || die "$f not found (bash scripts/install-deps.sh)"
done
BIN=${WTSCAN_BIN:-bin}
for s in extract align subscan; do
  [ -x "$BIN/wtscan-$s" ] || die "$BIN/wtscan-$s not found (make build)"
done
[ -d "$RESDB" ] || die "ResFinder database $RESDB not found (resfinder-db)"
[ -f "$PFDB/VERSION" ] || die "PointFinder database $PFDB not found (resfinder-example)"

# sample  species (ResFinder's -s)  PointFinder folder  genome
genomes() {
  cat <<EOF
HS11286	Klebsiella pneumoniae	klebsiella	$KLEB/Klebs_HS11286.fna.xz
MGH78578	Klebsiella pneumoniae	klebsiella	$KLEB/MGH78578.fna.xz
Kp1084	Klebsiella pneumoniae	klebsiella	$KLEB/Klebs_Kp1084.fna.xz
NTUH-K2044	Klebsiella pneumoniae	klebsiella	$KLEB/NTUH-K2044.fna.xz
EOF
  for f in "$RFEX"/test_isolate_*.fa "$RFEX"/test_isolate_*.fa.gz; do
    [ -e "$f" ] || continue
    s=$(basename "$f"); s=${s%.gz}; s=${s%.fa}
    printf '%s\tEscherichia coli\tescherichia_coli\t%s\n' "$s" "$f"
  done | sort
  printf 'planted-nt\tEscherichia coli\tescherichia_coli\tplanted\n'
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db="$tmp/db_pointfinder"
cp -r "$PFDB" "$db"
find "$db" -name '*.gz' -exec gunzip -f {} +

mkdir -p "$OUT/peers-resfinder"
times="$OUT/peers-resfinder-times.tsv"
cds="$OUT/peers-resfinder-cds.tsv"
ntc="$OUT/peers-resfinder-nt.tsv"
rm -f "$cds" "$ntc"
manifest="$tmp/manifest.tsv"
printf 'sample\tspecies\tfolder\tgenome\tresfinder_s\twtscan_s\tresfinder_status\n' > "$times"
printf 'sample\tspecies\tresfinder_dir\twtscan_mutations\tfolder\n' > "$manifest"

# wall SECONDS_FILE LOG cmd...: runs cmd, its wall time (s) into SECONDS_FILE
# (the last line: /usr/bin/time adds a line on failure), its stdout+stderr into
# LOG; on failure prints the log's tail and exits 1.
wall() {
  local sec=$1 log=$2; shift 2
  if ! /usr/bin/time -f '%e' -o "$sec" nice "$@" > "$log" 2>&1; then
    echo "peers-resfinder: FAILED: $*" >&2
    tail -n 30 "$log" >&2
    die "see $log"
  fi
}

rf_version=$("$PY" "$RESFINDER" -v 2>/dev/null || true)
echo "peers-resfinder: ResFinder ${rf_version:-?} (PointFinder db $(cat "$db/VERSION")), wtscan $("$BIN/wtscan-subscan" --version 2>&1 | awk '{ print $NF; exit }'), wtscan threads $THREADS"

n=0
while IFS=$'\t' read -r sample species folder genome; do
  if [ -n "${PEERS_SAMPLES:-}" ] && [[ " $PEERS_SAMPLES " != *" $sample "* ]]; then continue; fi
  [ "$genome" = planted ] || [ -e "$genome" ] || die "$genome not found"
  n=$((n + 1))
  d="$OUT/peers-resfinder/$sample"
  rm -rf "$d"; mkdir -p "$d"
  g="$tmp/$sample.fna"
  case $genome in
    planted) "$PY" scripts/peers_planted.py --folder "$db/$folder" --background "$KLEB/Klebs_HS11286.fna.xz" \
               --out "$g" --truth "$d/planted.tsv" || die "peers_planted.py failed" ;;
    *.xz) xz -dc "$genome" > "$g" ;;
    *.gz) gzip -dc "$genome" > "$g" ;;
    *) cp "$genome" "$g" ;;
  esac

  # ResFinder, PointFinder mode only (no -acq): blastn per gene of the folder.
  # ResFinder 4.3.0 crashes on a genome with an RNA-gene change (its own RNA
  # example test_isolate_11, planted-nt: KeyError 'var_aa' in the phenotype
  # step) after it has written its PointFinder tables; such a run counts, with
  # a loud note, only if the tables are there.
  rf_status=ok
  if ! /usr/bin/time -f '%e' -o "$tmp/rf.s" nice "$PY" "$RESFINDER" -ifa "$g" -o "$d/resfinder" -s "$species" \
      -c -u -db_point "$db" -db_res "$RESDB" > "$d/resfinder.log" 2>&1; then
    rf_status="exit $(sed -n 's/.*non-zero status \([0-9]*\).*/\1/p' "$tmp/rf.s"): $(tail -n 1 "$d/resfinder.log")"
    echo "peers-resfinder: WARNING: $sample: ResFinder failed ($rf_status; log: $d/resfinder.log)" >&2
  fi
  for f in PointFinder_results.txt PointFinder_table.txt; do
    [ -s "$d/resfinder/$f" ] || { tail -n 30 "$d/resfinder.log" >&2; die "$sample: ResFinder wrote no $f (log: $d/resfinder.log)"; }
  done

  # wtscan on the same genome and the same (unmodified) species folder.
  ref="$db/$folder"
  wall "$tmp/w1.s" "$d/wtscan-extract.log" \
    "$BIN/wtscan-extract" --assembly "$g" --sample-id "$sample" --references "$ref" --out "$tmp/p.parquet" -j "$THREADS" --progress never
  wall "$tmp/w2.s" "$d/wtscan-align.log" \
    "$BIN/wtscan-align" --references "$ref" --queries "$tmp/p.parquet" --out "$tmp/a.parquet" -j "$THREADS" --progress never
  wall "$tmp/w3.s" "$d/wtscan-subscan.log" \
    "$BIN/wtscan-subscan" --alignments "$tmp/a.parquet" --references "$ref" --catalog "$ref" --out "$d/mutations.tsv" --sites "$d/sites.tsv" -j "$THREADS" --progress never
  [ -s "$d/mutations.tsv" ] || die "$sample: wtscan-subscan wrote no $d/mutations.tsv"

  rs=$(tail -n 1 "$tmp/rf.s")
  ws=$(awk '{ s += $1 } END { printf "%.2f", s }' "$tmp/w1.s" "$tmp/w2.s" "$tmp/w3.s")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$sample" "$species" "$folder" "$(basename "$genome")" "$rs" "$ws" "$rf_status" >> "$times"
  printf '%s\t%s\t%s\t%s\t%s\n' "$sample" "$species" "$d/resfinder" "$d/mutations.tsv" "$ref" >> "$manifest"
  # The independent check of ResFinder's calls: the genome's own CDS (blastn, transeq, needle).
  "$PY" scripts/peers_cds_check.py --genome "$g" --folder "$ref" --resfinder "$d/resfinder" --sample "$sample" --all \
    > "$tmp/cds.tsv" || die "$sample: CDS check failed"
  if [ ! -s "$cds" ]; then cat "$tmp/cds.tsv" > "$cds"; else tail -n +2 "$tmp/cds.tsv" >> "$cds"; fi
  # RNA genes and promoters: each tool's calls against every copy blastn finds.
  "$PY" scripts/peers_nt_check.py --genome "$g" --folder "$ref" --resfinder "$d/resfinder" --wtscan "$d/mutations.tsv" \
    --sample "$sample" > "$tmp/nt.tsv" || die "$sample: nucleotide check failed"
  if [ ! -s "$ntc" ]; then cat "$tmp/nt.tsv" > "$ntc"; else tail -n +2 "$tmp/nt.tsv" >> "$ntc"; fi
  rm -f "$g"
  note=""; [ "$rf_status" = ok ] || note=" ($rf_status)"
  echo "  $sample: ResFinder $rs s$note, wtscan $ws s"
done < <(genomes)
((n > 0)) || die "no genome selected (PEERS_SAMPLES=${PEERS_SAMPLES:-})"

"$PY" scripts/peers_resfinder.py --manifest "$manifest" --times "$times" --cds "$cds" --nt "$ntc" \
  --out "$OUT/peers-resfinder.tsv" --markdown "$OUT/peers-resfinder.md"
