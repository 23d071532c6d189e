import KobraKaiAddress
import KobraKaiCore

/// A ban as the state database keeps it, so that it can be restored with its remaining time after a
/// restart, a reboot or a flushed ruleset.
public struct BanRecord: Hashable, Sendable {
    public var target: IPPrefix
    public var expiresAt: Timestamp
    /// Why: rule, count and window, as shown to operators.
    public var reason: String
    /// Who decided: `log`, `ami`, `operator`, ...
    public var origin: String
    public var createdAt: Timestamp

    public init(target: IPPrefix, expiresAt: Timestamp, reason: String, origin: String, createdAt: Timestamp) {
        self.target = target
        self.expiresAt = expiresAt
        self.reason = reason
        self.origin = origin
        self.createdAt = createdAt
    }

    /// Time left at `now`; zero or negative once expired.
    public func remaining(at now: Timestamp) -> Duration { expiresAt.since(now) }
}
