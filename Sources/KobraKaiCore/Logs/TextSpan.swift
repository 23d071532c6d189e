/// A borrowed window `[start, end)` into one line's UTF-8 bytes, with absolute integer offsets.
///
/// The line parsers work on bytes rather than `String`/`Substring` so that the hot path (millions of
/// lines that match nothing) never allocates, never decodes Unicode and never builds an index type.
/// Every accessor checks its bounds itself: the buffer's own checks vanish in release builds, and a log
/// line is attacker-shaped input.
struct TextSpan {
    let bytes: UnsafeBufferPointer<UInt8>
    let start: Int
    let end: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        self.start = 0
        self.end = bytes.count
    }

    init(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int) {
        self.bytes = bytes
        self.start = max(0, min(start, bytes.count))
        self.end = max(self.start, min(end, bytes.count))
    }

    var count: Int { end - start }
    var isEmpty: Bool { end <= start }

    /// The byte at absolute offset `offset`, or 0 outside the span (0 never occurs in a literal we look for).
    @inline(__always)
    func byte(at offset: Int) -> UInt8 {
        offset >= start && offset < end ? bytes[offset] : 0
    }

    var first: UInt8 { byte(at: start) }
    var last: UInt8 { byte(at: end - 1) }

    /// The span from absolute offset `from` to absolute offset `to`, clamped to this span.
    func slice(from: Int, to: Int) -> TextSpan {
        TextSpan(bytes, start: max(from, start), end: min(to, end))
    }

    func dropping(first n: Int) -> TextSpan { slice(from: start + n, to: end) }
    func dropping(last n: Int) -> TextSpan { slice(from: start, to: end - n) }
    func from(_ offset: Int) -> TextSpan { slice(from: offset, to: end) }
    func upTo(_ offset: Int) -> TextSpan { slice(from: start, to: offset) }

    /// Whether the bytes at absolute `offset` equal `literal`, compared eight bytes at a time: file names,
    /// levels and markers are compared on every relevant line and for every search candidate.
    @inline(__always)
    func matches(_ literal: StaticString, at offset: Int) -> Bool {
        let length = literal.utf8CodeUnitCount
        guard offset >= start, offset + length <= end else { return false }
        guard length > 0, let base = bytes.baseAddress else { return true }
        let text = UnsafeRawPointer(base + offset)
        let pattern = UnsafeRawPointer(literal.utf8Start)
        var index = 0
        while index + 8 <= length {
            let expected = pattern.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if text.loadUnaligned(fromByteOffset: index, as: UInt64.self) != expected { return false }
            index += 8
        }
        while index < length {
            if text.load(fromByteOffset: index, as: UInt8.self) != pattern.load(fromByteOffset: index, as: UInt8.self) {
                return false
            }
            index += 1
        }
        return true
    }

    /// Whether the span is exactly `literal` (the hot-path comparison for levels and file names).
    @inline(__always)
    func equals(_ literal: StaticString) -> Bool {
        count == literal.utf8CodeUnitCount && matches(literal, at: start)
    }

    func hasPrefix(_ literal: StaticString) -> Bool { matches(literal, at: start) }
    func hasSuffix(_ literal: StaticString) -> Bool { matches(literal, at: end - literal.utf8CodeUnitCount) }

    /// Absolute offset of the first occurrence of `literal` at or after `from`.
    ///
    /// Sixteen candidate positions at a time: a position is a candidate when both the literal's first and
    /// last bytes are in place (checking the last byte too skips most false starts: ',' and '"' are
    /// everywhere in these lines), and only candidates are compared in full. Every load stays inside the span.
    func firstOffset(of literal: StaticString, from: Int? = nil) -> Int? {
        let length = literal.utf8CodeUnitCount
        guard length > 0 else { return from ?? start }
        let lead = literal.utf8Start[0]
        let tail = literal.utf8Start[length - 1]
        var offset = max(from ?? start, start)
        let limit = end - length
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            let leads = SIMD16<UInt8>(repeating: lead)
            let tails = SIMD16<UInt8>(repeating: tail)
            // Block [offset, offset + 15] of start positions; its last load ends at offset + 15 + length ≤ end.
            while offset + 15 <= limit {
                let candidates =
                    (raw.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self) .== leads)
                    .& (raw.loadUnaligned(fromByteOffset: offset + length - 1, as: SIMD16<UInt8>.self) .== tails)
                var lanes = LaneSet(candidates)
                while let lane = lanes.popFirst() {
                    if matches(literal, at: offset + lane) { return offset + lane }
                }
                offset += 16
            }
        }
        while offset <= limit {
            if bytes[offset] == lead && bytes[offset + length - 1] == tail && matches(literal, at: offset) {
                return offset
            }
            offset += 1
        }
        return nil
    }

    /// Absolute offset of the last occurrence of `literal` that starts before `before` (default: anywhere),
    /// searched sixteen candidate positions at a time from the right, like `firstOffset`.
    func lastOffset(of literal: StaticString, before: Int? = nil) -> Int? {
        let length = literal.utf8CodeUnitCount
        guard length > 0 else { return nil }
        let lead = literal.utf8Start[0]
        let tail = literal.utf8Start[length - 1]
        var offset = min((before ?? end) - 1, end - length)
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            let leads = SIMD16<UInt8>(repeating: lead)
            let tails = SIMD16<UInt8>(repeating: tail)
            // Block [offset - 15, offset] of start positions; its last load ends at offset + length ≤ end.
            while offset - 15 >= start {
                let blockStart = offset - 15
                let candidates =
                    (raw.loadUnaligned(fromByteOffset: blockStart, as: SIMD16<UInt8>.self) .== leads)
                    .& (raw.loadUnaligned(fromByteOffset: blockStart + length - 1, as: SIMD16<UInt8>.self) .== tails)
                var lanes = LaneSet(candidates)
                while let lane = lanes.popLast() {
                    if matches(literal, at: blockStart + lane) { return blockStart + lane }
                }
                offset -= 16
            }
        }
        while offset >= start {
            if bytes[offset] == lead && bytes[offset + length - 1] == tail && matches(literal, at: offset) {
                return offset
            }
            offset -= 1
        }
        return nil
    }

    /// Absolute offset of the first `byte` at or after `from`, sixteen bytes at a time (dates, file names
    /// and brackets in every envelope are found with this).
    func firstOffset(of byte: UInt8, from: Int? = nil) -> Int? {
        var offset = max(from ?? start, start)
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            let needle = SIMD16<UInt8>(repeating: byte)
            while offset + 16 <= end {
                let hits = raw.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self) .== needle
                var lanes = LaneSet(hits)
                if let lane = lanes.popFirst() { return offset + lane }
                offset += 16
            }
        }
        while offset < end {
            if bytes[offset] == byte { return offset }
            offset += 1
        }
        return nil
    }

    func lastOffset(of byte: UInt8) -> Int? {
        var offset = end - 1
        while offset >= start {
            if bytes[offset] == byte { return offset }
            offset -= 1
        }
        return nil
    }

    func contains(_ byte: UInt8) -> Bool { firstOffset(of: byte) != nil }

    /// Whether any of the first `limit` bytes is `byte`, sixteen bytes at a time: the colour-code probe
    /// runs on every line of a log and on every relevant message, so it avoids a byte loop (a 16-lane
    /// compare takes about half the instructions of the 8-byte "has zero byte" word test used before).
    func prefixContains(_ byte: UInt8, limit: Int) -> Bool {
        let length = min(count, limit)
        guard let base = bytes.baseAddress else { return false }
        let first = UnsafeRawPointer(base + start)
        let needle = SIMD16<UInt8>(repeating: byte)
        var offset = 0
        while offset + 16 <= length {
            if any(first.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self) .== needle) { return true }
            offset += 16
        }
        while offset < length {
            if bytes[start + offset] == byte { return true }
            offset += 1
        }
        return false
    }

    /// How many times `literal` occurs (non-overlapping), stopping early at `limit`.
    func occurrences(of literal: StaticString, limit: Int = 2) -> Int {
        var found = 0
        var offset = start
        while found < limit, let hit = firstOffset(of: literal, from: offset) {
            found += 1
            offset = hit + literal.utf8CodeUnitCount
        }
        return found
    }

    /// The span without leading and trailing spaces, tabs, CRs and LFs.
    var trimmed: TextSpan {
        var lower = start
        var upper = end
        while lower < upper, bytes[lower].isBlank { lower += 1 }
        while upper > lower, bytes[upper - 1].isBlank { upper -= 1 }
        return TextSpan(bytes, start: lower, end: upper)
    }

    func allSatisfy(_ predicate: (UInt8) -> Bool) -> Bool {
        var offset = start
        while offset < end {
            if !predicate(bytes[offset]) { return false }
            offset += 1
        }
        return true
    }

    /// The decimal value of the whole span, or nil when it is empty, not all digits, or above `maximum`.
    func decimalValue(maximum: Int = Int(Int32.max)) -> Int? {
        guard !isEmpty, count <= 10 else { return nil }
        var value = 0
        var offset = start
        while offset < end {
            let digit = bytes[offset] &- 0x30
            guard digit <= 9 else { return nil }
            value = value * 10 + Int(digit)
            offset += 1
        }
        return value <= maximum ? value : nil
    }

    /// A `String` copy (invalid UTF-8 becomes U+FFFD). Only called for text that ends up in an event.
    var string: String { String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) }
}

extension UInt8 {
    @inline(__always) var isASCIIDigit: Bool { self &- 0x30 <= 9 }
    @inline(__always) var isASCIIUpper: Bool { self &- 0x41 <= 25 }
    @inline(__always) var isASCIILower: Bool { self &- 0x61 <= 25 }
    @inline(__always) var isASCIIHexDigit: Bool { isASCIIDigit || (self | 0x20) &- 0x61 <= 5 }
    @inline(__always) var isBlank: Bool { self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0D }
    @inline(__always) var isIdentifierByte: Bool { isASCIIDigit || isASCIIUpper || isASCIILower || self == 0x5F }
}
