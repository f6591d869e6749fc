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

# Fleet exports must stream: peak memory should stay flat as hosts grow. Generates an osquery results log
# (snapshot format, one JSON line per host with 60 keys, a few hazards on some hosts) for 1,000 and 10,000
# hosts and reports the peak RSS of the run on each, beside the peak RSS of `cat` as a baseline.
python3 - "$work" <<'PY'
import json, sys
keys = {"kernel.osrelease": "6.8.0-45-generic", "net.ipv4.tcp_keepalive_time": "7200", "net.ipv4.tcp_retries2": "15",
        "net.ipv4.ip_local_port_range": "32768\t60999", "net.core.somaxconn": "4096", "vm.swappiness": "60"}
keys.update({f"net.ipv4.conf.eth{i}.rp_filter": "1" for i in range(54)})
for hosts in (1000, 10000):
    with open(f"{sys.argv[1]}/fleet-{hosts}.log", "w") as f:
        for h in range(hosts):
            values = dict(keys)
            if h % 7 == 0: values["net.ipv4.tcp_retries2"] = "3"
            if h % 11 == 0: values["net.ipv4.tcp_keepalive_time"] = "10"
            rows = [{"name": k, "current_value": v} for k, v in values.items()]
            f.write(json.dumps({"name": "pack_sysctl", "hostIdentifier": f"host-{h:05d}", "action": "snapshot", "snapshot": rows}) + "\n")
PY
peak_rss() {  # prints the peak resident set size of the command, in MiB
    python3 - "$@" <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.1f}")
PY
}
printf "\n%-12s %10s %14s %14s\n" fleet "log (MB)" "cat RSS (MiB)" "lint RSS (MiB)"
for hosts in 1000 10000; do
    log="$work/fleet-$hosts.log"
    printf "%-12s %10s %14s %14s\n" "$hosts hosts" "$(python3 -c "print(f'{$(wc -c < "$log") / 1e6:.1f}')")" \
        "$(peak_rss cat "$log")" "$(peak_rss "$bin" --fail-level none --format json --snapshot "$log")"
done
