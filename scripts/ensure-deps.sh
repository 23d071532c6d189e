#!/usr/bin/env bash
# Installs the Debian packages KobraKai builds and tests against, when run as root;
# otherwise names what is missing and how to get it.
set -euo pipefail
packages=(libmnl-dev libnftnl-dev pkg-config nftables iproute2 util-linux python3 time libsqlite3-dev sqlite3 libsqlite3-0)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
    # The CrowdSec LAPI tests run Debian's crowdsec 1.4.6 from a cache (unpacked, not installed).
    if [ "$(id -u)" -eq 0 ]; then "$(dirname "$0")/crowdsec-lapi.sh" install >/dev/null; fi
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    echo "ensure-deps: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    "$(dirname "$0")/crowdsec-lapi.sh" install >/dev/null
else
    echo "ensure-deps: missing Debian packages: ${missing[*]}" >&2
    echo "ensure-deps: install them with: sudo apt-get install ${missing[*]}" >&2
    exit 69
fi
