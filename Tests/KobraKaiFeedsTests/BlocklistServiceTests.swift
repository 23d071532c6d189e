import Foundation
import MetricsTestKit
import KobraKaiAddress
import KobraKaiCore
import KobraKaiDaemon
import KobraKaiFirewall
import Synchronization
import Testing

/// The blocklist service on real files, reconciling into an `InMemoryFirewall` driven by a manual clock.
@Suite("Blocklists", .timeLimit(.minutes(2)))
struct BlocklistServiceTests {
    static let interval: Duration = .seconds(300)
    static let banTime: Duration = .seconds(86_400)

    final class Bed: Sendable {
        let directory: TemporaryDirectory
        let clock = ManualClock()
        let firewall: InMemoryFirewall
        let logs = CapturedLogs()
        let handed = Mutex<[BanRecord]>([])
        let metrics = TestMetrics()

        init() throws {
            directory = try TemporaryDirectory()
            let clock = self.clock
            firewall = InMemoryFirewall(now: { clock.instant })
        }

        func service(files: [String], protected: ProtectedAddresses = ProtectedAddresses([IPPrefix("127.0.0.0/8")!])) -> BlocklistService {
            var configuration = BlocklistConfiguration()
            configuration.files = files.map(directory.file)
            configuration.interval = BlocklistServiceTests.interval
            configuration.banTime = BlocklistServiceTests.banTime
            let clock = self.clock
            return BlocklistService(configuration: configuration, firewall: firewall, isProtected: { protected.entry(overlapping: $0) != nil },
                                    onBansApplied: { [self] records in handed.withLock { $0 += records } }, metricsFactory: metrics,
                                    logger: logs.logger("test.blocklist"), now: { clock.wall })
        }

        /// target → comment, for every ban in the firewall.
        func bans() async throws -> [String: String] {
            Dictionary(uniqueKeysWithValues: try await firewall.list().map { ($0.target.description, $0.comment ?? "") })
        }
    }

