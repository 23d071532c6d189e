import KobraKaiAddress
import KobraKaiFirewall
import KobraKaiNetfilter
import Testing

@Suite("nft/kobrakai.nft and bulk loads")
struct RulesetKernelTests {
    @Test("Loading the include file twice keeps every ban and does not duplicate rules")
    func loadTwice() async throws {
        let fixture = try await KernelFixture()
        let before = try await fixture.nft(["list", "chain", "inet", "kobrakai", "prerouting"])
        _ = try await fixture.firewall.ban([
            BanRequest(target: IPPrefix("192.0.2.1")!, timeout: .seconds(600), comment: "keep me"),
            BanRequest(target: IPPrefix("2001:db8::1")!, timeout: .seconds(600)),
            BanRequest(target: IPPrefix("198.51.100.0/24")!, timeout: .seconds(600)),
        ])
        _ = try await fixture.firewall.allow([IPPrefix("10.1.0.0/16")!], comment: "office")
        let reloaded = try await fixture.nft(["-f", KernelFixture.rulesetPath])
        try #require(reloaded.status == 0, "\(reloaded.standardError)")
        let after = try await fixture.nft(["list", "chain", "inet", "kobrakai", "prerouting"])
        #expect(after.standardOutput == before.standardOutput)
        #expect(after.standardOutput.components(separatedBy: "drop").count - 1 == 4)
        let bans = try await fixture.firewall.list()
        #expect(bans.count == 3)
        #expect(bans.first { $0.target == IPPrefix("192.0.2.1")! }?.comment == "keep me")
        #expect(try await fixture.firewall.allowlist().map(\.target) == [IPPrefix("10.1.0.0/16")!])
        try await fixture.firewall.verify()
    }

    @Test("The chain hooks prerouting at priority raw and drops banned sources of both families")
    func chainShape() async throws {
        let fixture = try await KernelFixture()
        let chain = try await fixture.nft(["list", "chain", "inet", "kobrakai", "prerouting"]).standardOutput
        #expect(chain.contains("type filter hook prerouting priority raw; policy accept;"))
        for line in ["ip saddr @allow_v4 accept", "ip6 saddr @allow_v6 accept", "ip saddr @ban_v4 drop",
                     "ip6 saddr @ban_v6 drop", "ip saddr @ban_net_v4 drop", "ip6 saddr @ban_net_v6 drop"] {
            #expect(chain.contains(line), "missing rule: \(line)")
        }
    }

    @Test("100 000 IPv4 bans load in chunked transactions and list back")
    func hundredThousand() async throws {
        let fixture = try await KernelFixture()
        let requests = (0..<100_000).map { index in
            BanRequest(target: .init(host: .v4(IPv4Address(rawValue: 0x0A00_0000 + UInt32(index)))),
                       timeout: .seconds(3600))
        }
        #expect(try await fixture.firewall.ban(requests).isEmpty)
        let listed = try await fixture.firewall.list()
        #expect(listed.count == 100_000)
        #expect(listed.first?.target == IPPrefix("10.0.0.0/32")!)
    }

    @Test("Allowlist entries are added with comments, listed, matched and removed")
    func allowlist() async throws {
        let fixture = try await KernelFixture()
        let firewall = fixture.firewall
        let rejected = try await firewall.allow([IPPrefix("192.0.2.0/24")!, IPPrefix("2001:db8::5")!], comment: "trunk")
        #expect(rejected.isEmpty)
        let overlapping = try await firewall.allow([IPPrefix("192.0.2.128/25")!])
        #expect(overlapping.first?.error.code == .overlap)
        let entries = try await firewall.allowlist()
        #expect(entries == [AllowEntry(target: IPPrefix("192.0.2.0/24")!, comment: "trunk"),
                            AllowEntry(target: IPPrefix("2001:db8::5")!, comment: "trunk")])
        #expect(try await firewall.allowEntries(overlapping: IPPrefix("192.0.2.9")!).count == 1)
        #expect(try await firewall.allowEntries(overlapping: IPPrefix("192.0.0.0/16")!).count == 1)
        #expect(try await firewall.allowEntries(overlapping: IPPrefix("198.51.100.1")!).isEmpty)
        #expect(try await fixture.listSet("allow_v4").contains("comment \"trunk\""))
        try await firewall.disallow([IPPrefix("192.0.2.0/24")!, IPPrefix("203.0.113.1")!])
        #expect(try await firewall.allowlist().map(\.target) == [IPPrefix("2001:db8::5")!])
    }
}
