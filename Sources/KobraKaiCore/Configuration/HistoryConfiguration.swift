/// The `history` section: how long the state database keeps events and ban history for `kobrakai report`.
public struct HistoryConfiguration: Hashable, Sendable {
    /// Events and bans older than this are pruned (hourly).
    public var retention: Duration = .seconds(30 * 86_400)
    /// The most event rows kept (the ban history has the same cap); under a flood the oldest go first, and
    /// the report says how many were dropped. About 100 bytes a row: the default is ~100 MB at most.
    public var maximumEvents = 1_000_000

    public init() {}
}
