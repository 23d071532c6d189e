#!/usr/bin/env bash
# Checks systemd/kobrakai.service with systemd-analyze, offline (nothing is installed, enabled or started):
#   verify   — syntax and semantics; run on a temporary copy whose ExecStart names an existing binary,
#              since /usr/local/bin/kobrakai is absent before `make install`;
#   security — the exposure score, which must stay at or below 3.0.
set -euo pipefail
cd "$(dirname "$0")/.."
unit=systemd/kobrakai.service
max_exposure=${MAX_EXPOSURE:-3.0}
if ! command -v systemd-analyze >/dev/null; then
    echo "check-unit: systemd-analyze not found; skipping" >&2
    exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
binary=/usr/local/bin/kobrakai
[ -x "$binary" ] || binary=$(command -v true)
sed "s|^ExecStart=/usr/local/bin/kobrakai |ExecStart=$binary |" "$unit" >"$work/kobrakai.service"
echo "== systemd-analyze verify (ExecStart binary: $binary)"
# verify also checks units named in After=/Before= exist; those are optional here, so only messages
# about our own file count.
output=$(systemd-analyze verify "$work/kobrakai.service" 2>&1 || true)
ours=$(printf '%s\n' "$output" | grep -F "kobrakai.service" | grep -v -E "(asterisk|freeswitch|kamailio|opensips|nftables)\.service" || true)
printf '%s\n' "$output" | sed 's/^/   /'
if [ -n "$ours" ]; then
    echo "check-unit: systemd-analyze verify reported problems in kobrakai.service" >&2
    exit 1
fi
echo "== systemd-analyze security --offline=true"
report=$(systemd-analyze security --offline=true --no-pager "$work/kobrakai.service" 2>&1)
printf '%s\n' "$report" | tail -n 25
score=$(printf '%s\n' "$report" | sed -n 's/.*Overall exposure level for kobrakai.service: \([0-9.]*\).*/\1/p')
if [ -z "$score" ]; then
    echo "check-unit: no exposure score in the report" >&2
    exit 1
fi
echo "check-unit: exposure $score (limit $max_exposure)"
awk -v s="$score" -v m="$max_exposure" 'BEGIN { exit !(s <= m) }' || { echo "check-unit: exposure $score above $max_exposure" >&2; exit 1; }
