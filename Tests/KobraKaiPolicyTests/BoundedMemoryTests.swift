import KobraKaiAddress
import KobraKaiCore
import Testing

@Suite("Bounded memory")
struct BoundedMemoryTests {
    @Test func aMillionDistinctAddressesStayUnderTheCap() throws {
        var policy = try makePolicy {
            $0.limits.maxTrackedAddresses = 10_000
            $0.limits.maxAccountPairs = 10_000
        }
        let total: UInt32 = 1_000_000
        var highWater = 0
        // 10.0.0.0 upwards, one medium event each, all within one window so nothing expires by age.
        for index in 0..<total {
            let address = IPAddress.v4(IPv4Address(rawValue: 0x0A00_0000 + index))
            let sample = SecurityEvent(
                time: nil, address: address, origin: .logFile, service: .pjsip, rule: "pjsip-invalid-password",
                severity: .medium, account: "acct\(index % 3)")
            #expect(policy.observe(sample, now: at(Double(index) / 1_000_000)).isEmpty)
            if index % 1000 == 0 { highWater = max(highWater, policy.trackedAddressCount) }
        }
        highWater = max(highWater, policy.trackedAddressCount)
        #expect(highWater <= 10_000)
        #expect(policy.trackedAddressCount == 10_000)
        #expect(policy.statistics.evictedAddresses == 990_000)
        #expect(policy.tableSizes == PolicyTableSizes(
            trackedAddresses: 10_000, offenders: 0, subnets: 0, trustedAddresses: 0, accountPairs: 10_000))

        // A recent address kept its count: 4 more events make 5.
        let recent = event("10.15.66.63")  // 0x0A0F423F = the last address fed
        #expect(feed(&policy, recent, count: 3, start: 2).isEmpty)
        #expect(policy.observe(recent, now: at(5)).count == 1)
        // An evicted (least recently seen) address starts from zero.
        let early = event("10.0.0.5")
        #expect(feed(&policy, early, count: 4, start: 6).isEmpty)
    }

    @Test func idleCountersExpireWithoutATimer() throws {
        var policy = try makePolicy()
        for host in 1...100 { _ = policy.observe(event("192.0.2.\(host)"), now: at(0)) }
        #expect(policy.trackedAddressCount == 100)
        // Every later event frees up to two idle entries; the longest window is 300 s (enumeration).
        let idle = event("203.0.113.1", rule: "security-challenge-sent", severity: .informational)
        for step in 0..<60 { _ = policy.observe(idle, now: at(301 + Double(step))) }
        #expect(policy.trackedAddressCount == 0)
    }

    @Test func offenderHistoryIsCapped() throws {
        var policy = try makePolicy {
            $0.limits.maxOffenders = 100
            $0.subnet.enabled = false
        }
        for index in 0..<1000 {
            let address = IPAddress.v4(IPv4Address(rawValue: 0xC633_6400 &+ UInt32(index)))
            let sample = SecurityEvent(time: nil, address: address, origin: .ami, service: .ami, rule: "ami-x", severity: .high)
            #expect(policy.observe(sample, now: at(Double(index))).count == 1)
        }
        let history = policy.offenderHistory()
        #expect(history.count == 100)
        #expect(history.last?.target == IPPrefix(host: .v4(IPv4Address(rawValue: 0xC633_6400 + 999))))
    }
}
