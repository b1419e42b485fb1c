#!/usr/bin/env bash
# The alignment benchmark behind `make bench` (which runs `make build` first).
#
# 1. bin/wtscan-simulate writes a fixed-seed workload: the PointFinder
#    Salmonella references 300–1,100 aa long (acrB, gyrA, gyrB, parC, parE,
#    pmrB, translated from pointfinder/salmonella of the shared test data,
#    WTSCAN_SHARED_DATA, default ../shared/data) — or, where
#    that folder is missing, synthetic references drawn from real amino-acid
#    frequencies — and BENCH_QUERIES realistic variants (plus BENCH_BIG for a
#    wtscan-align-only run).
# 2. bench/run.py runs wtscan-align, EMBOSS water, parasail_aligner and
#    Biopython's PairwiseAligner on the same pairs with the same cores,
#    measures wall time and peak memory with /usr/bin/time -v, checks that
#    wtscan-align's scores equal water's, runs wtscan-subscan on
#    wtscan-align's output (with the PointFinder folder's catalogue when the
#    references come from one) to measure what calling adds, and prints the
#    table (also in bench/out/results.md and results.json).
# 3. bench/dna.py does the same on nucleotides: BENCH_DNA_QUERIES fixed-seed
#    copies of the E. coli 23S, 16S-rrsB/C/H and ampC promoter of the
#    PointFinder database v3.0.0 (Debian's resfinder-example; a gunzipped copy
#    of the species folder in bench/out/dna/), scored with EDNAFULL 10/0.5 as
#    water scores DNA; wtscan-align's scores must equal water's on every pair.
#    Its table is appended to results.md (and results-dna.md), its figures go
#    under "nucleotide" in results.json.
#
# Knobs (environment): BENCH_QUERIES (10000), BENCH_BIG (100000, 0 to skip),
# BENCH_MEM_SERIES ("10000 50000 100000 200000": sizes of nearly-all-duplicate
# workloads on which wtscan-align's peak memory is measured; "" to skip),
# BENCH_SEED (1), BENCH_DUP (0.8: share of queries repeating an earlier allele),
# BENCH_THREADS (all CPUs), BENCH_GO (1: also run the Go step benchmarks), BENCH_WATER_MAX / BENCH_PARASAIL_MAX (0: every
# pair) and BENCH_BIOPYTHON_MAX (2000; Biopython takes ~45 ms a pair): N runs
# that peer on every k-th query, at most N pairs, and extrapolates its time
# per pair to the full set (said so in the table), BENCH_REFERENCES (a reference FASTA or folder;
# "synthetic" forces synthetic references), BENCH_OUT (bench/out), PYTHON
# (a Python with Biopython, /usr/bin/python3). Nucleotides: BENCH_DNA_QUERIES
# (1000; 0 skips the part), BENCH_DNA_WATER_MAX / BENCH_DNA_PARASAIL_MAX (0:
# every pair), BENCH_DNA_BIOPYTHON_MAX (200; Biopython takes ~0.1 s of CPU a
# pair), BENCH_DNA_DB (the species folder,
# /usr/share/doc/resfinder/examples/db_pointfinder/escherichia_coli).
set -euo pipefail
cd "$(dirname "$0")/.."

QUERIES=${BENCH_QUERIES:-10000}
BIG=${BENCH_BIG:-100000}
SEED=${BENCH_SEED:-1}
DUP=${BENCH_DUP:-0.8}
THREADS=${BENCH_THREADS:-$(nproc)}
OUT=${BENCH_OUT:-bench/out}
PY=${PYTHON:-/usr/bin/python3}
SHARED=${WTSCAN_SHARED_DATA:-../shared/data}
REFS=${BENCH_REFERENCES:-$SHARED/pointfinder/salmonella}

