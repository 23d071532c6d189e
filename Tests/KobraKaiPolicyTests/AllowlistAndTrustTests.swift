import KobraKaiAddress
import KobraKaiCore
import Testing

@Suite("Allowlist and trust learning")
struct AllowlistAndTrustTests {
    @Test func allowlistedAddressesAreNeverBanned() throws {
        let allowlist = Allowlist(prefixes: [net("192.0.2.0/28"), net("2001:db8:aa::/48")], runtimeAddresses: [ip("203.0.113.250")])
        var policy = try makePolicy(allowlist: allowlist)
        for address in ["192.0.2.1", "192.0.2.15", "2001:db8:aa:1::9", "203.0.113.250", "127.0.0.1", "127.9.9.9", "::1", "::ffff:127.0.0.1"] {
            #expect(feed(&policy, event(address, severity: .high, account: "x"), count: 20).isEmpty, "\(address)")
        }
        #expect(policy.statistics.allowlistedEvents == 160)
        // Just outside the /28: banned as usual.
        #expect(policy.observe(event("192.0.2.16", severity: .high), now: at(0)).count == 1)
    }

    @Test func escalationNeverCoversAnAllowlistedAddress() throws {
        var policy = try makePolicy(allowlist: Allowlist(prefixes: [net("198.51.100.200/32")]))
        var decisions: [BanDecision] = []
        for host in 1...8 { decisions += policy.observe(event("198.51.100.\(host)", severity: .high), now: at(Double(host))) }
        #expect(decisions.count == 8)
        #expect(decisions.allSatisfy { $0.target.isHost })
        #expect(policy.statistics.escalationsRefusedByAllowlist > 0)
    }

    @Test func runtimeAddressesAndReloadedAllowlistTakeEffect() throws {
        var policy = try makePolicy()
        policy.replaceRuntimeAddresses([ip("203.0.113.5")])
        #expect(policy.observe(event("203.0.113.5", severity: .high), now: at(0)).isEmpty)
        policy.replaceAllowlist([net("203.0.113.64/26")])
        #expect(policy.observe(event("203.0.113.100", severity: .high), now: at(1)).isEmpty)
        #expect(policy.observe(event("203.0.113.5", severity: .high), now: at(2)).isEmpty)
        policy.replaceAllowlist([])
        #expect(policy.observe(event("203.0.113.100", severity: .high), now: at(3)).count == 1)
        // Loopback survives every replacement.
        #expect(policy.allowlist.contains(ip("127.0.0.1")))
    }

    @Test func lookupAndIntersectionOnManyEntries() {
        var prefixes: [IPPrefix] = []
        for index in 0..<5000 { prefixes.append(IPPrefix(address: .v4(IPv4Address(rawValue: UInt32(index) << 12)), length: 22)) }
        let allowlist = Allowlist(prefixes: prefixes)
        #expect(allowlist.contains(.v4(IPv4Address(rawValue: 7 << 12 | 0x3FF))))
        #expect(!allowlist.contains(.v4(IPv4Address(rawValue: 7 << 12 | 0x400))))
        #expect(allowlist.intersects(IPPrefix(address: .v4(IPv4Address(rawValue: 7 << 12)), length: 16)))
        #expect(!allowlist.intersects(IPPrefix(address: .v4(IPv4Address(rawValue: 7 << 12 | 0x800)), length: 22)))
        #expect(allowlist.intersects(net("0.0.0.0/8")))
        #expect(!allowlist.intersects(net("2001:db8::/32")))
        #expect(allowlist.intersects(net("::/0")))  // contains ::1
    }

    @Test func trustedAddressesGetAHigherThreshold() throws {
        var policy = try makePolicy()
        let office = "198.51.100.20"
        _ = policy.observe(event(office, rule: "security.successful-auth", severity: .informational), now: at(0))
        // Threshold 5 × multiplier 4 = 20 medium events.
        #expect(feed(&policy, event(office), count: 19, start: 1, step: 0.1).isEmpty)
        #expect(policy.observe(event(office), now: at(3)).count == 1)
    }

    @Test func trustExpires() throws {
        var policy = try makePolicy()
        _ = policy.observe(event("198.51.100.21", rule: "security.successful-auth", severity: .informational), now: at(0))
        #expect(feed(&policy, event("198.51.100.21"), count: 5, start: 3601).count == 1)
    }

    @Test func highSeverityStillBansATrustedAddressUnlessConfigured() throws {
        var policy = try makePolicy()
        _ = policy.observe(event("198.51.100.22", rule: "security.successful-auth", severity: .informational), now: at(0))
        #expect(policy.observe(event("198.51.100.22", severity: .high), now: at(1)).count == 1)

        var lenient = try makePolicy { $0.trust.appliesToHighSeverity = true }
        _ = lenient.observe(event("198.51.100.22", rule: "security.successful-auth", severity: .informational), now: at(0))
        #expect(feed(&lenient, event("198.51.100.22", severity: .high), count: 19, start: 1).isEmpty)
        #expect(lenient.observe(event("198.51.100.22", severity: .high), now: at(30)).count == 1)
    }

    @Test func otherInformationalEventsDoNotGrantTrust() throws {
        var policy = try makePolicy()
        _ = policy.observe(event("198.51.100.23", rule: "security-challenge-sent", severity: .informational), now: at(0))
        #expect(feed(&policy, event("198.51.100.23"), count: 5, start: 1).count == 1)
    }

    @Test func trustDisabledMeansNoMultiplier() throws {
        var policy = try makePolicy { $0.trust.enabled = false }
        _ = policy.observe(event("198.51.100.24", rule: "security.successful-auth", severity: .informational), now: at(0))
        #expect(feed(&policy, event("198.51.100.24"), count: 5, start: 1).count == 1)
    }
}

@Suite("Allowlist and ban history")
struct AllowlistHistoryTests {
    @Test func activeBansNeverIncludeNewlyAllowlistedTargets() throws {
        var policy = try makePolicy()
        _ = policy.observe(event("198.51.100.30", severity: .high), now: at(0))
        _ = policy.observe(event("198.51.100.31", severity: .high), now: at(1))
        policy.replaceAllowlist([net("198.51.100.30/32")])
        #expect(policy.activeBans(now: at(2)).map(\.target) == [net("198.51.100.31/32")])
        #expect(policy.allowlistedActiveBans(now: at(2)).map(\.target) == [net("198.51.100.30/32")])
        policy.releaseBan(of: net("198.51.100.30/32"), now: at(3))
        #expect(policy.allowlistedActiveBans(now: at(3)).isEmpty)
    }

    @Test func veryBroadAllowlistEntriesWarn() throws {
        let configuration = try Configuration.load(from: #"{"allowlist": {"cidrs": ["0.0.0.0/0", "10.0.0.0/8", "2000::/3"]}}"#)
        #expect(configuration.warnings.map(\.keyPath) == ["allowlist.cidrs[0]", "allowlist.cidrs[2]"])
    }
}
