#!/usr/bin/env bash
# Fuzzes carebook's parsers with cargo-fuzz (libFuzzer), each target for a
# number of seconds, one after another. Not part of CI: run it by hand or on a
# schedule. Needs a nightly toolchain and `cargo install cargo-fuzz`.
#
#   bash scripts/fuzz.sh            # every target, 600 seconds each
#   bash scripts/fuzz.sh 60         # every target, 60 seconds each
#   bash scripts/fuzz.sh 300 markdown prompts
#   FUZZ_RUNS=1100000 bash scripts/fuzz.sh 0 site   # 1.1M executions, no time limit
#
# FUZZ_RUNS=N stops each target after N executions (libFuzzer's -runs);
# SECONDS=0 means no time limit, and with both the first limit reached ends
# the run. One job, one worker: the targets run one after another, each on
# one core. libFuzzer's whole output is in fuzz/work/<target>.log.
#
# Built without AddressSanitizer (`-s none`): carebook is safe Rust
# (`#![forbid(unsafe_code)]`), so in its own code ASAN finds nothing that a
# panic, -timeout or -rss_limit_mb does not (only the unsafe code inside
# dependencies loses its checks), and it made `site` run at 15 executions a
# second; without it (and with the theme's words read once) 290. Debug
# assertions and overflow checks stay on (cargo fuzz's default). Rayon runs
# on one thread (RAYON_NUM_THREADS=1): one job, one core. -len_control=0
# lets inputs grow to -max_len from the start: long pages are where hangs and
# memory that grows faster than the page were found (issue #16).
#
# New interesting inputs go to fuzz/work/<target>/ (git-ignored), so the
# committed seeds in fuzz/corpus/<target>/ stay small. A crash is written to
# fuzz/artifacts/<target>/; copy it to tests/fuzz_regressions/<target>/, fix
# the bug, and `cargo test fuzz_regressions` replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds="${1:-600}"
runs="${FUZZ_RUNS:--1}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(front_matter site_config markdown prompts checklist site)
fi

export RAYON_NUM_THREADS="${RAYON_NUM_THREADS:-1}"
status=0
for target in "${targets[@]}"; do
    mkdir -p "work/$target"
    if [ "$runs" = -1 ]; then
        echo "== $target: $seconds s"
    else
        echo "== $target: $runs executions, $seconds s (0 = no time limit)"
    fi
    # -max_len: carebook's pages are small; 64 KiB still covers long pages.
    # -rss_limit_mb / -timeout: an input that needs more is a bug to fix.
    if ! cargo +nightly fuzz run -s none "$target" "work/$target" "corpus/$target" -- \
        -max_total_time="$seconds" -runs="$runs" -max_len=65536 -len_control=0 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 2>&1 | tee "work/$target.log" | grep -E '^(stat::number_of_executed_units|==|SUMMARY|artifact_prefix|Test unit written)'; then
        :
    fi
    if grep -q -E 'Test unit written|SUMMARY' "work/$target.log"; then
        echo "!! $target found a problem: see fuzz/work/$target.log and fuzz/artifacts/$target/"
        status=1
    fi
done
exit "$status"
