import KobraKaiFirewall

/// Exponential reconnect delays with jitter.
///
/// The ceiling starts at `initial` and doubles with every consecutive failure up to `maximum`; `reset()`
/// after a healthy connection starts over. Jitter spreads the retries of many daemons (or of one daemon
/// whose PBX restarted) so they do not arrive in lockstep:
/// - `.full`: the wait is drawn uniformly from 0...ceiling (the AWS "full jitter" scheme: the lowest
///   expected load on a recovering server).
/// - `.equal`: from ceiling/2...ceiling, so the wait never shrinks below half the ceiling. Used after an
///   authentication failure, where a short wait would only repeat the same refused login.
struct ReconnectBackoff: Sendable, Hashable {
    enum Jitter: Sendable, Hashable {
        case full
        case equal
    }

    let initial: Duration
    let maximum: Duration
    let jitter: Jitter
    /// Consecutive failures since the last reset.
    private(set) var failures = 0

    init(initial: Duration, maximum: Duration, jitter: Jitter) {
        self.initial = max(initial, .milliseconds(1))
        self.maximum = max(maximum, self.initial)
        self.jitter = jitter
    }

    /// The ceiling the next `nextDelay` draws below.
    var ceiling: Duration {
        let initialMilliseconds = initial.milliseconds
        let maximumMilliseconds = maximum.milliseconds
        // Double by shifting, stopping before overflow or the maximum.
        var milliseconds = initialMilliseconds
        var doublings = failures
        while doublings > 0 && milliseconds < maximumMilliseconds {
            milliseconds = milliseconds > Int64.max / 2 ? Int64.max : milliseconds * 2
            doublings -= 1
        }
        return .milliseconds(min(milliseconds, maximumMilliseconds))
    }

    /// Records one more failure and returns how long to wait before the next attempt.
    mutating func nextDelay(using generator: inout some RandomNumberGenerator) -> Duration {
        let ceilingMilliseconds = ceiling.milliseconds
        failures += 1
        switch jitter {
        case .full:
            return .milliseconds(Int64.random(in: 0...ceilingMilliseconds, using: &generator))
        case .equal:
            return .milliseconds(Int64.random(in: (ceilingMilliseconds / 2)...ceilingMilliseconds, using: &generator))
        }
    }

    mutating func reset() { failures = 0 }
}
