import KobraKaiFirewall

/// A point in time as milliseconds since the Unix epoch (UTC).
///
/// The detection core never reads a clock: callers pass `now` in, and log parsers derive timestamps from
/// the line text plus a `TimeContext`. A plain integer keeps the core free of Foundation and makes
/// policy tests exact.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }

    public init(secondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = secondsSinceEpoch * 1000 }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch }

    public static func + (lhs: Self, rhs: Duration) -> Self {
        Timestamp(millisecondsSinceEpoch: lhs.millisecondsSinceEpoch + rhs.milliseconds)
    }

    public static func - (lhs: Self, rhs: Duration) -> Self {
        Timestamp(millisecondsSinceEpoch: lhs.millisecondsSinceEpoch - rhs.milliseconds)
    }

    /// The time elapsed from `other` to `self` (negative when `other` is later).
    public func since(_ other: Self) -> Duration {
        .milliseconds(millisecondsSinceEpoch - other.millisecondsSinceEpoch)
    }

    public var description: String { "\(millisecondsSinceEpoch)ms" }
}
