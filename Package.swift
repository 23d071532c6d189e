// swift-tools-version:6.0
import PackageDescription

// Dependency direction (arrows mean "imports"; nothing points back up):
//   kkset ──► KobraKaiNetfilter ──► CNftnl, CMnl
//                 └──► KobraKaiFirewall ──► KobraKaiAddress
//   kobrakai ──► KobraKaiCore ──► KobraKaiFirewall, KobraKaiAddress
// KobraKaiNetfilter is the only importer of the C modules; KobraKaiCore is pure Swift.
let package = Package(
    name: "KobraKai",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kobrakai", targets: ["kobrakai"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
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
        .target(name: "KobraKaiNetfilterTestSupport", dependencies: ["KobraKaiNetfilter"]),
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
        .executableTarget(
            name: "kobrakai",
            dependencies: [
                "KobraKaiCore", "KobraKaiAddress", "KobraKaiFirewall",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "KobraKaiCoreTests", dependencies: ["KobraKaiCore"], exclude: ["Fixtures"]),
        .testTarget(name: "KobraKaiScanTests", dependencies: ["kobrakai", "KobraKaiCore", "KobraKaiAddress"]),

        .testTarget(name: "KobraKaiAddressTests", dependencies: ["KobraKaiAddress"]),
        .testTarget(name: "KobraKaiFirewallTests", dependencies: ["KobraKaiFirewall"]),

        // MARK: Detection core policy and configuration
        .executableTarget(name: "kobrakai-policy-bench", dependencies: ["KobraKaiCore", "KobraKaiAddress"]),
        .testTarget(
            name: "KobraKaiPolicyTests",
            dependencies: ["KobraKaiCore", "KobraKaiAddress", "KobraKaiFirewall"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
