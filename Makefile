# wtscan — build, test, benchmark and demo.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/wtscan/wtscan/internal/build.Version=$(VERSION)
BIN := bin
# The alignment engine's AVX-512 path uses Go's experimental simd/archsimd
# package; without the experiment (or on a CPU without AVX-512) the same
# results come from the scalar engine, only slower.
export GOEXPERIMENT := simd
STEPS := $(notdir $(wildcard cmd/wtscan-*))

.PHONY: all build test lint bench bench-scale peers demo install deps clean image sif cluster-deps test-cluster

all: build

deps:
	bash scripts/install-deps.sh

build:
	@mkdir -p $(BIN)
	CGO_ENABLED=0 go build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/ ./cmd/...

install:
	CGO_ENABLED=0 go install -trimpath -ldflags '$(LDFLAGS)' ./cmd/...

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1)
	go vet ./...

# Everything CI runs: lint, the Go test suite (unit, golden, fuzz seeds,
# parity with EMBOSS water, real genomes, end-to-end binaries).
test: deps lint build
	go test -count=1 -timeout 40m ./...

# Side by side on the same work: wtscan-align vs EMBOSS water, parasail and
# Biopython; wtscan-extract vs tblastn. Results in bench/out/.
bench: deps build
	bash scripts/bench.sh
	bash scripts/bench-extract.sh
	bash scripts/peers-resfinder.sh

# wtscan next to ResFinder 4.3.0 (PointFinder mode) on the kleborate-examples
# genomes and ResFinder's example isolates, same database; see docs/peers.md.
peers: deps build
	bash scripts/peers-resfinder.sh

# The cohort and workflow scale runs (minutes).
bench-scale: deps build
	bash scripts/bench-aggregate.sh 100000
	bash scripts/bench-workflow.sh 2000 "50 500" 2

demo: deps build
	bash scripts/demo.sh

# Containers and the cluster path (docs/cluster.md). The image holds the
# binaries of `make build` (same version stamp); its Debian base comes from a
# registry when one answers, else from this machine's Debian mirror (mmdebstrap).
# ENGINE=podman|docker picks the container engine; unset, the scripts use
# podman (test-cluster installs it first: choosing here, before that, would
# pick a docker client that may have no daemon).
IMAGE ?= ghcr.io/wtscan/wtscan:$(VERSION)
SIF ?= wtscan_$(VERSION).sif
export IMAGE SIF VERSION
ifneq ($(ENGINE),)
export ENGINE
endif

cluster-deps:
	bash scripts/install-cluster-deps.sh

image: build
	bash scripts/build-image.sh

# SIF_FROM=image (default: converts the image above) or SIF_FROM=def
# (containers/wtscan.def, needs registry access and --fakeroot).
sif: image
	bash scripts/build-sif.sh

# A one-node SLURM cluster on this machine; the demo through
# workflow/profiles/slurm with every job in the SIF (scripts/test-cluster.sh).
# At most 75 minutes (Apptainer's build is about 9 minutes of it), so that a hang
# fails with the daemons stopped and a message rather than at CI's limit.
test-cluster: build
	timeout 75m bash scripts/test-cluster.sh

clean:
	rm -rf $(BIN) results logs benchmarks metrics .snakemake build
