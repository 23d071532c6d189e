#!/usr/bin/env bash
# Provides Debian 12's crowdsec-firewall-bouncer (0.0.25) for `make bench-crowdsec`, unpacked with
# `dpkg-deb -x` into a cache directory instead of installed: its post-install step registers with a local
# CrowdSec (cscli bouncers add), which is not installed, and the benchmark must never touch the host's
# /etc/crowdsec or the host's ruleset (the bouncer runs in a private network namespace with its own
# configuration). Prints the directory that holds usr/bin/crowdsec-firewall-bouncer.
#
#   scripts/bench/crowdsec-firewall-bouncer.sh install   (idempotent; needs root the first time)
set -euo pipefail
cache="${KOBRAKAI_BOUNCER_CACHE:-/var/cache/kobrakai-test/crowdsec-firewall-bouncer}"
root="$cache/root"
case "${1:-install}" in
install) ;;
*) echo "usage: $0 install" >&2; exit 64 ;;
esac
if [ -x "$root/usr/bin/crowdsec-firewall-bouncer" ]; then
    echo "$root"
    exit 0
fi
if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
    echo "crowdsec-firewall-bouncer: cannot write $cache; run as root once (or set KOBRAKAI_BOUNCER_CACHE)" >&2
    exit 77
fi
work="$(mktemp -d "$cache/download.XXXXXX")"
trap 'rm -rf "$work"' EXIT
chown _apt "$work" 2>/dev/null || true   # apt downloads as _apt
if ! (cd "$work" && apt-get download -q crowdsec-firewall-bouncer >&2); then
    echo "crowdsec-firewall-bouncer: download failed; refreshing the package lists and retrying" >&2
    [ "$(id -u)" -eq 0 ] && apt-get update -qq >&2
    (cd "$work" && apt-get download -q crowdsec-firewall-bouncer >&2) \
        || { echo "crowdsec-firewall-bouncer: cannot download the package" >&2; exit 69; }
fi
dpkg-deb -x "$work"/crowdsec-firewall-bouncer_*.deb "$work/root"
rm -rf "$root"
mv "$work/root" "$root"
"$root/usr/bin/crowdsec-firewall-bouncer" -V >&2 || true
echo "$root"
