#!/usr/bin/env bash
# Holds the speed targets of the release build. Every target is a ratio against a baseline measured in the same
# run (absolute times on shared machines are noisy; ratios are what to compare):
#   - the process floor: this binary's `--version` (loads the same libraries, parses arguments, does no work),
#     timed just before each run of the command it is compared with; the ratio is the median of these pairs;
#   - `cat` of the same file, for streams that should run at disk speed.
# Prints each target beside its measurement and PASS/FAIL; exits 1 when a target fails.
# Usage: scripts/benchmark.sh [runs]   (default 15 runs per timing; the median is used)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
swift build -c release --product sysctl-lint >/dev/null
bin="$(swift build -c release --show-bin-path)/sysctl-lint"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$bin" "$work" "$runs" <<'PY'
import itertools, json, os, resource, statistics, subprocess, sys, time

bin, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])

def path(name): return os.path.join(work, name)

# --- Inputs, generated here so every machine measures the same shapes -------------------------------------------
# A 100,000-line config over the keys of the examples (about 87,000 findings).
keys = ["net.ipv4.tcp_keepalive_time = 600", "net.ipv4.tcp_fin_timeout = 30", "vm.swappiness = 10",
        "net.ipv4.ip_local_port_range = 15000 64999", "net.core.somaxconn = 8192", "# a comment line",
        "net.ipv4.conf.eth%d.rp_filter = 1", "kernel.domainname = example.com"]
with open(path("large.conf"), "w") as f:
    for i, line in zip(range(100000), itertools.cycle(keys)):
        f.write((line % (i % 64) if "%d" in line else line) + "\n")

# A `sysctl -a`-shaped snapshot of a host with 16,000 interfaces: 4 keys each, plus the TCP keys (64k lines).
tcp = {"kernel.osrelease": "6.8.0-45-generic", "net.ipv4.tcp_keepalive_time": "7200",
       "net.ipv4.tcp_keepalive_intvl": "75", "net.ipv4.tcp_keepalive_probes": "9", "net.ipv4.tcp_retries2": "15",
       "net.ipv4.tcp_fin_timeout": "60", "net.ipv4.ip_local_port_range": "32768\t60999",
       "net.core.somaxconn": "4096", "net.ipv4.tcp_max_tw_buckets": "262144", "vm.swappiness": "60"}
with open(path("snapshot.txt"), "w") as f:
    for k, v in tcp.items(): f.write(f"{k} = {v}\n")
    for i in range(16000):
        for key, value in (("rp_filter", "2"), ("accept_redirects", "0"), ("forwarding", "0"), ("log_martians", "0")):
            f.write(f"net.ipv4.conf.veth{i:05d}.{key} = {value}\n")

# Fleet exports of the same hosts: an osquery results log (one JSON object per host, 60 keys, hazards on some
# hosts) and node_exporter scrapes one after another (the sysctl collector's # HELP, # TYPE and sample lines of
# each host, with an instance label), at 1,000 and 10,000 hosts.
fleet_keys = dict(tcp)
fleet_keys.update({f"net.ipv4.conf.eth{i}.rp_filter": "1" for i in range(50)})
def host_values(h):
    values = dict(fleet_keys)
    if h % 7 == 0: values["net.ipv4.tcp_retries2"] = "3"
    if h % 11 == 0: values["net.ipv4.tcp_keepalive_time"] = "10"
    return values
for hosts in (1000, 10000):
    with open(path(f"osquery-{hosts}.log"), "w") as f:
        for h in range(hosts):
            rows = [{"name": k, "current_value": v, "config_value": "", "type": "", "subsystem": ""} for k, v in host_values(h).items()]
            f.write(json.dumps({"name": "pack_sysctl", "hostIdentifier": f"host-{h:05d}", "calendarTime": "Mon Dec  1 04:00:00 2026 UTC",
                                "unixTime": 1796097600, "action": "snapshot", "snapshot": rows}) + "\n")
    with open(path(f"node-{hosts}.txt"), "w") as f:
        for h in range(hosts):
            instance = f"host-{h:05d}:9100"
            for key, value in host_values(h).items():
                if key == "kernel.osrelease":
                    f.write(f'node_sysctl_info{{index="0",instance="{instance}",name="{key}",value="{value}"}} 1\n')
                    continue
                metric = "node_sysctl_" + key.replace(".", "_")
                f.write(f"# HELP {metric} sysctl {key}\n# TYPE {metric} untyped\n")
                fields = value.split("\t")
                for index, field in enumerate(fields):
                    labels = (f'index="{index}",' if len(fields) > 1 else "") + f'instance="{instance}"'
                    f.write(f"{metric}{{{labels}}} {field}\n")

