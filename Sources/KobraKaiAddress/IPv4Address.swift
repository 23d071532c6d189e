/// An IPv4 address stored as a host-order 32-bit integer.
///
/// Parsing is strict dotted-quad: exactly four decimal octets, no leading zeros (which `inet_aton`
/// would read as octal), nothing before or after. Log parsers rely on this to refuse forged text.
public struct IPv4Address: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        rawValue = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// Parses dotted-quad text; `nil` when it is not exactly an IPv4 address.
    public init?(_ text: some StringProtocol) {
        guard let value = Self.parse(utf8: text.utf8) else { return nil }
        rawValue = value
    }

    /// Parses dotted-quad bytes. Exposed for parsers that work on raw UTF-8.
    /// Inlinable so that byte-level log parsers get a specialised copy instead of generic dispatch.
    @inlinable
    public static func parse<C: Collection<UInt8>>(utf8 bytes: C) -> UInt32? {
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        var leadingZero = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if leadingZero { return nil }
                if digits == 0 && byte == UInt8(ascii: "0") { leadingZero = true }
                octet = octet * 10 + UInt32(byte &- UInt8(ascii: "0"))
                digits += 1
                if digits > 3 || octet > 255 { return nil }
            case UInt8(ascii: "."):
                if digits == 0 || dots == 3 { return nil }
                value = value << 8 | octet
                octet = 0
                digits = 0
                dots += 1
                leadingZero = false
            default:
                return nil
            }
        }
        guard dots == 3, digits > 0 else { return nil }
        return value << 8 | octet
    }

    /// The four octets in network order.
    public var bytes: [UInt8] {
        [UInt8(rawValue >> 24), UInt8(truncatingIfNeeded: rawValue >> 16),
         UInt8(truncatingIfNeeded: rawValue >> 8), UInt8(truncatingIfNeeded: rawValue)]
    }

    public var isLoopback: Bool { rawValue >> 24 == 127 }

    public var description: String {
        "\(rawValue >> 24).\((rawValue >> 16) & 0xFF).\((rawValue >> 8) & 0xFF).\(rawValue & 0xFF)"
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
