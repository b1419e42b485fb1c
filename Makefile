# wtscan — build, test, benchmark and demo.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/wtscan/wtscan/internal/build.Version=$(VERSION)
BIN := bin
STEPS := $(notdir $(wildcard cmd/wtscan-*))

.PHONY: all build test test-go lint bench demo install deps clean

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

bench: deps build
	bash scripts/bench.sh

demo: deps build
	bash scripts/demo.sh

clean:
	rm -rf $(BIN) results logs benchmarks .snakemake
