import KobraKaiAddress

/// A validated remote address with an optional port, as read from server-written text.
struct SourceAddress: Equatable {
    var address: IPAddress
    var port: UInt16?

    /// How a format prints the port, which decides how the text is split.
    enum PortForm {
        /// `addr` only.
        case none
        /// `addr:port` (IPv4) or `[v6]:port`; IPv6 may also appear unbracketed with the port after the
        /// last colon when `unbracketedIPv6` is set (raw `src_name:src_port` formats).
        case required(unbracketedIPv6: Bool)
        /// Either of the above: `addr`, `addr:port`, `[v6]`, `[v6]:port`.
        case optional
    }

    /// Parses `text` strictly as a whole: any extra byte makes it fail.
    static func parse(_ text: TextSpan, port form: PortForm) -> SourceAddress? {
        guard !text.isEmpty, text.count <= 64 else { return nil }
        switch form {
        case .none:
            return parseHost(text).map { SourceAddress(address: $0, port: nil) }
        case .required(let unbracketedIPv6):
            if text.first == UInt8(ascii: "[") { return parseBracketed(text, portRequired: true) }
            guard let colon = text.lastOffset(of: UInt8(ascii: ":")) else { return nil }
            let host = text.upTo(colon)
            if !unbracketedIPv6 && host.contains(UInt8(ascii: ":")) { return nil }
            guard let port = parsePort(text.from(colon + 1)), let address = parseHost(host) else { return nil }
            return SourceAddress(address: address, port: port)
        case .optional:
            if text.first == UInt8(ascii: "[") { return parseBracketed(text, portRequired: false) }
            if let colon = text.firstOffset(of: UInt8(ascii: ":")) {
                // One colon: IPv4 with a port. More: a bare IPv6 address without a port.
                if text.lastOffset(of: UInt8(ascii: ":")) == colon {
                    guard let port = parsePort(text.from(colon + 1)), let address = parseHost(text.upTo(colon)),
                        address.isIPv4
                    else { return nil }
                    return SourceAddress(address: address, port: port)
                }
            }
            return parseHost(text).map { SourceAddress(address: $0, port: nil) }
        }
    }

    static func parsePort(_ text: TextSpan) -> UInt16? {
        guard text.count <= 5, let value = text.decimalValue(maximum: 65535) else { return nil }
        if text.count > 1 && text.first == UInt8(ascii: "0") { return nil }
        return UInt16(value)
    }

    /// A host address, validated by the strict shared parser (no octet above 255, no trailing garbage,
    /// no zone index); IPv4-mapped IPv6 folds to IPv4 there.
    static func parseHost(_ text: TextSpan) -> IPAddress? {
        guard !text.isEmpty, text.count <= 45 else { return nil }
        if let v4 = IPv4Address.parse(utf8: UnsafeBufferPointer(rebasing: text.bytes[text.start..<text.end])) {
            return .v4(IPv4Address(rawValue: v4))
        }
        // Only hex digits, dots and colons can be an IPv6 address; anything else is refused before a
        // String is built for the shared parser.
        guard text.allSatisfy({ $0.isASCIIHexDigit || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ":") }) else {
            return nil
        }
        return try? IPAddress(parsing: text.string)
    }

    private static func parseBracketed(_ text: TextSpan, portRequired: Bool) -> SourceAddress? {
        guard let close = text.firstOffset(of: UInt8(ascii: "]")) else { return nil }
        guard let address = parseHost(text.slice(from: text.start + 1, to: close)) else {
            return nil
        }
        let rest = text.from(close + 1)
        if rest.isEmpty { return portRequired ? nil : SourceAddress(address: address, port: nil) }
        guard rest.first == UInt8(ascii: ":"), let port = parsePort(rest.dropping(first: 1)) else { return nil }
        return SourceAddress(address: address, port: port)
    }
}
