#!/usr/bin/env bash
# Fuzzes the readers and reporters with libFuzzer (coverage-guided, release build with -sanitize=fuzzer).
# Usage: scripts/fuzz.sh [seconds per target] [target...]      (default: 60 seconds, every target)
# Targets: config values rules expression project snapshot json metrics baseline evidence sources (Sources/FuzzTargets/FuzzTargets.swift).
# Fuzz/corpus/TARGET is then replaced by a smallest set of inputs covering what it and the run reached; the test
# suite replays it. A crash leaves
# its input in .build/fuzz/crashes/TARGET (replay it with .build/debug/sysctl-lint-fuzz TARGET FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
# Swift's backtracer would take a crash's signal before libFuzzer does, and the crashing input would not be saved.
export SWIFT_BACKTRACE=enable=no
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(config values rules expression project snapshot json metrics baseline evidence sources)
swift build -c release --product sysctl-lint-fuzz --scratch-path .build/fuzz \
    -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING -Xswiftc -use-ld=lld >/dev/null
bin=.build/fuzz/release/sysctl-lint-fuzz
total=0
for target in "${targets[@]}"; do
    work=.build/fuzz/work/$target crashes=.build/fuzz/crashes/$target
    mkdir -p "Fuzz/corpus/$target" "$work" "$crashes"
    log=$(SYSCTL_LINT_FUZZ_TARGET=$target "$bin" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$crashes/" -print_final_stats=1 "$work" "Fuzz/corpus/$target" 2>&1) || {
        echo "$target: FAILED"; echo "$log" | tail -n 30; exit 1; }
    runs=$(echo "$log" | sed -n 's/^stat::number_of_executed_units: *//p')
    total=$((total + runs))
    # The kept corpus is a smallest set of inputs that covers what the old corpus and this run reached.
    fresh=$(mktemp -d)
    SYSCTL_LINT_FUZZ_TARGET=$target "$bin" -set_cover_merge=1 "$fresh" "Fuzz/corpus/$target" "$work" >/dev/null 2>&1
    rm -rf "Fuzz/corpus/$target" && mv "$fresh" "Fuzz/corpus/$target" && chmod 755 "Fuzz/corpus/$target"
    printf '%-11s %10s executions, no crash; corpus %s inputs\n' "$target" "$runs" "$(ls "Fuzz/corpus/$target" | wc -l)"
done
echo "total: $total executions ($(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD))"
