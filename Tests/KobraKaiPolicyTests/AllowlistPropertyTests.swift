import KobraKaiAddress
import KobraKaiCore
import Testing

/// Random event streams against random allowlists: no decision may ever target an allowlisted address
/// or a prefix containing one. The oracle is a naive scan over the entries, independent of `Allowlist`.
@Suite("Allowlist property")
struct AllowlistPropertyTests {
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func randomStreamsNeverBanAllowlistedAddresses(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        var totals = (decisions: 0, subnets: 0, refused: 0, allowlistedEvents: 0)
        for _ in 0..<60 {
            let scenario = Scenario(random: &random)
            var policy = try BanPolicy(configuration: scenario.configuration, allowlist: scenario.allowlist)
            var now = 0.0
            for _ in 0..<2500 {
                now += Double(Int.random(in: 0...3000, using: &random)) / 1000
                let sample = scenario.randomEvent(random: &random)
                for decision in policy.observe(sample, now: at(now)) {
                    let targetOverlaps = scenario.naiveAllowlistOverlaps(decision.target)
                    let addressAllowlisted = scenario.naiveAllowlistOverlaps(IPPrefix(host: decision.address))
                    #expect(!targetOverlaps, "banned \(decision.target) (\(decision.reason)), allowlist \(scenario.entries)")
                    #expect(!addressAllowlisted, "decision for allowlisted \(decision.address)")
                    #expect(decision.target.contains(decision.address))
                    #expect(decision.reason.utf8.count <= 127)
                    #expect(decision.duration <= scenario.configuration.banTime.maximum)
                    totals.decisions += 1
                    if decision.kind == .subnet { totals.subnets += 1 }
                }
            }
            totals.refused += policy.statistics.escalationsRefusedByAllowlist
            totals.allowlistedEvents += policy.statistics.allowlistedEvents
        }
        // The streams must actually exercise bans, escalations, refusals and allowlisted traffic.
        #expect(totals.decisions > 1000)
        #expect(totals.subnets > 10)
        #expect(totals.refused > 10)
        #expect(totals.allowlistedEvents > 1000)
    }
}

/// One random configuration, allowlist and address universe small enough that collisions happen.
private struct Scenario {
    var configuration = PolicyConfiguration()
    var entries: [IPPrefix] = []
    var runtime: [IPAddress] = []
    var allowlist: Allowlist

    init(random: inout SeededGenerator) {
        configuration.threshold = Int.random(in: 1...6, using: &random)
        configuration.window = .seconds(Int64.random(in: 10...120, using: &random))
        configuration.lowWeight = [0, 0.25, 0.5, 1].randomElement(using: &random)!
        configuration.enumeration.accounts = Int.random(in: 2...6, using: &random)
        configuration.subnet.hosts = Int.random(in: 2...4, using: &random)
        configuration.subnet.ipv4PrefixLength = [16, 20, 24, 28].randomElement(using: &random)!
        configuration.subnet.ipv6PrefixLength = [48, 56, 60].randomElement(using: &random)!
        configuration.ipv6BanPrefixLength = [64, 128].randomElement(using: &random)!
        configuration.trust.appliesToHighSeverity = Bool.random(using: &random)
        configuration.banTime.base = .seconds(Int64.random(in: 1...600, using: &random))
        configuration.limits.maxTrackedAddresses = Int.random(in: 5...500, using: &random)
        for _ in 0..<Int.random(in: 1...12, using: &random) {
            let isIPv4 = Bool.random(using: &random)
            let length = isIPv4 ? [16, 24, 26, 30, 32].randomElement(using: &random)! : [48, 60, 64, 100, 128].randomElement(using: &random)!
            entries.append(IPPrefix(address: Self.universeAddress(isIPv4: isIPv4, random: &random), length: length))
        }
        for _ in 0..<Int.random(in: 0...3, using: &random) {
            runtime.append(Self.universeAddress(isIPv4: Bool.random(using: &random), random: &random))
        }
        allowlist = Allowlist(prefixes: entries, runtimeAddresses: runtime)
    }

    /// 198.51.0-3.x and 2001:db8:0-3:0-3::x: a few networks, so escalation and overlap are common.
    static func universeAddress(isIPv4: Bool, random: inout SeededGenerator) -> IPAddress {
        if isIPv4 {
            return .v4(IPv4Address(198, 51, UInt8.random(in: 0...3, using: &random), UInt8.random(in: 0...255, using: &random)))
        }
        let high: UInt64 = 0x2001_0db8_0000_0000 | UInt64.random(in: 0...3, using: &random) << 16 | UInt64.random(in: 0...3, using: &random)
        let low = Bool.random(using: &random) ? UInt64.random(in: 0...255, using: &random) : UInt64.random(in: 0...UInt64.max, using: &random)
        return .v6(IPv6Address(high: high, low: low))
    }

    /// An address inside `prefix`.
    static func address(inside prefix: IPPrefix, random: inout SeededGenerator) -> IPAddress {
        switch (prefix.network, prefix.lastAddress) {
        case (.v4(let first), .v4(let last)):
            return .v4(IPv4Address(rawValue: UInt32.random(in: first.rawValue...last.rawValue, using: &random)))
        case (.v6(let first), .v6(let last)):
            let high = UInt64.random(in: first.high...last.high, using: &random)
            return .v6(IPv6Address(high: high, low: UInt64.random(in: first.low...last.low, using: &random)))
        default:
            fatalError("mixed families")
        }
    }

    func randomEvent(random: inout SeededGenerator) -> SecurityEvent {
        let address: IPAddress
        switch Int.random(in: 0..<10, using: &random) {
        case 0...2: address = Self.address(inside: entries.randomElement(using: &random)!, random: &random)
        case 3: address = runtime.randomElement(using: &random) ?? .v4(IPv4Address(127, 0, 0, 1))
        case 4: address = [IPAddress.v4(IPv4Address(127, 0, 0, 1)), .v6(IPv6Address(high: 0, low: 1))].randomElement(using: &random)!
        default: address = Self.universeAddress(isIPv4: Bool.random(using: &random), random: &random)
        }
        let severity = Severity.allCases.randomElement(using: &random)!
        let rule = severity == .informational && Bool.random(using: &random)
            ? "security.successful-auth" : ["pjsip-a", "iax2-b", "ami-c"].randomElement(using: &random)!
        let account = Bool.random(using: &random) ? "user\(Int.random(in: 0...20, using: &random))" : nil
        return SecurityEvent(
            time: nil, address: address, origin: .logFile, service: .pjsip, rule: rule, severity: severity, account: account)
    }

    func naiveAllowlistOverlaps(_ target: IPPrefix) -> Bool {
        let all = entries + runtime.map { IPPrefix(host: $0) } + [net("127.0.0.0/8"), net("::1/128")]
        return all.contains { $0.contains(target.network) || target.contains($0.network) }
    }
}
