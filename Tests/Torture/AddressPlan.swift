import KobraKaiAddress

/// Which addresses play which part, chosen so that the answer key is exact:
/// every scored attacker and every flood source owns its /24 alone among banned hosts, so the daemon's
/// subnet escalation (on, as in production) never turns a host ban into a network ban that could cover
/// an address that must never be banned; forbidden addresses live in ranges no banned host shares.
enum AddressPlan {
    /// Log attackers: 100.64.0.0/11, attacker i at 100.64.0.0 + i·256 + 7 (8,192 of them at most).
    static func logAttacker(_ index: Int) -> IPAddress { v4(0x6440_0000 &+ UInt32(index % 8192) << 8 &+ 7) }
    /// AMI attackers: 100.96.0.0/11, one per /24.
    static func amiAttacker(_ index: Int) -> IPAddress { v4(0x6460_0000 &+ UInt32(index % 8192) << 8 &+ 9) }
    /// Attackers that write the injection lines (the real source of each line): 198.18.0.0/15, one per
    /// /24. Whether they are banned is not scored (an ambiguous line may rightly be refused), only that
    /// the victim they name never is.
    static func injector(_ index: Int) -> IPAddress { v4(0xC612_0000 &+ UInt32(index % 512) << 8 &+ 11) }
    /// Victims named by attacker-written text: 203.0.113.0/24 and 198.51.100.0/24. Never banned.
    static func victim(_ index: Int) -> IPAddress {
        let host = UInt32(index % 500) + 1
        return host <= 250 ? v4(0xCB00_7100 &+ host) : v4(0xC633_6400 &+ host - 250)
    }
    static let victimRanges = [IPPrefix("203.0.113.0/24")!, IPPrefix("198.51.100.0/24")!]
    /// LAN phones, allowlisted in the configuration: 192.168.10.0/24. They fail to register all the time.
    static func lanPhone(_ index: Int) -> IPAddress { v4(0xC0A8_0A00 &+ UInt32(index % 200) + 20) }
    static let lanRange = IPPrefix("192.168.10.0/24")!
    /// The host's own address, added to `lo` in the namespace: the daemon must find it and never ban it.
    static let ownAddress = IPAddress("10.99.0.1")!
    /// Sentinels: one high-severity line each, written before a copytruncate or a delete to learn that
    /// the daemon has read everything up to there. 100.124.0.0/14, one per /24.
    static func sentinel(_ index: Int) -> IPAddress { v4(0x647C_0000 &+ UInt32(index % 1024) << 8 &+ 5) }
    /// Flood sources: 24.0.0.0/8, sixteen per /24 (.1 … .16); source k is 24.(k/16 as two octets).(k%16+1).
    /// Only the first of each /24 (host .1) sends a high-severity event and must be banned; the fifteen
    /// others send one medium event each and must never be banned.
    static func flood(_ index: Int) -> IPAddress { v4(0x1800_0000 &+ UInt32(index / 16) << 8 &+ UInt32(index % 16) + 1) }
    static func floodIsBanned(_ index: Int) -> Bool { index % 16 == 0 }
    static let floodRange = IPPrefix("24.0.0.0/8")!

    /// Whether a banned address is one that must never be banned, and why.
    static func forbiddenReason(_ address: IPAddress) -> String? {
        if lanRange.contains(address) { return "allowlisted LAN phone" }
        if address == ownAddress { return "own address" }
        if victimRanges.contains(where: { $0.contains(address) }) { return "injection victim" }
        if floodRange.contains(address), case .v4(let v4) = address, v4.rawValue & 0xFF != 1 { return "flood single event" }
        return nil
    }

    private static func v4(_ raw: UInt32) -> IPAddress { .v4(IPv4Address(rawValue: raw)) }
}
