import KobraKaiAddress

/// Everything one step of the daemon changes, written in one transaction: the bans a tick decided, the
/// bans an operator lifted, and the log positions of the lines that led to them. A crash therefore never
/// leaves a position saved past lines whose bans were not recorded.
public struct StateChanges: Sendable {
    /// Bans to insert or refresh (same target: the new expiry and reason replace the old ones).
    public var bans: [BanRecord]
    /// Whether `bans` count as offences in the offender history (not for restores or operator bans).
    public var countAsOffences: Bool
    public var removedTargets: [IPPrefix]
    /// Log positions by configured path.
    public var positions: [String: FilePosition]
    /// Events observed since the last write, kept for reports (every ban in `bans` also joins the ban history).
    public var events: [StoredEvent]

    public init(
        bans: [BanRecord] = [], countAsOffences: Bool = true, removedTargets: [IPPrefix] = [],
        positions: [String: FilePosition] = [:], events: [StoredEvent] = []
    ) {
        self.bans = bans
        self.countAsOffences = countAsOffences
        self.removedTargets = removedTargets
        self.positions = positions
        self.events = events
    }

    public var isEmpty: Bool { bans.isEmpty && removedTargets.isEmpty && positions.isEmpty && events.isEmpty }
}
