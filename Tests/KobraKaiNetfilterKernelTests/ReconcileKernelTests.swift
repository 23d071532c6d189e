import KobraKaiAddress
import KobraKaiFirewall
import KobraKaiNetfilter
import Testing

@Suite("unban, disallow and allow settle lost replies (ENOBUFS) by listing, like ban")
struct ReconcileKernelTests {
    /// One element per message in one huge transaction (one slice): 20 000 ACKs, far more than the receive
    /// buffer holds.
    static let ackFlood = TransactionLimits(maximumElementListBytes: 20, maximumTransactionBytes: 2_000_000,
                                            requestsPerSlice: 100_000)

    static func hosts(_ count: Int) -> [IPPrefix] {
        (0..<count).map { IPPrefix(host: .v4(IPv4Address(rawValue: 0x0A00_0000 + 2 * UInt32($0)))) }
    }

    @Test("unban of 20 000 bans with lost ACKs removes them all")
    func unban() async throws {
        let fixture = try await KernelFixture(limits: Self.ackFlood)
        let targets = Self.hosts(20_000)
        #expect(try await fixture.firewall.ban(targets.map { BanRequest(target: $0, timeout: .seconds(600)) })
            .isEmpty)
        let before = await fixture.firewall.reconciliations
        try await fixture.firewall.unban(targets)
        #expect(await fixture.firewall.reconciliations > before, "the test did not provoke lost replies")
        #expect(try await fixture.firewall.list().isEmpty)
    }

    @Test("allow and disallow of 20 000 entries with lost ACKs end complete")
    func allowAndDisallow() async throws {
        let fixture = try await KernelFixture(limits: Self.ackFlood)
        let targets = Self.hosts(20_000)
        #expect(try await fixture.firewall.allow(targets, comment: "office").isEmpty)
        let afterAllow = await fixture.firewall.reconciliations
        #expect(afterAllow >= 1, "the test did not provoke lost replies")
        let listed = try await fixture.firewall.allowlist()
        #expect(listed.count == 20_000)
        #expect(listed.allSatisfy { $0.comment == "office" })

        try await fixture.firewall.disallow(targets)
        #expect(await fixture.firewall.reconciliations > afterAllow, "the test did not provoke lost replies")
        #expect(try await fixture.firewall.allowlist().isEmpty)
    }
}
