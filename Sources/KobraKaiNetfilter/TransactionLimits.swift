/// How large messages and transactions may grow.
///
/// Defaults follow nftables-netlink.md §5/§6.2: each element list stays below the u16 netlink attribute length
/// (with headroom, as google/nftables keeps 1 KiB), and a transaction carries one such list (~2285 IPv4 or
/// ~1600 IPv6 bans). One-message transactions were the fastest in every measurement (the kernel's commit cost
/// grows faster than linearly with transaction size), fit the default 212 992-byte socket send buffer without
/// SO_SNDBUFFORCE (so they work in containers), and confine the retry after a bad element to ~64 KB.
public struct TransactionLimits: Hashable, Sendable {
    /// Maximum bytes of one NFTA_SET_ELEM_LIST_ELEMENTS nest.
    public var maximumElementListBytes: Int
    /// Maximum bytes of one transaction (BEGIN ... END), sent with one `sendto`.
    public var maximumTransactionBytes: Int
    /// How many ban requests are encoded and sent at a time. A restore after `nft flush ruleset` passes every
    /// ban in force (62,500 in make torture): encoding them all first kept an element unit per ban and every
    /// transaction's bytes alive together. Slices of 4096 (a handful of 64 KB transactions each) bound that
    /// to well under a megabyte, and the transactions were separate anyway: kkbench, 100,000 bans, two runs
    /// each, medians: bulk ban 90.8 / 104.4 ms sliced vs 100.3 / 100.3 ms not, restore 121.8 / 122.4 vs
    /// 126.3 / 113.1 ms (run-to-run noise).
    public var requestsPerSlice: Int

    public init(maximumElementListBytes: Int = 64_000, maximumTransactionBytes: Int = 64_128, requestsPerSlice: Int = 4096) {
        precondition(maximumElementListBytes <= Int(UInt16.max), "a netlink attribute length is 16 bits")
        precondition(requestsPerSlice > 0, "a slice holds at least one request")
        self.maximumElementListBytes = maximumElementListBytes
        self.maximumTransactionBytes = maximumTransactionBytes
        self.requestsPerSlice = requestsPerSlice
    }

    public static let standard = TransactionLimits()
}
