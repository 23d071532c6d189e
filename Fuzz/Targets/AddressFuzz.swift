import KobraKaiAddress

// Address and prefix parsing, both directions:
// - text in: anything `IPAddress(parsing:)` / `IPPrefix(parsing:)` accepts re-formats to canonical text that
//   parses to the same value, and formatting that value again gives the same text;
// - value out: addresses and prefixes built from the input bytes satisfy parse(format(x)) == x. IPv4-mapped
//   IPv6 values are the one documented exception: they parse to the IPv4 address (one attacker, one identity).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = fuzzBytes(start, count)
    let text = String(decoding: bytes, as: UTF8.self)
    if let address = try? IPAddress(parsing: text) {
        checkAddressRoundTrip(address, context: "parsed \(text.debugDescription)")
    }
    if let prefix = try? IPPrefix(parsing: text) {
        checkPrefixRoundTrip(prefix, context: "parsed \(text.debugDescription)")
    }
    if bytes.count >= 17 {
        let value = bytes.prefix(16).reduce(into: (high: UInt64(0), low: UInt64(0))) { words, byte in
            words.high = words.high << 8 | words.low >> 56
            words.low = words.low << 8 | UInt64(byte)
        }
        let v6 = IPv6Address(high: value.high, low: value.low)
        let address: IPAddress = v6.mappedIPv4.map(IPAddress.v4) ?? .v6(v6)
        checkAddressRoundTrip(address, context: "built \(v6)")
        checkPrefixRoundTrip(IPPrefix(address: address, length: Int(bytes[16]) % (address.bitWidth + 1)), context: "built")
    } else if bytes.count >= 5 {
        let raw = bytes.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let address = IPAddress.v4(IPv4Address(rawValue: raw))
        checkAddressRoundTrip(address, context: "built \(address)")
        checkPrefixRoundTrip(IPPrefix(address: address, length: Int(bytes[4]) % 33), context: "built")
    }
    return 0
}

private func checkPrefixRoundTrip(_ prefix: IPPrefix, context: @autoclosure () -> String) {
    let text = prefix.description
    let reparsed = try? IPPrefix(parsing: text)
    fuzzCheck(reparsed == prefix, "\(context()): prefix \(text) parses to \(String(describing: reparsed))")
    fuzzCheck(reparsed?.description == text, "\(context()): prefix \(text) is not canonical")
}
