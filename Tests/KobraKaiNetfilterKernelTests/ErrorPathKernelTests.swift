import Foundation
import KobraKaiAddress
import KobraKaiFirewall
import KobraKaiNetfilter
import Testing

@Suite("Errors from the kernel become actionable FirewallErrors")
struct ErrorPathKernelTests {
    @Test("Without the ruleset every operation says to load nft/kobrakai.nft")
    func missingRuleset() async throws {
        let fixture = try await KernelFixture(loadRuleset: false)
        let verifyError = await #expect(throws: FirewallError.self) { try await fixture.firewall.verify() }
        #expect(verifyError?.code == .rulesetMissing)
        #expect(verifyError?.message.contains("nft -f /etc/nftables.d/kobrakai.nft") == true)
        let banError = await #expect(throws: FirewallError.self) {
            _ = try await fixture.firewall.ban([BanRequest(target: IPPrefix("192.0.2.1")!, timeout: .seconds(5))])
        }
        #expect(banError?.code == .rulesetMissing)
        let listError = await #expect(throws: FirewallError.self) { _ = try await fixture.firewall.list() }
        #expect(listError?.code == .rulesetMissing)
        let lookupError = await #expect(throws: FirewallError.self) {
            _ = try await fixture.firewall.lookup(IPAddress("192.0.2.1")!)
        }
        #expect(lookupError?.code == .rulesetMissing)
    }

    @Test("An overlapping prefix is rejected alone; the rest of its batch is applied")
    func overlapRejectedIndividually() async throws {
        let fixture = try await KernelFixture()
        _ = try await fixture.firewall.ban([BanRequest(target: IPPrefix("198.51.100.0/24")!, timeout: .seconds(60))])
        let overlapping = BanRequest(target: IPPrefix("198.51.100.128/25")!, timeout: .seconds(60))
        let requests = [
            BanRequest(target: IPPrefix("203.0.113.0/24")!, timeout: .seconds(60)),
            overlapping,
            BanRequest(target: IPPrefix("192.0.2.1")!, timeout: .seconds(60)),
            BanRequest(target: IPPrefix("10.0.0.0/8")!, timeout: .seconds(60)),
        ]
        let rejected = try await fixture.firewall.ban(requests)
        #expect(rejected.map(\.request) == [overlapping])
        #expect(rejected.first?.error.code == .overlap)
        let listed = Set(try await fixture.firewall.list().map(\.target.description))
        #expect(listed == ["198.51.100.0/24", "203.0.113.0/24", "192.0.2.1", "10.0.0.0/8"])
    }

    @Test("A full set rejects the overflowing bans with setFull and keeps the others")
    func setFull() async throws {
        let fixture = try await KernelFixture(loadRuleset: false)
        let text = try String(contentsOfFile: KernelFixture.rulesetPath, encoding: .utf8)
        let small = text.replacingOccurrences(of: "type ipv4_addr\n\t\tsize 1048576", with: "type ipv4_addr\n\t\tsize 3")
        try #require(small != text)
        let loaded = try await fixture.nft(["-f", "-"], input: small)
        try #require(loaded.status == 0, "\(loaded.standardError)")
        let requests = (1...5).map { BanRequest(target: IPPrefix("192.0.2.\($0)")!, timeout: .seconds(60)) }
        let rejected = try await fixture.firewall.ban(requests)
        #expect(rejected.count == 2)
        #expect(rejected.allSatisfy { $0.error.code == .setFull })
        #expect(try await fixture.firewall.list().count == 3)
    }

    @Test("Invalid requests are refused before reaching the kernel")
    func invalidRequests() async throws {
        let fixture = try await KernelFixture()
        let rejected = try await fixture.firewall.ban([
            BanRequest(target: IPPrefix("192.0.2.1")!, timeout: .zero),
            BanRequest(target: IPPrefix("192.0.2.2")!, timeout: .seconds(60), comment: String(repeating: "x", count: 200)),
            BanRequest(target: IPPrefix("192.0.2.3")!, timeout: .seconds(60)),
        ])
        #expect(rejected.map(\.error.code) == [.invalidElement, .invalidElement])
        #expect(try await fixture.firewall.list().map(\.target) == [IPPrefix("192.0.2.3")!])
    }

    @Test("Lost ACKs (ENOBUFS) are reconciled by listing the sets")
    func lostAcknowledgementsAreReconciled() async throws {
        // One element per message and one huge transaction (in one slice): far more ACKs than the receive
        // buffer holds.
        let limits = TransactionLimits(maximumElementListBytes: 40, maximumTransactionBytes: 2_000_000, requestsPerSlice: 100_000)
        let fixture = try await KernelFixture(limits: limits)
        let requests = (0..<20_000).map { index in
            BanRequest(target: .init(host: .v4(IPv4Address(rawValue: 0x0A00_0000 + UInt32(index)))),
                       timeout: .seconds(600))
        }
        let rejected = try await fixture.firewall.ban(requests)
        #expect(rejected.isEmpty)
        #expect(await fixture.firewall.reconciliations >= 1, "the test did not provoke lost replies")
        #expect(try await fixture.firewall.list().count == 20_000)
    }
}
