/// How large messages and transactions may grow.
///
/// Defaults follow nftables-netlink.md §6.2: each element list stays below the u16 netlink attribute length
/// (with headroom, as google/nftables keeps 1 KiB), and a transaction stays below the default 212 992-byte
/// socket send buffer, so that no SO_SNDBUFFORCE is needed and one bad element only costs its own chunk.
public struct TransactionLimits: Hashable, Sendable {
    /// Maximum bytes of one NFTA_SET_ELEM_LIST_ELEMENTS nest.
    public var maximumElementListBytes: Int
    /// Maximum bytes of one transaction (BEGIN ... END), sent with one `sendto`.
    public var maximumTransactionBytes: Int

    public init(maximumElementListBytes: Int = 64_000, maximumTransactionBytes: Int = 200_000) {
        precondition(maximumElementListBytes <= Int(UInt16.max), "a netlink attribute length is 16 bits")
        self.maximumElementListBytes = maximumElementListBytes
        self.maximumTransactionBytes = maximumTransactionBytes
    }

    public static let standard = TransactionLimits()
}
