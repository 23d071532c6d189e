/// A CIDR prefix such as `198.51.100.0/24` or `2001:db8::/32`; a host is a full-length prefix.
///
/// The stored address is always the network address. Text with host bits set (`10.0.0.1/8`) is refused
/// with an error naming the intended network, because silently widening a ban or an allowlist entry is
/// exactly the kind of surprise an operator must not get.
public struct IPPrefix: Hashable, Sendable, Comparable, CustomStringConvertible, LosslessStringConvertible {
    public private(set) var network: IPAddress
    public private(set) var length: Int

    /// A prefix of `length` bits; host bits of `address` are cleared.
    public init(address: IPAddress, length: Int) {
        precondition(length >= 0 && length <= address.bitWidth, "prefix length out of range")
        self.network = Self.mask(address, to: length)
        self.length = length
    }

    /// The full-length prefix of one host.
    public init(host: IPAddress) {
        network = host
        length = host.bitWidth
    }

    public init?(_ description: String) {
        guard let prefix = try? IPPrefix(parsing: description) else { return nil }
        self = prefix
    }

    /// Parses `ADDRESS` (a host) or `ADDRESS/LENGTH`. IPv4-mapped IPv6 prefixes of at least /96 become IPv4.
    public init(parsing text: some StringProtocol) throws(AddressParseError) {
        guard let slash = text.firstIndex(of: "/") else {
            self.init(host: try IPAddress(parsing: text))
            return
        }
        let addressText = text[..<slash]
        let lengthText = text[text.index(after: slash)...]
        guard !lengthText.isEmpty, lengthText.count <= 3, lengthText.allSatisfy({ $0.isASCII && $0.isNumber }),
              let parsedLength = Int(lengthText)
        else { throw AddressParseError(input: text, reason: "prefix length must be a decimal number") }
        // Parse the address without the mapped-IPv4 folding first, so that the length is checked
        // against the family the operator wrote.
        let address = try IPAddress(parsing: addressText)
        var length = parsedLength
        if case .v4 = address, addressText.contains(":") {
            guard parsedLength >= 96 && parsedLength <= 128 else {
                throw AddressParseError(input: text, reason: "an IPv4-mapped prefix needs a length of 96 to 128")
            }
            length = parsedLength - 96
        } else if case .v6 = address, parsedLength > 128 {
            throw AddressParseError(input: text, reason: "IPv6 prefix length above 128")
        } else if case .v4 = address, parsedLength > 32 {
            throw AddressParseError(input: text, reason: "IPv4 prefix length above 32")
        }
        let masked = Self.mask(address, to: length)
        if masked != address {
            throw AddressParseError(input: text, reason: "host bits are set; did you mean \(masked)/\(length)?")
        }
        self.init(address: masked, length: length)
    }

    /// True when the prefix covers exactly one address.
    public var isHost: Bool { length == network.bitWidth }

    public var isIPv4: Bool { network.isIPv4 }

    /// True when `address` lies inside this prefix.
    public func contains(_ address: IPAddress) -> Bool {
        guard address.isIPv4 == network.isIPv4 else { return false }
        return Self.mask(address, to: length) == network
    }

    /// True when `other` lies entirely inside this prefix.
    public func contains(_ other: IPPrefix) -> Bool {
        other.length >= length && contains(other.network)
    }

    /// The last address inside the prefix.
    public var lastAddress: IPAddress {
        switch network {
        case .v4(let address):
            let hostMask: UInt32 = length == 0 ? .max : (length == 32 ? 0 : UInt32.max >> UInt32(length))
            return .v4(IPv4Address(rawValue: address.rawValue | hostMask))
        case .v6(let address):
            let (highMask, lowMask) = Self.v6HostMasks(length)
            return .v6(IPv6Address(high: address.high | highMask, low: address.low | lowMask))
        }
    }

    /// The first address after the prefix, or `nil` at the top of the address space.
    /// nftables interval sets encode a prefix as [network, this) (see nft/kobrakai.nft).
    public var addressAfter: IPAddress? {
        switch lastAddress {
        case .v4(let last):
            return last.rawValue == .max ? nil : .v4(IPv4Address(rawValue: last.rawValue + 1))
        case .v6(let last):
            if last.low == .max {
                return last.high == .max ? nil : .v6(IPv6Address(high: last.high + 1, low: 0))
            }
            return .v6(IPv6Address(high: last.high, low: last.low + 1))
        }
    }

    public var description: String { isHost ? network.description : "\(network)/\(length)" }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.network != rhs.network ? lhs.network < rhs.network : lhs.length < rhs.length
    }

    private static func mask(_ address: IPAddress, to length: Int) -> IPAddress {
        switch address {
        case .v4(let v4):
            let netMask: UInt32 = length == 0 ? 0 : UInt32.max << UInt32(32 - length)
            return .v4(IPv4Address(rawValue: v4.rawValue & netMask))
        case .v6(let v6):
            let (highMask, lowMask) = v6HostMasks(length)
            return .v6(IPv6Address(high: v6.high & ~highMask, low: v6.low & ~lowMask))
        }
    }

    /// Host-bit masks of an IPv6 prefix of `length` bits, as (high half, low half).
    private static func v6HostMasks(_ length: Int) -> (UInt64, UInt64) {
        if length >= 64 {
            let lowBits = length - 64
            return (0, lowBits == 64 ? 0 : (lowBits == 0 ? .max : UInt64.max >> UInt64(lowBits)))
        }
        return (length == 0 ? .max : UInt64.max >> UInt64(length), .max)
    }
}
