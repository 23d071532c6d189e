import KobraKaiAddress
import KobraKaiCore
import Testing

@Suite("Subnet escalation and IPv6 granularity")
struct SubnetAndIPv6Tests {
    @Test func fourBannedHostsInOneSlash24BanTheNetwork() throws {
        var policy = try makePolicy()
        for host in 1...3 {
            #expect(policy.observe(event("198.51.100.\(host)", severity: .high), now: at(Double(host))).count == 1)
        }
        let decisions = policy.observe(event("198.51.100.4", rule: "pjsip-scanner", severity: .high), now: at(4))
        #expect(decisions.count == 2)
        let network = try #require(decisions.last)
        #expect(network.target == net("198.51.100.0/24"))
        #expect(network.kind == .subnet)
        #expect(network.rule == "pjsip-scanner")
        #expect(network.reason == "subnet: 4 hosts banned in 198.51.100.0/24 within 600s")
        #expect(network.address == ip("198.51.100.4"))
        // Any host of the network is now covered: no more decisions.
        #expect(policy.observe(event("198.51.100.77", severity: .high), now: at(5)).isEmpty)
        #expect(policy.isBanned(ip("198.51.100.200"), now: at(5)))
        #expect(!policy.isBanned(ip("198.51.101.1"), now: at(5)))
    }

    @Test func hostsBannedOutsideTheWindowDoNotEscalate() throws {
        var policy = try makePolicy()
        _ = policy.observe(event("198.51.100.1", severity: .high), now: at(0))
        for host in 2...4 {
            #expect(policy.observe(event("198.51.100.\(host)", severity: .high), now: at(600 + Double(host))).count == 1)
        }
        // The same host banned twice counts once.
        var same = try makePolicy { $0.banTime.base = .seconds(10); $0.banTime.maximum = .seconds(10) }
        for round in 0..<6 {
            #expect(same.observe(event("198.51.100.9", severity: .high), now: at(Double(round) * 11)).count == 1)
        }
    }

    @Test func ipv6HostsEscalateToTheirSlash64() throws {
        var policy = try makePolicy()
        for host in 1...3 {
            let decisions = policy.observe(event("2001:db8:1:2::\(host)", severity: .high), now: at(Double(host)))
            #expect(decisions.map(\.target) == [net("2001:db8:1:2::\(host)/128")])
        }
        let decisions = policy.observe(event("2001:db8:1:2:aaaa::4", severity: .high), now: at(4))
        #expect(decisions.map(\.target) == [net("2001:db8:1:2:aaaa::4/128"), net("2001:db8:1:2::/64")])
        #expect(decisions.last?.reason == "subnet: 4 hosts banned in 2001:db8:1:2::/64 within 600s")
    }

    @Test func rotatingInsideASlash64SharesOneCounter() throws {
        var policy = try makePolicy()
        for host in 1...4 {
            #expect(policy.observe(event("2001:db8:5:6::\(host)"), now: at(Double(host))).isEmpty)
        }
        let decisions = policy.observe(event("2001:db8:5:6::ffff"), now: at(5))
        #expect(decisions.map(\.target) == [net("2001:db8:5:6::ffff/128")])
        #expect(decisions.first?.reason == "pjsip-invalid-password: 5 events in 60s")
    }

    @Test func ipv6BanPrefixIsConfigurableAndNarrowedByTheAllowlist() throws {
        var policy = try makePolicy(allowlist: Allowlist(prefixes: [net("2001:db8:9:9::53/128")])) {
            $0.ipv6BanPrefixLength = 64
            $0.subnet.ipv6PrefixLength = 48
        }
        let wide = policy.observe(event("2001:db8:7:7::1", severity: .high), now: at(0))
        #expect(wide.map(\.target) == [net("2001:db8:7:7::/64")])
        // Its /64 holds an allowlisted resolver: ban just the host.
        let narrow = policy.observe(event("2001:db8:9:9::66", severity: .high), now: at(1))
        #expect(narrow.map(\.target) == [net("2001:db8:9:9::66/128")])
        #expect(policy.statistics.bansNarrowedByAllowlist == 1)
    }

    @Test func subnetPrefixLengthsAreConfigurable() throws {
        var policy = try makePolicy {
            $0.subnet.hosts = 2
            $0.subnet.ipv4PrefixLength = 16
        }
        _ = policy.observe(event("10.20.1.1", severity: .high), now: at(0))
        let decisions = policy.observe(event("10.20.200.9", severity: .high), now: at(1))
        #expect(decisions.last?.target == net("10.20.0.0/16"))
    }

    @Test func escalationDisabledBansHostsOnly() throws {
        var policy = try makePolicy { $0.subnet.enabled = false }
        var decisions: [BanDecision] = []
        for host in 1...10 { decisions += policy.observe(event("198.51.100.\(host)", severity: .high), now: at(Double(host))) }
        #expect(decisions.count == 10)
        #expect(decisions.allSatisfy { $0.target.isHost })
    }
}
