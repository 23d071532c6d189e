#!/usr/bin/env bash
# `make bench`: every benchmark of the project in one go, then ONE table of figures and ratios against the
# tools users would otherwise run, measured side by side in the same run (scripts/bench/aggregate.py reads
# the `BENCH name=... key=value` line each benchmark prints). Root: everything kernel-side happens in
# private network namespaces; the host's ruleset is never touched.
#
# Sizes (environment or make variables):
#   SCAN_LINES=300000        log lines for kobrakai scan vs fail2ban-regex
#   POLICY_EVENTS=1000000    events for BanPolicy (fail2ban's FailManager gets a tenth)
#   FOLLOW_LINES=1000000     log lines for the LogFollower vs tail
#   ELEMENTS=100000 REPS=5   bulk load / restore size and repetitions (kkbench)
#   ATTACKS=1000 RESTORE=100000   daemon latency attacks / bans restored (kobrakai-daemon-bench)
#   PPS_SECONDS=3 PPS_REPS=3 PPS_BANS=100000 PPS_RULES=10000   packet rate (kobrakai-pps-bench)
#   CROWDSEC_DECISIONS=10000 CROWDSEC_RANGES=100 CROWDSEC_ROUNDS=11 CROWDSEC_POLL=1s   CrowdSec sync
#   BENCH_ONLY="scan policy follow netlink daemon pps crowdsec"   the sections to run
set -uo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "make bench: needs root (private network namespaces, nftables)" >&2; exit 77; }
out=${OUT:-$(pwd)/bench-out}
mkdir -p "$out"
sections=${BENCH_ONLY:-scan policy follow netlink daemon pps crowdsec}
conditions=$out/conditions.txt

# Bench-only Debian packages (make test does not need them): the alternatives measured side by side.
# crowdsec-firewall-bouncer is unpacked, not installed (scripts/bench/crowdsec-firewall-bouncer.sh).
missing=()
for package in iptables fail2ban python3 iproute2; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "make bench: installing ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || { echo "make bench: cannot install ${missing[*]}" >&2; exit 69; }
fi

compilers() { pgrep -c -x 'swift-frontend|clang|clang\+\+|swift-build|ld|ld.gold' 2>/dev/null || echo 0; }
{
    echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "cpus=$(nproc)"
    echo "cpu_model=$(sed -n 's/^model name\s*:\s*//p' /proc/cpuinfo | head -1)"
    echo "kernel=$(uname -r)"
    echo "nft=$(nft --version 2>/dev/null | head -1)"
    echo "iptables=$(iptables -V 2>/dev/null | head -1)"
    echo "fail2ban=$(fail2ban-client --version 2>/dev/null | head -1 | sed 's/^Fail2Ban v//')"
    echo "swift=$(swift --version 2>/dev/null | grep -o 'Swift version [0-9.]*' | head -1)"
} >"$conditions"

echo "make bench: building release binaries" >&2
for product in kobrakai kkbench kobrakai-daemon-bench kobrakai-pps-bench kobrakai-policy-bench kobrakai-follow-bench; do
    swift build -c release --product "$product" >&2 || { echo "make bench: building $product failed" >&2; exit 1; }
done
bin=$(swift build -c release --show-bin-path)

# Other jobs on the machine skew wall-clock figures: record the load and the compilers running at the start
# and, every 5 s during the run, in the background (the sampler is stopped by its pid at the end).
echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$conditions"
echo "compilers=$(compilers)" >>"$conditions"
( while :; do echo "$(cut -d' ' -f1 /proc/loadavg) $(compilers)"; sleep 5; done ) >"$out/load-samples.txt" 2>/dev/null &
sampler=$!
trap 'kill "$sampler" 2>/dev/null' EXIT
started=$(date +%s)

# Runs one section with its output in $out/<name>.log (shown as it comes); a failure is recorded as a
# `BENCH name=failed.<name>` line so the table says what is missing instead of the run stopping.
section() {
    local name=$1; shift
    case " $sections " in *" $name "*) ;; *) return 0 ;; esac
    echo "" >&2
    echo "==== make bench: $name ($*)" >&2
    local begin=$(date +%s)
    "$@" 2>&1 | tee "$out/$name.log" >&2
    local status=${PIPESTATUS[0]}
    if [ "$status" -ne 0 ]; then
        echo "BENCH name=failed.$name reason=\"exit status $status, see bench-out/$name.log\"" >>"$out/$name.log"
    fi
    echo "==== $name took $(( $(date +%s) - begin )) s" >&2
}

section scan env LINES="${SCAN_LINES:-300000}" scripts/bench-scan.sh
section policy scripts/bench-policy.sh "${POLICY_EVENTS:-1000000}"
section follow "$bin/kobrakai-follow-bench" --lines "${FOLLOW_LINES:-1000000}"
section netlink "$bin/kkbench" --elements "${ELEMENTS:-100000}" --reps "${REPS:-5}"
section daemon env ATTACKS="${ATTACKS:-1000}" RESTORE="${RESTORE:-100000}" "$bin/kobrakai-daemon-bench"
section pps "$bin/kobrakai-pps-bench"
section crowdsec env KOBRAKAI="$bin/kobrakai" python3 scripts/bench/crowdsec-sync.py

kill "$sampler" 2>/dev/null
{
    echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "load_max=$(sort -n -k1 "$out/load-samples.txt" | tail -1 | cut -d' ' -f1)"
    echo "compilers_mean=$(awk '{ sum += $2; n++ } END { if (n) printf "%.1f", sum / n; else print "?" }' "$out/load-samples.txt")"
    echo "elapsed=$(( $(date +%s) - started ))"
    echo "note=${BENCH_NOTE:-}"
} >>"$conditions"
echo "" >&2
logs=()
for name in $sections; do logs+=("$out/$name.log"); done
python3 scripts/bench/aggregate.py "$conditions" "${logs[@]}" | tee "$out/table.md"
