import KobraKaiAddress
import KobraKaiFirewall
import KobraKaiNetfilter
import Testing

@Suite("installRuleset() rebuilds what nft/kobrakai.nft defines")
struct InstallRulesetKernelTests {
    @Test("Installed over netlink, the table lists exactly like the file loaded by nft")
    func matchesTheFile() async throws {
        let byFile = try await KernelFixture()
        let byNetlink = try await KernelFixture(loadRuleset: false)
        try await byNetlink.firewall.installRuleset()
        try await byNetlink.firewall.verify()
        let expected = try await byFile.nft(["list", "table", "inet", "kobrakai"])
        let actual = try await byNetlink.nft(["list", "table", "inet", "kobrakai"])
        #expect(actual.status == 0)
        #expect(actual.standardOutput == expected.standardOutput)
    }

    @Test("Installing again (or over the file) keeps every ban and does not duplicate rules")
    func idempotent() async throws {
        let fixture = try await KernelFixture()
        try await fixture.firewall.installRuleset()  // over the file's table
        _ = try await fixture.firewall.ban([
            BanRequest(target: IPPrefix("192.0.2.1")!, timeout: .seconds(600), comment: "kept"),
            BanRequest(target: IPPrefix("2001:db8::/48")!, timeout: .seconds(600)),
        ])
        _ = try await fixture.firewall.allow([IPPrefix("10.0.0.0/8")!])
        let before = try await fixture.nft(["list", "chain", "inet", "kobrakai", "prerouting"])
        try await fixture.firewall.installRuleset()
        try await fixture.firewall.installRuleset()
        let after = try await fixture.nft(["list", "chain", "inet", "kobrakai", "prerouting"])
        #expect(after.standardOutput == before.standardOutput)
        #expect(try await fixture.firewall.list().map(\.target.description) == ["192.0.2.1", "2001:db8::/48"])
        #expect(try await fixture.firewall.allowlist().count == 1)
    }

    @Test("After `nft flush ruleset` the daemon can restore the table and ban again")
    func restoreAfterFlushRuleset() async throws {
        let fixture = try await KernelFixture()
        _ = try await fixture.firewall.ban([BanRequest(target: IPPrefix("192.0.2.1")!, timeout: .seconds(600))])
        try #require(try await fixture.nft(["flush", "ruleset"]).status == 0)
        let missing = await #expect(throws: FirewallError.self) { try await fixture.firewall.verify() }
        #expect(missing?.code == .rulesetMissing)
        try await fixture.firewall.installRuleset()
        try await fixture.firewall.verify()
        #expect(try await fixture.firewall.ban([BanRequest(target: IPPrefix("192.0.2.2")!, timeout: .seconds(60))])
            .isEmpty)
        #expect(try await fixture.firewall.list().map(\.target.description) == ["192.0.2.2"])
    }
}
