/// Subnet escalation: when several hosts of one network are banned within a short time, the attacker
/// controls the network (a botnet range, a rented /24, a rotating IPv6 /64), so the network is banned.
public struct SubnetEscalationSettings: Hashable, Sendable {
    public var enabled = true
    /// Distinct banned hosts within `window` that ban their prefix.
    public var hosts = 4
    public var window: Duration = .seconds(600)
    public var ipv4PrefixLength = 24
    public var ipv6PrefixLength = 64

    public init() {}
}
