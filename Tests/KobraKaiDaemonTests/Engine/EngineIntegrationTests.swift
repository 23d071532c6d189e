import KobraKaiAddress
import KobraKaiCore
import KobraKaiDaemon
import KobraKaiFirewall
import Synchronization
import Testing

/// Records what the engine asks a ruleset guard to restore.
final class RecordingGuard: RulesetGuard {
    let restores = Mutex<[[BanRequest]]>([])
    let firewall: RecordingFirewall

    init(firewall: RecordingFirewall) { self.firewall = firewall }

    func rulesetChanges() -> AsyncStream<Void> { AsyncStream { $0.finish() } }

    func restore(_ bans: [BanRequest]) async throws(FirewallError) -> [RejectedBan] {
        restores.withLock { $0.append(bans) }
        await firewall.fail(with: nil)
        return try await firewall.ban(bans)
    }
}

@Suite("BanEngine with the real policy, log positions and ruleset repair")
struct EngineIntegrationTests {
    static let now = Timestamp(secondsSinceEpoch: 1_800_000_000)

    static func highEvent(_ address: String) -> SecurityEvent {
        SecurityEvent(time: now, address: IPAddress(address)!, origin: .logFile, service: .pjsip,
                      rule: "security.failed-acl", severity: .high)
    }

    static func policy(allowlist: [String] = []) throws -> CorePolicyAdapter {
        CorePolicyAdapter(policy: try BanPolicy(configuration: PolicyConfiguration(), allowlist: Allowlist(prefixes: allowlist.map { IPPrefix($0)! })))
    }

    @Test("a log batch's position is stored together with the bans its lines caused")
    func positionWithBans() async throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore(directory: directory.path)
        let (events, input) = AsyncStream<SecurityEvent>.makeStream()
        let engine = BanEngine(events: events, policy: try Self.policy(), firewall: RecordingFirewall(), store: store,
                               allowlist: ProtectedAddresses([]), tick: .seconds(60), now: { Self.now })
        let running = Task { try await engine.run() }
        let position = FilePosition(identity: FileIdentity(device: 1, inode: 2), offset: 4242)
        await engine.observe([Self.highEvent("203.0.113.1")], path: "/var/log/asterisk/security", position: position)
        input.finish()
        try await running.value
        #expect(try await store.position(for: "/var/log/asterisk/security") == position)
        let ban = try #require(try await store.ban(for: IPPrefix("203.0.113.1")!))
        #expect(ban.reason == "security.failed-acl: high severity, first event")
        #expect(ban.expiresAt == Self.now + .seconds(1800))
        #expect(await engine.recentEvents(from: IPAddress("203.0.113.1")!).count == 1)
    }

    @Test("a repair restores the bans in force from memory: operator unbans stay lifted, new bans come back")
    func repairFromMemory() async throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore(directory: directory.path)
        let stored = BanRecord(target: IPPrefix("198.51.100.9")!, expiresAt: Self.now + .seconds(600), reason: "earlier",
                               origin: "log", createdAt: Self.now)
        let expired = BanRecord(target: IPPrefix("198.51.100.10")!, expiresAt: Self.now - .seconds(1), reason: "old",
                                origin: "log", createdAt: Self.now - .seconds(600))
        try await store.recordBans([stored, expired])
        let firewall = RecordingFirewall()
        let rulesetGuard = RecordingGuard(firewall: firewall)
        let (events, input) = AsyncStream<SecurityEvent>.makeStream()
        let engine = BanEngine(events: events, policy: try Self.policy(), firewall: firewall, store: store,
                               allowlist: ProtectedAddresses([]), rulesetGuard: rulesetGuard, tick: .zero, now: { Self.now })
        #expect(try await engine.restoreBans() == 1, "start: the store's unexpired ban only")
        let running = Task { try await engine.run() }
        input.yield(Self.highEvent("203.0.113.3"))
        input.yield(Self.highEvent("203.0.113.4"))
        input.finish()
        try await running.value
        try await engine.operatorUnban([IPPrefix("203.0.113.4")!])

        await engine.repairRuleset(trigger: "test")
        let restored = try #require(rulesetGuard.restores.withLock { $0 }.last)
        #expect(Set(restored.map(\.target.description)) == ["198.51.100.9", "203.0.113.3"])
        #expect(restored.first { $0.target == IPPrefix("198.51.100.9")! }?.timeout == .seconds(600))
        #expect(restored.first { $0.target == IPPrefix("203.0.113.3")! }?.comment == "security.failed-acl: high severity, first event")
    }

    @Test("a ban that finds the ruleset missing makes the guard re-create it with every stored ban")
    func repairOnRulesetMissing() async throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore(directory: directory.path)
        let earlier = BanRecord(target: IPPrefix("198.51.100.9")!, expiresAt: Self.now + .seconds(600), reason: "earlier",
                                origin: "log", createdAt: Self.now)
        try await store.recordBans([earlier])
        let firewall = RecordingFirewall()
        await firewall.fail(with: FirewallError(.rulesetMissing, "table inet kobrakai does not exist"))
        let rulesetGuard = RecordingGuard(firewall: firewall)
        let (events, input) = AsyncStream<SecurityEvent>.makeStream()
        let engine = BanEngine(events: events, policy: try Self.policy(), firewall: firewall, store: store,
                               allowlist: ProtectedAddresses([]), rulesetGuard: rulesetGuard, tick: .seconds(60), now: { Self.now })
        let running = Task { try await engine.run() }
        input.yield(Self.highEvent("203.0.113.2"))
        input.finish()
        try await running.value
        let restored = rulesetGuard.restores.withLock { $0 }
        #expect(restored.count == 1)
        #expect(restored.first?.contains { $0.target == IPPrefix("198.51.100.9")! } == true, "the stored ban is restored")
        // The ban that found the ruleset missing is in place too (applied right after the restore).
        #expect(Set(try await firewall.list().map(\.target.description)) == ["198.51.100.9", "203.0.113.2"])
        #expect(try await store.ban(for: IPPrefix("203.0.113.2")!) != nil)
        #expect(await engine.statistics.rulesetRepairs == 1)
    }

    @Test("reload: the new policy keeps the offence history and bans the new allowlist covers are lifted")
    func reloadKeepsHistoryAndLifts() async throws {
        var decider = try Self.policy()
        let first = decider.observe(Self.highEvent("203.0.113.3"), now: Self.now)
        #expect(first.map(\.duration) == [.seconds(1800)])
        _ = decider.observe(Self.highEvent("203.0.113.4"), now: Self.now)
        let lifted = decider.adopt(try Self.policy(allowlist: ["203.0.113.4/32"]), now: Self.now + .seconds(1))
        #expect(lifted == [IPPrefix("203.0.113.4")!])
        decider.release(IPPrefix("203.0.113.3")!, now: Self.now + .seconds(2))
        let second = decider.observe(Self.highEvent("203.0.113.3"), now: Self.now + .seconds(3))
        #expect(second.map(\.duration) == [.seconds(3600)], "second offence: twice the base")
        #expect(decider.observe(Self.highEvent("203.0.113.4"), now: Self.now + .seconds(3)).isEmpty)
    }

    @Test("BoundedRing keeps the newest elements, oldest first")
    func boundedRing() {
        var ring = BoundedRing<Int>(capacity: 3)
        for value in 1...2 { ring.append(value) }
        #expect(ring.elements == [1, 2])
        for value in 3...7 { ring.append(value) }
        #expect(ring.elements == [5, 6, 7])
    }
}
