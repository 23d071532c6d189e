import Foundation
import KobraKaiAddress
import KobraKaiCore
import KobraKaiDaemon
import Testing

@Suite("kobrakai report: computed from a real state database")
struct StateReportTests {
    /// 2027-01-15 08:30 UTC.
    static let now = Timestamp(secondsSinceEpoch: 1_800_001_800)

    static func event(_ address: String, minutesAgo: Int64, account: String? = nil, rule: String = "pjsip.invalid_password") -> StoredEvent {
        StoredEvent(at: now - .seconds(minutesAgo * 60), address: address, rule: rule, service: "PJSIP", origin: "log", account: account)
    }

    /// A small attack: one loud scanner, a /24 of four quieter bots enumerating accounts, an IPv6 pair in one /64,
    /// and an event from two days ago that a 24 h window must not count.
    static func populatedStore() async throws -> (TemporaryDirectory, StateStore) {
        let directory = try TemporaryDirectory()
        let store = try StateStore(directory: directory.path)
        var events = (0..<40).map { event("203.0.113.200", minutesAgo: Int64($0 % 3), rule: "pjsip.no_matching_endpoint") }
        for bot in 1...4 {
            events += (0..<6).map { event("198.51.100.\(bot)", minutesAgo: 90, account: ["100", "101", "admin"][$0 % 3]) }
        }
        events += [event("2001:db8:1:2::1", minutesAgo: 5, account: "evil\u{1B}[31mred\u{1B}[0m"), event("2001:db8:1:2::99", minutesAgo: 5)]
        events.append(event("192.0.2.1", minutesAgo: 2 * 24 * 60))
        try await store.apply(StateChanges(events: events))
        let created = now - .seconds(600)
        try await store.recordBans([
            BanRecord(target: IPPrefix("203.0.113.200")!, expiresAt: created + .seconds(600), reason: "PJSIP scan x20 in 60s", origin: "log", createdAt: created),
            BanRecord(target: IPPrefix("198.51.100.0/24")!, expiresAt: created + .seconds(600), reason: "subnet escalation", origin: "log", createdAt: created),
        ])
        try await store.recordBanHistory([
            BanRecord(target: IPPrefix("192.0.2.99")!, expiresAt: created + .seconds(3600), reason: "crowdsec: crowdsecurity/ssh-bf (cscli)", origin: "crowdsec", createdAt: created),
        ])
        return (directory, store)
    }

    @Test("top addresses, /24 and /64 prefixes, accounts, rules, bans by reason and origin over the window")
    func rankings() async throws {
        let (directory, store) = try await Self.populatedStore()
        _ = directory
        let report = try StateReportReader.read(databasePath: store.databasePath, since: .seconds(86_400), top: 3, now: Self.now)
        #expect(report.totalEvents == 66 && report.distinctAddresses == 7 && report.totalBans == 3)
        #expect(report.topAddresses.map(\.key) == ["203.0.113.200", "198.51.100.1", "198.51.100.2"])
        #expect(report.topAddresses.first?.count == 40)
        #expect(report.topAddresses.first?.lastSeen == Self.now)
        #expect(report.topPrefixes.map(\.key) == ["203.0.113.0/24", "198.51.100.0/24", "2001:db8:1:2::/64"])
        #expect(report.topPrefixes.map(\.count) == [40, 24, 2] && report.topPrefixes.map(\.addresses) == [1, 4, 2])
        #expect(report.topAccounts.map(\.key) == ["100", "101", "admin"])
        #expect(report.topAccounts.map(\.count) == [8, 8, 8] && report.topAccounts.allSatisfy { $0.addresses == 4 })
        #expect(report.topRules.map(\.key) == ["pjsip.no_matching_endpoint", "pjsip.invalid_password"])
        #expect(report.bansByOrigin.map(\.key) == ["log", "crowdsec"] && report.bansByOrigin.map(\.count) == [2, 1])
        #expect(report.bansByReason.count == 3)
        // 25 hourly slots (the partial hour 24 h ago through the current one); 08:00 holds the scanner and the IPv6 pair.
        #expect(report.bucketWidth == .seconds(3600) && report.buckets.count == 25)
        #expect(report.buckets.last?.events == 42)
        #expect(report.buckets[report.buckets.count - 3].events == 0)
        #expect(report.buckets[report.buckets.count - 2].events == 24)
        #expect(report.buckets.reduce(0) { $0 + $1.events } == 66)
    }

