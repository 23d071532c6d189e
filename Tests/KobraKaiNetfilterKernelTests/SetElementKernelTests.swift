import KobraKaiAddress
import KobraKaiFirewall
import KobraKaiNetfilter
import Testing

@Suite("Ban set elements in a private network namespace")
struct SetElementKernelTests {
    @Test("Hosts and prefixes of both families are added, listed, looked up and deleted")
    func addListLookupDelete() async throws {
        let fixture = try await KernelFixture()
        let firewall = fixture.firewall
        try await firewall.verify()
        let targets = ["192.0.2.7", "2001:db8::7", "198.51.100.0/24", "2001:db8:1::/48"].map { IPPrefix($0)! }
        let rejected = try await firewall.ban(targets.map { BanRequest(target: $0, timeout: .seconds(600)) })
        #expect(rejected.isEmpty)

        let listed = try await firewall.list()
        #expect(Set(listed.map(\.target)) == Set(targets))
        for entry in listed {
            #expect(entry.timeout == .seconds(600))
            let left = try #require(entry.expiresIn)
            #expect(left > .seconds(590) && left <= .seconds(600))
        }
        #expect(try await firewall.lookup(IPAddress("192.0.2.7")!)?.target == targets[0])
        #expect(try await firewall.lookup(IPAddress("198.51.100.77")!)?.target == targets[2])
        #expect(try await firewall.lookup(IPAddress("2001:db8:1:ffff::1")!)?.target == targets[3])
        #expect(try await firewall.lookup(IPAddress("192.0.2.8")!) == nil)

        let nftView = try await fixture.listSet("ban_net_v4")
        #expect(nftView.contains("198.51.100.0/24 timeout 10m"))

        try await firewall.unban([targets[0], targets[2], IPPrefix("203.0.113.9")!])
        #expect(Set(try await firewall.list().map(\.target)) == [targets[1], targets[3]])
        try await firewall.flush()
        #expect(try await firewall.list().isEmpty)
    }

    @Test("A comment is stored as nft's element user data and round-trips")
    func commentRoundTrip() async throws {
        let fixture = try await KernelFixture()
        let comment = "sip-auth: 12 failures in 60s"
        _ = try await fixture.firewall.ban([
            BanRequest(target: IPPrefix("192.0.2.55")!, timeout: .seconds(300), comment: comment),
            BanRequest(target: IPPrefix("203.0.113.0/28")!, timeout: .seconds(300), comment: "net ban"),
        ])
        let entries = try await fixture.firewall.list()
        #expect(entries.first { $0.target == IPPrefix("192.0.2.55")! }?.comment == comment)
        #expect(entries.first { $0.target == IPPrefix("203.0.113.0/28")! }?.comment == "net ban")
        #expect(try await fixture.listSet("ban_v4").contains("comment \"\(comment)\""))
        #expect(try await fixture.listSet("ban_net_v4").contains("comment \"net ban\""))

        // And the other way round: a comment written by nft is read back.
        let added = try await fixture.nft(["add", "element", "inet", "kobrakai", "ban_v6",
                                           "{ 2001:db8::99 timeout 1h comment \"by hand\" }"])
        try #require(added.status == 0, "\(added.standardError)")
        #expect(try await fixture.firewall.lookup(IPAddress("2001:db8::99")!)?.comment == "by hand")
    }

    @Test("Elements really expire after their timeout")
    func expiry() async throws {
        let fixture = try await KernelFixture()
        _ = try await fixture.firewall.ban([
            BanRequest(target: IPPrefix("192.0.2.1")!, timeout: .milliseconds(1200)),
            BanRequest(target: IPPrefix("198.51.100.0/25")!, timeout: .milliseconds(1200)),
            BanRequest(target: IPPrefix("192.0.2.2")!, timeout: .seconds(600)),
        ])
        #expect(try await fixture.firewall.list().count == 3)
        try await Task.sleep(for: .milliseconds(2500))
        #expect(try await fixture.firewall.list().map(\.target) == [IPPrefix("192.0.2.2")!])
        #expect(try await fixture.firewall.lookup(IPAddress("192.0.2.1")!) == nil)
    }
}
