/// Field helpers on `TextSpan` that the message parsers share.
extension TextSpan {
    /// Whether two spans hold the same bytes.
    func equals(_ other: TextSpan) -> Bool {
        guard count == other.count else { return false }
        var offset = 0
        while offset < count {
            if bytes[start + offset] != other.bytes[other.start + offset] { return false }
            offset += 1
        }
        return true
    }

    /// The user part of the first `sip:`/`sips:` URI in the span (attacker text; for counting only).
    var sipUser: TextSpan? {
        guard let scheme = firstOffset(of: "sip:") ?? firstOffset(of: "sips:") else { return nil }
        let userStart = scheme + (matches("sips:", at: scheme) ? 5 : 4)
        var offset = userStart
        while offset < end {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "@") { return offset > userStart ? slice(from: userStart, to: offset) : nil }
            if byte == UInt8(ascii: ">") || byte == UInt8(ascii: ";") || byte == UInt8(ascii: "'") { return nil }
            offset += 1
        }
        return nil
    }

    /// The hexadecimal value of exactly four hex digits.
    var hexValue: UInt32? {
        guard count == 4 else { return nil }
        var value: UInt32 = 0
        var offset = start
        while offset < end {
            let byte = bytes[offset]
            guard byte.isASCIIHexDigit else { return nil }
            value = value << 4 + UInt32(byte.isASCIIDigit ? byte - 0x30 : (byte | 0x20) - 0x61 + 10)
            offset += 1
        }
        return value
    }
}
