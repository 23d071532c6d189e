# KobraKai: everything a newcomer needs is `make demo` and `make test`.
SWIFT       ?= swift
PREFIX      ?= /usr/local
CONFIG      ?= debug
BIN          = .build/$(CONFIG)

.PHONY: all build release deps test demo bench bench-netlink install clean

all: build

deps:
	@scripts/ensure-deps.sh

build: deps
	$(SWIFT) build -c $(CONFIG)

release: deps
	$(SWIFT) build -c release

# Unit tests run anywhere; kernel tests create their own private network namespaces
# (they need root or CAP_SYS_ADMIN for unshare, and never touch the host's ruleset).
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

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

clean:
	rm -rf .build
