import Foundation
import KobraKaiAddress
import KobraKaiFirewall
import KobraKaiNetfilter
import Testing

@Suite("Re-banning restarts the timeout")
struct RefreshKernelTests {
    static let strategies: [KernelFeatures?] = [
        nil,  // whatever the probe finds on this kernel
        KernelFeatures(expirationRefresh: true, destroyElement: true),
        KernelFeatures(expirationRefresh: false, destroyElement: true),
        KernelFeatures(expirationRefresh: false, destroyElement: false),
    ]

    @Test("The probe finds what the running kernel offers")
    func probeMatchesKernel() async throws {
        let fixture = try await KernelFixture()
        let release = try String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)
        let numbers = release.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        let version = (numbers.first ?? 0, numbers.dropFirst().first ?? 0)
        // DESTROYSETELEM arrived in 6.3; the element-update path was verified on 6.18 (nftables-netlink.md §4).
        #expect(fixture.firewall.features.destroyElement == (version >= (6, 3)))
        if version >= (6, 18) {
            #expect(fixture.firewall.features == KernelFeatures(expirationRefresh: true, destroyElement: true))
            #expect(fixture.firewall.features.refreshStrategy == .expirationAttribute)
        }
    }

    @Test("A re-ban with the same timeout resets the expiry", arguments: strategies)
    func reBanResetsExpiry(features: KernelFeatures?) async throws {
        let fixture = try await KernelFixture(features: features)
        let targets = ["192.0.2.10", "2001:db8::10", "198.51.100.0/24"].map { IPPrefix($0)! }
        let requests = targets.map { BanRequest(target: $0, timeout: .seconds(60), comment: "first") }
        #expect(try await fixture.firewall.ban(requests).isEmpty)
        try await Task.sleep(for: .milliseconds(1500))
        for entry in try await fixture.firewall.list() {
            #expect(try #require(entry.expiresIn) < .milliseconds(58_800), "\(entry.target) did not age")
        }
        let again = targets.map { BanRequest(target: $0, timeout: .seconds(60), comment: "second") }
        #expect(try await fixture.firewall.ban(again).isEmpty)
        let entries = try await fixture.firewall.list()
        #expect(entries.count == 3)
        for entry in entries {
            #expect(try #require(entry.expiresIn) > .milliseconds(59_500), "\(entry.target) was not refreshed")
            #expect(entry.timeout == .seconds(60))
        }
    }

    @Test("A re-ban with a longer timeout extends it; the kernel keeps one element")
    func reBanLongerTimeout() async throws {
        let fixture = try await KernelFixture()
        let target = IPPrefix("192.0.2.20")!
        _ = try await fixture.firewall.ban([BanRequest(target: target, timeout: .seconds(30))])
        _ = try await fixture.firewall.ban([BanRequest(target: target, timeout: .seconds(3600))])
        let entries = try await fixture.firewall.list()
        #expect(entries.count == 1)
        #expect(entries.first?.timeout == .seconds(3600))
    }

    @Test("Kernel semantics pinned: a plain re-add with the same timeout does NOT refresh")
    func plainReAddDoesNotRefresh() async throws {
        let fixture = try await KernelFixture()
        let add = ["add", "element", "inet", "kobrakai", "ban_v4", "{ 192.0.2.30 timeout 60s }"]
        try #require(try await fixture.nft(add).status == 0)
        try await Task.sleep(for: .milliseconds(1500))
        try #require(try await fixture.nft(add).status == 0)
        let entry = try #require(try await fixture.firewall.lookup(IPAddress("192.0.2.30")!))
        #expect(try #require(entry.expiresIn) < .milliseconds(58_800))
    }
}
