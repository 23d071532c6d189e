import KobraKaiAddress
import KobraKaiCrowdSec
import KobraKaiFirewall
import Logging
import Testing

extension CrowdSecLAPISuites {
    /// The bouncer against a real CrowdSec 1.4.6 LAPI, with `cscli` making and deleting the decisions.
    @Suite("CrowdSec bouncer against a real LAPI", .timeLimit(.minutes(2)))
    struct BouncerLAPITests {
        private static let host = IPAddress("198.51.100.7")!
        private static let range = IPPrefix("203.0.113.0/24")!

        private func makeBouncer(
            _ lapi: LocalAPIServer, firewall: InMemoryFirewall, apiKey: String = LocalAPIServer.bouncerKey,
            isProtected: @escaping @Sendable (IPPrefix) -> Bool = { _ in false }
        ) -> CrowdSecBouncerService {
            CrowdSecBouncerService(
                client: LocalAPIClient(baseURL: lapi.url, timeout: .seconds(5)), apiKey: apiKey, firewall: firewall,
                pullInterval: .milliseconds(200), protectedTargets: { Set($0.filter(isProtected)) },
                backoff: RetryBackoff(initial: .milliseconds(50), maximum: .milliseconds(400)),
                logger: Logger(label: "test.bouncer"))
        }

        @Test("cscli decisions for an IP and a range appear with their durations and go away when deleted")
        func ipAndRangeAppearAndGo() async throws {
            let lapi = try await LocalAPIServer()
            defer { lapi.tearDown() }
            try await lapi.start()
            let firewall = InMemoryFirewall()
            let bouncer = makeBouncer(lapi, firewall: firewall)
            let service = Task { try await bouncer.run() }
            defer { service.cancel() }

            try await lapi.cscli(["decisions", "add", "--ip", "198.51.100.7", "--duration", "1h"])
            try await lapi.cscli(["decisions", "add", "--range", "203.0.113.0/24", "--duration", "30m"])
            #expect(await eventually { (try? await firewall.list().count) == 2 })
            let entries = try await firewall.list()
            let hostEntry = try #require(entries.first { $0.target == IPPrefix(host: Self.host) })
            let rangeEntry = try #require(entries.first { $0.target == Self.range }, "the range stays a /24: \(entries)")
            #expect(hostEntry.timeout! > .seconds(3500) && hostEntry.timeout! <= .seconds(3600))
            #expect(rangeEntry.timeout! > .seconds(1700) && rangeEntry.timeout! <= .seconds(1800))
            #expect(rangeEntry.comment?.hasPrefix("crowdsec: manual 'ban' from 'kkmachine' (cscli)") == true)
            #expect(try await firewall.lookup(IPAddress("203.0.113.200")!)?.target == Self.range)

            try await lapi.cscli(["decisions", "delete", "--ip", "198.51.100.7"])
            #expect(await eventually { (try? await firewall.lookup(Self.host)) == nil })
            #expect(try await firewall.list().map(\.target) == [Self.range])
            try await lapi.cscli(["decisions", "delete", "--range", "203.0.113.0/24"])
            #expect(await eventually { (try? await firewall.list().isEmpty) == true })
            let health = bouncer.health
            #expect(health.applied == 2 && health.removed == 2 && health.consecutiveFailures == 0 && health.lastSuccess != nil)
        }

