#!/usr/bin/env bash
# Policy throughput: KobraKai's BanPolicy against fail2ban's FailManager on the same brute-force stream.
# Usage: scripts/bench-policy.sh [events]   (default 2,000,000 for KobraKai, 200,000 for fail2ban)
set -euo pipefail
cd "$(dirname "$0")/.."
events="${1:-2000000}"
swift build -c release --product kobrakai-policy-bench >/dev/null
output="$(.build/release/kobrakai-policy-bench "$events")"
echo "$output"
echo
ours="$(echo "$output" | awk '/^brute force/ { print $(NF-3) }')"
if /usr/bin/python3 -c 'import fail2ban' 2>/dev/null; then
    read -r theirs tickets < <(/usr/bin/python3 scripts/bench/fail2ban-failmanager.py $(( events / 10 )))
    echo "brute force, same stream: KobraKai BanPolicy ${ours} events/s; fail2ban $(/usr/bin/python3 -c 'import fail2ban.version as v; print(v.version)') FailManager ${theirs} events/s (${tickets} ban tickets: it re-emits a ticket every maxretry failures)"
    awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "ratio: %.0fx\n", a / b }'
    # The machine-readable summary `make bench` collects (scripts/bench/aggregate.py).
    echo "BENCH name=policy events=$events kobrakai_events_per_s=$ours fail2ban_events=$(( events / 10 )) fail2ban_events_per_s=$theirs"
else
    echo "fail2ban (python3 module) not installed: no side-by-side figure"
fi
