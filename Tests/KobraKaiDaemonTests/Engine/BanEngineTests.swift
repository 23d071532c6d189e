import KobraKaiAddress
import KobraKaiCore
import KobraKaiDaemon
import KobraKaiFirewall
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

/// Bans an address at its `threshold`-th event (test stand-in for the real policy).
struct ThresholdPolicy: BanDeciding {
    var threshold = 3
    var duration: Duration = .seconds(600)
    private var counts: [IPAddress: Int] = [:]

    init(threshold: Int = 3) { self.threshold = threshold }

    mutating func observe(_ event: SecurityEvent, now: Timestamp) -> [KobraKaiDaemon.BanDecision] {
        counts[event.address, default: 0] += 1
        guard counts[event.address] == threshold else { return [] }
        return [KobraKaiDaemon.BanDecision(target: IPPrefix(host: event.address), duration: duration,
                            reason: "\(event.rule) x\(threshold)", origin: event.origin.rawValue)]
    }
}

@Suite("BanEngine")
struct BanEngineTests {
    static let now = Timestamp(secondsSinceEpoch: 1_800_000_000)

    static func event(_ address: String) -> SecurityEvent {
        SecurityEvent(time: now, address: IPAddress(address)!, origin: .logFile, service: .pjsip,
                      rule: "pjsip-invalid-password", severity: .medium)
    }

    struct Fixture {
        let directory: TemporaryDirectory
        let store: StateStore
        let firewall = RecordingFirewall()
        let events: AsyncStream<SecurityEvent>
        let input: AsyncStream<SecurityEvent>.Continuation
        let engine: BanEngine

        init(allowlist: [String] = [], tick: Duration = .milliseconds(2), threshold: Int = 3) throws {
            directory = try TemporaryDirectory()
            store = try StateStore(directory: directory.path)
            (events, input) = AsyncStream<SecurityEvent>.makeStream()
            engine = BanEngine(
                events: events, policy: ThresholdPolicy(threshold: threshold), firewall: firewall, store: store,
                allowlist: ProtectedAddresses(allowlist.map { IPPrefix($0)! }), tick: tick, now: { BanEngineTests.now })
        }
    }

    @Test("a burst of decisions becomes one firewall transaction, recorded in the store with expiry and reason")
    func coalescesOneTick() async throws {
        // A tick far longer than the test: the only flush is the one when the input ends.
        let fixture = try Fixture(tick: .seconds(60))
        let running = Task { try await fixture.engine.run() }
        for host in 1...100 {
            for _ in 0..<3 { fixture.input.yield(Self.event("198.51.100.\(host)")) }
        }
        fixture.input.finish()
        try await running.value
        let calls = await fixture.firewall.banCalls
        #expect(calls.count == 1)
        #expect(calls.first?.count == 100)
        #expect(calls.first?.first == BanRequest(target: IPPrefix("198.51.100.1")!, timeout: .seconds(600), comment: "pjsip-invalid-password x3"))
        let stored = try await fixture.store.unexpiredBans(now: Self.now)
        #expect(stored.count == 100)
        #expect(stored.first?.expiresAt == Self.now + .seconds(600))
        #expect(stored.first?.origin == "log")
        let statistics = await fixture.engine.statistics
        #expect(statistics.eventsObserved == 300 && statistics.bansApplied == 100 && statistics.transactions == 1)
    }

