/// Counters for metrics and `status` output; they only ever grow.
public struct PolicyStatistics: Hashable, Sendable {
    public var eventsObserved = 0
    /// Events from allowlisted addresses, dropped before any counting.
    public var allowlistedEvents = 0
    /// Events from targets the policy already banned (the kernel drops their packets anyway).
    public var suppressedWhileBanned = 0
    public var hostBans = 0
    public var subnetBans = 0
    /// Escalations not made because the network contains an allowlisted address.
    public var escalationsRefusedByAllowlist = 0
    /// IPv6 bans narrowed from the configured prefix to /128 because of the allowlist.
    public var bansNarrowedByAllowlist = 0
    /// Address counters dropped to stay under the cap (a flood); counters that merely expired are not counted.
    public var evictedAddresses = 0

    public init() {}
}
