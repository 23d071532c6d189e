import KobraKaiAddress
import KobraKaiFirewall
import Synchronization
import Testing

/// A clock the test moves by hand.
private final class ManualTime: Sendable {
    private let instant = Mutex(ContinuousClock.now)
    var now: ContinuousClock.Instant { instant.withLock { $0 } }
    func advance(by duration: Duration) { instant.withLock { $0 += duration } }
}

@Suite("InMemoryFirewall behaves like the kernel sets")
struct InMemoryFirewallTests {
    private let time = ManualTime()
    private var firewall: InMemoryFirewall { InMemoryFirewall(now: { [time] in time.now }) }

    @Test("Bans expire when their timeout passes, not before")
    func expiry() async throws {
        let firewall = firewall
        _ = try await firewall.ban([BanRequest(target: IPPrefix("192.0.2.1")!, timeout: .seconds(60), comment: "x")])
        time.advance(by: .seconds(59))
        let entry = try #require(try await firewall.lookup(IPAddress("192.0.2.1")!))
        #expect(entry.expiresIn == .seconds(1))
        #expect(entry.timeout == .seconds(60))
        #expect(entry.comment == "x")
        time.advance(by: .seconds(1))
        #expect(try await firewall.lookup(IPAddress("192.0.2.1")!) == nil)
        #expect(try await firewall.list().isEmpty)
    }

    @Test("A re-ban restarts the timeout")
    func refresh() async throws {
        let firewall = firewall
        let request = BanRequest(target: IPPrefix("2001:db8::1")!, timeout: .seconds(60))
        _ = try await firewall.ban([request])
        time.advance(by: .seconds(50))
        _ = try await firewall.ban([request])
        time.advance(by: .seconds(50))
        #expect(try await firewall.list().first?.expiresIn == .seconds(10))
    }

    @Test("Lookup finds the host entry, else a covering prefix")
    func lookup() async throws {
        let firewall = firewall
        _ = try await firewall.ban([
            BanRequest(target: IPPrefix("198.51.100.0/24")!, timeout: .seconds(60)),
            BanRequest(target: IPPrefix("198.51.100.7")!, timeout: .seconds(30)),
        ])
        #expect(try await firewall.lookup(IPAddress("198.51.100.7")!)?.target == IPPrefix("198.51.100.7")!)
        #expect(try await firewall.lookup(IPAddress("198.51.100.8")!)?.target == IPPrefix("198.51.100.0/24")!)
        #expect(try await firewall.lookup(IPAddress("198.51.101.8")!) == nil)
    }

    @Test("Overlapping prefixes, zero timeouts and a full set are rejected one by one")
    func rejections() async throws {
        let firewall = InMemoryFirewall(capacity: 2, now: { [time] in time.now })
        let overlap = BanRequest(target: IPPrefix("10.1.0.0/16")!, timeout: .seconds(5))
        let zero = BanRequest(target: IPPrefix("192.0.2.9")!, timeout: .zero)
        let third = BanRequest(target: IPPrefix("192.0.2.10")!, timeout: .seconds(5))
        let rejected = try await firewall.ban([
            BanRequest(target: IPPrefix("10.0.0.0/8")!, timeout: .seconds(5)), overlap, zero,
            BanRequest(target: IPPrefix("192.0.2.1")!, timeout: .seconds(5)), third,
        ])
        #expect(rejected.map(\.request) == [overlap, zero, third])
        #expect(rejected.map(\.error.code) == [.overlap, .invalidElement, .setFull])
        #expect(try await firewall.list().count == 2)
    }

    @Test("Unban removes exact entries and ignores absent ones; flush removes all")
    func unbanAndFlush() async throws {
        let firewall = firewall
        _ = try await firewall.ban(["192.0.2.1", "192.0.2.2", "2001:db8::/64"].map {
            BanRequest(target: IPPrefix($0)!, timeout: .seconds(5))
        })
        try await firewall.unban([IPPrefix("192.0.2.1")!, IPPrefix("203.0.113.1")!])
        #expect(try await firewall.list().map(\.target.description) == ["192.0.2.2", "2001:db8::/64"])
        try await firewall.flush()
        #expect(try await firewall.list().isEmpty)
    }
}
