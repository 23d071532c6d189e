/// How much event and ban history the state database keeps: by age (pruned by `StatePruningService`)
/// and by rows (enforced in every write, so a flood cannot fill the disk between two prunes).
public struct HistoryLimits: Hashable, Sendable {
    public var retention: Duration
    /// The most event rows kept; the oldest go first (and are counted). Ban history has the same cap.
    public var maximumEvents: Int

    public init(retention: Duration = .seconds(30 * 86_400), maximumEvents: Int = 1_000_000) {
        self.retention = retention
        self.maximumEvents = max(1, maximumEvents)
    }
}
