import KobraKaiAddress
import KobraKaiCore
import KobraKaiDaemon
import KobraKaiFirewall
import Testing

/// The window `make torture` found: the engine bans in the kernel first and records in SQLite a moment later,
/// so a `kill -9` in between leaves a ban only the kernel knows. The restarted daemon must adopt it, or the
/// next ruleset repair (after `nft flush ruleset`) drops it with time still to run.
@Suite("BanEngine adopts at start the kernel's own bans the state store lacks")
struct KernelBanAdoptionTests {
    static let start = Timestamp(secondsSinceEpoch: 1_800_000_000)
    static let policyReason = "security.failed-acl: high severity, first event"

    /// What the killed run left in the kernel: one ban recorded in the store too, the rest not.
    static let kernelBans = [
        BanRequest(target: IPPrefix("198.51.100.9")!, timeout: .seconds(600), comment: "earlier"),
        // The ban of the kill window: applied, never written.
        BanRequest(target: IPPrefix("203.0.113.7")!, timeout: .seconds(1800), comment: policyReason),
        // An escalated re-ban whose row still holds the first, shorter ban.
        BanRequest(target: IPPrefix("198.51.100.20")!, timeout: .seconds(7200), comment: "pjsip-invalid-password x3"),
        // `kkset add 2001:db8::/64 --timeout 1h` by an operator: no comment.
        BanRequest(target: IPPrefix("2001:db8::/64")!, timeout: .seconds(3600), comment: nil),
        // Bans whose services own them and put them back themselves.
        BanRequest(target: IPPrefix("192.0.2.1")!, timeout: .seconds(3600), comment: "crowdsec: crowdsecurity/sip-bf (CAPI)"),
        BanRequest(target: IPPrefix("192.0.2.2")!, timeout: .seconds(3600), comment: "apiban"),
        BanRequest(target: IPPrefix("192.0.2.3")!, timeout: .seconds(3600), comment: "blocklist:drop.txt"),
        // Allowlisted while the daemon was down.
        BanRequest(target: IPPrefix("10.1.2.3")!, timeout: .seconds(3600), comment: policyReason),
    ]

    @Test("a kernel-only ban survives the repair after a flush with its remaining time; feed-owned and allowlisted ones are not adopted")
    func adoptedBanSurvivesRepair() async throws {
        let clock = ManualClock(wallStart: Self.start)
        let firewall = InMemoryFirewall(now: { clock.instant })
        #expect(try await firewall.ban(Self.kernelBans).isEmpty)
        let directory = try TemporaryDirectory()
        let store = try StateStore(directory: directory.path)
        try await store.recordBans([
            BanRecord(target: IPPrefix("198.51.100.9")!, expiresAt: Self.start + .seconds(600), reason: "earlier", origin: "log", createdAt: Self.start),
            BanRecord(target: IPPrefix("198.51.100.20")!, expiresAt: Self.start + .seconds(600), reason: "pjsip-invalid-password x3",
                      origin: "log", createdAt: Self.start - .seconds(60)),
        ])

        clock.advance(.seconds(100))  // killed, restarted
        let (events, input) = AsyncStream<SecurityEvent>.makeStream()
        input.finish()
        let engine = BanEngine(
            events: events, policy: try EngineIntegrationTests.policy(), firewall: firewall, store: store,
            allowlist: ProtectedAddresses([IPPrefix("10.0.0.0/8")!]), rulesetGuard: InMemoryRulesetGuard(firewall: firewall),
            tick: .zero, now: { clock.wall })
        #expect(try await engine.restoreBans() == 4, "the stored ban and the three own kernel-only ones")

        // Not `#require`: without adoption the test goes on to show the ban lost by the repair.
        let adopted = try await store.ban(for: IPPrefix("203.0.113.7")!)
        #expect(adopted?.expiresAt == Self.start + .seconds(1800), "the kernel's remaining time, not a fresh timeout")
        #expect(adopted?.reason == Self.policyReason)
        #expect(adopted?.origin == "adopted")
        let escalated = try await store.ban(for: IPPrefix("198.51.100.20")!)
        #expect(escalated?.expiresAt == Self.start + .seconds(7200))
        #expect(escalated?.origin == "log", "a re-ban of a stored target keeps its origin")
        #expect(try await store.ban(for: IPPrefix("2001:db8::/64")!)?.reason == "found in the kernel")
        for feedOwned in ["192.0.2.1", "192.0.2.2", "192.0.2.3", "10.1.2.3"] {
            #expect(try await store.ban(for: IPPrefix(feedOwned)!) == nil, "\(feedOwned) is not adopted")
        }

        try await firewall.flush()  // nft flush ruleset
        clock.advance(.seconds(50))
        await engine.repairRuleset(trigger: "test: nft flush ruleset")
        let left = Dictionary(uniqueKeysWithValues: try await firewall.list().map { ($0.target.description, $0.expiresIn) })
        #expect(left == [
            "198.51.100.9": .seconds(450),
            "203.0.113.7": .seconds(1650),
            "198.51.100.20": .seconds(7050),
            "2001:db8::/64": .seconds(3450),
        ])
    }
}
