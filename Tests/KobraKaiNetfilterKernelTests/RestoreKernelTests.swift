import KobraKaiAddress
import KobraKaiFirewall
import KobraKaiNetfilter
import Testing

@Suite("restore() re-creates the ruleset and the bans after `nft flush ruleset`")
struct RestoreKernelTests {
    /// 10 000 bans of every kind, each with its own comment and timeout.
    static let bans: [BanRequest] = (0..<9_900).map { index in
        BanRequest(target: IPPrefix(host: .v4(IPv4Address(rawValue: 0xC612_0000 + UInt32(index)))),
                   timeout: .seconds(3600 + Int64(index % 600)), comment: "sip-auth \(index)")
    } + (0..<80).map { index in
        BanRequest(target: IPPrefix("2001:db8::\(String(index + 1, radix: 16))")!, timeout: .seconds(900),
                   comment: "v6 \(index)")
    } + (0..<10).map { index in
        BanRequest(target: IPPrefix("203.0.\(index).0/24")!, timeout: .seconds(7200), comment: "net \(index)")
    } + (0..<10).map { index in
        BanRequest(target: IPPrefix("2001:db8:\(index + 1)::/48")!, timeout: .seconds(7200), comment: "net6 \(index)")
    }

    @Test("10 000 bans: table, sets, chain rules and every element with its comment come back")
    func tenThousandAfterFlushRuleset() async throws {
        let reference = try await KernelFixture()
        let fixture = try await KernelFixture()
        #expect(try await fixture.firewall.ban(Self.bans).isEmpty)
        try #require(try await fixture.nft(["flush", "ruleset"]).status == 0)
        #expect(try await fixture.nft(["list", "ruleset"]).standardOutput.isEmpty)

        #expect(try await fixture.firewall.restore(Self.bans).isEmpty)
        try await fixture.firewall.verify()
        // -t (terse) lists table, sets and chain without elements: exactly what the file defines.
        let expected = try await reference.nft(["-t", "list", "table", "inet", "kobrakai"])
        let actual = try await fixture.nft(["-t", "list", "table", "inet", "kobrakai"])
        #expect(actual.status == 0)
        #expect(actual.standardOutput == expected.standardOutput)

        let listed = try await fixture.firewall.list()
        #expect(listed.count == Self.bans.count)
        let byTarget = Dictionary(uniqueKeysWithValues: listed.map { ($0.target, $0) })
        let mismatches = Self.bans.filter { ban in
            guard let entry = byTarget[ban.target] else { return true }
            return entry.comment != ban.comment || entry.timeout != ban.timeout
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(3))")
        // nft itself reads our comments back.
        #expect(try await fixture.listSet("ban_v4").contains("198.18.0.7 timeout 1h7s expires"))
        #expect(try await fixture.listSet("ban_v4").contains("comment \"sip-auth 7\""))
    }

    @Test("The ruleset and the first bans are one transaction: one generation, no table without bans")
    func oneTransaction() async throws {
        let fixture = try await KernelFixture()
        try #require(try await fixture.nft(["delete", "table", "inet", "kobrakai"]).status == 0)
        let recorder = ChangeRecorder(try await fixture.namespace.run { try NftablesMonitor() })
        let bans = Array(Self.bans.prefix(1000))
        #expect(try await fixture.firewall.restore(bans).isEmpty)
        let changes = await recorder.waitForGenerations(1)
        try await Task.sleep(for: .milliseconds(100))  // nothing else arrives
        #expect(ChangeRecorder.generations(recorder.changes) == 1, "\(changes)")
        #expect(try await fixture.firewall.list().count == 1000)
    }

    @Test("Over an existing table: bans kept, rules not duplicated; no bans: just the ruleset")
    func idempotent() async throws {
        let fixture = try await KernelFixture()
        let chainBefore = try await fixture.nft(["list", "chain", "inet", "kobrakai", "prerouting"])
        #expect(try await fixture.firewall.ban([BanRequest(target: IPPrefix("192.0.2.1")!, timeout: .seconds(60))])
            .isEmpty)
        #expect(try await fixture.firewall.restore([BanRequest(target: IPPrefix("192.0.2.2")!, timeout: .seconds(60),
                                                               comment: "restored")]).isEmpty)
        #expect(try await fixture.firewall.list().map(\.target.description) == ["192.0.2.1", "192.0.2.2"])
        #expect(try await fixture.nft(["list", "chain", "inet", "kobrakai", "prerouting"]).standardOutput
            == chainBefore.standardOutput)

        try #require(try await fixture.nft(["flush", "ruleset"]).status == 0)
        #expect(try await fixture.firewall.restore([]).isEmpty)
        try await fixture.firewall.verify()
        #expect(try await fixture.firewall.list().isEmpty)
    }

    @Test("A ban the kernel refuses (overlapping prefix) is rejected alone; ruleset and the rest are restored")
    func rejectedBanDoesNotBlockTheRestore() async throws {
        let fixture = try await KernelFixture()
        try #require(try await fixture.nft(["flush", "ruleset"]).status == 0)
        let bans = [
            BanRequest(target: IPPrefix("203.0.113.0/24")!, timeout: .seconds(600)),
            BanRequest(target: IPPrefix("203.0.113.128/25")!, timeout: .seconds(600)),
            BanRequest(target: IPPrefix("192.0.2.9")!, timeout: .seconds(600), comment: "kept"),
            BanRequest(target: IPPrefix("192.0.2.10")!, timeout: .zero),
        ]
        let rejected = try await fixture.firewall.restore(bans)
        #expect(rejected.map(\.request.target.description).sorted() == ["192.0.2.10", "203.0.113.128/25"])
        try await fixture.firewall.verify()
        #expect(try await fixture.firewall.list().map(\.target.description) == ["192.0.2.9", "203.0.113.0/24"])
    }

    @Test("A restore larger than one encoding slice: refusals in later slices name their own bans, all others land")
    func refusalsAcrossSlices() async throws {
        let fixture = try await KernelFixture()
        try #require(try await fixture.nft(["flush", "ruleset"]).status == 0)
        var bans = Array(Self.bans.prefix(9_000))
        bans[10] = BanRequest(target: IPPrefix("203.0.113.0/24")!, timeout: .seconds(600), comment: "first slice")
        bans[4_100] = BanRequest(target: IPPrefix("192.0.2.10")!, timeout: .zero)  // refused before the kernel
        bans[5_000] = BanRequest(target: IPPrefix("203.0.113.128/25")!, timeout: .seconds(600))  // overlaps bans[10]
        bans[8_500] = BanRequest(target: IPPrefix("203.0.113.64/26")!, timeout: .seconds(600))  // third slice
        #expect(TransactionLimits.standard.requestsPerSlice < 5_000)
        let rejected = try await fixture.firewall.restore(bans)
        #expect(rejected.map(\.request.target.description).sorted() == ["192.0.2.10", "203.0.113.128/25", "203.0.113.64/26"])
        try await fixture.firewall.verify()
        let listed = try await fixture.firewall.list()
        #expect(listed.count == bans.count - 3)
        let refused = Set(rejected.map(\.request.target))
        let listedTargets = Set(listed.map(\.target))
        #expect(bans.filter { !refused.contains($0.target) && !listedTargets.contains($0.target) }.isEmpty)
    }
}
