/// The nftables objects the daemon writes ban elements into (created by `nft/kobrakai.nft`, never by the
/// daemon), and whether it writes at all.
public struct FirewallConfiguration: Hashable, Sendable {
    /// nftables table family: `inet` covers IPv4 and IPv6 in one table.
    public var family = "inet"
    public var table = "kobrakai"
    /// Host bans (`ipv4_addr` / `ipv6_addr`, flags timeout).
    public var ipv4Set = "banned4"
    public var ipv6Set = "banned6"
    /// Network bans from subnet escalation (flags interval, timeout).
    public var ipv4NetworkSet = "banned4_net"
    public var ipv6NetworkSet = "banned6_net"
    /// Decide and log, but change nothing in the kernel.
    public var dryRun = false

    public init() {}
}
