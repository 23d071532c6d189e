/// One nftables set element as it travels over netlink: the key bytes plus the optional attributes we use.
///
/// An interval set stores a prefix as two of these: the start (carrying timeout and comment) and the first
/// address after the prefix flagged `isIntervalEnd` (nftables-netlink.md §2.9).
struct SetElement: Hashable {
    /// The address in network byte order: 4 bytes (`ipv4_addr`) or 16 (`ipv6_addr`).
    var key: SetElementKey
    var isIntervalEnd: Bool = false
    /// Total lifetime in milliseconds; `nil` = permanent (or not sent).
    var timeoutMilliseconds: Int64?
    /// Time left in milliseconds. Sent equal to the timeout to restart the clock on re-add (§4).
    var expirationMilliseconds: Int64?
    var comment: String?

    /// Bytes this element adds to a NEWSETELEM message; must match `NetlinkMessageWriter` output exactly
    /// because messages are split on it.
    var encodedSize: Int {
        var size = 4  // element nest header
        if isIntervalEnd { size += 8 }
        size += 4 + 4 + Self.aligned(key.count)  // key nest + NFTA_DATA_VALUE
        if timeoutMilliseconds != nil { size += 12 }
        if expirationMilliseconds != nil { size += 12 }
        if let length = ElementComment.userDataLength(for: comment) { size += 4 + Self.aligned(length) }
        return size
    }

    static func aligned(_ count: Int) -> Int { (count + 3) & ~3 }
}
