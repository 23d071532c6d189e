import KobraKaiAddress

/// Rebuilds prefixes from the start and end elements of an interval-set dump, and encodes prefixes as such.
///
/// A stored range is [start, end): the start element carries timeout and comment, the end element is the
/// first address after the range, flagged INTERVAL_END, and is absent at the top of the address space.
/// nft may also store a lone leading `0.0.0.0` end element; an end without a start is ignored.
enum IntervalAssembler {
    struct Range {
        var start: SetElement
        /// Exclusive end key, `nil` = up to the last address.
        var end: SetElementKey?
    }

    /// Elements of `prefix` in an interval set: start (with the given attributes) plus end unless at the top.
    static func elements(for prefix: IPPrefix, timeoutMilliseconds: Int64?, expirationMilliseconds: Int64?,
                         comment: String?) -> [SetElement]
    {
        var result = [SetElement(key: SetElementKey(address: prefix.network), timeoutMilliseconds: timeoutMilliseconds,
                                 expirationMilliseconds: expirationMilliseconds, comment: comment)]
        if let after = prefix.addressAfter {
            result.append(SetElement(key: SetElementKey(address: after), isIntervalEnd: true))
        }
        return result
    }

    /// Pairs each start with the end that follows it in key order.
    static func ranges(_ elements: [SetElement]) -> [Range] {
        // Adjacent ranges share a key (the end of one is the start of the next): order ends first.
        let sorted = elements.sorted { left, right in
            left.key == right.key ? left.isIntervalEnd && !right.isIntervalEnd : left.key < right.key
        }
        var result: [Range] = []
        for (index, element) in sorted.enumerated() where !element.isIntervalEnd {
            let next = index + 1 < sorted.count ? sorted[index + 1] : nil
            result.append(Range(start: element, end: next?.isIntervalEnd == true ? next?.key : nil))
        }
        return result
    }

    /// The CIDR prefixes exactly covering [start, end). Ranges we add are single prefixes; ranges added by
    /// hand with `nft add element ... { a-b }` come back as the minimal list of prefixes.
    static func prefixes(of range: Range) -> [IPPrefix] {
        let width = range.start.key.count * 8
        guard width == 32 || width == 128 else { return [] }
        var start = range.start.key.integer
        let endExclusive: UInt128? = range.end.map(\.integer)  // nil: through the top of the address space
        let top: UInt128 = width == 32 ? UInt128(UInt32.max) : .max
        var result: [IPPrefix] = []
        while true {
            if let endExclusive, start >= endExclusive { break }
            // The largest aligned block starting at `start` that stays inside the range.
            var bits = start == 0 ? width : min(start.trailingZeroBitCount, width)
            while bits > 0 {
                let lastInBlock = start + (bits == 128 ? UInt128.max : (UInt128(1) << bits) - 1)
                let fits = endExclusive.map { lastInBlock < $0 } ?? (lastInBlock <= top)
                if fits && (bits == 128 || lastInBlock >= start) { break }
                bits -= 1
            }
            guard let address = SetElementKey(bytes(start, width: width)).address else { break }
            result.append(IPPrefix(address: address, length: width - bits))
            let blockSize: UInt128 = bits == 128 ? 0 : UInt128(1) << bits
            let (next, overflow) = start.addingReportingOverflow(blockSize)
            if overflow || bits == 128 || next > top { break }
            start = next
        }
        return result
    }

    private static func bytes(_ value: UInt128, width: Int) -> [UInt8] {
        (0..<(width / 8)).map { UInt8(truncatingIfNeeded: value >> UInt128(width - 8 - 8 * $0)) }
    }
}
