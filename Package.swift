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

        // MARK: Detection core parsing and kobrakai
        // The `kobrakai` executable (scan now, the daemon's `run` later) stays thin: argument parsing,
        // file reading and output; parsing lives in KobraKaiCore.
        .executableTarget(
            name: "kobrakai",
            dependencies: ["KobraKaiCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "KobraKaiCoreTests", dependencies: ["KobraKaiCore"], exclude: ["Fixtures"]),
        .testTarget(name: "KobraKaiScanTests", dependencies: ["kobrakai", "KobraKaiCore"]),

        .testTarget(name: "KobraKaiAddressTests", dependencies: ["KobraKaiAddress"]),
        .testTarget(name: "KobraKaiFirewallTests", dependencies: ["KobraKaiFirewall"]),
    ],
    swiftLanguageModes: [.v6]
)
