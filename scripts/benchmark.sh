#!/usr/bin/env bash
# Times sysctl-lint (release build) against `cat` of the same file, in the same run, and prints the ratio.
# Absolute times on shared machines are noisy; the ratio against a baseline measured alongside is what to compare.
# Usage: scripts/benchmark.sh [runs]   (default 20 runs per measurement)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
swift build -c release --product sysctl-lint >/dev/null
bin="$(swift build -c release --show-bin-path)/sysctl-lint"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp examples/close-wait-folklore.conf "$work/typical.conf"
# A large generated file: 100,000 assignments over the keys of the examples, plus comments (about 4 MB).
python3 - "$work/large.conf" <<'PY'
import sys, itertools
keys = ["net.ipv4.tcp_keepalive_time = 600", "net.ipv4.tcp_fin_timeout = 30", "vm.swappiness = 10",
        "net.ipv4.ip_local_port_range = 15000 64999", "net.core.somaxconn = 8192", "# a comment line",
        "net.ipv4.conf.eth%d.rp_filter = 1", "kernel.domainname = example.com"]
with open(sys.argv[1], "w") as f:
    for i, line in zip(range(100000), itertools.cycle(keys)):
        f.write((line % (i % 64) if "%d" in line else line) + "\n")
PY

time_runs() {  # prints total seconds for $runs runs of the command
    python3 - "$runs" "$@" <<'PY'
import subprocess, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
start = time.perf_counter()
for _ in range(runs):
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(f"{time.perf_counter() - start:.4f}")
PY
}

printf "%-10s %12s %12s %8s\n" file "cat (s)" "lint (s)" ratio
for name in typical large; do
    file="$work/$name.conf"
    base=$(time_runs cat "$file")
    lint=$(time_runs "$bin" --fail-level none "$file")
    ratio=$(python3 -c "print(f'{$lint / $base:.1f}x')")
    printf "%-10s %12s %12s %8s\n" "$name" "$base" "$lint" "$ratio"
done
echo "($runs runs each; file sizes: $(wc -c < "$work/typical.conf") and $(wc -c < "$work/large.conf") bytes)"
