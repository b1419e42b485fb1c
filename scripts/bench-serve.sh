#!/usr/bin/env bash
# wtscan-serve's load benchmark (loopback only, bounded): CLIENTS clients post
# 1,000-sequence batches for SECONDS, then every accepted job is waited for;
# prints jobs/s, sequences/s, submit latency p50/p99, jobs lost, and
# wtscan-align + wtscan-subscan on one batch for comparison.
#   bash scripts/bench-serve.sh [CLIENTS] [SECONDS] [WORKERS]
set -euo pipefail
cd "$(dirname "$0")/.."
export GOEXPERIMENT=simd
clients=${1:-4} seconds=${2:-30} workers=${3:-2}
go run ./internal/serve/loadbench -root . -clients "$clients" -duration "${seconds}s" -workers "$workers" -batch 1000
