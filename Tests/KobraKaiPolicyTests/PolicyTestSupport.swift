import KobraKaiAddress
import KobraKaiCore

/// A fixed epoch so that test times read as offsets in seconds.
let epochSeconds: Int64 = 1_780_000_000

func at(_ seconds: Double) -> Timestamp {
    Timestamp(millisecondsSinceEpoch: epochSeconds * 1000 + Int64((seconds * 1000).rounded()))
}

func ip(_ text: String) -> IPAddress {
    guard let address = IPAddress(text) else { fatalError("bad test address \(text)") }
    return address
}

func net(_ text: String) -> IPPrefix {
    guard let prefix = IPPrefix(text) else { fatalError("bad test prefix \(text)") }
    return prefix
}

func event(
    _ address: String, rule: String = "pjsip-invalid-password", severity: Severity = .medium,
    account: String? = nil, time: Timestamp? = nil
) -> SecurityEvent {
    SecurityEvent(
        time: time, address: ip(address), origin: .logFile, service: .pjsip, rule: rule, severity: severity,
        account: account)
}

func makePolicy(
    allowlist: Allowlist = Allowlist(), _ configure: (inout PolicyConfiguration) -> Void = { _ in }
) throws -> BanPolicy {
    var configuration = PolicyConfiguration()
    configure(&configuration)
    return try BanPolicy(configuration: configuration, allowlist: allowlist)
}

/// Feeds `count` copies of an event at one-second steps from `start`; returns all decisions.
func feed(
    _ policy: inout BanPolicy, _ sample: SecurityEvent, count: Int, start: Double = 0, step: Double = 1
) -> [BanDecision] {
    var decisions: [BanDecision] = []
    for index in 0..<count {
        decisions += policy.observe(sample, now: at(start + Double(index) * step))
    }
    return decisions
}

/// SplitMix64: a small, seedable generator so that property tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
