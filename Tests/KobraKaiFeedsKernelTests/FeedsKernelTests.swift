import Foundation
import KobraKaiAddress
import KobraKaiCore
import KobraKaiDaemon
import KobraKaiFirewall
import KobraKaiHTTPTestSupport
import KobraKaiNetfilter
import KobraKaiNetfilterTestSupport
import Logging
import Testing

/// APIBAN and blocklist bans in the real kernel sets, each test in a private network namespace of its own
/// (the host's ruleset is never touched), checked with `nft list set`.
@Suite("Feeds into the kernel sets", .serialized, .timeLimit(.minutes(2)))
struct FeedsKernelTests {
    private static let rulesetPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("nft/kobrakai.nft").path

    struct Kernel {
        let namespace: NetworkNamespaceThread
        let firewall: NftablesFirewall

        init() async throws {
            do {
                namespace = try NetworkNamespaceThread()
            } catch {
                Issue.record("kernel tests need a private network namespace (run as root): \(error)")
                throw error
            }
            let loaded = try await namespace.run { try ChildProcess(["nft", "-f", FeedsKernelTests.rulesetPath]).run() }
            try #require(loaded.status == 0, "nft -f nft/kobrakai.nft failed: \(loaded.standardError)")
            firewall = try await namespace.run { try NftablesFirewall() }
        }

        func listSet(_ name: String) async throws -> String {
            try await namespace.run { try ChildProcess(["nft", "list", "set", "inet", "kobrakai", name]).run() }.standardOutput
        }
    }

    @Test("APIBAN addresses land in ban_v4 and ban_v6 with the 7-day timeout and comment apiban")
    func apibanIntoKernel() async throws {
        let kernel = try await Kernel()
        let key = "KernelTestKey42"
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/api/\(key)/banned":
                .json(200, #"{"ipaddress":["198.51.100.21","198.51.100.22","2001:db8::21","bogus"],"ID":"42"}"#)
            default:
                .json(400, #"{"ipaddress":["no new bans"],"ID":"none"}"#)
            }
        }
        let directory = NSTemporaryDirectory() + "kobrakai-feeds-kernel-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try StateStore(directory: directory)
        let service = APIBanService(
            client: APIBanClient(baseURL: server.baseURL + "/api", key: key, timeout: .seconds(5)), firewall: kernel.firewall,
            store: store, banTime: .seconds(7 * 86_400), interval: .seconds(60),
            isProtected: { ProtectedAddresses([IPPrefix("127.0.0.0/8")!]).entry(overlapping: $0) != nil },
            logger: Logger(label: "test.apiban.kernel"))
        let running = Task { try await service.run() }
        defer { running.cancel() }
        #expect(await eventually { service.health.lastSuccess != nil })

        let v4 = try await kernel.listSet("ban_v4")
        for address in ["198.51.100.21", "198.51.100.22"] {
            let line = v4.split(separator: "\n").first { $0.contains(address) } ?? ""
            #expect(line.contains("timeout 7d") && line.contains("comment \"apiban\""), "\(v4)")
        }
        let v6 = try await kernel.listSet("ban_v6")
        #expect(v6.contains("2001:db8::21 timeout 7d"), "\(v6)")
        #expect(service.health.invalid == 1)
        #expect(try await store.feedState(APIBanService.stateKey) == "42")
    }

    @Test("blocklist hosts land in ban_v4, prefixes in ban_net_v4, with the configured timeout; removed entries leave")
    func blocklistIntoKernel() async throws {
        let kernel = try await Kernel()
        let directory = NSTemporaryDirectory() + "kobrakai-feeds-kernel-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/drop.txt"
        try "203.0.113.33\n198.51.100.0/24\n2001:db8:bad::/48\nnonsense\n".write(toFile: file, atomically: true, encoding: .utf8)
        var configuration = BlocklistConfiguration()
        configuration.files = [file]
        configuration.interval = .seconds(60)
        configuration.banTime = .seconds(7200)
        let service = BlocklistService(configuration: configuration, firewall: kernel.firewall, isProtected: { _ in false },
                                       logger: Logger(label: "test.blocklist.kernel"))
        try await service.synchronize()

        let host = try await kernel.listSet("ban_v4")
        #expect(host.contains("203.0.113.33 timeout 2h") && host.contains("comment \"blocklist:drop.txt\""), "\(host)")
        let net4 = try await kernel.listSet("ban_net_v4")
        #expect(net4.contains("198.51.100.0/24 timeout 2h"), "\(net4)")
        let net6 = try await kernel.listSet("ban_net_v6")
        #expect(net6.contains("2001:db8:bad::/48 timeout 2h"), "\(net6)")
        #expect(service.health.first?.badLines == 1)

        try "203.0.113.33\n".write(toFile: file, atomically: true, encoding: .utf8)
        try await service.synchronize()
        #expect(try await !kernel.listSet("ban_net_v4").contains("198.51.100.0"))
        #expect(try await !kernel.listSet("ban_net_v6").contains("2001:db8:bad"))
        #expect(try await kernel.listSet("ban_v4").contains("203.0.113.33"))
    }

    @Test("a 10,000-host, 500-prefix blocklist goes into the kernel in full; a second reading changes nothing")
    func largeBlocklist() async throws {
        let kernel = try await Kernel()
        let directory = NSTemporaryDirectory() + "kobrakai-feeds-kernel-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/large.txt"
        let hosts = (0..<10_000).map { "100.\(64 + $0 / 62_500).\($0 / 250 % 250).\($0 % 250 + 1)" }
        let prefixes = (0..<500).map { "198.\(18 + $0 / 250).\($0 % 250).0/24" }
        try (["# generated"] + hosts + prefixes).joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        var configuration = BlocklistConfiguration()
        configuration.files = [file]
        let service = BlocklistService(configuration: configuration, firewall: kernel.firewall, isProtected: { _ in false },
                                       logger: Logger(label: "test.blocklist.kernel"))
        try await service.synchronize()
        let bans = try await kernel.firewall.list()
        #expect(bans.count == 10_500)
        #expect(bans.allSatisfy { $0.comment == "blocklist:large.txt" && $0.timeout == configuration.banTime })
        try await service.synchronize()
        let health = try #require(service.health.first)
        #expect(health.feed.applied == 10_500 && health.feed.refreshed == 0 && health.feed.rejected == 0 && health.badLines == 0)
    }
}

/// Polls `condition` every 50 ms until it holds or `timeout` passes.
func eventually(within timeout: Duration = .seconds(20), _ condition: @Sendable () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}
