import KobraKaiAddress
import KobraKaiCore
import KobraKaiFirewall
import Testing

@testable import KobraKaiDaemon

@Suite("ActiveBans: the engine's compact mirror of the bans in force")
struct ActiveBansTests {
    static let now = Timestamp(secondsSinceEpoch: 1_800_000_000)

    static func record(_ target: String, expiresIn: Duration, reason: String = "rule x", origin: String = "log") -> BanRecord {
        BanRecord(target: IPPrefix(target)!, expiresAt: now + expiresIn, reason: reason, origin: origin, createdAt: now)
    }

    @Test("restore requests: remaining time and reason of every ban in force, soonest expiry first; expired ones dropped")
    func requestsInStoreOrder() {
        var bans = ActiveBans()
        bans.insert(Self.record("192.0.2.9", expiresIn: .seconds(600), reason: "sip brute force"))
        bans.insert(Self.record("2001:db8::1", expiresIn: .seconds(60)))
        bans.insert(Self.record("198.51.100.0/24", expiresIn: .seconds(600), reason: "escalated"))
        bans.insert(Self.record("192.0.2.1", expiresIn: .seconds(600)))
        bans.insert(Self.record("203.0.113.5", expiresIn: .seconds(-1)))
        let requests = bans.requests(at: Self.now)
        #expect(requests.map(\.target.description) == ["2001:db8::1", "192.0.2.1", "192.0.2.9", "198.51.100.0/24"])
        #expect(requests.map(\.timeout) == [.seconds(60), .seconds(600), .seconds(600), .seconds(600)])
        #expect(requests[2].comment == "sip brute force" && requests[3].comment == "escalated")
        #expect(bans.count == 4, "the expired ban was removed from the mirror")
        #expect(bans.requests(at: Self.now + .seconds(61)).count == 3)
    }

    @Test("loading the store's bans: a ban recorded in memory since start wins; an empty mirror takes them all")
    func loadKeepsNewerBans() {
        var stored = ActiveBans()
        stored.insert(Self.record("192.0.2.1", expiresIn: .seconds(60), reason: "old"))
        stored.insert(Self.record("192.0.2.2", expiresIn: .seconds(60), origin: "operator"))
        var bans = ActiveBans()
        bans.insert(Self.record("192.0.2.1", expiresIn: .seconds(3600), reason: "new"))
        #expect(!bans.isLoaded)
        bans.load(stored)
        #expect(bans.isLoaded && bans.count == 2)
        #expect(bans.record(for: IPPrefix("192.0.2.1")!)?.reason == "new")
        #expect(bans.record(for: IPPrefix("192.0.2.2")!)?.origin == "operator")
        #expect(bans.record(for: IPPrefix("192.0.2.3")!) == nil)

        var fresh = ActiveBans()
        fresh.load(stored)
        #expect(fresh.isLoaded && fresh.record(for: IPPrefix("192.0.2.1")!)?.reason == "old")
    }
}
