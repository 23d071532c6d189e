/// Exponential backoff with full jitter: each wait is drawn uniformly below a ceiling that doubles per
/// consecutive failure, so a fleet of hosts does not hammer a LAPI that just came back all at once.
public struct RetryBackoff: Hashable, Sendable {
    public var initial: Duration
    public var maximum: Duration
    public private(set) var failures = 0

    public init(initial: Duration = .seconds(1), maximum: Duration = .seconds(120)) {
        precondition(initial > .zero && maximum >= initial, "backoff bounds")
        self.initial = initial
        self.maximum = maximum
    }

    /// The current ceiling (before jitter).
    public var ceiling: Duration {
        var ceiling = initial
        for _ in 0..<min(failures, 40) where ceiling < maximum { ceiling *= 2 }
        return min(ceiling, maximum)
    }

    /// Records a failure and returns how long to wait before the next attempt.
    public mutating func nextDelay<G: RandomNumberGenerator>(using generator: inout G) -> Duration {
        let ceiling = self.ceiling
        failures += 1
        let nanoseconds = ceiling.nanosecondsClamped
        // Never zero: a LAPI answering 500 instantly must not turn the loop into a busy spin.
        let floor = min(nanoseconds, 10_000_000)
        return .nanoseconds(Int64.random(in: floor...nanoseconds, using: &generator))
    }

    public mutating func nextDelay() -> Duration {
        var generator = SystemRandomNumberGenerator()
        return nextDelay(using: &generator)
    }

    public mutating func reset() { failures = 0 }
}
