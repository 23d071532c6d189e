import KobraKaiAddress

/// What the policy remembers about one banned target, in a form the daemon can persist and restore
/// (so that progressive ban times and duplicate suppression survive a restart).
public struct OffenderRecord: Hashable, Sendable {
    public var target: IPPrefix
    /// Bans of this target within the history window, including the last one.
    public var offences: Int
    public var lastBan: Timestamp
    /// When the last ban ends; the policy suppresses new decisions for the target until then.
    public var bannedUntil: Timestamp

    public init(target: IPPrefix, offences: Int, lastBan: Timestamp, bannedUntil: Timestamp) {
        self.target = target
        self.offences = offences
        self.lastBan = lastBan
        self.bannedUntil = bannedUntil
    }

    /// True while the ban is in force at `now`.
    public func isActive(at now: Timestamp) -> Bool { bannedUntil > now }
}
