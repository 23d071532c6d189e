#!/usr/bin/env bash
# Shows that the daemon code lives inside the sandbox systemd/kobrakai.service sets up, without systemd:
#   1. MemoryDenyWriteExecute=yes  -> the daemon tests run under the kernel's PR_SET_MDWE policy;
#   2. SystemCallFilter=@system-service ~@privileged @resources with SystemCallErrorNumber=EPERM
#      -> the daemon tests run under that exact allow-list (expanded by systemd-analyze), via libseccomp.
# Needs gcc, systemd-analyze and libseccomp-dev (step 2 is skipped without it). Not part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
swift build --build-tests >/dev/null
tests=(.build/debug/KobraKaiPackageTests.xctest --testing-library swift-testing --filter KobraKaiDaemonTests)
# Prints the run's summary line; fails unless the run passed.
summary() { grep -E 'Test run with' | sed 's/\x1b\[[0-9;]*m//g' | tee /dev/stderr | grep -q ' passed '; }

gcc -O2 -o "$work/mdwe-run" scripts/sandbox/mdwe-run.c
echo "== MemoryDenyWriteExecute (PR_SET_MDWE)"
"$work/mdwe-run" "${tests[@]}" 2>&1 | summary

if [ ! -f /usr/include/seccomp.h ]; then
    echo "== SystemCallFilter: skipped (apt-get install libseccomp-dev)"
    exit 0
fi
gcc -O2 -o "$work/seccomp-run" scripts/sandbox/seccomp-run.c -lseccomp
python3 - "$work/allowed.txt" <<'PY'
import subprocess, sys
out = subprocess.run(["systemd-analyze", "syscall-filter", "--no-pager"], capture_output=True, text=True, check=True).stdout
groups, current = {}, None
for line in out.splitlines():
    if line.startswith("@"):
        current = line.strip(); groups[current] = []
    elif current and line.strip() and not line.strip().startswith("#"):
        groups[current].append(line.strip())
def expand(name):
    calls = set()
    for entry in groups.get(name, []):
        calls |= expand(entry) if entry.startswith("@") else {entry}
    return calls
allowed = expand("@system-service") - expand("@privileged") - expand("@resources")
open(sys.argv[1], "w").write("\n".join(sorted(allowed)))
PY
echo "== SystemCallFilter=@system-service ~@privileged @resources (EPERM)"
# The real non-root peer test runs setpriv, which needs setresuid/capset: the daemon itself never does.
output=$("$work/seccomp-run" "$work/allowed.txt" -- "${tests[@]}" --skip realNonRootPeer 2>&1 || true)
printf '%s\n' "$output" | grep -E 'seccomp-run:'
printf '%s\n' "$output" | summary
