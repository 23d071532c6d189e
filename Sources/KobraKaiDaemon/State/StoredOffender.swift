import KobraKaiAddress
import KobraKaiCore

/// What the daemon remembers about an address it banned, for progressive ban times: a repeat offender
/// gets a longer ban.
public struct StoredOffender: Hashable, Sendable {
    public var target: IPPrefix
    /// Bans so far (each counted ban adds one).
    public var offenceCount: Int
    public var lastBanAt: Timestamp
    public var lastBanDuration: Duration

    public init(target: IPPrefix, offenceCount: Int, lastBanAt: Timestamp, lastBanDuration: Duration) {
        self.target = target
        self.offenceCount = offenceCount
        self.lastBanAt = lastBanAt
        self.lastBanDuration = lastBanDuration
    }
}
