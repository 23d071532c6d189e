/// Every number the ban policy decides with. The JSON `policy` section decodes into this; code (tests,
/// the daemon) may also build one directly and must then call `validate()` (the `BanPolicy`
/// initialiser does).
public struct PolicyConfiguration: Hashable, Sendable {
    /// Medium-severity events within `window` that ban an address.
    public var threshold = 5
    public var window: Duration = .seconds(60)
    /// What one low-severity event counts for, as a fraction of a medium one (0 disables low events).
    public var lowWeight = 0.25
    public var rules: [RuleOverride] = []
    public var enumeration = EnumerationSettings()
    public var banTime = BanTimeSettings()
    public var subnet = SubnetEscalationSettings()
    public var trust = TrustSettings()
    public var limits = PolicyLimits()
    /// IPv6 counters, trust and enumeration are kept per prefix of this length (default /64): one host
    /// owns a whole /64 (SLAAC, privacy addresses), and an attacker rotating addresses inside it must
    /// not start from zero with every new address.
    public var ipv6TrackingPrefixLength = 64
    /// What a single IPv6 offender is banned as (default /128, the address itself). Rotation inside a
    /// /64 is caught by the per-/64 counters and by subnet escalation without over-banning neighbours.
    public var ipv6BanPrefixLength = 128

    public init() {}

    /// Checks ranges and the relations between settings.
    /// - Throws: `ConfigurationError` naming the JSON key path of the first bad value.
    public func validate() throws(ConfigurationError) {
        try Self.require(threshold, in: 1...100_000, "policy.threshold")
        try Self.require(window, positive: "policy.window")
        guard lowWeight.isFinite, lowWeight >= 0, lowWeight <= 1 else {
            throw ConfigurationError(keyPath: "policy.low_weight", reason: "must be between 0 and 1, got \(lowWeight)")
        }
        guard rules.count <= 1000 else {
            throw ConfigurationError(keyPath: "policy.rules", reason: "at most 1000 rule overrides are supported")
        }
        var seen: Set<String> = []
        for rule in rules {
            let path = "policy.rules.\(rule.selector)"
            guard !rule.selector.isEmpty, rule.selector.firstIndex(of: "*").map({ $0 == rule.selector.index(before: rule.selector.endIndex) }) ?? true else {
                throw ConfigurationError(keyPath: path, reason: "a rule selector is an id or a prefix ending in '*'")
            }
            guard seen.insert(rule.selector).inserted else {
                throw ConfigurationError(keyPath: path, reason: "listed twice")
            }
            if let value = rule.threshold { try Self.require(value, in: 1...100_000, path + ".threshold") }
            if let value = rule.window { try Self.require(value, positive: path + ".window") }
        }
        if enumeration.enabled {
            try Self.require(enumeration.accounts, in: 2...1000, "policy.enumeration.accounts")
            try Self.require(enumeration.window, positive: "policy.enumeration.window")
        }
        try Self.require(banTime.base, positive: "policy.ban_time.base")
        guard banTime.factor.isFinite, banTime.factor >= 1, banTime.factor <= 100 else {
            throw ConfigurationError(keyPath: "policy.ban_time.factor", reason: "must be between 1 and 100, got \(banTime.factor)")
        }
        try Self.require(banTime.maximum, positive: "policy.ban_time.max")
        guard banTime.maximum >= banTime.base else {
            throw ConfigurationError(keyPath: "policy.ban_time.max", reason: "must not be shorter than policy.ban_time.base")
        }
        try Self.require(banTime.history, positive: "policy.ban_time.history")
        try Self.require(ipv6TrackingPrefixLength, in: 32...128, "policy.ipv6_tracking_prefix")
        try Self.require(ipv6BanPrefixLength, in: 32...128, "policy.ipv6_ban_prefix")
        if subnet.enabled {
            try Self.require(subnet.hosts, in: 2...64, "policy.subnet.hosts")
            try Self.require(subnet.window, positive: "policy.subnet.window")
            // A typo such as 2 or 0 would ban a quarter of the Internet: keep escalation to real networks.
            try Self.require(subnet.ipv4PrefixLength, in: 8...31, "policy.subnet.ipv4_prefix")
            try Self.require(subnet.ipv6PrefixLength, in: 16...127, "policy.subnet.ipv6_prefix")
            guard subnet.ipv6PrefixLength < ipv6BanPrefixLength else {
                throw ConfigurationError(
                    keyPath: "policy.subnet.ipv6_prefix",
                    reason: "must be shorter than policy.ipv6_ban_prefix (\(ipv6BanPrefixLength))")
            }
        }
        if trust.enabled {
            try Self.require(trust.duration, positive: "policy.trust.duration")
            try Self.require(trust.multiplier, in: 1...100, "policy.trust.multiplier")
        }
        try Self.require(limits.maxTrackedAddresses, in: 1...10_000_000, "policy.limits.max_addresses")
        try Self.require(limits.maxOffenders, in: 1...10_000_000, "policy.limits.max_offenders")
        try Self.require(limits.maxSubnets, in: 1...10_000_000, "policy.limits.max_subnets")
        try Self.require(limits.maxTrustedAddresses, in: 1...10_000_000, "policy.limits.max_trusted")
        try Self.require(limits.maxAccountPairs, in: 1...10_000_000, "policy.limits.max_account_pairs")
        try Self.require(limits.eventsPerAddress, in: 2...256, "policy.limits.events_per_address")
    }

    private static func require(_ value: Int, in range: ClosedRange<Int>, _ path: String) throws(ConfigurationError) {
        guard range.contains(value) else {
            throw ConfigurationError(
                keyPath: path, reason: "must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
    }

    /// Ten years: longer durations are typos, and bounding them keeps `now + duration` from overflowing.
    static let longestDuration: Duration = .seconds(3650 * 86_400)

    private static func require(_ value: Duration, positive path: String) throws(ConfigurationError) {
        guard value.milliseconds > 0 else {
            throw ConfigurationError(keyPath: path, reason: "must be a positive duration")
        }
        guard value <= longestDuration else {
            throw ConfigurationError(keyPath: path, reason: "must not exceed 3650d")
        }
    }
}
