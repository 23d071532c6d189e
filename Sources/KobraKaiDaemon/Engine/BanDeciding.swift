import KobraKaiCore

/// The seam between the ban engine and the detection policy: the engine owns one value, feeds it every
/// event with the current time, and enforces what it returns. The real `BanPolicy` (KobraKaiCore) plugs in
/// through a small adapter; tests use a threshold counter.
public protocol BanDeciding: Sendable {
    mutating func observe(_ event: SecurityEvent, now: Timestamp) -> [EngineBan]
}
