/// A sliding-window request limit: at most `limit` requests in any `window`. APIBAN counts every request
/// of a key (pages of one poll, retries, "no new bans" answers alike), so the client asks this before each one.
public struct RequestBudget: Hashable, Sendable {
    public let limit: Int
    public let window: Duration
    /// Start times of the requests still inside the window, oldest first.
    private var recent: [ContinuousClock.Instant] = []

    public init(limit: Int, window: Duration) {
        precondition(limit > 0 && window > .zero, "request budget bounds")
        self.limit = limit
        self.window = window
    }

    /// How long to wait at `now` before the next request may start (zero when a slot is free).
    public func delay(at now: ContinuousClock.Instant) -> Duration {
        let inWindow = recent.filter { now - $0 < window }
        guard inWindow.count >= limit else { return .zero }
        // The oldest request of the last `limit` leaves the window first.
        return inWindow[inWindow.count - limit] + window - now
    }

    /// Notes a request started at `now`.
    public mutating func record(at now: ContinuousClock.Instant) {
        recent.removeAll { now - $0 >= window }
        recent.append(now)
    }

    /// Counts the window as fully spent from `now` (after a 429: the server says so).
    public mutating func exhaust(at now: ContinuousClock.Instant) {
        recent = Array(repeating: now, count: limit)
    }
}
