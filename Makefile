# KobraKai: everything a newcomer needs is `make demo` and `make test`.
SWIFT       ?= swift
PREFIX      ?= /usr/local
CONFIG      ?= debug
BIN          = .build/$(CONFIG)

.PHONY: all build release deps test demo bench bench-netlink bench-scan install clean check-unit check-sandbox

all: build

deps:
	@scripts/ensure-deps.sh

build: deps
	$(SWIFT) build -c $(CONFIG)

release: deps
	$(SWIFT) build -c release

# Unit tests run anywhere; kernel tests create their own private network namespaces
# (they need root or CAP_SYS_ADMIN for unshare, and never touch the host's ruleset).
# Three passes: on a 2-core machine Swift's cooperative pool has two threads, so CPU-heavy unit tests or
# suites that wait on child processes and the kernel would starve the daemon's services under test.
BLOCKING_SUITES = KobraKaiNetfilterKernelTests|kksetTests|KobraKaiScanTests
SERVICE_SUITES  = KobraKaiDaemonTests
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --skip '$(BLOCKING_SUITES)|$(SERVICE_SUITES)'
	$(SWIFT) test --skip-build --filter '$(SERVICE_SUITES)'
	$(SWIFT) test --skip-build --filter '$(BLOCKING_SUITES)'
	scripts/check-unit.sh

# systemd-analyze verify + security (offline; exposure must stay <= 3.0). Skips when systemd-analyze is absent.
check-unit:
	scripts/check-unit.sh

# Runs the daemon tests under MemoryDenyWriteExecute and the unit's system-call filter (needs libseccomp-dev).
check-sandbox:
	scripts/check-sandbox.sh

demo: deps
	$(SWIFT) build
	scripts/demo.sh

# Restore after `nft flush ruleset`: table + 100k bans over netlink vs `nft -f` of the same file (root).
bench-restore: deps
	$(SWIFT) build -c release --product kkbench
	.build/release/kkbench --sections restore

# Netlink backend vs nft: 100k-element load and one-ban round trip, inside a private network namespace (root).
bench-netlink: deps
	$(SWIFT) build -c release --product kkbench
	.build/release/kkbench

# kobrakai scan vs fail2ban-regex on a generated 1,000,000-line log (LINES=… to change).
bench-scan: deps
	scripts/bench-scan.sh

clean:
	rm -rf .build

# libFuzzer + AddressSanitizer on the parsers (Fuzz/README.md): each target for FUZZ_SECONDS; fails on a crash,
# invariant violation, leak, hang (>5 s) or >512 MB RSS. Not part of `make test`. FUZZ_TARGETS=… to choose.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
.PHONY: fuzz
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) Fuzz/fuzz.sh run $(FUZZ_TARGETS)
