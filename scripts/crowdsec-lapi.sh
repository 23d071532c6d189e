#!/usr/bin/env bash
# Provides Debian 12's CrowdSec (crowdsec 1.4.6: `crowdsec` LAPI and `cscli`) for the LAPI tests, unpacked
# with `dpkg-deb -x` into a cache directory instead of installed: the package's post-install step
# registers with the Central API and fails without internet, and the tests must never touch the host's
# /etc/crowdsec. Prints the directory that holds usr/bin/crowdsec and usr/bin/cscli.
#
#   scripts/crowdsec-lapi.sh install    (idempotent; needs root or a writable cache the first time)
set -euo pipefail
cache="${KOBRAKAI_CROWDSEC_CACHE:-/var/cache/kobrakai-test/crowdsec}"
root="$cache/root"
case "${1:-install}" in
install) ;;
*) echo "usage: $0 install" >&2; exit 64 ;;
esac
if [ -x "$root/usr/bin/crowdsec" ] && [ -x "$root/usr/bin/cscli" ]; then
    echo "$root"
    exit 0
fi
if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
    echo "crowdsec-lapi: cannot write $cache; run as root once (or set KOBRAKAI_CROWDSEC_CACHE)" >&2
    exit 77
fi
# crowdsec links libsqlite3 dynamically; ca-certificates is not needed on loopback.
if ! dpkg-query -W -f='${Status}' libsqlite3-0 2>/dev/null | grep -q 'install ok installed'; then
    echo "crowdsec-lapi: libsqlite3-0 is missing (scripts/ensure-deps.sh installs it)" >&2
    exit 69
fi
work="$(mktemp -d "$cache/download.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# apt downloads as its unprivileged _apt user; give it the directory (without it apt warns and downloads as root).
chown _apt "$work" 2>/dev/null || true
if ! (cd "$work" && apt-get download -q crowdsec >&2); then
    echo "crowdsec-lapi: apt-get download crowdsec failed; refreshing the package lists and retrying" >&2
    [ "$(id -u)" -eq 0 ] && apt-get update -qq >&2
    (cd "$work" && apt-get download -q crowdsec >&2) || { echo "crowdsec-lapi: cannot download crowdsec" >&2; exit 69; }
fi
deb="$(ls "$work"/crowdsec_*.deb)"
dpkg-deb -x "$deb" "$work/root"
rm -rf "$root"
mv "$work/root" "$root"
"$root/usr/bin/crowdsec" -version >&2
echo "$root"