    @Test("a wider window takes in older events and is charted per day")
    func dailyChart() async throws {
        let (directory, store) = try await Self.populatedStore()
        _ = directory
        let report = try StateReportReader.read(databasePath: store.databasePath, since: .seconds(7 * 86_400), top: 10, now: Self.now)
        #expect(report.totalEvents == 67 && report.bucketWidth == .seconds(86_400) && report.buckets.count == 8)
        #expect(report.buckets.reduce(0) { $0 + $1.events } == 67)
    }

    @Test("text output: plain bars, no escape sequences, attacker text neutralised")
    func textOutput() async throws {
        let (directory, store) = try await Self.populatedStore()
        _ = directory
        let report = try StateReportReader.read(databasePath: store.databasePath, since: .seconds(86_400), top: 10, now: Self.now)
        let text = StateReportTextRenderer().render(report)
        #expect(!text.unicodeScalars.contains("\u{1B}"))
        #expect(text.contains("evil\\x1b[31mred\\x1b[0m"))
        #expect(text.contains("Events per hour (UTC)"))
        #expect(text.contains("  01-15 08:00 42 " + String(repeating: "#", count: 50)))
        #expect(text.contains("  01-15 07:00 24 " + String(repeating: "#", count: 28) + "\n"))
        #expect(text.contains("198.51.100.0/24"))
        #expect(StateReportTextRenderer(emphasis: true).render(report).contains("\u{1B}[1mTop attacking addresses\u{1B}[0m"))
    }

    @Test("JSON output escapes control characters and parses back")
    func jsonOutput() async throws {
        let (directory, store) = try await Self.populatedStore()
        _ = directory
        let report = try StateReportReader.read(databasePath: store.databasePath, since: .seconds(86_400), top: 10, now: Self.now)
        let json = StateReportJSONRenderer.render(report)
        #expect(!json.unicodeScalars.contains("\u{1B}"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["total_events"] as? Int == 66)
        let accounts = try #require(object["top_accounts"] as? [[String: Any]])
        #expect(accounts.contains { $0["key"] as? String == "evil\u{1B}[31mred\u{1B}[0m" })
        let origins = try #require(object["bans_by_origin"] as? [[String: Any]])
        #expect(origins.first?["key"] as? String == "log")
    }

    @Test("terminal sanitising: control, C1 and bidi characters become visible escapes")
    func sanitising() {
        #expect(TerminalText.sanitised("a\u{1B}[2Jb\u{9B}c\u{202E}d\\e\u{0}") == "a\\x1b[2Jb\\x9bc\\u202ed\\\\e\\x00")
        #expect(TerminalText.sanitised(String(repeating: "x", count: 50), limit: 10) == String(repeating: "x", count: 10) + "…")
        #expect(TerminalText.sanitised("émile 100") == "émile 100")
    }

    @Test("missing, unreadable and foreign files give clear errors with sysexits codes")
    func errors() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: StateReportError.self) {
            try StateReportReader.read(databasePath: directory.file("absent.sqlite"), since: .seconds(60), top: 1, now: Self.now)
        }
        do {
            _ = try StateReportReader.read(databasePath: directory.file("absent.sqlite"), since: .seconds(60), top: 1, now: Self.now)
        } catch {
            #expect(error.exitCode == 66 && error.message.contains("no state database"))
        }
        try "not a database at all, just text that is long enough to have a header".write(
            toFile: directory.file("text.sqlite"), atomically: true, encoding: .utf8)
        do {
            _ = try StateReportReader.read(databasePath: directory.file("text.sqlite"), since: .seconds(60), top: 1, now: Self.now)
            Issue.record("a text file was read as a database")
        } catch {
            #expect(error.exitCode == 65, "\(error)")
        }
    }
}
