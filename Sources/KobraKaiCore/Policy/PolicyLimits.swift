/// Hard caps on the policy's memory. Each table evicts its least recently used entry when full, so a
/// flood from millions of (possibly spoofed) addresses costs at most these many entries.
public struct PolicyLimits: Hashable, Sendable {
    /// Addresses (IPv6: tracking prefixes) with live counters.
    public var maxTrackedAddresses = 50_000
    /// Ban history entries (progressive ban time, duplicate suppression).
    public var maxOffenders = 100_000
    /// Networks with recent host bans (subnet escalation).
    public var maxSubnets = 10_000
    /// Addresses trusted after a successful authentication.
    public var maxTrustedAddresses = 10_000
    /// (address, account) pairs remembered for enumeration detection, across all addresses.
    public var maxAccountPairs = 100_000
    /// Recent events remembered per address; when full, new events are merged into the newest entry
    /// of the same rule class, which can only make counting more conservative, never ban earlier.
    public var eventsPerAddress = 16

    public init() {}
}