    @Test("entries are banned with comment blocklist:<file> for ban_time; removed entries are lifted, added ones banned")
    func addAndRemove() async throws {
        let bed = try Bed()
        try bed.directory.write("# scanners\n203.0.113.7\n2001:db8::7  # v6 host\n\n198.51.100.0/24\n", to: "scanners.txt")
        let service = bed.service(files: ["scanners.txt"])
        try await service.synchronize()
        #expect(try await bed.bans() == ["203.0.113.7": "blocklist:scanners.txt", "2001:db8::7": "blocklist:scanners.txt",
                                         "198.51.100.0/24": "blocklist:scanners.txt"])
        let prefix = try #require(try await bed.firewall.lookup(IPAddress("198.51.100.99")!))
        #expect(prefix.target == IPPrefix("198.51.100.0/24")! && prefix.timeout == Self.banTime)
        #expect(bed.handed.withLock { $0 }.map(\.origin) == ["blocklist", "blocklist", "blocklist"])
        #expect(bed.handed.withLock { $0 }.allSatisfy { $0.reason == "blocklist:scanners.txt" && $0.expiresAt.since($0.createdAt) == Self.banTime })

        try bed.directory.write("203.0.113.7\n203.0.113.8\n", to: "scanners.txt")
        try await service.synchronize()
        #expect(try await bed.bans() == ["203.0.113.7": "blocklist:scanners.txt", "203.0.113.8": "blocklist:scanners.txt"])
        let health = try #require(service.health.first)
        #expect(health.feed.applied == 4 && health.feed.removed == 2 && health.feed.listed == 2 && health.feed.state == "ok")
        #expect(bed.handed.withLock { $0 }.count == 4, "unchanged entries are not reported again")
        #expect(bed.metrics.counterTotal(label: MetricName.bans, dimensions: [("reason", "blocklist"), ("origin", "blocklist")]) == 4)
    }

    @Test("bad lines are reported with file:line and skipped; the good lines still apply")
    func badLines() async throws {
        let bed = try Bed()
        try bed.directory.write("203.0.113.1\nnot-an-address\n10.0.0.1/8\n203.0.113.2\n", to: "mixed.txt")
        let service = bed.service(files: ["mixed.txt"])
        try await service.synchronize()
        #expect(Set(try await bed.bans().keys) == ["203.0.113.1", "203.0.113.2"])
        #expect(service.health.first?.badLines == 2)
        let path = bed.directory.file("mixed.txt")
        #expect(bed.logs.all.contains { $0.contains("\(path):2:") })
        #expect(bed.logs.all.contains { $0.contains("\(path):3:") })
        // The same bad lines are not logged again at every reading.
        let logged = bed.logs.all.count
        try await service.synchronize()
        #expect(bed.logs.all.count == logged)
    }

    @Test("a comment-only file bans nothing and is healthy")
    func commentOnly() async throws {
        let bed = try Bed()
        try bed.directory.write("# nothing listed yet\n   # indented comment\n\n", to: "empty.txt")
        let service = bed.service(files: ["empty.txt"])
        try await service.synchronize()
        #expect(try await bed.firewall.list().isEmpty)
        #expect(service.health.first?.feed.state == "ok" && service.health.first?.feed.listed == 0)
    }

    @Test("a file that goes missing keeps its previous entries and is reported as failing; back, it applies again")
    func missingFileKeepsPrevious() async throws {
        let bed = try Bed()
        try bed.directory.write("203.0.113.60\n203.0.113.61\n", to: "feed.txt")
        let service = bed.service(files: ["feed.txt"])
        try await service.synchronize()
        try FileManager.default.removeItem(atPath: bed.directory.file("feed.txt"))
        try await service.synchronize()
        #expect(Set(try await bed.bans().keys) == ["203.0.113.60", "203.0.113.61"])
        let health = try #require(service.health.first)
        #expect(health.feed.state == "failing" && health.feed.lastError?.contains("cannot be read") == true)
        #expect(health.feed.lastError?.contains("keeping its previous 2 entries") == true)

        // Still refreshed while missing: its previous contents stay in force.
        bed.clock.advance(Self.banTime - Self.interval)
        try await service.synchronize()
        #expect(try await bed.firewall.lookup(IPAddress("203.0.113.60")!)?.expiresIn == Self.banTime)

        try bed.directory.write("203.0.113.61\n", to: "feed.txt")
        try await service.synchronize()
        #expect(Set(try await bed.bans().keys) == ["203.0.113.61"])
        #expect(service.health.first?.feed.state == "ok")
    }

    @Test("a file unreadable at start leaves the bans it made before the restart alone")
    func unreadableAtStart() async throws {
        let bed = try Bed()
        _ = try await bed.firewall.ban([BanRequest(target: IPPrefix("203.0.113.70")!, timeout: Self.banTime, comment: "blocklist:gone.txt")])
        let service = bed.service(files: ["gone.txt"])
        try await service.synchronize()
        #expect(try await bed.bans() == ["203.0.113.70": "blocklist:gone.txt"])
        #expect(service.health.first?.feed.state == "failing")
    }

    @Test("bans are refreshed only once less than two intervals remain, and never lift or shorten others' bans")
    func refreshAndOwnership() async throws {
        let bed = try Bed()
        _ = try await bed.firewall.ban([
            BanRequest(target: IPPrefix("203.0.113.90")!, timeout: .seconds(3600), comment: "pjsip.request.no-endpoint"),
            BanRequest(target: IPPrefix("203.0.113.91")!, timeout: .seconds(30 * 86_400), comment: "operator"),
        ])
        try bed.directory.write("203.0.113.80\n203.0.113.91\n", to: "list.txt")
        let service = bed.service(files: ["list.txt"])
        try await service.synchronize()
        #expect(try await bed.bans() == ["203.0.113.80": "blocklist:list.txt", "203.0.113.90": "pjsip.request.no-endpoint",
                                         "203.0.113.91": "operator"], "a listed address banned longer elsewhere keeps that ban")

        bed.clock.advance(.seconds(3600))
        try await service.synchronize()
        #expect(try await bed.firewall.lookup(IPAddress("203.0.113.80")!)?.expiresIn == Self.banTime - .seconds(3600), "not refreshed yet")
        bed.clock.advance(Self.banTime - .seconds(3600) - Self.interval)
        try await service.synchronize()
        #expect(try await bed.firewall.lookup(IPAddress("203.0.113.80")!)?.expiresIn == Self.banTime, "refreshed before running out")
        #expect(service.health.first?.feed.refreshed == 1)

        try bed.directory.write("", to: "list.txt")
        try await service.synchronize()
        #expect(try await bed.bans() == ["203.0.113.91": "operator"], "only the blocklist's own ban is lifted")
    }

    @Test("allowlisted entries and prefixes covering an allowlisted host are never banned")
    func allowlisted() async throws {
        let bed = try Bed()
        try bed.directory.write("192.0.2.10\n192.0.2.0/24\n10.0.0.0/8\n127.0.0.1\n198.51.100.1\n", to: "list.txt")
        let service = bed.service(files: ["list.txt"], protected: ProtectedAddresses([IPPrefix("127.0.0.0/8")!, IPPrefix("192.0.2.10")!]))
        try await service.synchronize()
        #expect(Set(try await bed.bans().keys) == ["10.0.0.0/8", "198.51.100.1"])
        #expect(service.health.first?.feed.skippedProtected == 3)
    }

    @Test("an overlapping prefix the set refuses is counted at each reading and logged once; the rest applies")
    func overlappingPrefix() async throws {
        let bed = try Bed()
        try bed.directory.write("10.0.0.0/8\n10.1.0.0/16\n203.0.113.5\n", to: "nets.txt")
        let service = bed.service(files: ["nets.txt"])
        try await service.synchronize()
        try await service.synchronize()
        #expect(Set(try await bed.bans().keys) == ["10.0.0.0/8", "203.0.113.5"])
        #expect(service.health.first?.feed.rejected == 2)
        #expect(bed.logs.all.filter { $0.contains("refused the blocklist ban of 10.1.0.0/16") }.count == 1)

        // The wide prefix replaced by the narrow one: applied in the same reading, not refused.
        try bed.directory.write("10.1.0.0/16\n203.0.113.5\n", to: "nets.txt")
        try await service.synchronize()
        #expect(Set(try await bed.bans().keys) == ["10.1.0.0/16", "203.0.113.5"])
    }

    @Test("a flushed set is refilled after a ruleset repair; a reload takes new files and lifts a dropped file's bans")
    func repairAndReload() async throws {
        let bed = try Bed()
        try bed.directory.write("203.0.113.100\n", to: "a.txt")
        try bed.directory.write("203.0.113.101\n", to: "b.txt")
        let service = bed.service(files: ["a.txt"])
        let directory = try TemporaryDirectory()
        let store = try StateStore(directory: directory.path)
        let engine = BanEngine(events: AsyncStream { $0.finish() }, policy: CorePolicyAdapter(policy: try Configuration().makePolicy()),
                               firewall: bed.firewall, store: store, allowlist: ProtectedAddresses([]),
                               rulesetGuard: InMemoryRulesetGuard(firewall: bed.firewall), tick: .zero)
        let feeds = FeedServices(apiban: nil, blocklists: service)
        await engine.addRulesetRepairedHandler { feeds.rulesetRepaired() }
        let running = Task { try await service.run() }
        defer { running.cancel() }
        #expect(await eventually { (try? await bed.bans()) == ["203.0.113.100": "blocklist:a.txt"] })

        try await bed.firewall.flush()
        await engine.repairRuleset(trigger: "test: flushed")
        #expect(await eventually { (try? await bed.bans()) == ["203.0.113.100": "blocklist:a.txt"] }, "well before the 5-minute interval")

        var configuration = service.configuration
        configuration.files = [bed.directory.file("b.txt")]
        service.reload(configuration)
        #expect(await eventually { (try? await bed.bans()) == ["203.0.113.101": "blocklist:b.txt"] })
        #expect(service.health.map(\.path) == [bed.directory.file("b.txt")])
    }
}