# --- Measurement -------------------------------------------------------------------------------------------------
def median_seconds(cmd, n=runs):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)

def one_run(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start

def ratio_to_floor(cmd, n=runs):
    # Paired: each run of the command is timed right after a run of the floor, and the ratio is the median of the
    # pairs' ratios, so that a shared host's load moves both sides of each pair alike instead of whichever block
    # of runs it fell on. Each timed run follows an untimed run of the same command: the first run after another
    # command pays for the end of that one (a 70 MB report's memory being freed), which would favour one side.
    ratios, times = [], []
    for _ in range(n):
        one_run([bin, "--version"])
        floor_here = one_run([bin, "--version"])
        one_run(cmd)
        t = one_run(cmd)
        ratios.append(t / floor_here)
        times.append(t)
    return statistics.median(times), statistics.median(ratios)

def median_after_warm_up(cmd, n):
    # Each timed run follows an untimed run of the same command, as in ratio_to_floor.
    times = []
    for _ in range(n):
        one_run(cmd)
        times.append(one_run(cmd))
    return statistics.median(times)

def peak_rss_mib(cmd):
    # A fresh interpreter per measurement, so RUSAGE_CHILDREN holds only this command.
    out = subprocess.run([sys.executable, "-c",
        "import resource,subprocess,sys;subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"] + cmd, capture_output=True, text=True)
    return int(out.stdout) / 1024

floor = median_seconds([bin, "--version"], max(runs, 30))
cat_large = median_seconds(["cat", path("osquery-10000.log")], 5)
results = []
def target(name, measured, limit, unit, higher_is_better=False, detail=""):
    ok = measured >= limit if higher_is_better else measured <= limit
    sign = "≥" if higher_is_better else "≤"
    results.append(ok)
    print(f"{name:<44} {measured:>9.2f}{unit:<5} target {sign} {limit:g}{unit:<5} {'PASS' if ok else 'FAIL'}  {detail}")

lint = [bin, "--fail-level", "none", "--no-config"]
print(f"baselines: sysctl-lint --version {floor * 1000:.1f} ms (process floor); "
      f"cat of a {os.path.getsize(path('osquery-10000.log')) / 1e6:.0f} MB file {cat_large * 1000:.1f} ms\n")

t, ratio = ratio_to_floor(lint + ["examples/close-wait-folklore.conf"], max(runs, 30))
target("typical config (examples/close-wait-folklore)", ratio, 1.5, "×", detail=f"{t * 1000:.1f} ms")
t, ratio = ratio_to_floor(lint + ["--snapshot", path("snapshot.txt")])
target("64k-line sysctl -a snapshot", ratio, 3, "×", detail=f"{t * 1000:.1f} ms")
target("64k-line snapshot, peak RSS", peak_rss_mib(lint + ["--snapshot", path("snapshot.txt")]), 64, " MiB")
for fmt in ("text", "json"):
    t, ratio = ratio_to_floor(lint + ["--format", fmt, path("large.conf")], max(5, runs // 2))
    target(f"100k-line config, {fmt}", ratio, 10, "×", detail=f"{t * 1000:.1f} ms")
for export, name in (("osquery-{}.log", "osquery"), ("node-{}.txt", "node_exporter")):
    rss = {}
    for hosts in (1000, 10000):
        log = path(export.format(hosts))
        size = os.path.getsize(log)
        cmd = lint + ["--format", "json", "--snapshot", log]
        t = median_after_warm_up(cmd, runs if hosts == 1000 else max(3, runs // 3))
        # The rate counts the whole run, process start included; the detail adds the rate of the time above the
        # floor, which is what a longer export tends to.
        above = f"; {size / (t - floor) / 1e6:.0f} MB/s above the floor" if t > floor else ""
        target(f"{name} fleet, {hosts} hosts ({size / 1e6:.0f} MB)", size / t / 1e6, 100, " MB/s", True, f"{t * 1000:.0f} ms{above}")
        rss[hosts] = peak_rss_mib(cmd)
        target(f"{name} fleet, {hosts} hosts, peak RSS", rss[hosts], 64, " MiB")
    target(f"{name} RSS growth, 1,000 → 10,000 hosts", rss[10000] / rss[1000], 1.25, "×")
print(f"\n{results.count(True)} of {len(results)} targets met ({runs} runs per timing, medians; "
      f"{os.cpu_count()} CPUs; {os.uname().machine}).")
sys.exit(0 if all(results) else 1)
PY
