/// An IPv4 or IPv6 host address.
///
/// IPv4-mapped IPv6 text (`::ffff:192.0.2.1`) parses to `.v4`, so that one attacker has one identity
/// whichever way Asterisk printed the address.
public enum IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible, LosslessStringConvertible {
    case v4(IPv4Address)
    case v6(IPv6Address)

    /// Parses an address, returning `nil` for anything that is not exactly one address.
    public init?(_ text: String) {
        guard let address = try? IPAddress(parsing: text) else { return nil }
        self = address
    }

    /// Parses an address strictly; the error says what is wrong.
    public init(parsing text: some StringProtocol) throws(AddressParseError) {
        if text.isEmpty { throw AddressParseError(input: text, reason: "empty") }
        if let v4 = IPv4Address.parse(utf8: text.utf8) {
            self = .v4(IPv4Address(rawValue: v4))
            return
        }
        if text.utf8.contains(UInt8(ascii: ":")) {
            guard let v6 = IPv6Address(text) else {
                throw AddressParseError(input: text, reason: Self.explainIPv6(text))
            }
            self = v6.mappedIPv4.map(IPAddress.v4) ?? .v6(v6)
            return
        }
        throw AddressParseError(input: text, reason: Self.explainIPv4(text))
    }

    public var isIPv4: Bool { if case .v4 = self { true } else { false } }

    /// The address bytes in network order (4 or 16).
    public var bytes: [UInt8] {
        switch self {
        case .v4(let address): address.bytes
        case .v6(let address): address.bytes
        }
    }

    /// Loopback in either family (127.0.0.0/8, ::1).
    public var isLoopback: Bool {
        switch self {
        case .v4(let address): address.isLoopback
        case .v6(let address): address.isLoopback
        }
    }

    /// Bits in an address of this family (32 or 128).
    public var bitWidth: Int { isIPv4 ? 32 : 128 }

    public var description: String {
        switch self {
        case .v4(let address): address.description
        case .v6(let address): address.description
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.v4(let a), .v4(let b)): a < b
        case (.v6(let a), .v6(let b)): a < b
        case (.v4, .v6): true
        case (.v6, .v4): false
        }
    }

    private static func explainIPv4(_ text: some StringProtocol) -> String {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count != 4 { return "expected four dot-separated octets" }
        for part in parts {
            if part.isEmpty { return "empty octet" }
            if !part.allSatisfy({ $0.isASCII && $0.isNumber }) { return "octet '\(part)' is not a decimal number" }
            if part.count > 1 && part.first == "0" { return "octet '\(part)' has a leading zero" }
            if (Int(part) ?? 256) > 255 { return "octet '\(part)' is above 255" }
        }
        return "not an IPv4 address"
    }

    private static func explainIPv6(_ text: some StringProtocol) -> String {
        if text.contains("%") { return "zone indexes are not accepted" }
        if text.hasPrefix("[") { return "remove the brackets" }
        return "not an IPv6 address"
    }
}
