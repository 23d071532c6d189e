import KobraKaiAddress
import KobraKaiCore

/// The seam between the ban engine and the detection policy: the engine owns one value, feeds it every
/// event with the current time, and enforces what it returns. The real `BanPolicy` (KobraKaiCore) plugs in
/// through `CorePolicyAdapter`; tests use a threshold counter.
public protocol BanDeciding: Sendable {
    mutating func observe(_ event: SecurityEvent, now: Timestamp) -> [EngineBan]

    /// An operator lifted the ban on `target`: new events from it count again (its offence count stays).
    mutating func release(_ target: IPPrefix, now: Timestamp)

    /// Takes over `replacement`'s configuration on a reload while keeping what this one has learnt (offence
    /// history). Returns the targets this policy still holds banned that the new allowlist covers: the
    /// engine lifts them.
    mutating func adopt(_ replacement: any BanDeciding, now: Timestamp) -> [IPPrefix]
}

extension BanDeciding {
    public mutating func release(_ target: IPPrefix, now: Timestamp) {}

    public mutating func adopt(_ replacement: any BanDeciding, now: Timestamp) -> [IPPrefix] {
        if let replacement = replacement as? Self { self = replacement }
        return []
    }
}
