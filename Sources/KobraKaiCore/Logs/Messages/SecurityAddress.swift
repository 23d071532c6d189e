/// The `IPV4|IPV6/[transport/]address/port` form of security-event addresses (`ast_json_ipaddr()`).
///
/// Strict: the family must agree with the address (IPv4-mapped IPv6 is printed as IPV4, and folds to
/// IPv4 either way), the transport must be one Asterisk prints, and nothing may follow the port.
/// Link-local addresses with a `%zone` are rejected: they cannot be banned usefully.
enum SecurityAddress {
    private static let transports: [StaticString] = ["UDP/", "TCP/", "TLS/", "WS/", "WSS/"]

    static func parse(_ text: TextSpan) -> SourceAddress? {
        let isV4 = text.hasPrefix("IPV4/")
        guard isV4 || text.hasPrefix("IPV6/") else { return nil }
        var offset = text.start + 5
        for transport in transports where text.matches(transport, at: offset) {
            offset += transport.utf8CodeUnitCount
            break
        }
        guard let slash = text.lastOffset(of: UInt8(ascii: "/")), slash > offset,
            let port = SourceAddress.parsePort(text.from(slash + 1)),
            let address = SourceAddress.parseHost(text.slice(from: offset, to: slash))
        else { return nil }
        let printedAsV4 = !text.slice(from: offset, to: slash).contains(UInt8(ascii: ":"))
        guard isV4 == printedAsV4 else { return nil }
        return SourceAddress(address: address, port: port)
    }

    /// The event's `Service` field as an `EventService`.
    static func service(_ text: TextSpan) -> EventService? {
        if text.equals("PJSIP") { return .pjsip }
        if text.equals("SIP") { return .sip }
        if text.equals("AMI") { return .ami }
        if text.equals("IAX2") || text.equals("IAX") { return .iax2 }
        return nil
    }
}
