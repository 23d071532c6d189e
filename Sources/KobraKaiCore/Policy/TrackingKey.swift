import KobraKaiAddress

/// A tracking key (an IPv4 host, or an IPv6 tracking prefix) in 16 bytes, for the policy's largest tables.
///
/// `IPPrefix` takes 32 bytes (an enum of a 16-byte address, plus an `Int` length) and these tables hold up
/// to 100,000 keys each, twice over (the hash table and the LRU order). Within one policy the length is
/// implied by the family (IPv4 hosts are /32, IPv6 keys all have the configured tracking length), so only
/// the masked network is kept. IPv4 is stored in its IPv4-mapped IPv6 form (::ffff:a.b.c.d), which no IPv6
/// key can take: `IPAddress` folds mapped addresses to IPv4, and an IPv6 address outside ::ffff:0:0/96
/// masked to 32...128 bits never lands inside it. A hand-built `.v6` mapped address is the same host as
/// its IPv4 form, and counts as it.
struct TrackingKey: Hashable, Sendable {
    var high: UInt64
    var low: UInt64

    init(_ prefix: IPPrefix) {
        switch prefix.network {
        case .v4(let address):
            high = 0
            low = 0xFFFF_0000_0000 | UInt64(address.rawValue)
        case .v6(let address):
            high = address.high
            low = address.low
        }
    }
}