mkdir -p "$OUT"
for tool in /usr/bin/time "$PY"; do
	[[ -x $tool ]] || { echo "bench: $tool is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
done

SIM=bin/wtscan-simulate
if [[ ! -x $SIM ]]; then
	SIM=$OUT/wtscan-simulate
	echo "bench: bin/wtscan-simulate missing; building $SIM" >&2
	CGO_ENABLED=0 go build -o "$SIM" ./cmd/wtscan-simulate
fi
ALIGN=bin/wtscan-align
[[ -x $ALIGN ]] || echo "bench: $ALIGN missing (run 'make build'): benchmarking the peers only" >&2

refargs=()
catargs=()
if [[ -f $REFS/resistens-overview.txt ]]; then
	# wtscan-subscan's run after wtscan-align uses the folder's catalogue
	catargs=(--catalog "$REFS")
fi
if [[ $REFS != synthetic && -e $REFS ]]; then
	refargs=(--references "$REFS")
	echo "bench: references from $REFS" >&2
elif [[ $REFS == synthetic ]]; then
	echo "bench: synthetic references requested (6, real amino-acid frequencies)" >&2
else
	echo "bench: $REFS not found; using 6 synthetic references (real amino-acid frequencies)" >&2
fi

simulate() { # N PREFIX: writes PREFIX.faa (+ .parquet when asked) and PREFIX.json
	local n=$1 prefix=$2
	shift 2
	"$SIM" "${refargs[@]}" --seed "$SEED" --dup-fraction "$DUP" -n "$n" \
		--refs-out "$OUT/refs.faa" --fasta-out "$prefix.faa" "$@" --log-format json \
		>"$prefix.json" 2>"$prefix.log"
}
echo "bench: generating $QUERIES queries (seed $SEED)" >&2
simulate "$QUERIES" "$OUT/queries" --table-out "$OUT/queries.parquet"
bigargs=()
if [[ $BIG -gt 0 ]]; then
	echo "bench: generating $BIG queries for the wtscan-align-only run" >&2
	simulate "$BIG" "$OUT/queries-big"
	bigargs=(--big "$OUT/queries-big.faa" --big-stats "$OUT/queries-big.json")
fi

memfiles=()
for n in ${BENCH_MEM_SERIES-10000 50000 100000 200000}; do
	echo "bench: generating $n nearly identical queries for the memory series" >&2
	"$SIM" "${refargs[@]}" --seed "$SEED" --dup-fraction 0.999 -n "$n" --refs-out "$OUT/refs.faa" \
		--fasta-out "$OUT/queries-mem-$n.faa" --log-format json >/dev/null 2>"$OUT/queries-mem-$n.log"
	memfiles+=("$OUT/queries-mem-$n.faa")
done
memlist=$(IFS=,; echo "${memfiles[*]}")

status=0
"$PY" bench/run.py --refs "$OUT/refs.faa" --queries "$OUT/queries.faa" --table "$OUT/queries.parquet" \
	--stats "$OUT/queries.json" "${bigargs[@]}" --wtscan "$ALIGN" --out "$OUT" --threads "$THREADS" \
	--water-max "${BENCH_WATER_MAX:-0}" --parasail-max "${BENCH_PARASAIL_MAX:-0}" \
	--biopython-max "${BENCH_BIOPYTHON_MAX:-2000}" --python "$PY" --mem-series "$memlist" "${catargs[@]}" || status=$?
rm -f "${memfiles[@]}" # large and cheap to make again

DNA_QUERIES=${BENCH_DNA_QUERIES:-1000}
if [[ $DNA_QUERIES -gt 0 ]]; then
	echo "bench: nucleotides: $DNA_QUERIES copies of rRNA genes and the ampC promoter (seed $SEED)" >&2
	"$PY" bench/dna.py --db "${BENCH_DNA_DB:-/usr/share/doc/resfinder/examples/db_pointfinder/escherichia_coli}" \
		--wtscan "$ALIGN" --out "$OUT" --queries "$DNA_QUERIES" --seed "$SEED" --threads "$THREADS" \
		--water-max "${BENCH_DNA_WATER_MAX:-0}" --parasail-max "${BENCH_DNA_PARASAIL_MAX:-0}" \
		--biopython-max "${BENCH_DNA_BIOPYTHON_MAX:-200}" --python "$PY" \
		--append-md "$OUT/results.md" --json "$OUT/results.json" || status=$?
fi

# The same step costs isolated in one process (go test -bench, synthetic
# references, same workload shape): wtscan-align, reading the alignments
# table, calling alone, calling and building the output rows (discarded),
# and the whole wtscan-subscan step. Fastest of 3 runs of 10 each.
if [[ ${BENCH_GO:-1} == 1 ]]; then
	echo
	echo "go test -bench (internal/subscan), fastest of 3:"
	GOEXPERIMENT=${GOEXPERIMENT:-simd} go test -run - -bench 'AlignStep|ReadAlignments|Calling|CallingAndRows|SubscanStep' -benchtime 10x -count 3 ./internal/subscan/ |
		awk '/^Benchmark/ { name = $1; sub(/-[0-9]+$/, "", name); if (!(name in best) || $3 < best[name]) best[name] = $3 }
			END { for (n in best) printf "  %-26s %7.1f ms\n", n, best[n] / 1e6
				a = best["BenchmarkAlignStep"]
				if (a > 0) printf "  against wtscan-align: calling %.1f %%, calling and building rows %.1f %%, whole subscan step %.1f %%\n",
					100 * best["BenchmarkCalling"] / a, 100 * best["BenchmarkCallingAndRows"] / a, 100 * best["BenchmarkSubscanStep"] / a }' |
		sort || status=$?
fi
exit $status
