import KobraKaiAddress
import KobraKaiCore
import KobraKaiDaemon
import Testing

@Suite("StateStore start-up reads (row by row)")
struct StateStartupReadTests {
    static let now = StateStoreTests.now

    @Test("the offender history marks a target banned until its last ban ends only while its ban row is in force")
    func offenderHistoryFollowsTheBanRows() async throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore(directory: directory.path)
        try await store.recordBans([StateStoreTests.ban("192.0.2.1", expiresIn: .seconds(600))])
        try await store.recordBans([StateStoreTests.ban("192.0.2.1", expiresIn: .seconds(900))])
        try await store.recordBans([StateStoreTests.ban("192.0.2.2", expiresIn: .seconds(10))])
        try await store.recordBans([StateStoreTests.ban("198.51.100.0/24", expiresIn: .seconds(3600))])
        try await store.removeBans([IPPrefix("198.51.100.0/24")!])  // lifted by an operator

        let history = try await store.offenderHistory(now: Self.now + .seconds(50))
        #expect(history.map(\.target.description) == ["192.0.2.1", "192.0.2.2", "198.51.100.0/24"])
        let byTarget = Dictionary(uniqueKeysWithValues: history.map { ($0.target.description, $0) })
        #expect(byTarget["192.0.2.1"]?.offences == 2)
        #expect(byTarget["192.0.2.1"]?.bannedUntil == Self.now + .seconds(900))
        #expect(byTarget["192.0.2.2"]?.bannedUntil == Self.now, "expired at +10 s: not banned any more")
        #expect(byTarget["198.51.100.0/24"]?.bannedUntil == Self.now, "ban row removed: not banned any more")
        #expect(byTarget["198.51.100.0/24"]?.offences == 1)
    }

    @Test("folding the unexpired bans visits each once, soonest expiry first, and skips expired rows")
    func reduceVisitsUnexpiredInOrder() async throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore(directory: directory.path)
        try await store.recordBans((0..<5000).map { index in
            StateStoreTests.ban("10.0.\(index / 256).\(index % 256)", expiresIn: .seconds(Int64(5000 - index) - 100))
        })
        let visited = try await store.reduceUnexpiredBans(now: Self.now, into: [String]()) { $0.append($1.target.description) }
        #expect(visited.count == 4900)  // expiresIn 4900 ... 1 s; the last 100 had run out
        #expect(visited.first == "10.0.19.35" && visited.last == "10.0.0.0")
    }
}