    @Test("a tick flushes on its own while the input stays open")
    func tickFlushes() async throws {
        let fixture = try Fixture(tick: .milliseconds(2))
        let running = Task { try await fixture.engine.run() }
        for _ in 0..<3 { fixture.input.yield(Self.event("203.0.113.77")) }
        let deadline = ContinuousClock.now + .seconds(10)
        while await fixture.firewall.banCalls.isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(1)) }
        #expect(await fixture.firewall.banCalls.map { $0.map(\.target.description) } == [["203.0.113.77"]])
        running.cancel()
        try await running.value
    }

    @Test("allowlisted targets are never sent to the firewall; a covering allowlist prefix counts")
    func allowlistRefuses() async throws {
        let fixture = try Fixture(allowlist: ["192.0.2.0/24", "2001:db8::1"])
        let running = Task { try await fixture.engine.run() }
        for address in ["192.0.2.10", "2001:db8::1", "203.0.113.5"] {
            for _ in 0..<3 { fixture.input.yield(Self.event(address)) }
        }
        fixture.input.finish()
        try await running.value
        let banned = await fixture.firewall.banCalls.flatMap { $0.map(\.target.description) }
        #expect(banned == ["203.0.113.5"])
        #expect(await fixture.engine.statistics.bansRefusedByAllowlist == 2)
        #expect(try await fixture.store.ban(for: IPPrefix("192.0.2.10")!) == nil)
    }

    @Test("a ban the firewall rejects is not recorded; the rest of the batch is")
    func rejectedNotRecorded() async throws {
        let fixture = try Fixture()
        await fixture.firewall.reject([IPPrefix("203.0.113.7")!])
        let running = Task { try await fixture.engine.run() }
        for address in ["203.0.113.7", "203.0.113.8"] {
            for _ in 0..<3 { fixture.input.yield(Self.event(address)) }
        }
        fixture.input.finish()
        try await running.value
        #expect(try await fixture.store.unexpiredBans(now: Self.now).map(\.target.description) == ["203.0.113.8"])
        #expect(await fixture.engine.statistics.bansRejectedByFirewall == 1)
    }

    @Test("with the ruleset missing, bans are still recorded so a restore can apply them later")
    func rulesetMissingStillRecorded() async throws {
        let fixture = try Fixture()
        await fixture.firewall.fail(with: FirewallError(.rulesetMissing, "table inet kobrakai missing"))
        let running = Task { try await fixture.engine.run() }
        for _ in 0..<3 { fixture.input.yield(Self.event("203.0.113.9")) }
        fixture.input.finish()
        try await running.value
        #expect(await fixture.engine.statistics.firewallFailures == 1)
        #expect(try await fixture.store.unexpiredBans(now: Self.now).count == 1)

        await fixture.firewall.fail(with: nil)
        #expect(try await fixture.engine.restoreBans() == 1)
        #expect(await fixture.firewall.banCalls.last == [BanRequest(target: IPPrefix("203.0.113.9")!, timeout: .seconds(600), comment: "pjsip-invalid-password x3")])
    }

    @Test("restore re-applies unexpired bans with their remaining time in one transaction, skipping allowlisted ones")
    func restore() async throws {
        let fixture = try Fixture(allowlist: ["10.0.0.0/8"])
        try await fixture.store.recordBans([
            BanRecord(target: IPPrefix("198.51.100.1")!, expiresAt: Self.now + .seconds(90), reason: "a", origin: "log", createdAt: Self.now - .seconds(10)),
            BanRecord(target: IPPrefix("2001:db8::/64")!, expiresAt: Self.now + .seconds(3600), reason: "b", origin: "operator", createdAt: Self.now),
            BanRecord(target: IPPrefix("198.51.100.2")!, expiresAt: Self.now - .seconds(1), reason: "expired", origin: "log", createdAt: Self.now - .seconds(100)),
            BanRecord(target: IPPrefix("10.1.2.3")!, expiresAt: Self.now + .seconds(90), reason: "now allowlisted", origin: "log", createdAt: Self.now),
        ])
        #expect(try await fixture.engine.restoreBans() == 2)
        let calls = await fixture.firewall.banCalls
        #expect(calls.count == 1)
        #expect(calls.first == [
            BanRequest(target: IPPrefix("198.51.100.1")!, timeout: .seconds(90), comment: "a"),
            BanRequest(target: IPPrefix("2001:db8::/64")!, timeout: .seconds(3600), comment: "b"),
        ])
    }

    @Test("graceful shutdown flushes the pending batch before run() returns")
    func shutdownFlushes() async throws {
        let fixture = try Fixture(tick: .seconds(30))
        try await testGracefulShutdown { trigger in
            let running = Task { try await fixture.engine.run() }
            for _ in 0..<3 { fixture.input.yield(Self.event("203.0.113.50")) }
            while await fixture.engine.statistics.eventsObserved < 3 { try await Task.sleep(for: .milliseconds(1)) }
            #expect(await fixture.firewall.banCalls.isEmpty)
            trigger.triggerGracefulShutdown()
            try await running.value
        }
        #expect(await fixture.firewall.banCalls.map { $0.map(\.target.description) } == [["203.0.113.50"]])
    }
}
