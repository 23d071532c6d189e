#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/Targets and runs each for a bounded time (see Fuzz/README.md).
#
#   Fuzz/fuzz.sh                 build, seed and run every target for FUZZ_SECONDS (default 60) each
#   Fuzz/fuzz.sh build           build only
#   Fuzz/fuzz.sh run log-line …  run only the named targets
#
# SwiftPM cannot give one executable per target the `-sanitize=fuzzer` flag, so this script calls swiftc
# directly: KobraKaiAddress, KobraKaiFirewall and KobraKaiCore are compiled once as modules with coverage
# instrumentation and AddressSanitizer (into .build/fuzz), then each target file is linked against them with
# libFuzzer's main. Exit status: 0 when every target ran its time without a crash, leak, timeout or OOM.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/.build/fuzz
SWIFTC=${SWIFTC:-swiftc}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
# -O keeps executions fast; -g gives symbolised stack traces in crash reports.
FLAGS=(-swift-version 6 -parse-as-library -O -g -sanitize=fuzzer,address -I "$OUT/modules")

# Swift's own crash backtracer reads memory AddressSanitizer treats as invalid; libFuzzer and ASan print the
# stack instead. A smaller ASan quarantine keeps the RSS of long runs well below -rss_limit_mb, so an OOM
# report means the code under test, not the sanitizer's bookkeeping.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=32:detect_leaks=1}

# target name, source file, -max_len
TARGETS=(
    "log-line LogLineFuzz.swift 4096"
    "ami-decoder AMIDecoderFuzz.swift 4096"
    "ami-session AMISessionFuzz.swift 4096"
    "configuration ConfigurationFuzz.swift 8192"
    "custom-pattern CustomPatternFuzz.swift 1024"
    "allowlist AllowlistFileFuzz.swift 2048"
    "address AddressFuzz.swift 128"
)

build_module() {
    local module=$1 object=$OUT/modules/$1.o
    if [[ -f $object ]] && [[ -z $(find "$ROOT/Sources/$module" -name '*.swift' -newer "$object" | head -1) ]]; then
        return
    fi
    echo "fuzz: compiling $module (coverage + AddressSanitizer)"
    mapfile -t sources < <(find "$ROOT/Sources/$module" -name '*.swift' | sort)
    "$SWIFTC" "${FLAGS[@]}" -module-name "$module" -wmo -c -emit-module \
        -emit-module-path "$OUT/modules/$module.swiftmodule" "${sources[@]}" -o "$object"
}

build() {
    mkdir -p "$OUT/modules" "$OUT/bin"
    build_module KobraKaiAddress
    build_module KobraKaiFirewall
    build_module KobraKaiCore
    local entry name file
    for entry in "${TARGETS[@]}"; do
        read -r name file _ <<<"$entry"
        local binary=$OUT/bin/$name
        if [[ -f $binary ]] && [[ -z $(find "$ROOT/Fuzz/Targets/$file" "$ROOT/Fuzz/Support" "$OUT/modules" -newer "$binary" | head -1) ]]; then
            continue
        fi
        echo "fuzz: linking $name"
        # lld: gold prints a warning for every AddressSanitizer helper symbol.
        "$SWIFTC" "${FLAGS[@]}" -use-ld=lld "$ROOT/Fuzz/Targets/$file" "$ROOT"/Fuzz/Support/*.swift \
            "$OUT"/modules/*.o -o "$binary"
    done
}

# One file per fixture line for the log parser (plus each whole fixture, for packet-dump state), the
# committed AMI, pattern, allowlist and configuration samples, the example configurations and addresses.
seed() {
    local seeds=$OUT/seeds
    rm -rf "$seeds"
    mkdir -p "$seeds"/{log-line,configuration}
    local fixture n line
    for fixture in "$ROOT"/Tests/KobraKaiCoreTests/Fixtures/*.log; do
        n=0
        while IFS= read -r line || [[ -n $line ]]; do
            n=$((n + 1))
            [[ -z $line || $line == "#"* ]] && continue
            printf '%s' "$line" >"$seeds/log-line/$(basename "$fixture" .log)-$n"
        done <"$fixture"
        grep -v '^#' "$fixture" | head -c 4096 >"$seeds/log-line/$(basename "$fixture" .log)-whole"
    done
    cp "$ROOT"/examples/*.json "$ROOT"/Fuzz/seeds/configuration/* "$seeds/configuration/"
    cp -r "$ROOT/Fuzz/seeds/ami" "$seeds/ami-decoder"
    cp -r "$ROOT/Fuzz/seeds/ami" "$seeds/ami-session"
    cp -r "$ROOT/Fuzz/seeds/pattern" "$seeds/custom-pattern"
    cp -r "$ROOT/Fuzz/seeds/allowlist" "$seeds/allowlist"
    cp -r "$ROOT/Fuzz/seeds/address" "$seeds/address"
}

# Runs one target; appends a row to the summary. libFuzzer exits non-zero on a crash, a sanitizer report,
# a leak, a timeout (-timeout) or an OOM (-rss_limit_mb); the input is saved under artifacts/.
run_target() {
    local name=$1 max_len=$2
    local corpus=$OUT/corpus/$name artifacts=$OUT/artifacts/$name/ log=$OUT/logs/$name.log
    mkdir -p "$corpus" "$artifacts" "$OUT/logs"
    echo "fuzz: $name for ${FUZZ_SECONDS}s"
    local status=0
    "$OUT/bin/$name" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=512 -timeout=5 -max_len="$max_len" \
        -print_final_stats=1 -artifact_prefix="$artifacts" "$corpus" "$OUT/seeds/$name" >"$log" 2>&1 || status=$?
    local runs cov ft rss corpus_size result
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    corpus_size=$(find "$corpus" -type f | wc -l)
    if ((status == 0)); then
        result=ok
    else
        result="FAILED ($(grep -m1 -o -E 'ERROR: [A-Za-z]+: [a-z-]+|fuzz invariant violated|ALARM: working on the last Unit|out-of-memory|Fatal error' "$log" || echo "exit $status"))"
        FAILED=1
        echo "fuzz: $name failed; log $log, input in $artifacts"
        grep -m5 -E 'invariant|ERROR|Fatal error|SUMMARY' "$log" || true
    fi
    ROWS+=("$(printf '%-15s %12s %7s %7s %8s %8s  %s' "$name" "${runs:-?}" "${cov:-?}" "${ft:-?}" "$corpus_size" "${rss:-?}" "$result")")
}

run() {
    local selected=("$@") entry name file max_len
    FAILED=0
    ROWS=()
    for entry in "${TARGETS[@]}"; do
        read -r name file max_len <<<"$entry"
        if ((${#selected[@]} > 0)) && [[ ! " ${selected[*]} " == *" $name "* ]]; then continue; fi
        run_target "$name" "$max_len"
    done
    echo
    echo "each target ran for up to ${FUZZ_SECONDS}s"
    printf '%-15s %12s %7s %7s %8s %8s  %s\n' target runs cov ft corpus rss_mb result
    printf '%s\n' "${ROWS[@]}"
    return "$FAILED"
}

case ${1:-all} in
build) build ;;
run)
    shift
    build
    seed
    run "$@"
    ;;
all)
    build
    seed
    run
    ;;
*)
    echo "usage: $0 [build | run [target…]]" >&2
    exit 64
    ;;
esac
