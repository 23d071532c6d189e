#!/usr/bin/env bash
# KobraKai demo: the nftables ruleset and kkset, in a private network namespace (the host's ruleset is never
# touched). Run as root after `swift build` (or via `make demo`).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
    echo "demo: run as root (it creates a private network namespace with unshare -n)" >&2
    exit 77
fi
KKSET="${KKSET:-$PWD/.build/debug/kkset}"
if [ ! -x "$KKSET" ]; then
    echo "demo: $KKSET not found; run 'swift build' first" >&2
    exit 69
fi
export KKSET

# Everything below runs in a fresh network namespace that disappears when the script ends.
exec unshare --net bash -euo pipefail -c '
step() { printf "\n\033[1m== %s\033[0m\n" "$*"; }
show() { printf "\033[2m$ %s\033[0m\n" "$*"; "$@"; }
kkset() { "$KKSET" "$@"; }

step "Load nft/kobrakai.nft into a private network namespace (the host ruleset is untouched)"
show nft -f nft/kobrakai.nft
show nft list chain inet kobrakai prerouting

step "Allowlist our own office network"
show kkset allow add 10.20.0.0/16 --comment "office"

step "Ban a SIP scanner (IPv4), an IPv6 host and a whole /24, with comments"
show kkset add 192.0.2.7 --timeout 1h --comment "sip scan: 40 REGISTER in 10s"
show kkset add 2001:db8::bad --timeout 30m --comment "pjsip auth failures"
show kkset add 198.51.100.0/24 --timeout 2h --comment "hosting range, repeated offenders"

step "An allowlisted address is refused (exit $( kkset add 10.20.1.5 >/dev/null 2>&1; echo $? ))"
kkset add 10.20.1.5 || true

step "List (human) and as JSON"
show kkset list
show kkset list --json

step "Test membership: exit 0 = banned, 1 = not banned"
show kkset test 198.51.100.77 && echo "-> exit 0"
kkset test 203.0.113.1 || echo "-> exit $?"

step "A ban with a 2 s timeout expires on its own (the kernel expires it; no userspace timer)"
show kkset add 203.0.113.99 --timeout 2s --comment "short-lived"
show kkset test 203.0.113.99
sleep 2.5
kkset test 203.0.113.99 || echo "-> exit $? (expired)"

step "Bulk load a list file with a bad line"
printf "# from a threat feed\n203.0.113.10\n203.0.113.11  # scanner\nnot-an-ip\n" > /tmp/kobrakai-demo-list.$$
kkset load /tmp/kobrakai-demo-list.$$ --timeout 15m || echo "-> exit $? (one line rejected, the rest loaded)"
rm -f /tmp/kobrakai-demo-list.$$

step "Delete a ban"
show kkset del 192.0.2.7
kkset test 192.0.2.7 || echo "-> exit $?"

step "What nft sees (comments are stored as element user data)"
show nft list table inet kobrakai
'
