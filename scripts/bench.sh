#!/usr/bin/env bash
# Runs the build benchmark (benches/build.rs): generates synthetic sites of
# 1,000 and 10,000 pages and times a full release `carebook build` of each,
# with its peak memory.
#
# Usage: bash scripts/bench.sh                  # 1,000 and 10,000 pages
#        bash scripts/bench.sh -- 100000        # other sizes (comma or space separated)
#        bash scripts/bench.sh scaling          # one page of each Markdown construct at
#                                               # 1x/4x/16x: time exponent and memory (#16)
#        bash scripts/bench.sh scale            # 1k, 10k and 100k pages, one run each,
#                                               # on disk and then in /dev/shm (memory):
#                                               # issue #7's scaling table (~10 minutes)
#        bash scripts/bench.sh compare          # carebook against Hugo and the floor program
#                                               # (issue #13, benches/compare.rs): see below
#        bash scripts/bench.sh compare -- 1000,10000,100000
#        CAREBOOK_BENCH_PAGES=1000,100000 bash scripts/bench.sh
#        CAREBOOK_BENCH_RUNS=1 / CAREBOOK_BENCH_KEEP=1 (keep the sites, for profiling)
#
# `compare` generates the site at 1,000 and 10,000 pages (sizes as above;
# 100,000 is opt-in: one run, tens of minutes, about 4 GB in TMPDIR) and builds it in one language (the
# example's site.toml without [languages.es]) and in two
# (CAREBOOK_BENCH_LANGUAGES=1 or 2 for one of them). Run by run, alternating,
# it times (a) carebook into an empty folder, (b) carebook again with nothing
# changed, (c) carebook after one sentence of one page is edited, (d) Hugo
# (/usr/bin/hugo, Debian's 0.111.3 here; CAREBOOK_BENCH_HUGO=path, or 0 to
# leave it out) on the same content/ with minimal templates
# (benches/hugo_site.rs lists what they leave out), into an empty folder and
# again over its output, and (e) the floor program (benches/floor.rs: read
# each page, pulldown-cmark, write it; one thread), into an empty folder and
# into its existing tree. It prints median wall, user, sys and peak memory
# (wait4) of each, the ratios carebook/Hugo and carebook/floor, PASS or FAIL
# for each goal of issue #13 and a Markdown table of all. It uses no
# hyperfine (which reports no peak memory). It reports; it never fails on a
# goal, and CI never runs it. How long it takes depends on the disk more
# than on carebook: on a shared ext4 disk mounted with `discard`, deleting and
# truncating files cost milliseconds each, and 1,000 pages in both languages
# took 8 minutes; TMPDIR=/dev/shm leaves the disk out.
#
# The 100,000-page site needs about 1 GB of disk (and of /dev/shm) for the
# Markdown and the output; this is a script for a person to run, never a
# timed test or a CI step.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Built first, apart, so compiler output is not mixed into the timings and a
# compile error shows up on its own. `cargo bench` builds the same binary
# (the bench profile inherits release) and uses it.
cargo build --release

if [[ "${1:-}" == "scaling" ]]; then
  # One page of each Markdown construct at 1x, 4x and 16x (benches/scaling.rs):
  # fails when a cost grows faster than the page.
  exec cargo bench --bench scaling
fi

if [[ "${1:-}" == "compare" ]]; then
  shift
  exec cargo bench --bench compare "$@"
fi

if [[ "${1:-}" == "scale" ]]; then
  shift
  sizes="${CAREBOOK_BENCH_PAGES:-1000,10000,100000}"
  export CAREBOOK_BENCH_RUNS="${CAREBOOK_BENCH_RUNS:-1}" CAREBOOK_BENCH_STAGES="${CAREBOOK_BENCH_STAGES:-0}"
  echo "== on disk (${TMPDIR:-/tmp}) =="
  CAREBOOK_BENCH_PAGES="$sizes" cargo bench --bench build "$@"
  if [[ -d /dev/shm ]]; then
    echo "== in memory (/dev/shm) =="
    TMPDIR=/dev/shm CAREBOOK_BENCH_PAGES="$sizes" cargo bench --bench build "$@"
  fi
  exit 0
fi
cargo bench --bench build "$@"
