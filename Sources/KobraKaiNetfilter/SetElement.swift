import KobraKaiAddress

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
        if let userData = ElementComment.userData(for: comment) { size += 4 + Self.aligned(userData.count) }
        return size
    }

    static func aligned(_ count: Int) -> Int { (count + 3) & ~3 }
}

/// What a NEWSETELEM-family message does with its elements.
enum ElementOperation: Hashable {
    /// NEWSETELEM with NLM_F_CREATE (an upsert: no EXCL).
    case add
    /// DESTROYSETELEM (kernel ≥ 6.3): delete, and a missing element is not an error.
    case destroy
    /// DELSETELEM: delete; a missing element aborts the transaction with ENOENT.
    case delete

    var messageType: UInt16 {
        switch self {
        case .add: NfTables.newSetElement
        case .destroy: NfTables.destroySetElement
        case .delete: NfTables.delSetElement
        }
    }

    var flags: UInt16 {
        switch self {
        case .add: Netlink.createFlag | Netlink.ackFlag
        case .destroy, .delete: Netlink.ackFlag
        }
    }
}

/// The smallest thing sent atomically: the one or two elements of one request (a host, or a prefix's start and
/// end), for one set. A failure is attributed to a unit, and the rest of its transaction is resent.
struct ElementUnit: Hashable {
    var setName: String
    var operation: ElementOperation
    var elements: [SetElement]
    /// For `.add` units: remove the same elements first, in the same transaction, so that a re-ban restarts
    /// its timeout on kernels that do not update it on re-add (§4 rule 5).
    var precedingRemoval: ElementOperation?
    /// Index of the caller's request this unit belongs to.
    var owner: Int
    /// The host or prefix, named in error messages (formatted only then: 100k descriptions cost milliseconds).
    var target: IPPrefix?

    var label: String { target?.description ?? "element" }

    var encodedSize: Int {
        let size = elements.reduce(0) { $0 + $1.encodedSize }
        return precedingRemoval == nil ? size : 2 * size
    }
}
