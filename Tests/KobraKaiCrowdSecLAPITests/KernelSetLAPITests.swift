import Foundation
import KobraKaiAddress
import KobraKaiCrowdSec
import KobraKaiNetfilter
import KobraKaiNetfilterTestSupport
import Logging
import Testing

extension CrowdSecLAPISuites {
    /// CrowdSec decisions into the real kernel sets, in a private network namespace (the host's ruleset is
    /// never touched): the range lands in `ban_net_v4` as a /24, which crowdsec-firewall-bouncer truncates
    /// to one address.
    @Suite("CrowdSec bouncer into the kernel sets", .timeLimit(.minutes(2)))
    struct KernelSetLAPITests {
        private static let rulesetPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("nft/kobrakai.nft").path

        @Test("an IP lands in ban_v4 and a range in ban_net_v4 as a /24, and both leave when deleted")
        func rangeStaysRange() async throws {
            let namespace: NetworkNamespaceThread
            do {
                namespace = try NetworkNamespaceThread()
            } catch {
                Issue.record("kernel tests need a private network namespace (run as root): \(error)")
                throw error
            }
            let loaded = try await namespace.run { try ChildProcess(["nft", "-f", Self.rulesetPath]).run() }
            try #require(loaded.status == 0, "nft -f nft/kobrakai.nft failed: \(loaded.standardError)")
            let firewall = try await namespace.run { try NftablesFirewall() }
            let listSet: @Sendable (String) async throws -> String = { name in
                try await namespace.run { try ChildProcess(["nft", "list", "set", "inet", "kobrakai", name]).run() }.standardOutput
            }

            let lapi = try await LocalAPIServer()
            defer { lapi.tearDown() }
            try await lapi.start()
            let bouncer = CrowdSecBouncerService(
                client: LocalAPIClient(baseURL: lapi.url, timeout: .seconds(5)), apiKey: LocalAPIServer.bouncerKey,
                firewall: firewall, pullInterval: .milliseconds(200), protectedTargets: { _ in [] },
                logger: Logger(label: "test.bouncer.kernel"))
            let service = Task { try await bouncer.run() }
            defer { service.cancel() }

            try await lapi.cscli(["decisions", "add", "--ip", "198.51.100.7", "--duration", "1h"])
            try await lapi.cscli(["decisions", "add", "--range", "203.0.113.0/24", "--duration", "30m"])
            #expect(await eventually { (try? await listSet("ban_net_v4"))?.contains("203.0.113.0/24") == true })
            #expect(try await listSet("ban_v4").contains("198.51.100.7"))
            #expect(try await firewall.lookup(IPAddress("203.0.113.99")!)?.target == IPPrefix("203.0.113.0/24")!)

            try await lapi.cscli(["decisions", "delete", "--range", "203.0.113.0/24"])
            try await lapi.cscli(["decisions", "delete", "--ip", "198.51.100.7"])
            #expect(await eventually { (try? await firewall.list().isEmpty) == true })
            #expect(try await !listSet("ban_net_v4").contains("203.0.113.0"))
        }
    }
}
