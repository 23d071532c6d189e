import KobraKaiAddress

/// Addresses that are never banned: operator CIDRs, the daemon's own addresses, and loopback.
///
/// Stored as sorted, merged address intervals per family, so a lookup is a binary search
/// (O(log n)) however many thousands of CIDRs an operator lists, and "does this prefix contain any
/// allowlisted address" is the same search on the prefix's first and last address.
public struct Allowlist: Hashable, Sendable {
    /// Loopback is allowlisted whatever the configuration says.
    public static let alwaysAllowed: [IPPrefix] = [
        IPPrefix(address: .v4(IPv4Address(127, 0, 0, 0)), length: 8),
        IPPrefix(host: .v6(IPv6Address(high: 0, low: 1))),
    ]

    /// The operator's entries (configuration and allowlist files), as given.
    public private(set) var prefixes: [IPPrefix]
    /// Addresses the daemon supplies at run time (its own interfaces).
    public private(set) var runtimeAddresses: [IPAddress]
    private var ranges4: [ClosedRange<UInt32>] = []
    private var ranges6: [ClosedRange<UInt128>] = []

    public init(prefixes: [IPPrefix] = [], runtimeAddresses: [IPAddress] = []) {
        self.prefixes = prefixes
        self.runtimeAddresses = runtimeAddresses
        rebuild()
    }

    /// Replaces the operator's entries (configuration reload); runtime addresses stay.
    public mutating func replacePrefixes(_ prefixes: [IPPrefix]) {
        self.prefixes = prefixes
        rebuild()
    }

    /// Replaces the daemon-supplied addresses (interfaces came or went).
    public mutating func replaceRuntimeAddresses(_ addresses: [IPAddress]) {
        runtimeAddresses = addresses
        rebuild()
    }

    /// The number of disjoint intervals after merging (for diagnostics).
    public var intervalCount: Int { ranges4.count + ranges6.count }

    /// True when `address` is allowlisted.
    public func contains(_ address: IPAddress) -> Bool {
        switch address {
        case .v4(let v4): Self.search(ranges4, overlapping: v4.rawValue...v4.rawValue)
        case .v6(let v6): Self.search(ranges6, overlapping: Self.value(v6)...Self.value(v6))
        }
    }

    /// True when `prefix` contains at least one allowlisted address; such a prefix is never banned.
    public func intersects(_ prefix: IPPrefix) -> Bool {
        switch (prefix.network, prefix.lastAddress) {
        case (.v4(let first), .v4(let last)):
            Self.search(ranges4, overlapping: first.rawValue...last.rawValue)
        case (.v6(let first), .v6(let last)):
            Self.search(ranges6, overlapping: Self.value(first)...Self.value(last))
        default:
            false
        }
    }

    private mutating func rebuild() {
        var list4: [ClosedRange<UInt32>] = []
        var list6: [ClosedRange<UInt128>] = []
        let all = Self.alwaysAllowed + prefixes + runtimeAddresses.map { IPPrefix(host: $0) }
        for prefix in all {
            switch (prefix.network, prefix.lastAddress) {
            case (.v4(let first), .v4(let last)): list4.append(first.rawValue...last.rawValue)
            case (.v6(let first), .v6(let last)): list6.append(Self.value(first)...Self.value(last))
            default: continue
            }
        }
        ranges4 = Self.merged(list4)
        ranges6 = Self.merged(list6)
    }

    private static func value(_ address: IPv6Address) -> UInt128 {
        UInt128(address.high) << 64 | UInt128(address.low)
    }

    /// Sorts and merges overlapping or adjacent ranges, so that at most one range can contain a point.
    private static func merged<T: FixedWidthInteger>(_ ranges: [ClosedRange<T>]) -> [ClosedRange<T>] {
        let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
        var result: [ClosedRange<T>] = []
        for range in sorted {
            if let last = result.last, last.upperBound == T.max || range.lowerBound <= last.upperBound + 1 {
                result[result.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }

    /// True when some range in the sorted, disjoint `ranges` overlaps `query`.
    private static func search<T: Comparable>(_ ranges: [ClosedRange<T>], overlapping query: ClosedRange<T>) -> Bool {
        // Find the last range whose lower bound is <= query.upperBound; only it can overlap.
        var low = 0
        var high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].lowerBound <= query.upperBound { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return false }
        return ranges[low - 1].upperBound >= query.lowerBound
    }
}
