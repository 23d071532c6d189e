// swift-tools-version:6.0
import PackageDescription

// Dependency direction (arrows mean "imports"; nothing points back up):
//   kkset ──► KobraKaiNetfilter ──► CNftnl, CMnl
//                 └──► KobraKaiFirewall ──► KobraKaiAddress
//   kobrakai ──► KobraKaiDaemon ──► KobraKaiCore ──► KobraKaiFirewall, KobraKaiAddress
//      │              └──► KobraKaiCrowdSec ──► KobraKaiCore, KobraKaiFirewall (the daemon runs the bouncer/watcher)
//      └──► KobraKaiNetfilter (the executable alone wires the kernel backend into the daemon)
// KobraKaiNetfilter is the only importer of the C modules; KobraKaiCore is pure Swift; KobraKaiDaemon takes
// `any Firewall`. Test-support libraries (posix_spawn helpers, a scripted AMI manager) live in Tests/Support.
let package = Package(
    name: "KobraKai",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kobrakai", targets: ["kobrakai"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        // MARK: Observability: Prometheus exposition (swift-metrics backend) and the HTTP/1.1 server under /metrics
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // MARK: C system libraries (headers from Debian's libmnl-dev / libnftnl-dev)
        .systemLibrary(
            name: "CMnl",
            path: "CModules/CMnl",
            pkgConfig: "libmnl",
            providers: [.apt(["libmnl-dev"])]
        ),
        .systemLibrary(
            name: "CNftnl",
            path: "CModules/CNftnl",
            pkgConfig: "libnftnl",
            providers: [.apt(["libnftnl-dev"])]
        ),

        // MARK: Pure Swift value types shared by every layer
        .target(name: "KobraKaiAddress"),
        .target(name: "KobraKaiFirewall", dependencies: ["KobraKaiAddress"]),

        // MARK: Detection core: parsers, AMI protocol, policy, configuration. Pure Swift, time passed in.
        .target(name: "KobraKaiCore", dependencies: ["KobraKaiAddress", "KobraKaiFirewall"]),

        // MARK: Netfilter backend and kkset
        .target(name: "KobraKaiNetfilter", dependencies: ["CMnl", "CNftnl", "KobraKaiAddress", "KobraKaiFirewall"]),
        .executableTarget(
            name: "kkset",
            dependencies: [
                "KobraKaiNetfilter", "KobraKaiFirewall", "KobraKaiAddress",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Test and benchmark helpers (posix_spawn of nft for cross-checks); never linked into the product.
        .target(
            name: "KobraKaiNetfilterTestSupport", dependencies: ["KobraKaiNetfilter"],
            path: "Tests/Support/KobraKaiNetfilterTestSupport"
        ),
        .executableTarget(
            name: "kkbench",
            dependencies: ["KobraKaiNetfilter", "KobraKaiNetfilterTestSupport", "KobraKaiFirewall", "KobraKaiAddress"]
        ),
        .testTarget(name: "KobraKaiNetfilterTests", dependencies: ["KobraKaiNetfilter", "KobraKaiAddress", "KobraKaiFirewall"]),
        .testTarget(
            name: "KobraKaiNetfilterKernelTests",
            dependencies: ["KobraKaiNetfilter", "KobraKaiNetfilterTestSupport", "KobraKaiAddress", "KobraKaiFirewall"]
        ),
        .testTarget(name: "kksetTests", dependencies: ["kkset", "KobraKaiNetfilter", "KobraKaiNetfilterTestSupport"]),

        // MARK: Detection core parsing and kobrakai
        // The `kobrakai` executable (scan now, the daemon's `run` later) stays thin: argument parsing,
        // file reading and output; parsing lives in KobraKaiCore.
        // `kobrakai run` picks the firewall (netlink, or in-memory for --dry-run) and hands it to KobraKaiDaemon,
        // which assembles the services; the management commands talk to the daemon's control socket.
        .executableTarget(
            name: "kobrakai",
            dependencies: [
                "KobraKaiCore", "KobraKaiDaemon", "KobraKaiNetfilter", "KobraKaiFirewall", "KobraKaiAddress",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "KobraKaiCoreTests", dependencies: ["KobraKaiCore"], exclude: ["Fixtures"]),
        .testTarget(name: "KobraKaiScanTests", dependencies: ["kobrakai", "KobraKaiCore", "KobraKaiAddress"]),

        // MARK: Daemon services: file following, state store, control socket, systemd notify, ban engine.
        // Impure (Glibc, SQLite, sockets); takes `any Firewall` and never imports KobraKaiNetfilter.
        .target(
            name: "KobraKaiDaemon",
            dependencies: [
                "KobraKaiCore", "KobraKaiFirewall", "KobraKaiAddress", "KobraKaiCrowdSec",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Metrics", package: "swift-metrics"),
                // MARK: Observability (Prometheus endpoint, webhook alerts)
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // Feeds (APIBAN) use the same HTTP client as the CrowdSec services.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // Benchmark: follower throughput next to `tail` (swift run -c release kobrakai-follow-bench).
        .executableTarget(name: "kobrakai-follow-bench", dependencies: ["KobraKaiDaemon"]),
        // MARK: AMI client test support: a scripted Asterisk manager on a real TCP socket (tests, make demo).
        .target(name: "KobraKaiDaemonTestSupport", path: "Tests/Support/KobraKaiDaemonTestSupport"),
        .testTarget(
            name: "KobraKaiDaemonTests",
            dependencies: [
                "KobraKaiDaemon", "KobraKaiCrowdSec", "KobraKaiCore", "KobraKaiFirewall", "KobraKaiAddress", "KobraKaiDaemonTestSupport",
                "KobraKaiHTTPTestSupport",  // a scripted CrowdSec decision stream (bouncer metrics)
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Benchmark: log line → kernel set latency and 100k-ban restore, release daemon in a namespace (make bench-daemon).
        .executableTarget(
            name: "kobrakai-daemon-bench",
            dependencies: ["KobraKaiDaemon", "KobraKaiNetfilter", "KobraKaiNetfilterTestSupport", "KobraKaiFirewall", "KobraKaiAddress", "KobraKaiCore"]
        ),
        // MARK: Benchmark report (make bench): packets per second through the ban set vs iptables rules.
        .executableTarget(
            name: "kobrakai-pps-bench",
            dependencies: ["KobraKaiNetfilter", "KobraKaiNetfilterTestSupport", "KobraKaiFirewall", "KobraKaiAddress"]
        ),
        // The real `kobrakai` binary as a daemon in private network namespaces (root; BLOCKING_SUITES).
        .testTarget(
            name: "KobraKaiDaemonEndToEndTests",
            dependencies: [
                "kobrakai", "KobraKaiDaemon", "KobraKaiNetfilter", "KobraKaiNetfilterTestSupport",
                "KobraKaiFirewall", "KobraKaiAddress", "KobraKaiDaemonTestSupport", "KobraKaiHTTPTestSupport",
            ]
        ),

        .testTarget(name: "KobraKaiAddressTests", dependencies: ["KobraKaiAddress"]),
        .testTarget(name: "KobraKaiFirewallTests", dependencies: ["KobraKaiFirewall"]),

        // MARK: Detection core policy and configuration
        .executableTarget(name: "kobrakai-policy-bench", dependencies: ["KobraKaiCore", "KobraKaiAddress"]),
        .testTarget(
            name: "KobraKaiPolicyTests",
            dependencies: ["KobraKaiCore", "KobraKaiAddress", "KobraKaiFirewall"]
        ),

        // MARK: Reports: event history write throughput (swift run -c release kobrakai-history-bench)
        .executableTarget(
            name: "kobrakai-history-bench",
            dependencies: [
                "KobraKaiDaemon", "KobraKaiCore", "KobraKaiFirewall", "KobraKaiAddress",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: CrowdSec Local API: bouncer (decision stream into any Firewall) and watcher (our bans as alerts)
        .target(
            name: "KobraKaiCrowdSec",
            dependencies: [
                "KobraKaiCore", "KobraKaiFirewall", "KobraKaiAddress",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "KobraKaiCrowdSecTests",
            dependencies: [
                "KobraKaiCrowdSec", "KobraKaiCore", "KobraKaiFirewall", "KobraKaiAddress",
                // A scripted decision stream on loopback for the bouncer's pull-loop tests.
                "KobraKaiHTTPTestSupport", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Runs a real CrowdSec LAPI (Debian's crowdsec 1.4.6, scripts/crowdsec-lapi.sh) on loopback.
        .testTarget(
            name: "KobraKaiCrowdSecLAPITests",
            dependencies: [
                "kobrakai", "KobraKaiCrowdSec", "KobraKaiFirewall", "KobraKaiAddress", "KobraKaiNetfilter",
                "KobraKaiNetfilterTestSupport", "KobraKaiDaemon", "KobraKaiCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // MARK: Feeds: APIBAN and blocklists (services in Sources/KobraKaiDaemon/Feeds), and a generic loopback
        // HTTP/1.1 server that answers as the test scripts it (client tests of any HTTP peer).
        .target(name: "KobraKaiHTTPTestSupport", path: "Tests/Support/KobraKaiHTTPTestSupport"),
        .testTarget(
            name: "KobraKaiFeedsTests",
            dependencies: [
                "KobraKaiDaemon", "KobraKaiCore", "KobraKaiFirewall", "KobraKaiAddress", "KobraKaiCrowdSec", "KobraKaiHTTPTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]
        ),
        // APIBAN and blocklist bans in the real kernel sets, in private network namespaces (root; BLOCKING_SUITES).
        .testTarget(
            name: "KobraKaiFeedsKernelTests",
            dependencies: [
                "KobraKaiDaemon", "KobraKaiNetfilter", "KobraKaiNetfilterTestSupport", "KobraKaiHTTPTestSupport",
                "KobraKaiFirewall", "KobraKaiAddress", "KobraKaiCore", "KobraKaiCrowdSec",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // MARK: Torture run (make torture): the release daemon under load and faults in a private namespace.
        // Test tooling, not product: writes an attack log with rotations, drives a scripted AMI peer, kills
        // and restarts the daemon, flushes the ruleset, and prints one table of checks.
        .executableTarget(
            name: "kobrakai-torture",
            dependencies: [
                "KobraKaiDaemon", "KobraKaiCore", "KobraKaiNetfilter", "KobraKaiNetfilterTestSupport",
                "KobraKaiDaemonTestSupport", "KobraKaiFirewall", "KobraKaiAddress",
            ],
            path: "Tests/Torture"
        ),
    ],
    swiftLanguageModes: [.v6]
)
