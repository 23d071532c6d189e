import KobraKaiAddress

/// Converts between addresses and the raw network-order key bytes nftables stores.
enum ElementKey {
    static func address(_ key: SetElementKey) -> IPAddress? { key.address }

    static func address(_ key: [UInt8]) -> IPAddress? {
        switch key.count {
        case 4:
            return .v4(IPv4Address(key[0], key[1], key[2], key[3]))
        case 16:
            let high = key[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let low = key[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            return .v6(IPv6Address(high: high, low: low))
        default:
            return nil
        }
    }

    static func text(_ key: SetElementKey) -> String {
        address(key)?.description ?? key.map { String($0, radix: 16) }.joined(separator: ":")
    }
}
