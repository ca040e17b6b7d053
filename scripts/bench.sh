#!/usr/bin/env bash
# Runs the build benchmark (benches/build.rs): generates synthetic sites of
# 1,000 and 10,000 pages and times a full release `carebook build` of each,
# with its peak memory.
#
# Usage: bash scripts/bench.sh                  # 1,000 and 10,000 pages
#        bash scripts/bench.sh -- 100000        # other sizes (comma or space separated)
#        CAREBOOK_BENCH_PAGES=1000,100000 bash scripts/bench.sh
#        CAREBOOK_BENCH_RUNS=1 / CAREBOOK_BENCH_KEEP=1 (keep the sites, for profiling)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Built first, apart, so compiler output is not mixed into the timings and a
# compile error shows up on its own. `cargo bench` builds the same binary
# (the bench profile inherits release) and uses it.
cargo build --release
cargo bench --bench build "$@"
