import KobraKaiAddress
import KobraKaiFirewall
import KobraKaiNetfilter
import Testing

@Suite("Kernels without DESTROYSETELEM")
struct DeleteFallbackKernelTests {
    @Test("DELSETELEM fallback: deleting present and absent entries in one call succeeds and is idempotent")
    func deleteFallback() async throws {
        let fixture = try await KernelFixture(features: KernelFeatures(expirationRefresh: false, destroyElement: false))
        _ = try await fixture.firewall.ban(["192.0.2.1", "192.0.2.2", "198.51.100.0/24", "2001:db8::1"].map {
            BanRequest(target: IPPrefix($0)!, timeout: .seconds(60))
        })
        let targets = ["192.0.2.1", "192.0.2.9", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::1"].map {
            IPPrefix($0)!
        }
        try await fixture.firewall.unban(targets)
        #expect(try await fixture.firewall.list().map(\.target.description) == ["192.0.2.2"])
        try await fixture.firewall.unban(targets)  // all absent now: still no error
        try await fixture.firewall.disallow([IPPrefix("10.0.0.0/8")!])
    }
}