        @Test("two decisions for one address: the longer wins, deleting the shorter keeps the ban")
        func longestDecisionWins() async throws {
            let lapi = try await LocalAPIServer()
            defer { lapi.tearDown() }
            try await lapi.start()
            let firewall = InMemoryFirewall()
            let service = Task { [bouncer = makeBouncer(lapi, firewall: firewall)] in try await bouncer.run() }
            defer { service.cancel() }

            try await lapi.cscli(["decisions", "add", "--ip", "198.51.100.7", "--duration", "3h"])
            try await lapi.cscli(["decisions", "add", "--ip", "198.51.100.7", "--duration", "1h"])
            #expect(await eventually { (try? await firewall.lookup(Self.host)) != nil })
            try await Task.sleep(for: .milliseconds(600))  // several pulls: the 1 h decision must not shorten the ban
            #expect(try await firewall.lookup(Self.host)?.expiresIn ?? .zero > .seconds(3 * 3600 - 60))

            // 1.4.6's `cscli decisions list` shows the newest decision per value: the 1 h one.
            let shorter = try #require(try await lapi.decisionIDs(value: "198.51.100.7").first)
            #expect(shorter.duration.hasPrefix("59m"), "\(shorter)")
            try await lapi.cscli(["decisions", "delete", "--id", "\(shorter.id)"])
            try await Task.sleep(for: .milliseconds(600))
            #expect(try await firewall.lookup(Self.host)?.expiresIn ?? .zero > .seconds(3 * 3600 - 60))

            try await lapi.cscli(["decisions", "delete", "--ip", "198.51.100.7"])
            #expect(await eventually { (try? await firewall.lookup(Self.host)) == nil })
        }

        @Test("an allowlisted address is never applied, the rest of the pull is")
        func allowlistedNeverApplied() async throws {
            let lapi = try await LocalAPIServer()
            defer { lapi.tearDown() }
            try await lapi.start()
            let firewall = InMemoryFirewall()
            let office = IPPrefix("192.0.2.0/24")!
            let bouncer = makeBouncer(lapi, firewall: firewall) { target in office.contains(target) || target.contains(office) }
            try await lapi.cscli(["decisions", "add", "--ip", "192.0.2.10", "--duration", "1h"])
            try await lapi.cscli(["decisions", "add", "--range", "192.0.0.0/16", "--duration", "1h"])
            try await lapi.cscli(["decisions", "add", "--ip", "198.51.100.9", "--duration", "1h"])
            let service = Task { try await bouncer.run() }
            defer { service.cancel() }

            #expect(await eventually { (try? await firewall.lookup(IPAddress("198.51.100.9")!)) != nil })
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await firewall.list().map(\.target) == [IPPrefix("198.51.100.9")!])
            #expect(bouncer.health.skipped == 2)
        }

        @Test("LAPI down: backoff without crashing, then recovery when it comes up")
        func lapiDownThenUp() async throws {
            let lapi = try await LocalAPIServer()
            defer { lapi.tearDown() }
            let firewall = InMemoryFirewall()
            let bouncer = makeBouncer(lapi, firewall: firewall)
            let service = Task { try await bouncer.run() }
            defer { service.cancel() }

            #expect(await eventually { bouncer.health.consecutiveFailures >= 3 })
            #expect(bouncer.health.lastError?.contains("unreachable") == true)
            #expect(bouncer.health.lastSuccess == nil)

            try await lapi.start()  // cscli needs the LAPI: it adds decisions through it
            try await lapi.cscli(["decisions", "add", "--ip", "198.51.100.7", "--duration", "1h"])
            #expect(await eventually { (try? await firewall.lookup(Self.host)) != nil })
            #expect(bouncer.health.consecutiveFailures == 0)

            // Down again mid-run, then back: the ban stays meanwhile, and a deletion made after the restart arrives.
            lapi.stop()
            #expect(await eventually { bouncer.health.consecutiveFailures >= 2 })
            #expect(try await firewall.lookup(Self.host) != nil)
            try await lapi.start()
            try await lapi.cscli(["decisions", "delete", "--ip", "198.51.100.7"])
            #expect(await eventually { (try? await firewall.lookup(Self.host)) == nil })
            #expect(bouncer.health.consecutiveFailures == 0)
        }

        @Test("a wrong bouncer key gives a clear error and no crash")
        func wrongKey() async throws {
            let lapi = try await LocalAPIServer()
            defer { lapi.tearDown() }
            try await lapi.start()
            let bouncer = makeBouncer(lapi, firewall: InMemoryFirewall(), apiKey: "not-the-key")
            let service = Task { try await bouncer.run() }
            defer { service.cancel() }
            #expect(await eventually { bouncer.health.consecutiveFailures >= 2 })
            let message = try #require(bouncer.health.lastError)
            #expect(message.contains("refused the bouncer API key") && message.contains("403"), "\(message)")
        }
    }
}
