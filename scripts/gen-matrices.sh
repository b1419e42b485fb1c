#!/usr/bin/env bash
# Regenerates internal/swalign/matrices_gen.go from the EMBOSS matrix files
# (Debian package emboss-data). Usage: scripts/gen-matrices.sh [EMBOSS data dir]
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-/usr/share/EMBOSS/data}"
if [[ ! -r "$data/EBLOSUM62" ]]; then
	echo "gen-matrices: $data/EBLOSUM62 not found; install the emboss-data package or pass its data directory" >&2
	exit 1
fi
go run ./internal/swalign/internal/genmatrix -data "$data" -out internal/swalign/matrices_gen.go
echo "wrote internal/swalign/matrices_gen.go from $data" >&2
