import KobraKaiAddress

/// The key of a set element, network byte order, stored inline (no heap allocation per element: a 100 000-ban
/// load creates 100 000 of these). Bytes 0-7 live in `high`, bytes 8-15 in `low`, most significant first.
struct SetElementKey: Hashable, RandomAccessCollection, ExpressibleByArrayLiteral, Comparable {
    private(set) var high: UInt64 = 0
    private(set) var low: UInt64 = 0
    let count: Int

    init(address: IPAddress) {
        switch address {
        case .v4(let v4):
            high = UInt64(v4.rawValue) << 32
            count = 4
        case .v6(let v6):
            high = v6.high
            low = v6.low
            count = 16
        }
    }

    /// Up to 16 bytes; longer input is cut (nftables address keys are 4 or 16 bytes).
    init(_ bytes: some Collection<UInt8>) {
        count = Swift.min(bytes.count, 16)
        for (index, byte) in bytes.prefix(16).enumerated() {
            if index < 8 {
                high |= UInt64(byte) << (56 - 8 * UInt64(index))
            } else {
                low |= UInt64(byte) << (56 - 8 * UInt64(index - 8))
            }
        }
    }

    init(arrayLiteral elements: UInt8...) {
        self.init(elements)
    }

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    subscript(position: Int) -> UInt8 {
        precondition(position >= 0 && position < count, "key index out of range")
        let half = position < 8 ? high : low
        return UInt8(truncatingIfNeeded: half >> (56 - 8 * UInt64(position % 8)))
    }

    var address: IPAddress? {
        switch count {
        case 4: .v4(IPv4Address(rawValue: UInt32(truncatingIfNeeded: high >> 32)))
        case 16: .v6(IPv6Address(high: high, low: low))
        default: nil
        }
    }

    /// The key as an unsigned integer (for interval arithmetic).
    var integer: UInt128 {
        count == 4 ? UInt128(high >> 32) : UInt128(high) << 64 | UInt128(low)
    }

    /// Appends the key bytes, padded to 4-byte alignment, the way a netlink attribute payload needs them.
    func appendPadded(to bytes: inout [UInt8]) {
        if count == 4 {
            withUnsafeBytes(of: UInt32(truncatingIfNeeded: high >> 32).bigEndian) { bytes.append(contentsOf: $0) }
        } else if count == 16 {
            withUnsafeBytes(of: high.bigEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: low.bigEndian) { bytes.append(contentsOf: $0) }
        } else {
            bytes.append(contentsOf: self)
            for _ in count..<SetElement.aligned(count) { bytes.append(0) }
        }
    }

    static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.high, lhs.low, lhs.count) < (rhs.high, rhs.low, rhs.count)
    }
}
